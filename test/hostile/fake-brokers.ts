/**
 * Hostile and broken fake brokers, to show the harness stays sane against them: one that never
 * answers, one that answers garbage, one that floods, one that dies in the middle of a run.
 * Each is a TCP server on a free port of 127.0.0.1 that tracks and destroys its sockets on close.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { encode } from '../../harness/codec/index.js';

export type FakeBehaviour = 'silent' | 'garbage' | 'flood' | 'dies';

export interface FakeBroker {
  readonly port: number;
  readonly connections: number;
  close(): Promise<void>;
}

const CONNACK = encode({ type: 'connack', sessionPresent: false, reasonCode: 0 }, 4);
/** 300 KiB of unrequested PUBLISH per connection. */
export const FLOOD_PACKETS = 300;
const FLOOD_PUBLISH = encode({ type: 'publish', topic: 'flood', payload: Buffer.alloc(1024, 0x66), qos: 0, retain: false, dup: false }, 4);

export async function startFakeBroker(behaviour: FakeBehaviour, options: { dieAfterConnections?: number } = {}): Promise<FakeBroker> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let server: Server;
  const dieAfter = options.dieAfterConnections ?? 3;
  const die = (): void => {
    server.close();
    for (const s of sockets) s.destroy();
  };
  server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    switch (behaviour) {
      case 'silent':
        socket.on('data', () => undefined); // reads everything, answers nothing
        return;
      case 'garbage':
        socket.once('data', () => socket.write(Buffer.from('ff ff ff ff 00 13 37 de ad be ef'.replace(/ /g, ''), 'hex')));
        return;
      case 'flood': {
        socket.once('data', () => {
          socket.write(CONNACK);
          // PUBLISH after PUBLISH at the pace the socket drains, FLOOD_PACKETS per connection (the
          // harness records every packet it receives: an endless flood is a memory test of its own).
          let left = FLOOD_PACKETS;
          const pump = (): void => {
            while (!socket.destroyed && left > 0 && (left--, socket.write(FLOOD_PUBLISH)));
            if (!socket.destroyed && left > 0) socket.once('drain', pump);
          };
          pump();
        });
        return;
      }
      case 'dies':
        socket.once('data', () => {
          socket.write(CONNACK);
          if (connections >= dieAfter) setImmediate(die);
        });
        socket.on('data', () => undefined);
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    port: address.port,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
