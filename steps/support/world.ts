import { World, type IWorldOptions } from './cucumber.js';
import type {
  ConnackPacket,
  ConnectPacket,
  Packet,
  ProtocolVersion,
  PublishPacket,
  QoS,
  SubackPacket,
  Subscription,
  Will,
} from '../../harness/codec/index.js';
import {
  ClientConnectError,
  ClientUsageError,
  ExpectationError,
  FloodError,
  TestClient,
  filterMatchesTopic as filterMatches,
  TraceRecorder,
  type PacketPattern,
  type Rule,
} from '../../harness/client/index.js';
import { findUnaccountedOn, V5_NUMBERS } from './accounting.js';
import { ruleFor } from './catalogue.js';
import { notApplicable, parseVersion, scenarioVersion, workerTarget, type SuiteTarget } from './applicability.js';
import { MAX_PENDING_ENV, VERDICT_MEDIA_TYPE, VERSION_ENV, defaultTimeoutMs, maxPendingPackets } from './config.js';
import type { Endpoint } from '../../harness/targets/index.js';
import { scenarioEndpoint } from '../../harness/targets/started.js';
import { workerTraceBudget } from './trace-budget.js';

/** Options of a CONNECT built by the World; anything absent takes the scenario's default. */
export interface ConnectOptions {
  clean?: boolean;
  keepalive?: number;
  /** The literal client identifier (default: the scenario-unique id of the client's name). */
  clientId?: string;
  will?: Will;
  username?: string;
  password?: Buffer;
  protocolVersion?: ProtocolVersion;
  protocolName?: string;
  /**
   * Send no user name or password even when the target admits no anonymous client (by default
   * the World then logs in with the profile's `auth.valid`).
   */
  anonymous?: boolean;
}

/** Rule hints of the QoS flows, most specific first (the scenario's own tags decide which applies). */
export const QOS_FLOW_RULES = ['MQTT-3.3.4-1', 'MQTT-2.3.1-6', 'MQTT-4.3.2-2', 'MQTT-4.3.3-2', 'MQTT-4.3.3-1', 'MQTT-2.3.1-1'];

/**
 * Statements that state a general duty (close on any protocol violation, on ill-formed UTF-8, on
 * bad flags). A failure is reported under a scenario's more specific statement when it has one.
 */
const GENERIC_STATEMENTS = new Set(['MQTT-4.8.0-1', 'MQTT-2.2.2-2', 'MQTT-1.5.3-1', 'MQTT-3.1.4-1']);

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Random alphanumeric text: the characters every server must accept in a client id [MQTT-3.1.3-5]. */
export function randomAlnum(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALNUM[Math.floor(Math.random() * ALNUM.length)];
  return s;
}

/** Why a flood of packets the scenario allows (or one packet over the client's size limit) makes the scenario inconclusive. */
function floodReason(client: string, kind: FloodError['kind'], limit: number): string {
  const what =
    kind === 'packet-size'
      ? `a packet larger than the ${limit} bytes a test client reads`
      : `more than ${limit} ${kind === 'bytes' ? 'bytes of packets' : 'packets'} no step consumed, all of kinds the scenario allows`;
  return `the harness's limit was reached, not a rule: the broker sent "${client}" ${what}, so the client stopped reading${kind === 'packets' ? ` (${MAX_PENDING_ENV} raises the limit)` : ''}`;
}

/** What the Before hook hands the World. */
export interface ScenarioSetup {
  target: SuiteTarget;
  name: string;
  tags: readonly string[];
  version: ProtocolVersion;
}

/**
 * One World per scenario: the harness facade. It owns the scenario's clients (by logical name),
 * its unique client-id prefix and topic namespace (so scenarios run in parallel against one
 * broker), the shared packet trace, and the statement the scenario checks (for failure messages).
 */
export class MqttWorld extends World {
  private setupState: ScenarioSetup | undefined;
  /** 6 alphanumerics unique to this scenario run; prefixes client ids and topics. */
  readonly scenarioId = randomAlnum(6);
  readonly trace = new TraceRecorder();
  /** The current connection of each logical client. */
  readonly clients = new Map<string, TestClient>();
  /** Every connection the scenario opened, in order (reconnects add new ones). */
  readonly connections: TestClient[] = [];
  /** The last packet each client received through a step (for "acknowledges it"-style steps). */
  readonly lastReceived = new Map<string, Packet>();
  /** Publisher and QoS of the last message each (resolved) topic was published with: barrier source. */
  readonly lastPublisher = new Map<string, { client: string; qos: QoS }>();
  /** Scenario-scoped values steps share (e.g. the server-assigned state a later step compares). */
  readonly notes = new Map<string, unknown>();
  readonly timeoutMs = defaultTimeoutMs();
  readonly maxPending = maxPendingPackets();
  /** Set once the scenario was called inconclusive (a verdict attachment was made). */
  private inconclusive = false;
  /** Set once the failure attachment is written (steps/support/failure.ts). */
  failureAttached = false;
  private readonly ids = new Map<string, string>();
  private barrierCount = 0;

  constructor(options: IWorldOptions) {
    super(options);
  }

  /**
   * Sets the world up for a scenario on this worker's target (contract `ENV.target`): the version
   * it runs as, and the endpoint of the transport it needs. A scenario that does not apply gets the
   * not-applicable verdict attached and 'skipped' (the Before hook's result).
   */
  prepare(name: string, tags: readonly string[]): 'skipped' | undefined {
    const suiteTarget = workerTarget();
    // A @serial scenario runs on the target's isolated instance when it has one (hooks.ts, setParallelCanAssign).
    const target: SuiteTarget = tags.includes('@serial') && suiteTarget.isolated !== undefined ? suiteTarget.isolated : suiteTarget;
    const preferredText = process.env[VERSION_ENV];
    const version = scenarioVersion(tags, preferredText ? parseVersion(preferredText) : undefined);
    const na = notApplicable(tags, version, target.capabilities);
    if (na !== undefined || version === undefined) {
      // A declared exclusion travels with the verdict: the reports count and list those apart.
      const verdict = { verdict: 'not-applicable', reason: na?.reason ?? 'no version', ...(na?.exclusion !== undefined ? { exclusion: na.exclusion.capability } : {}) };
      this.attach(JSON.stringify(verdict), VERDICT_MEDIA_TYPE);
      return 'skipped';
    }
    // A @needs:tls / @needs:websocket scenario dials the target's endpoint of that transport, when it declares one.
    const endpoint = scenarioEndpoint(target.endpoint, target.capabilities, { tls: tags.includes('@needs:tls'), websocket: tags.includes('@needs:websocket') });
    this.setup({ target: endpoint === target.endpoint ? target : { ...target, endpoint }, name, tags, version });
    return undefined;
  }

  /** Sets the scenario up with a target of the caller's (prepare, and tests that build a World). */
  setup(setup: ScenarioSetup): void {
    this.setupState = setup;
  }

  /** False for a scenario the Before hook skipped (not applicable). */
  get hasSetup(): boolean {
    return this.setupState !== undefined;
  }

  private get state(): ScenarioSetup {
    if (!this.setupState) throw new ClientUsageError('the World was used before the Before hook set up the scenario');
    return this.setupState;
  }

  get target(): SuiteTarget {
    return this.state.target;
  }

  /** The protocol version this scenario runs as (3 = 3.1, 4 = 3.1.1, 5 = 5.0). */
  get version(): ProtocolVersion {
    return this.state.version;
  }

  get tags(): readonly string[] {
    return this.state.tags;
  }

  /** Statement ids the scenario is tagged with, in tag order. */
  get statements(): string[] {
    return this.state.tags.filter((t) => t.startsWith('@MQTT-')).map((t) => t.slice(1));
  }

  /** The scenario's topic namespace (first topic level of every logical topic). */
  get ns(): string {
    return `mqttc-${this.scenarioId}`;
  }

  /**
   * The client identifier of a logical client name: the scenario id plus the name's letters and
   * digits, at most 23 characters of [0-9a-zA-Z] so every server must accept it [MQTT-3.1.3-5].
   */
  clientIdOf(name: string): string {
    let id = this.ids.get(name);
    if (id === undefined) {
      const base = `${this.scenarioId}${name.replace(/[^0-9a-zA-Z]/g, '')}`.slice(0, 21);
      id = base;
      for (let n = 2; [...this.ids.values()].includes(id); n++) id = `${base}${n}`;
      this.ids.set(name, id);
    }
    return id;
  }

  /**
   * The real topic (or filter) of a logical one. `{ns}` is replaced by the namespace; a topic
   * starting with `$SYS` is used as written; any other is prefixed with `<ns>/`.
   */
  topic(logical: string): string {
    if (logical.includes('{ns}')) return logical.replaceAll('{ns}', this.ns);
    if (logical.startsWith('$SYS')) return logical;
    return `${this.ns}/${logical}`;
  }

  /** The current connection of a client; a clear error when no step opened one. */
  client(name: string): TestClient {
    const c = this.clients.get(name);
    if (!c) throw new ClientUsageError(`no client "${name}" in this scenario: a step must connect it first`);
    return c;
  }

  /**
   * The statement a failure is reported under: the first hint the scenario is tagged with, else
   * its first specific statement, else its first statement.
   */
  rule(hints: readonly string[] = []): Rule | undefined {
    const tagged = this.statements;
    const id = hints.find((h) => tagged.includes(h)) ?? tagged.find((t) => !GENERIC_STATEMENTS.has(t)) ?? tagged[0];
    const tags = this.setupState?.tags ?? [];
    const v5Only = tags.includes('@v5') && !tags.includes('@v3.1.1') && !tags.includes('@v3.1');
    return id === undefined ? undefined : ruleFor(id, v5Only ? '5.0' : '3.1.1');
  }

  /** The first line of a failure in a scenario that names no statement (optional behaviour). */
  get headline(): string {
    return `${this.tags.includes('@optional') ? 'Optional behaviour' : 'Behaviour'} not shown (no statement): ${this.state.name}`;
  }

  /** Runs an expectation, attributing an ExpectationError to the scenario's rule and the full trace. */
  async check<T>(hints: readonly string[], fn: () => Promise<T> | T): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof FloodError) throw await this.judgeFlood(e);
      if (e instanceof ExpectationError) throw e.withContext(this.rule(hints), this.trace.entries, this.headline);
      throw e;
    }
  }

  /**
   * A client was flooded (more received packets no step consumed than it holds). When the packets
   * it held break a rule (e.g. PUBLISH on a topic no subscription matches [MQTT-3.3.2-3]) the
   * scenario fails under that rule; when the scenario allows every one of them (copies on a
   * subscribed topic, say) only the harness's limit was reached, so the scenario is inconclusive
   * (a verdict attachment says why) and the error is returned unchanged.
   */
  async judgeFlood(e: FloodError): Promise<ExpectationError> {
    const client = [...this.connections].reverse().find((c) => c.name === e.client && c.flooded);
    // A packet over the client's size limit breaks no rule (MQTT allows 256 MB): always the harness's limit.
    const findings = client && this.hasSetup && e.kind !== 'packet-size' ? findUnaccountedOn(this, client) : [];
    const first = findings.find((f) => f.statement !== undefined) ?? findings[0];
    if (first === undefined) {
      await this.markInconclusive(floodReason(e.client, e.kind, e.limit));
      return e.withContext(this.rule(), this.trace.entries, this.headline);
    }
    const v5Only = this.tags.includes('@v5') && !this.tags.includes('@v3.1.1') && !this.tags.includes('@v3.1');
    const statement = first.statement !== undefined && v5Only ? (V5_NUMBERS[first.statement] ?? first.statement) : first.statement;
    const rule = statement !== undefined ? ruleFor(statement, v5Only ? '5.0' : '3.1.1') : this.rule();
    return new FloodError({
      ...(rule ? { rule } : { headline: this.headline }),
      expected: e.expected,
      received: `${e.received} (${findings.length} of them unaccounted for, the first: ${first.why})`,
      trace: this.trace.entries,
      limit: e.limit,
      kind: e.kind,
      client: e.client,
    });
  }

  /** Calls the scenario inconclusive (once), with the reason. */
  async markInconclusive(reason: string): Promise<void> {
    if (this.inconclusive) return;
    this.inconclusive = true;
    await this.attachVerdict('inconclusive', reason);
  }

  /**
   * End of a scenario that failed with a FloodError (`errorType`, the failing step's error class)
   * no step judged (a step that waited on the client directly): when every flooded connection
   * held only packets the scenario allows, the scenario is inconclusive, as {@link judgeFlood} says.
   * A scenario that failed for another reason keeps that verdict.
   */
  async judgeUnjudgedFloods(errorType: string | undefined): Promise<void> {
    if (errorType !== FloodError.name || this.inconclusive || !this.hasSetup) return;
    const flooded = this.connections.filter((c) => c.flooded !== undefined);
    const first = flooded[0];
    const f = first?.flooded;
    if (first === undefined || f === undefined) return;
    if (flooded.some((c) => c.flooded?.kind !== 'packet-size' && findUnaccountedOn(this, c).length > 0)) return;
    await this.markInconclusive(floodReason(first.name, f.kind, f.limit));
  }

  /** The scenario's trace as attachment JSON, cut to this scenario's share of the worker's trace budget. */
  traceAttachment(): string {
    return workerTraceBudget.attachment(this.trace.entries);
  }

  /** Fails the scenario with the rule, what was expected and what arrived. */
  fail(hints: readonly string[], expected: string, received: string): never {
    const rule = this.rule(hints);
    throw new ExpectationError({ expected, received, trace: this.trace.entries, ...(rule ? { rule } : { headline: this.headline }) });
  }

  /** Sends a packet on the client's connection; sending on a connection the server closed fails the step under the scenario's rule. */
  send(name: string, packet: Packet): void {
    const client = this.client(name);
    try {
      client.send(packet);
    } catch (e) {
      if (e instanceof ExpectationError) throw e.withContext(this.rule(), this.trace.entries, this.headline);
      throw e;
    }
  }

  /** Sends raw bytes on the client's connection (see {@link send}). */
  sendRaw(name: string, bytes: Uint8Array): void {
    const client = this.client(name);
    try {
      client.sendRaw(bytes);
    } catch (e) {
      if (e instanceof ExpectationError) throw e.withContext(this.rule(), this.trace.entries, this.headline);
      throw e;
    }
  }

  /** Cluster targets: the node endpoint a client name connects to (steps/cluster.ts); others use the target's endpoint. */
  readonly nodeOf = new Map<string, Endpoint>();

  /** Opens a new network connection for the client name (no MQTT packet sent). */
  async open(name: string): Promise<TestClient> {
    let client: TestClient;
    try {
      client = await TestClient.open(this.nodeOf.get(name) ?? this.target.endpoint, {
        name,
        version: this.version,
        trace: this.trace,
        timeoutMs: this.timeoutMs,
        ...(this.maxPending !== undefined ? { maxPending: this.maxPending } : {}),
      });
    } catch (e) {
      if (e instanceof ClientConnectError) {
        await this.markInconclusive(e.message);
      }
      throw e;
    }
    const previous = this.clients.get(name);
    if (previous && !previous.closed) previous.destroy();
    this.clients.set(name, client);
    this.connections.push(client);
    return client;
  }

  async attachVerdict(verdict: 'not-applicable' | 'inconclusive', reason: string): Promise<void> {
    this.attach(JSON.stringify({ verdict, reason }), VERDICT_MEDIA_TYPE);
  }

  /** The CONNECT the client would send: the scenario's version, its unique id, CleanSession 1, Keep Alive 60. */
  connectPacket(name: string, options: ConnectOptions = {}): ConnectPacket {
    const version = options.protocolVersion ?? this.version;
    const packet: ConnectPacket = {
      type: 'connect',
      protocolName: options.protocolName ?? (version === 3 ? 'MQIsdp' : 'MQTT'),
      protocolVersion: version,
      clean: options.clean ?? true,
      keepalive: options.keepalive ?? 60,
      clientId: options.clientId ?? this.clientIdOf(name),
    };
    if (options.will) packet.will = options.will;
    if (options.username !== undefined) packet.username = options.username;
    if (options.password !== undefined) packet.password = options.password;
    const auth = this.target.capabilities.auth;
    if (auth?.anonymousAllowed === false && options.username === undefined && options.password === undefined && options.anonymous !== true) {
      // A broker may admit no anonymous client (section 5.4.1, return code 0x05): log in with the
      // profile's credentials so that every other rule can be judged on it.
      packet.username = auth.valid.username;
      packet.password = Buffer.from(auth.valid.password);
    }
    return packet;
  }

  /** Opens a connection and sends CONNECT; the CONNACK is left for a step to expect. */
  async sendConnect(name: string, options: ConnectOptions = {}): Promise<TestClient> {
    const client = await this.open(name);
    client.send(this.connectPacket(name, options));
    return client;
  }

  /** Connects and requires the connection to be accepted (CONNACK return code 0) [MQTT-3.1.4-4]. */
  async connect(name: string, options: ConnectOptions = {}): Promise<ConnackPacket> {
    const client = await this.sendConnect(name, options);
    return this.check(['MQTT-3.1.4-4', 'MQTT-3.2.0-1'], () => client.expectNext({ type: 'connack', reasonCode: 0 }));
  }

  /** Subscribes and waits for the SUBACK with the same packet identifier; requires every filter granted. */
  async subscribe(name: string, subscriptions: Subscription[]): Promise<SubackPacket> {
    const client = this.client(name);
    const packetId = client.nextPacketId();
    client.send({ type: 'subscribe', packetId, subscriptions });
    const suback = await this.check(['MQTT-3.8.4-1', 'MQTT-3.8.4-2', 'MQTT-2.3.1-7'], () => client.expect({ type: 'suback', packetId }));
    const failed = suback.reasonCodes.findIndex((rc, i) => rc > (subscriptions[i]?.qos ?? 2));
    if (suback.reasonCodes.length !== subscriptions.length || failed >= 0) {
      this.fail(
        ['MQTT-3.8.4-5', 'MQTT-3.9.3-1', 'MQTT-3.8.4-1'],
        `SUBACK id=${packetId} granting each of ${subscriptions.map((s) => `${JSON.stringify(s.topicFilter)}@${s.qos}`).join(', ')} (a QoS no higher than requested)`,
        `SUBACK return codes [${suback.reasonCodes.map((c) => `0x${c.toString(16).padStart(2, '0')}`).join(', ')}]`,
      );
    }
    return suback;
  }

  /** Unsubscribes and waits for the UNSUBACK with the same packet identifier. */
  async unsubscribe(name: string, topicFilters: string[]): Promise<void> {
    const client = this.client(name);
    const packetId = client.nextPacketId();
    client.send({ type: 'unsubscribe', packetId, topicFilters });
    await this.check(['MQTT-3.10.4-4', 'MQTT-3.10.4-5', 'MQTT-2.3.1-7'], () => client.expect({ type: 'unsuback', packetId }));
  }

  /** Publishes and completes the QoS flow as the sender (PUBACK, or PUBREC/PUBREL/PUBCOMP). */
  async publish(name: string, topic: string, payload: Buffer | string, qos: QoS, retain = false): Promise<void> {
    const client = this.client(name);
    const packet: PublishPacket = { type: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: false };
    if (qos > 0) packet.packetId = client.nextPacketId();
    client.send(packet);
    this.lastPublisher.set(topic, { client: name, qos });
    await this.completeOutbound(name, packet);
  }

  /** The sender's side of a QoS 1/2 flow for a PUBLISH already sent. */
  async completeOutbound(name: string, packet: PublishPacket): Promise<void> {
    const client = this.client(name);
    const packetId = packet.packetId;
    if (packet.qos === 0 || packetId === undefined) return;
    if (packet.qos === 1) {
      await this.check(QOS_FLOW_RULES, () => client.expect({ type: 'puback', packetId }));
      return;
    }
    await this.check(QOS_FLOW_RULES, () => client.expect({ type: 'pubrec', packetId }));
    client.send({ type: 'pubrel', packetId });
    await this.check(QOS_FLOW_RULES, () => client.expect({ type: 'pubcomp', packetId }));
  }

  /** Waits for a PUBLISH matching the pattern; acknowledges it (completing QoS 2) unless told not to. */
  async receive(name: string, pattern: PacketPattern<'publish'>, options: { ack?: boolean; hints?: readonly string[] } = {}): Promise<PublishPacket> {
    const client = this.client(name);
    const packet = await this.check(options.hints ?? [], () => client.expect(pattern));
    this.lastReceived.set(name, packet);
    if (options.ack !== false) await this.acknowledge(name, packet);
    return packet;
  }

  /** The receiver's side of a QoS 1/2 flow: PUBACK, or PUBREC then (after the server's PUBREL) PUBCOMP. */
  async acknowledge(name: string, packet: PublishPacket): Promise<void> {
    const client = this.client(name);
    const packetId = packet.packetId;
    if (packet.qos === 0) return;
    if (packetId === undefined) this.fail(['MQTT-2.3.1-1'], 'a QoS>0 PUBLISH with a packet identifier', 'no packet identifier');
    if (packet.qos === 1) {
      client.send({ type: 'puback', packetId });
      return;
    }
    client.send({ type: 'pubrec', packetId });
    await this.check(['MQTT-4.3.3-1', 'MQTT-2.3.1-6', 'MQTT-3.6.1-1'], () => client.expect({ type: 'pubrel', packetId }));
    client.send({ type: 'pubcomp', packetId });
  }

  /**
   * Proves that `name` receives no PUBLISH matching the pattern, by barrier: a marker is published
   * after the forbidden message and must arrive first. The marker goes on the same topic from the
   * same publisher at the same QoS when the client is subscribed to it (the server keeps that
   * order [MQTT-4.6.0-6]); otherwise on a barrier topic the client is subscribed to (order across
   * topics is not guaranteed, so this can miss a late message but never fails a correct broker).
   */
  async expectNoPublish(name: string, pattern: PacketPattern<'publish'>, hints: readonly string[] = []): Promise<void> {
    const client = this.client(name);
    const topic = typeof pattern.topic === 'string' ? pattern.topic : undefined;
    // Only subscriptions made on this very connection count: whether older ones survived is
    // often what the scenario is testing.
    const subscribedTo = (t: string): boolean => this.activeFilters(client).some((f) => filterMatches(f, t));
    let barrierTopic: string;
    let publisher: string;
    let qos: QoS = 0;
    const last = topic !== undefined ? this.lastPublisher.get(topic) : undefined;
    if (topic !== undefined && subscribedTo(topic)) {
      barrierTopic = topic;
      const lastClient = last ? this.clients.get(last.client) : undefined;
      if (last && lastClient && !lastClient.closed && last.client !== name) {
        publisher = last.client;
        qos = last.qos;
      } else {
        publisher = await this.barrierClient();
      }
    } else {
      barrierTopic = this.topic(`~barrier/${this.clientIdOf(name)}`);
      if (!subscribedTo(barrierTopic)) await this.subscribe(name, [{ topicFilter: barrierTopic, qos: 0 }]);
      publisher = await this.barrierClient();
    }
    const marker = `~barrier ${++this.barrierCount}`;
    await this.publish(publisher, barrierTopic, marker, qos);
    const got = await this.check(hints, () =>
      client.expectNone(pattern, { until: { type: 'publish', topic: barrierTopic, payload: marker } }),
    );
    if (got && got.type === 'publish') await this.acknowledge(name, got);
  }

  /** A connected client used only to publish barrier markers. */
  private async barrierClient(): Promise<string> {
    const name = '~barrier';
    const existing = this.clients.get(name);
    if (!existing || existing.closed) await this.connect(name);
    return name;
  }

  /** The client identifier a connection announced in its CONNECT (undefined before one was sent). */
  clientIdOfConnection(client: TestClient): string | undefined {
    const connect = client.sent.find((p): p is ConnectPacket => p.type === 'connect');
    return connect?.clientId;
  }

  /** The filters this connection subscribed to and has not unsubscribed from. */
  activeFilters(client: TestClient): string[] {
    const active = new Set<string>();
    for (const p of client.sent) {
      if (p.type === 'subscribe') for (const s of p.subscriptions) active.add(s.topicFilter);
      if (p.type === 'unsubscribe') for (const f of p.topicFilters) active.delete(f);
    }
    return [...active];
  }

  /** Every topic filter any connection with this client identifier subscribed to in this scenario. */
  filtersOf(clientId: string | undefined): string[] {
    if (clientId === undefined) return [];
    const out: string[] = [];
    for (const c of this.connections) {
      if (this.clientIdOfConnection(c) !== clientId) continue;
      for (const p of c.sent) if (p.type === 'subscribe') out.push(...p.subscriptions.map((s) => s.topicFilter));
    }
    return out;
  }

  /**
   * Closes every connection (end of scenario), then ends every persistent session the scenario
   * created (a CleanSession 1 connection with its client identifier) so a long-lived broker does
   * not accumulate them. Clean-up failures are ignored: they are no verdict.
   */
  async closeAll(): Promise<void> {
    const persistent = new Map<string, ProtocolVersion>();
    for (const c of this.connections) {
      for (const p of c.sent) if (p.type === 'connect' && !p.clean && p.clientId !== '') persistent.set(p.clientId, p.protocolVersion);
    }
    await Promise.all(this.connections.map((c) => c.close()));
    if (!this.setupState) return;
    const endpoint = this.target.endpoint;
    await Promise.all(
      [...persistent].map(async ([clientId, version]) => {
        let c: TestClient | undefined;
        try {
          c = await TestClient.open(endpoint, { name: '~cleanup', version, timeoutMs: 1000, connectTimeoutMs: 1000 });
          c.send({ type: 'connect', protocolName: version === 3 ? 'MQIsdp' : 'MQTT', protocolVersion: version, clean: true, keepalive: 0, clientId });
          await c.expect({ type: 'connack' });
          c.send({ type: 'disconnect' });
          c.end();
          await c.waitClosed(500);
        } catch {
          // best effort
        } finally {
          c?.destroy();
        }
      }),
    );
  }
}
