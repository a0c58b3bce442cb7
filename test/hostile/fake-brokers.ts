/**
 * Hostile and broken fake brokers, to show the harness stays sane against them: one that never
 * answers, one that answers garbage, one that floods (endlessly, with PUBLISH on a topic nobody
 * subscribed to), one that floods with what the scenario allows (endless copies of a PUBLISH on
 * the topic a client subscribed to), one that dies in the middle of a run.
 * Each is a TCP server on a free port of 127.0.0.1 that tracks and destroys its sockets on close.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { PacketDecoder, encode } from '../../harness/codec/index.js';

export type FakeBehaviour = 'silent' | 'garbage' | 'flood' | 'allowed-flood' | 'dies';

export interface FakeBroker {
  readonly port: number;
  readonly connections: number;
  /** 'dies': die now (stop listening, drop every connection), e.g. once a run has started. */
  die(): void;
  close(): Promise<void>;
}

const CONNACK = encode({ type: 'connack', sessionPresent: false, reasonCode: 0 }, 4);
/** PUBLISH packets a flooding broker sends per connection by default: no end (until the client goes). */
export const FLOOD_PACKETS = Number.POSITIVE_INFINITY;
const FLOOD_PUBLISH = encode({ type: 'publish', topic: 'flood', payload: Buffer.alloc(1024, 0x66), qos: 0, retain: false, dup: false }, 4);

export interface FakeBrokerOptions {
  /** 'dies': the broker dies once this many connections have been made (default 3; Infinity: only by `die()`). */
  dieAfterConnections?: number;
  /** 'flood', 'allowed-flood': PUBLISH packets sent per connection (default {@link FLOOD_PACKETS}: endless). */
  floodPackets?: number;
}

/** Writes the packet `count` times at the pace the socket drains (endless when Infinity). */
function flood(socket: Socket, packet: Buffer, count: number): void {
  let left = count;
  const pump = (): void => {
    while (!socket.destroyed && left > 0 && (left--, socket.write(packet)));
    if (!socket.destroyed && left > 0) socket.once('drain', pump);
  };
  pump();
}

export async function startFakeBroker(behaviour: FakeBehaviour, options: FakeBrokerOptions = {}): Promise<FakeBroker> {
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
          flood(socket, FLOOD_PUBLISH, options.floodPackets ?? FLOOD_PACKETS);
        });
        return;
      }
      case 'allowed-flood': {
        // CONNACK, a SUBACK granting each SUBSCRIBE, then endless copies of a PUBLISH on the first
        // filter subscribed (a topic filter without wildcards is also a topic): each copy is one
        // the subscriber may receive, so only the harness's own limit can stop it.
        const decoder = new PacketDecoder({ version: 4 });
        let flooding = false;
        socket.on('data', (chunk: Buffer) => {
          try {
            decoder.feed(chunk, (packet) => {
              if (packet.type === 'connect') socket.write(CONNACK);
              if (packet.type !== 'subscribe' || flooding) return;
              socket.write(encode({ type: 'suback', packetId: packet.packetId, reasonCodes: packet.subscriptions.map(() => 0) }, 4));
              const topic = packet.subscriptions[0]?.topicFilter ?? 'x';
              if (/[+#]/.test(topic)) return;
              flooding = true;
              const copy = encode({ type: 'publish', topic, payload: Buffer.alloc(1024, 0x61), qos: 0, retain: false, dup: false }, 4);
              flood(socket, copy, options.floodPackets ?? FLOOD_PACKETS);
            });
          } catch {
            socket.destroy();
          }
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
    die,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
