import { World, type IWorldOptions } from '../../support/cucumber.js';
import type { ConnackPacket, Properties, PublishPacket } from '../../../harness/codec/index.js';
import { ClientUsageError, ExpectationError, TraceRecorder, type Rule } from '../../../harness/client/index.js';
import { AdapterError, ClientUnderTest, ScriptedServer, type AdapterCommand, type PeerConnection } from '../../../harness/server/index.js';
import { ruleFor } from '../../support/catalogue.js';
import { VERDICT_MEDIA_TYPE, defaultTimeoutMs } from '../../support/config.js';
import type { ClientUnderTestConfig } from './client-config.js';

/** Bound on an adapter's start-up (interpreter and library loading on a busy machine). */
const ADAPTER_START_MS = 20_000;
/** Bound on the client opening its connection once told to (a library may defer it briefly). */
const CONNECT_WITHIN_MS = 10_000;

/** What the client Before hook hands the World. */
export interface ClientScenarioSetup {
  client: ClientUnderTestConfig;
  name: string;
  tags: readonly string[];
  /** 4 = 3.1.1, 5 = 5.0. */
  version: 4 | 5;
}

/**
 * One World per client scenario: a scripted server on its own ephemeral port, the adapter of the
 * client under test started against it, the connection the steps talk to, and the packet trace.
 */
export class ClientWorld extends World {
  readonly trace = new TraceRecorder();
  readonly timeoutMs = defaultTimeoutMs();
  /** 6 characters unique to this scenario run: the client identifier the client is told to use. */
  readonly clientId = `mqttc${Math.random().toString(36).slice(2, 8)}`;
  /** The last PUBLISH the server received (for "it"-steps). */
  lastPublish: PublishPacket | undefined;
  /** The PUBLISH packets the server received, by payload (for steps naming several). */
  private readonly publishes = new Map<string, PublishPacket>();
  /** Keep Alive the client was told to use (seconds). */
  keepalive = 60;
  /** Set once the failure attachment is written (steps/support/failure.ts). */
  failureAttached = false;
  private setupState: ClientScenarioSetup | undefined;
  private serverState: ScriptedServer | undefined;
  private adapterState: ClientUnderTest | undefined;
  private connection: PeerConnection | undefined;

  constructor(options: IWorldOptions) {
    super(options);
  }

  async setup(setup: ClientScenarioSetup): Promise<void> {
    this.setupState = setup;
    this.serverState = await ScriptedServer.listen({ trace: this.trace, timeoutMs: this.timeoutMs });
    this.adapterState = await ClientUnderTest.start({ command: setup.client.command, host: this.serverState.host, port: this.serverState.port, trace: this.trace });
    // The program's start-up (an interpreter, a library loading) is no part of the client's
    // behaviour: wait for its greeting before any instruction is timed.
    const hello = await this.adapterState.nextEvent((e) => e.event === 'hello', ADAPTER_START_MS);
    if (hello === undefined) {
      throw new AdapterError(`the client adapter did not start within ${ADAPTER_START_MS} ms (no "hello" line)`, this.adapterState.stderrTail);
    }
  }

  get hasSetup(): boolean {
    return this.setupState !== undefined;
  }

  private get state(): ClientScenarioSetup {
    if (!this.setupState) throw new ClientUsageError('the World was used before the Before hook set up the scenario');
    return this.setupState;
  }

  get version(): 4 | 5 {
    return this.state.version;
  }

  get server(): ScriptedServer {
    if (!this.serverState) throw new ClientUsageError('no scripted server: the Before hook did not start one');
    return this.serverState;
  }

  get adapter(): ClientUnderTest {
    if (!this.adapterState) throw new ClientUsageError('no client adapter: the Before hook did not start one');
    return this.adapterState;
  }

  /** The connection of the client the steps talk to (the last one accepted). */
  get conn(): PeerConnection {
    if (!this.connection) throw new ClientUsageError('no connection from the client yet: a step must accept it first');
    return this.connection;
  }

  rememberPublish(p: PublishPacket): void {
    this.publishes.set(p.payload.toString('utf8'), p);
    this.lastPublish = p;
  }

  /** The PUBLISH of `payload` a step received before. */
  publishOf(payload: string): PublishPacket {
    const p = this.publishes.get(payload);
    if (!p) throw new ClientUsageError(`no PUBLISH of "${payload}" received before this step`);
    return p;
  }

  /** Instructs the adapter. */
  tell(cmd: AdapterCommand): void {
    this.adapter.command(cmd);
  }

  /** A topic of this scenario (the scripted server is private, so topics need no namespace). */
  topic(logical: string): string {
    return logical;
  }

  /** The statement a failure is reported under: the first hint the scenario is tagged with, else its first statement. */
  rule(hints: readonly string[] = []): Rule | undefined {
    const tagged = this.state.tags.filter((t) => t.startsWith('@MQTT-')).map((t) => t.slice(1));
    const id = hints.find((h) => tagged.includes(h)) ?? tagged[0];
    return id === undefined ? undefined : ruleFor(id, this.version === 5 ? '5.0' : '3.1.1');
  }

  get headline(): string {
    return `${this.state.tags.includes('@optional') ? 'Optional behaviour' : 'Behaviour'} not shown (no statement): ${this.state.name}`;
  }

  /** Runs an expectation, attributing an ExpectationError to the scenario's rule, with the full trace and the adapter's stderr. */
  async check<T>(hints: readonly string[], fn: () => Promise<T> | T): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ExpectationError) throw e.withContext(this.rule(hints), this.trace.entries, this.headline);
      throw e;
    }
  }

  /** Fails the scenario with the rule, what was expected and what arrived. */
  fail(hints: readonly string[], expected: string, received: string): never {
    const rule = this.rule(hints);
    throw new ExpectationError({ expected, received, trace: this.trace.entries, ...(rule ? { rule } : { headline: this.headline }) });
  }

  /** Takes the client's next connection and requires CONNECT as its first packet [MQTT-3.1.0-1]. */
  async acceptConnect(clean?: boolean): Promise<PeerConnection> {
    const c = await this.check(['MQTT-3.1.0-1'], () => this.server.accept({ timeoutMs: Math.max(this.timeoutMs, CONNECT_WITHIN_MS) }));
    this.connection = c;
    await this.check(['MQTT-3.1.0-1'], () => c.expectNext(clean === undefined ? { type: 'connect' } : { type: 'connect', clean }));
    return c;
  }

  /** Sends CONNACK on the current connection. */
  connack(sessionPresent: boolean, reasonCode = 0, properties?: Properties): void {
    const p: ConnackPacket = { type: 'connack', sessionPresent, reasonCode };
    if (properties && this.conn.version === 5) p.properties = properties;
    this.conn.send(p);
  }

  async attachVerdict(verdict: 'not-applicable' | 'inconclusive', reason: string): Promise<void> {
    this.attach(JSON.stringify({ verdict, reason }), VERDICT_MEDIA_TYPE);
  }

  /** Stops the adapter (by its PID) and the scripted server. */
  async stop(): Promise<void> {
    await this.adapterState?.stop().catch(() => undefined);
    await this.serverState?.close().catch(() => undefined);
  }
}
