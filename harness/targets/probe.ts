import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { IClientOptions, IConnackPacket, MqttClient, IPublishPacket } from 'mqtt';
import { DecodeError, PacketDecoder, encode, toHex, type ProtocolVersion, type QoS } from '../codec/index.js';
import { connectorFor } from '../client/index.js';
import { TargetError, type Capabilities, type Credentials, type Endpoint, type ServerDeclarations } from './types.js';

/**
 * Asking a running broker what it is, before any scenario: first the sanity check (is there an
 * MQTT server at all: raw CONNECTs through our codec and transport), then the capability probe
 * (what it says about itself: MQTT.js). `settleCapabilities` (started.ts) runs both.
 */

// ---- The sanity check ------------------------------------------------------------------------

/**
 * Target sanity: before any scenario, is there an MQTT server at all? A CONNECT at each protocol
 * level (3.1.1, 5.0, 3.1) on its own connection; one CONNACK (accepting or refusing, any reason
 * code) proves it. Without one the run must stop with no verdict (exit 3), saying what came back.
 * Raw bytes rather than a client library, so the answer can be shown as it arrived.
 */

/** Bound on the whole check: every attempt runs at once, so this is also its worst-case duration. */
export const SANITY_TIMEOUT_MS = 2500;

/**
 * After this long without an answer, the 3.1.1 attempt sends an empty line: a server that reads
 * lines (HTTP, SMTP, ...) waits for one and then answers in its own protocol, which names it. An
 * MQTT server that has not answered a CONNECT by then has failed the check on that connection
 * anyway (the other levels' connections are left alone and may still bring a CONNACK).
 */
const NUDGE_MS = 1000;

export type SanityOutcome =
  | { kind: 'connack'; version: ProtocolVersion; bytes: Buffer }
  | { kind: 'silent' }
  | { kind: 'closed' }
  | { kind: 'bytes'; bytes: Buffer }
  | { kind: 'error'; message: string };

const LEVELS: readonly ProtocolVersion[] = [4, 5, 3];
const VERSION_NAME: Record<ProtocolVersion, string> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

function connectBytes(version: ProtocolVersion, credentials: Credentials | undefined): Buffer {
  return encode(
    {
      type: 'connect',
      protocolName: version === 3 ? 'MQIsdp' : 'MQTT',
      protocolVersion: version,
      clean: true,
      keepalive: 30,
      clientId: `mqttc-sanity-${randomBytes(4).toString('hex')}`,
      ...(credentials !== undefined ? { username: credentials.username, password: Buffer.from(credentials.password, 'utf8') } : {}),
    },
    version,
  );
}

/**
 * Whether the codec's refusal still shows a CONNACK: its fixed header read as one (type 2, flags
 * 0) before the rest was refused. A server answering in another level's format (a 3.1.1 CONNACK
 * to the 5.0 CONNECT) or with a flawed CONNACK is an MQTT server all the same; the scenarios
 * judge its CONNACK.
 */
function refusedConnack(error: unknown): boolean {
  return error instanceof DecodeError && error.packetType === 'connack' && error.code !== 'DECODE_RESERVED_FLAGS';
}

/** One CONNECT at `version`: what came back within `timeoutMs`. */
async function attempt(endpoint: Endpoint, version: ProtocolVersion, timeoutMs: number, credentials: Credentials | undefined, signal: AbortSignal): Promise<SanityOutcome> {
  const deadline = Date.now() + timeoutMs;
  let stream: Duplex;
  try {
    stream = await connectorFor(endpoint)(endpoint, timeoutMs);
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  return new Promise<SanityOutcome>((resolve) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: SanityOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(nudge);
      signal.removeEventListener('abort', onAbort);
      stream.destroy();
      resolve(outcome);
    };
    const onAbort = (): void => finish(received.length > 0 ? { kind: 'bytes', bytes: received } : { kind: 'silent' });
    const timer = setTimeout(onAbort, Math.max(1, deadline - Date.now()));
    const nudge = version === 4 ? setTimeout(() => received.length === 0 && !settled && stream.write('\r\n\r\n'), Math.min(NUDGE_MS, timeoutMs / 2)) : undefined;
    nudge?.unref();
    signal.addEventListener('abort', onAbort);
    // The answer is read by the codec at this attempt's level: the harness parses no bytes itself.
    const decoder = new PacketDecoder({ version });
    stream.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        decoder.feed(chunk, (packet) => finish(packet.type === 'connack' ? { kind: 'connack', version, bytes: received } : { kind: 'bytes', bytes: received }));
      } catch (error) {
        finish(refusedConnack(error) ? { kind: 'connack', version, bytes: received } : { kind: 'bytes', bytes: received });
      }
    });
    stream.on('error', () => finish(received.length > 0 ? { kind: 'bytes', bytes: received } : { kind: 'closed' }));
    stream.on('close', () => finish(received.length > 0 ? { kind: 'bytes', bytes: received } : { kind: 'closed' }));
    stream.write(connectBytes(version, credentials));
  });
}

/** A guess at what answered, from its first bytes. */
export function guessProtocol(bytes: Buffer): string | undefined {
  const text = bytes.subarray(0, 16).toString('latin1');
  if (/^HTTP\/\d/.test(text)) return 'looks like HTTP';
  // An HTTP/0.9-style answer (no status line) to a request line it could not parse: an HTML page.
  if (/^\s*<(!doctype html|html|head|body)/i.test(text)) return 'looks like HTTP (an HTML error page)';
  if ((bytes[0] === 0x15 || bytes[0] === 0x16) && bytes[1] === 0x03) return 'looks like TLS (connect with mqtts://)';
  if (text.startsWith('SSH-')) return 'looks like SSH';
  if (/^(\+OK|-ERR|-NOAUTH)/.test(text)) return 'looks like Redis or POP3';
  if (/^220[ -]/.test(text)) return 'looks like SMTP or FTP';
  if (/^AMQP/.test(text)) return 'looks like AMQP';
  return undefined;
}

/** One line saying what came back, for the error message. */
export function describeOutcomes(outcomes: readonly SanityOutcome[], timeoutMs: number): string {
  const bytes = outcomes.find((o): o is Extract<SanityOutcome, { kind: 'bytes' }> => o.kind === 'bytes');
  if (bytes !== undefined) {
    const shown = bytes.bytes.subarray(0, 16);
    const guess = guessProtocol(bytes.bytes);
    return `it answered with bytes that are not a CONNACK: ${toHex(shown)}${bytes.bytes.length > shown.length ? ' ...' : ''}${guess !== undefined ? ` (${guess})` : ''}`;
  }
  if (outcomes.some((o) => o.kind === 'closed')) return 'it closed the connection without answering';
  const error = outcomes.find((o): o is Extract<SanityOutcome, { kind: 'error' }> => o.kind === 'error');
  if (error !== undefined && outcomes.every((o) => o.kind === 'error')) return `no connection: ${error.message}`;
  return `nothing came back within ${timeoutMs} ms`;
}

/**
 * Sends a CONNECT at protocol levels 4, 5 and 3 at once and resolves as soon as one brings a
 * CONNACK. Otherwise throws `TargetError('TARGET_NOT_MQTT')` within `timeoutMs` (plus the
 * connection time), saying what came back: nothing, a close, or the first bytes in hex with a guess.
 */
export async function checkTargetSanity(endpoint: Endpoint, options: { timeoutMs?: number; credentials?: Credentials } = {}): Promise<{ version: ProtocolVersion }> {
  const timeoutMs = options.timeoutMs ?? SANITY_TIMEOUT_MS;
  const controller = new AbortController();
  const attempts = LEVELS.map((level) =>
    attempt(endpoint, level, timeoutMs, options.credentials, controller.signal).then((outcome) => {
      // The first CONNACK settles it; the other attempts stop at once.
      if (outcome.kind === 'connack') controller.abort();
      return outcome;
    }),
  );
  const outcomes = await Promise.all(attempts);
  const connack = outcomes.find((o): o is Extract<SanityOutcome, { kind: 'connack' }> => o.kind === 'connack');
  if (connack !== undefined) return { version: connack.version };
  // No connection at all (refused, a TLS handshake that failed, a certificate not trusted): the
  // broker is unreachable from here, which says nothing about whether it speaks MQTT.
  const errors = outcomes.filter((o): o is Extract<SanityOutcome, { kind: 'error' }> => o.kind === 'error');
  if (errors.length === outcomes.length && errors[0] !== undefined) {
    throw new TargetError('TARGET_UNREACHABLE', `cannot reach ${endpoint.url}: ${errors[0].message}`, errors.map((e) => e.message).join('\n'));
  }
  const what = describeOutcomes(outcomes, timeoutMs);
  const detail = outcomes.map((o, i) => `CONNECT at MQTT ${VERSION_NAME[LEVELS[i] ?? 4]}: ${o.kind === 'bytes' ? toHex(o.bytes.subarray(0, 32)) : o.kind === 'error' ? o.message : o.kind}`).join('\n');
  throw new TargetError('TARGET_NOT_MQTT', `${endpoint.url} is not an MQTT server: no CONNECT at any protocol level got a CONNACK; ${what}`, detail);
}

// ---- The capability probe --------------------------------------------------------------------

/**
 * Probing uses MQTT.js, an implementation independent of our codec and client, on purpose: the
 * capabilities that decide which scenarios apply must not depend on the code under test.
 */

export interface ProbeOptions {
  /** Bound for each connection attempt and each awaited answer (default 2000 ms). */
  timeoutMs?: number;
  /** Used when the broker refuses anonymous clients. */
  credentials?: Credentials;
  /** Probe `$SYS` (default true); false when the profile already says whether it exists and the version is known. */
  sys?: boolean;
}

export interface ProbeResult {
  /** Only what was observed; fields that could not be established are absent. */
  capabilities: Partial<Capabilities>;
  /** From `$SYS/broker/version` (e.g. "2.0.11"), when published. */
  version?: string;
  /** The full `$SYS/broker/version` payload, e.g. "mosquitto version 2.0.11". */
  versionText?: string;
  /** One line per finding, for the log and report. */
  notes: string[];
  /**
   * Set when no CONNECT could even be sent because the transport failed (TLS handshake or
   * certificate error, refused connection, WebSocket upgrade refused): the target is unreachable
   * as configured, which is not a broker verdict.
   */
  transportFailure?: string;
  /** Set when every CONNECT was refused as not authorised (return code 4 or 5, reason 0x86/0x87): the refusal. */
  authRefused?: string;
}

const AUTH_REFUSAL = /not authori[sz]ed|bad user ?name or password/i;

/** Errors that mean the bytes never reached an MQTT broker, as opposed to a broker answering badly. */
const TRANSPORT_ERROR = /certificate|self[- ]signed|SSL|TLS|handshake|alert|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|Unexpected server response/i;

function urlOf(endpoint: Endpoint): string {
  const path = endpoint.protocol === 'ws' || endpoint.protocol === 'wss' ? (endpoint.path ?? '/mqtt') : '';
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.protocol}://${host}:${endpoint.port}${path}`;
}

/** MQTT.js options for reaching `endpoint` at protocol level `version`: no reconnects, bounded connect. */
export function mqttJsOptions(endpoint: Endpoint, version: ProtocolVersion, timeoutMs: number, credentials?: Credentials): IClientOptions {
  const options: IClientOptions = {
    protocolVersion: version,
    protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
    clientId: `mqttc-probe-${randomBytes(5).toString('hex')}`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    keepalive: 30,
  };
  if (credentials !== undefined) {
    options.username = credentials.username;
    options.password = credentials.password;
  }
  if (endpoint.tls !== undefined) {
    options.rejectUnauthorized = endpoint.tls.rejectUnauthorized;
    if (endpoint.tls.ca !== undefined) options.ca = endpoint.tls.ca;
    if (endpoint.tls.cert !== undefined) options.cert = endpoint.tls.cert;
    if (endpoint.tls.key !== undefined) options.key = endpoint.tls.key;
    if (endpoint.tls.servername !== undefined) options.servername = endpoint.tls.servername;
  }
  return options;
}

/** Ends a client for good: MQTT.js leaves the socket open after a protocol error unless it is destroyed. */
function discard(client: MqttClient): void {
  client.end(true);
  client.stream?.destroy();
}

let mqttModule: Promise<typeof import('mqtt')> | undefined;

/**
 * MQTT.js, loaded by the first probe: every command that starts the CLI reaches this module through
 * the targets' index (for the sanity check, which needs only the codec), and loading MQTT.js costs
 * ~100 ms (about 80 modules) that `list`, `report`, `--help` and the sanity check never use.
 */
function loadMqtt(): Promise<typeof import('mqtt')> {
  mqttModule ??= import('mqtt');
  return mqttModule;
}

/** Connects at `version`; resolves the client when the broker accepts, `undefined` when it refuses or is silent. */
async function tryConnect(
  endpoint: Endpoint,
  version: ProtocolVersion,
  timeoutMs: number,
  credentials?: Credentials,
): Promise<{ client?: MqttClient; reason: string; connack?: IConnackPacket }> {
  const { connect } = await loadMqtt();
  return new Promise((resolve) => {
    const client = connect(urlOf(endpoint), mqttJsOptions(endpoint, version, timeoutMs, credentials));
    let settled = false;
    const finish = (ok: boolean, reason: string, connack?: IConnackPacket): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (ok) resolve(connack === undefined ? { client, reason } : { client, reason, connack });
      else {
        discard(client);
        resolve({ reason });
      }
    };
    const timer = setTimeout(() => finish(false, `no CONNACK within ${timeoutMs} ms`), timeoutMs + 100);
    client.once('connect', (connack: IConnackPacket) => finish(true, 'accepted', connack));
    client.once('error', (error: Error) => finish(false, error.message));
    client.once('close', () => finish(false, 'connection closed'));
  });
}

async function withBound<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

async function subscribeGranted(client: MqttClient, filter: string, qos: QoS, timeoutMs: number): Promise<number> {
  const granted = await withBound(client.subscribeAsync(filter, { qos }), timeoutMs, `SUBSCRIBE ${filter}`);
  const first = granted[0];
  if (first === undefined) throw new Error(`SUBACK for ${filter} granted nothing`);
  return first.qos;
}

/** Waits for the first message matching `accept`, or `undefined` after `timeoutMs`. */
async function nextMessage(client: MqttClient, accept: (topic: string, packet: IPublishPacket) => boolean, timeoutMs: number): Promise<IPublishPacket | undefined> {
  return new Promise((resolve) => {
    const onMessage = (topic: string, _payload: Buffer, packet: IPublishPacket): void => {
      if (!accept(topic, packet)) return;
      done(packet);
    };
    const done = (packet: IPublishPacket | undefined): void => {
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(packet);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    client.on('message', onMessage);
  });
}

const SYS_VERSION_GRACE_MS = 300;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * `sys` means the conventional `$SYS/broker/…` tree (Mosquitto's, which the `$SYS` scenarios
 * check); a broker publishing another layout (e.g. `$SYS/<id>/heartbeat`) is noted, not counted.
 */
async function probeSys(client: MqttClient, timeoutMs: number, notes: string[]): Promise<{ sys: boolean; versionText?: string }> {
  const versionMessage = nextMessage(client, (t) => t === '$SYS/broker/version', timeoutMs);
  const conventional = nextMessage(client, (t) => t.startsWith('$SYS/broker/'), timeoutMs);
  const anySys = nextMessage(client, (t) => t.startsWith('$SYS/'), timeoutMs);
  const granted = await subscribeGranted(client, '$SYS/#', 0, timeoutMs);
  if (granted >= 0x80) {
    notes.push('SUBSCRIBE $SYS/# refused');
    return { sys: false };
  }
  // Once any $SYS message has come, the rest of a retained tree follows at once: a short grace only.
  const some = await anySys;
  const grace = (): Promise<undefined> => delay(SYS_VERSION_GRACE_MS).then(() => undefined);
  const broker = some === undefined ? undefined : some.topic.startsWith('$SYS/broker/') ? some : await Promise.race([conventional, grace()]);
  const version = broker === undefined ? undefined : await Promise.race([versionMessage, grace()]);
  await withBound(client.unsubscribeAsync('$SYS/#'), timeoutMs, 'UNSUBSCRIBE $SYS/#');
  if (some === undefined) {
    notes.push(`no $SYS message within ${timeoutMs} ms`);
    return { sys: false };
  }
  if (broker === undefined) {
    notes.push(`$SYS published (e.g. ${some.topic}), but no $SYS/broker/ topic`);
    return { sys: false };
  }
  if (version === undefined) {
    notes.push('$SYS/broker/ published, but not $SYS/broker/version');
    return { sys: true };
  }
  const versionText = version.payload.toString('utf8');
  notes.push(`$SYS/broker/version: ${versionText}`);
  return { sys: true, versionText };
}

/**
 * Whether the broker accepts a CONNECT without credentials (at 3.1.1, else 5, else 3.1), for
 * credentials given on the command line; `transportFailure` when no CONNECT got through at all.
 */
export async function probeAnonymous(endpoint: Endpoint, timeoutMs = 2000): Promise<{ accepted: boolean; transportFailure?: string }> {
  for (const level of [4, 5, 3] as const) {
    const attempt = await tryConnect(endpoint, level, timeoutMs);
    if (attempt.client !== undefined) {
      await attempt.client.endAsync(true).catch(() => undefined);
      discard(attempt.client);
      return { accepted: true };
    }
    if (TRANSPORT_ERROR.test(attempt.reason)) return { accepted: false, transportFailure: attempt.reason };
    if (AUTH_REFUSAL.test(attempt.reason)) return { accepted: false };
  }
  return { accepted: false };
}

/** Extracts "2.0.11" from "mosquitto version 2.0.11" (or returns the text when no number appears). */
export function versionFromSysText(text: string): string {
  const match = /\d+\.\d+(?:\.\d+)?(?:[-+.][\w.]+)?/.exec(text);
  return match?.[0] ?? text.trim();
}

/** The capability-relevant properties of an MQTT 5 CONNACK (section 3.2.2.3): the server's own declarations. */
export function serverDeclarationsOf(connack: IConnackPacket | undefined): ServerDeclarations {
  const p = connack?.properties;
  const out: ServerDeclarations = {};
  if (p === undefined) return out;
  if (p.maximumQoS === 0 || p.maximumQoS === 1) out.maximumQoS = p.maximumQoS;
  if (typeof p.retainAvailable === 'boolean') out.retainAvailable = p.retainAvailable;
  if (typeof p.wildcardSubscriptionAvailable === 'boolean') out.wildcardSubscriptionAvailable = p.wildcardSubscriptionAvailable;
  if (typeof p.subscriptionIdentifiersAvailable === 'boolean') out.subscriptionIdentifiersAvailable = p.subscriptionIdentifiersAvailable;
  if (typeof p.sharedSubscriptionAvailable === 'boolean') out.sharedSubscriptionAvailable = p.sharedSubscriptionAvailable;
  if (typeof p.maximumPacketSize === 'number') out.maximumPacketSize = p.maximumPacketSize;
  if (typeof p.receiveMaximum === 'number') out.receiveMaximum = p.receiveMaximum;
  if (typeof p.topicAliasMaximum === 'number') out.topicAliasMaximum = p.topicAliasMaximum;
  return out;
}

/**
 * Finds out what a broker says about itself, never what it does: the protocol levels it accepts
 * (a CONNECT at 3, 4 and 5), what its MQTT 5 CONNACK declares (Maximum QoS, Retain Available,
 * Wildcard / Shared Subscription / Subscription Identifier Available, Maximum Packet Size,
 * Receive Maximum, Topic Alias Maximum), and whether `$SYS` is published (and
 * `$SYS/broker/version`). It does not observe retain, wildcards or granted QoS: a broker that
 * breaks a mandatory rule must be judged on it, not excused by a probe that saw it break it.
 * Never throws for a broker's answer; a broker that accepts no CONNECT yields an empty result with notes.
 */
export async function probe(endpoint: Endpoint, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const notes: string[] = [];
  const capabilities: Partial<Capabilities> = {};
  const levels = [3, 4, 5] as const;
  const attempts = await Promise.all(levels.map((level) => tryConnect(endpoint, level, timeoutMs, options.credentials)));
  const versions: ProtocolVersion[] = [];
  attempts.forEach((attempt, i) => {
    const level = levels[i];
    if (level === undefined) return;
    notes.push(`CONNECT at protocol level ${level}: ${attempt.reason}`);
    if (attempt.client !== undefined) versions.push(level);
  });
  const [c3, c4, c5] = attempts.map((a) => a.client);
  const main = c4 ?? c3 ?? c5;
  for (const other of [c3, c4, c5]) if (other !== undefined && other !== main) discard(other);
  if (main === undefined) {
    notes.push('the broker accepted no CONNECT; nothing else probed');
    const reasons = attempts.map((a) => a.reason);
    const transport = reasons.find((reason) => TRANSPORT_ERROR.test(reason));
    if (transport !== undefined) return { capabilities, notes, transportFailure: transport };
    const auth = reasons.find((reason) => AUTH_REFUSAL.test(reason));
    return auth === undefined ? { capabilities, notes } : { capabilities, notes, authRefused: auth };
  }
  capabilities.versions = versions;
  if (versions.includes(5)) {
    const declared = serverDeclarationsOf(attempts[2]?.connack);
    capabilities.serverDeclarations = declared;
    const listed = Object.entries(declared).map(([k, v]) => `${k} ${String(v)}`);
    notes.push(`MQTT 5 CONNACK declares: ${listed.length > 0 ? listed.join(', ') : 'nothing (protocol defaults)'}`);
    if (declared.maximumPacketSize !== undefined) capabilities.maxPacketSize = declared.maximumPacketSize;
  }
  const result: ProbeResult = { capabilities, notes };
  try {
    if (options.sys !== false) {
      const sys = await probeSys(main, timeoutMs, notes);
      capabilities.sys = sys.sys;
      if (sys.versionText !== undefined) {
        result.versionText = sys.versionText;
        result.version = versionFromSysText(sys.versionText);
      }
    }
  } catch (error) {
    notes.push(`probe stopped: ${(error as Error).message}`);
  } finally {
    await main.endAsync(true).catch(() => undefined);
    discard(main);
  }
  return result;
}
