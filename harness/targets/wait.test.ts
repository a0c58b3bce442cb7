import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encode } from '../codec/index.js';
import { waitForConnack } from './connack-wait.js';
import { retryWithBackoff, waitForPort } from './url.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer(onConnection);
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const port = await listen(() => undefined);
  await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
  return port;
}

describe('retryWithBackoff: the targets\' one wait loop', () => {
  it('retries until an attempt succeeds, each attempt bounded, pausing between them', async () => {
    const bounds: number[] = [];
    const result = await retryWithBackoff(
      { timeoutMs: 5000, firstDelayMs: 1, maxDelayMs: 4, attemptMs: 300 },
      (boundMs) => {
        bounds.push(boundMs);
        return Promise.resolve(bounds.length < 4 ? `failure ${bounds.length}` : undefined);
      },
      (last) => `gave up: ${last}`,
    );
    expect(result).toBeUndefined();
    expect(bounds).toHaveLength(4);
    expect(bounds.every((b) => b > 0 && b <= 300)).toBe(true);
  });

  it('gives up at the deadline with the last failure in the reason', async () => {
    const result = await retryWithBackoff({ timeoutMs: 60, firstDelayMs: 5, maxDelayMs: 10, attemptMs: 20 }, () => Promise.resolve('refused'), (last) => `gave up: ${last}`);
    expect(result).toBe('gave up: refused');
  });

  it('stops with abort()\'s reason, checked before and after each attempt', async () => {
    let attempts = 0;
    const result = await retryWithBackoff(
      { timeoutMs: 5000, firstDelayMs: 1, maxDelayMs: 1, attemptMs: 100, abort: () => (attempts >= 2 ? 'the process exited' : undefined) },
      () => {
        attempts += 1;
        return Promise.resolve('refused');
      },
      () => 'deadline',
    );
    expect(result).toBe('the process exited');
    expect(attempts).toBe(2);
  });
});

describe('waitForPort and waitForConnack', () => {
  it('waitForPort resolves once the port accepts, and names the port when it never does', async () => {
    const port = await listen((s) => s.destroy());
    await expect(waitForPort('127.0.0.1', port, { timeoutMs: 2000 })).resolves.toBeUndefined();
    const dead = await closedPort();
    await expect(waitForPort('127.0.0.1', dead, { timeoutMs: 150 })).resolves.toMatch(new RegExp(`not accepting connections on 127\\.0\\.0\\.1:${dead} after 150 ms \\(last: .*ECONNREFUSED`));
  });

  it('waitForConnack needs a CONNACK, not an accept: a listener that closes at once is not ready until it answers', async () => {
    let connections = 0;
    const port = await listen((socket) => {
      connections += 1;
      // The first two connections are a port forwarder with nothing behind it: accepted, then closed.
      if (connections <= 2) {
        socket.destroy();
        return;
      }
      socket.once('data', () => socket.write(encode({ type: 'connack', sessionPresent: false, reasonCode: 0 }, 4)));
    });
    await expect(waitForConnack('127.0.0.1', port, { timeoutMs: 5000 })).resolves.toBeUndefined();
    expect(connections).toBe(3);
  });

  it('waitForConnack gives up with what came back last', async () => {
    const port = await listen((socket) => socket.destroy());
    await expect(waitForConnack('127.0.0.1', port, { timeoutMs: 200 })).resolves.toMatch(/^no CONNACK from 127\.0\.0\.1:\d+ within 200 ms \(last attempt: closed the connection without a CONNACK\)$/);
  });
});
