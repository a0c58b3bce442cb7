import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startMutantProxy, type MutantProxy } from './mutant-proxy.js';

/**
 * The proxy stands for the broker behind it: a client must see its connection end no sooner than
 * the broker ended it, and get whatever the broker sent before that. A step such as "closes the
 * network connection without sending DISCONNECT" waits for that end before the scenario goes on.
 */
describe('the mutant proxy relays half-closes', () => {
  let server: net.Server | undefined;
  let proxy: MutantProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it('a client FIN reaches the broker, and what the broker sends before ending still reaches the client', async () => {
    const brokerSawEnd = new Promise<void>((resolveEnd) => {
      server = net.createServer({ allowHalfOpen: true }, (socket) => {
        socket.resume();
        socket.on('end', () => {
          resolveEnd();
          // After the client's FIN, as a broker delivering one more message before it notices: a PINGRESP.
          socket.end(Buffer.from([0xd0, 0x00]));
        });
      });
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    proxy = await startMutantProxy((server?.address() as net.AddressInfo).port, {});

    const client = net.connect({ host: '127.0.0.1', port: proxy.port, allowHalfOpen: true });
    await new Promise<void>((r) => client.once('connect', r));
    const received: Buffer[] = [];
    client.on('data', (b: Buffer) => received.push(b));
    const clientEnded = new Promise<void>((r) => client.once('end', r));
    const order: string[] = [];
    void brokerSawEnd.then(() => order.push('broker saw the FIN'));
    void clientEnded.then(() => order.push('client saw the end'));
    client.end();
    await Promise.all([brokerSawEnd, clientEnded]);
    client.destroy();

    expect(order).toEqual(['broker saw the FIN', 'client saw the end']);
    expect(Buffer.concat(received)).toEqual(Buffer.from([0xd0, 0x00]));
  });
});
