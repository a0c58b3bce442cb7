import { createServer, connect, type Socket } from 'node:net';

/** Hosts that mean "every interface" when a server reports its bound address; clients use loopback instead. */
const UNSPECIFIED_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

/** The host a client should dial for a server bound to `host`. */
export function dialableHost(host: string): string {
  return UNSPECIFIED_HOSTS.has(host) ? '127.0.0.1' : host;
}

/**
 * A TCP port that was free a moment ago on `host` (bind port 0, read it, close).
 * Another process may take it before the broker binds it; process targets retry on that.
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`could not read the port bound on ${host}`));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

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

/**
 * Waits until host:port accepts a TCP connection. Retries with a short, growing back-off (a
 * broker process gives no event when its listener is up, so a bounded connect loop is the proof).
 * Resolves with `undefined` when accepting, or the reason it stopped: timeout or `abort()`.
 */
export async function waitForPort(host: string, port: number, options: WaitForPortOptions): Promise<string | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 10;
  let last = 'no attempt made';
  for (;;) {
    const aborted = options.abort?.();
    if (aborted !== undefined) return aborted;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return `not accepting connections on ${host}:${port} after ${options.timeoutMs} ms (last: ${last})`;
    const outcome = await tryTcpConnect(host, port, Math.min(1000, remaining));
    if (outcome.ok) return undefined;
    last = outcome.error.message;
    const abortedAfter = options.abort?.();
    if (abortedAfter !== undefined) return abortedAfter;
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, 200);
  }
}
