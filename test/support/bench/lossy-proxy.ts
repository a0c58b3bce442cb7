import { connect, createServer, type Server, type Socket } from 'node:net';
import { PacketDecoder } from '../../../harness/codec/index.js';
import { DATA } from '../../../bench/load/index.js';

/**
 * A TCP proxy in front of a broker that drops every `every`-th QoS 0 data PUBLISH on its way to a
 * client (end markers pass), so a test knows exactly how many messages a "broker" lost.
 */
export interface LossyProxy {
  readonly port: number;
  dropped(): number;
  close(): Promise<void>;
}

export async function startLossyProxy(brokerHost: string, brokerPort: number, every: number): Promise<LossyProxy> {
  let seen = 0;
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: brokerHost, port: brokerPort });
    sockets.add(client).add(upstream);
    const decoder = new PacketDecoder({ version: 4 });
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      decoder.feed(chunk, (p, raw) => {
        if (p.type === 'publish' && p.qos === 0 && p.payload[0] === DATA && ++seen % every === 0) {
          dropped++;
          return;
        }
        client.write(Buffer.from(raw));
      });
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
