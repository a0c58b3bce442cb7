import { connect } from 'node:net';
import { encode, PacketDecoder } from '../codec/index.js';
import { retryWithBackoff } from './url.js';

/**
 * Waits until an MQTT server at host:port answers a CONNECT with a CONNACK (any return code: a
 * broker that refuses anonymous clients is still up). A TCP accept alone proves nothing for a
 * container: the runtime's port forwarder accepts before the broker in the container listens.
 * Resolves `undefined` once answered, or the reason it gave up: the deadline or `abort()`.
 */
export function waitForConnack(
  host: string,
  port: number,
  options: { timeoutMs: number; abort?: () => string | undefined },
): Promise<string | undefined> {
  return retryWithBackoff(
    { ...options, firstDelayMs: 20, maxDelayMs: 250, attemptMs: 2000 },
    (boundMs) => connackOnce(host, port, boundMs),
    (last) => `no CONNACK from ${host}:${port} within ${options.timeoutMs} ms (last attempt: ${last})`,
  );
}

/** One MQTT 3.1.1 CONNECT (clean session, empty client id); `undefined` when a CONNACK came back. */
function connackOnce(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const decoder = new PacketDecoder({ version: 4 });
    let settled = false;
    const done = (result: string | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => {
      socket.write(encode({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 30, clientId: '' }, 4));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.feed(chunk, (packet) => done(packet.type === 'connack' ? undefined : `answered CONNECT with ${packet.type.toUpperCase()}`));
      } catch (error) {
        done(`not MQTT: ${(error as Error).message}`);
      }
    });
    socket.once('error', (error) => done(error.message));
    socket.once('close', () => done('closed the connection without a CONNACK'));
  });
}
