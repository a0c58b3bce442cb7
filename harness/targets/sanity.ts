import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { encode, toHex, type ProtocolVersion } from '../codec/index.js';
import { connectorFor } from '../client/index.js';
import { TargetError, type Credentials, type Endpoint } from './types.js';

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

/** True for the start of a CONNACK: type 2, flags 0, then a Remaining Length of at least 2. */
function looksLikeConnack(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x20 && (bytes[1] ?? 0) >= 2;
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
    stream.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (looksLikeConnack(received)) finish({ kind: 'connack', version, bytes: received });
      else if (received.length >= 2 || received[0] !== 0x20) finish({ kind: 'bytes', bytes: received });
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
