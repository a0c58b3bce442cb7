import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { BrokerProfile } from './profile-schema.js';
import { createStartedTarget, settleCapabilities } from './started.js';
import { TargetError, type Credentials, type Endpoint, type StartedTarget, type Target } from './types.js';

/**
 * A broker at a URL: the endpoint parsed from `mqtt://`, `mqtts://`, `ws://` or `wss://` (with its
 * credentials and TLS material), reaching an endpoint over TCP (also how process targets wait
 * for their port), and the URL target kind, a broker already running there.
 */

const DEFAULT_PORTS: Record<Endpoint['protocol'], number> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };

/** TLS material for mqtts:// and wss:// targets: file paths, read at resolve time. */
export interface TlsFileOptions {
  /** PEM file of the CA that signed the broker's certificate. */
  ca?: string;
  /** PEM file of the client certificate (with `key`). */
  cert?: string;
  /** PEM file of the client certificate's private key. */
  key?: string;
  /** Accept any server certificate (self-signed test brokers). */
  insecure?: boolean;
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new TargetError('TARGET_CONFIG', `cannot read the ${what} file ${path}: ${(error as Error).message}`, path);
  }
}

/**
 * Parses `mqtt://host:port`, `mqtts://…`, `ws://host:port/path`, `wss://…` into an Endpoint.
 * Throws `TargetError('TARGET_CONFIG')` for anything else.
 */
export function parseEndpointUrl(spec: string, tls: TlsFileOptions = {}): Endpoint {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new TargetError('TARGET_CONFIG', `not a broker URL: ${JSON.stringify(redactUrl(spec))} (expected mqtt://host:port, mqtts://, ws:// or wss://)`, spec);
  }
  const protocol = url.protocol.replace(/:$/, '');
  if (protocol !== 'mqtt' && protocol !== 'mqtts' && protocol !== 'ws' && protocol !== 'wss') {
    throw new TargetError('TARGET_CONFIG', `unsupported URL scheme "${protocol}:" in ${redactUrl(spec)} (expected mqtt, mqtts, ws or wss)`, redactUrl(spec));
  }
  if (url.hostname === '') throw new TargetError('TARGET_CONFIG', `no host in ${redactUrl(spec)}`, redactUrl(spec));
  // User and password (`mqtt://user:pass@host`) are read by credentialsFromUrl; the endpoint's url never shows them.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? DEFAULT_PORTS[protocol] : Number(url.port);
  const endpoint: Endpoint = { url: '', protocol, host, port };
  const isWs = protocol === 'ws' || protocol === 'wss';
  if (isWs) endpoint.path = url.pathname === '' || url.pathname === '/' ? '/mqtt' : url.pathname;
  else if (url.pathname !== '' && url.pathname !== '/') {
    throw new TargetError('TARGET_CONFIG', `a path (${url.pathname}) makes no sense in an ${protocol}:// URL: ${redactUrl(spec)}`, redactUrl(spec));
  }
  const secure = protocol === 'mqtts' || protocol === 'wss';
  const anyTls = tls.ca !== undefined || tls.cert !== undefined || tls.key !== undefined || tls.insecure === true;
  if (!secure && anyTls) {
    throw new TargetError('TARGET_CONFIG', `--ca, --cert, --key and --insecure apply to mqtts:// and wss:// only, not ${redactUrl(spec)}`, redactUrl(spec));
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new TargetError('TARGET_CONFIG', 'a client certificate needs both --cert and --key', tls.cert ?? tls.key);
  }
  if (secure) {
    const material: NonNullable<Endpoint['tls']> = { rejectUnauthorized: tls.insecure !== true };
    if (tls.ca !== undefined) material.ca = readPem(tls.ca, 'CA');
    if (tls.cert !== undefined) material.cert = readPem(tls.cert, 'client certificate');
    if (tls.key !== undefined) material.key = readPem(tls.key, 'client key');
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(host) && !host.includes(':')) material.servername = host;
    endpoint.tls = material;
  }
  const printableHost = host.includes(':') ? `[${host}]` : host;
  endpoint.url = `${protocol}://${printableHost}:${port}${isWs ? (endpoint.path ?? '') : ''}`;
  return endpoint;
}

/**
 * The credentials of `mqtt://user:pass@host:port` (percent-decoded, as MQTT.js and
 * `mosquitto_sub -L` read them), or undefined when the URL has none. A user without a password
 * is a user with an empty password, as in MQTT.js.
 */
export function credentialsFromUrl(spec: string): Credentials | undefined {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    return undefined;
  }
  if (url.username === '' && url.password === '') return undefined;
  if (url.username === '') throw new TargetError('TARGET_CONFIG', `a password without a user name in ${redactUrl(spec)}`, redactUrl(spec));
  return { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

/** `spec` with any password replaced by `***`, for messages and reports. */
export function redactUrl(spec: string): string {
  return spec.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

// ---- Reaching an endpoint over TCP ----------------------------------------------------------

export type ConnectOutcome = { ok: true } | { ok: false; error: Error };

/** One TCP connect to host:port, bounded by `timeoutMs`; the socket is closed right after. Never rejects. */
export async function tryTcpConnect(host: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  return new Promise<ConnectOutcome>((resolve) => {
    let settled = false;
    const socket: Socket = connect({ host, port });
    const finish = (outcome: ConnectOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ ok: false, error: new Error(`no TCP connection to ${host}:${port} within ${timeoutMs} ms`) }),
      timeoutMs,
    );
    socket.once('connect', () => finish({ ok: true }));
    socket.once('error', (error: Error) => finish({ ok: false, error }));
  });
}

export interface WaitForPortOptions {
  /** Give up after this long overall. */
  timeoutMs: number;
  /** Checked between attempts: return a reason to stop waiting (e.g. the process exited). */
  abort?: () => string | undefined;
}

/** How {@link retryWithBackoff} paces its attempts. */
export interface RetryOptions extends WaitForPortOptions {
  /** Pause after the first failed attempt; it doubles after each one, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Bound of one attempt (less when the deadline is nearer). */
  attemptMs: number;
}

/**
 * Runs `attempt` (its bound in ms; resolves `undefined` on success, else what went wrong) until it
 * succeeds, `abort()` gives a reason, or the deadline passes; then `gaveUp(last failure)` is the
 * reason. The one wait loop of the targets: for a listening port and for a CONNACK.
 */
export async function retryWithBackoff(
  options: RetryOptions,
  attempt: (boundMs: number) => Promise<string | undefined>,
  gaveUp: (last: string) => string,
): Promise<string | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = options.firstDelayMs;
  let last = 'no attempt made';
  for (;;) {
    const aborted = options.abort?.();
    if (aborted !== undefined) return aborted;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return gaveUp(last);
    const failure = await attempt(Math.min(options.attemptMs, remaining));
    if (failure === undefined) return undefined;
    last = failure;
    const abortedAfter = options.abort?.();
    if (abortedAfter !== undefined) return abortedAfter;
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, options.maxDelayMs);
  }
}

/**
 * Waits until host:port accepts a TCP connection. Retries with a short, growing back-off (a
 * broker process gives no event when its listener is up, so a bounded connect loop is the proof).
 * Resolves with `undefined` when accepting, or the reason it stopped: timeout or `abort()`.
 */
export function waitForPort(host: string, port: number, options: WaitForPortOptions): Promise<string | undefined> {
  return retryWithBackoff(
    { ...options, firstDelayMs: 10, maxDelayMs: 200, attemptMs: 1000 },
    async (boundMs) => {
      const outcome = await tryTcpConnect(host, port, boundMs);
      return outcome.ok ? undefined : outcome.error.message;
    },
    (last) => `not accepting connections on ${host}:${port} after ${options.timeoutMs} ms (last: ${last})`,
  );
}

// ---- The URL target kind ---------------------------------------------------------------------

/** How long a URL target may take to accept a TCP connection before it is reported unreachable. */
export const REACHABILITY_TIMEOUT_MS = 3000;

/**
 * Env var: keep retrying a URL target's TCP connect for up to this many ms (for brokers that are
 * still starting, as in docker compose). Unset: one attempt bounded by REACHABILITY_TIMEOUT_MS.
 */
export const WAIT_ENV = 'MQTT_CONFORMANCE_WAIT_MS';

function waitFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[WAIT_ENV];
  if (text === undefined || text === '') return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0) throw new TargetError('TARGET_CONFIG', `${WAIT_ENV} must be a whole number of milliseconds, got ${JSON.stringify(text)}`, WAIT_ENV);
  return ms;
}

/** A broker already running somewhere: nothing to start; `start()` checks it is reachable, then probes it. */
export class UrlTarget implements Target {
  readonly kind = 'url';
  constructor(
    readonly endpoint: Endpoint,
    private readonly profile?: BrokerProfile,
    private readonly reachabilityTimeoutMs = REACHABILITY_TIMEOUT_MS,
  ) {}

  async start(): Promise<StartedTarget> {
    const { host, port, url } = this.endpoint;
    const waitMs = waitFromEnv(process.env);
    if (waitMs !== undefined && waitMs > 0) {
      const problem = await waitForPort(host, port, { timeoutMs: waitMs });
      if (problem !== undefined) throw new TargetError('TARGET_UNREACHABLE', `broker ${url} is unreachable: ${problem}`, problem);
    } else {
      const outcome = await tryTcpConnect(host, port, this.reachabilityTimeoutMs);
      if (!outcome.ok) {
        throw new TargetError('TARGET_UNREACHABLE', `broker ${url} is unreachable: ${outcome.error.message}`, outcome.error.message);
      }
    }
    const { capabilities, version } = await settleCapabilities(this.endpoint, this.profile);
    const description = { name: this.profile?.name ?? url, url, kind: 'url' as const };
    return createStartedTarget({
      endpoint: this.endpoint,
      capabilities,
      description: version === undefined ? description : { ...description, version },
      release: async () => undefined,
    });
  }
}
