import { once } from 'node:events';
import { Session } from 'node:inspector/promises';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../harness/codec/index.js';
import { startBroker, type RunningBroker } from './index.js';

/*
 * Keeps the README's "A PUBLISH's path" honest (issue 16): the files of ours whose functions run for
 * one QoS 1 PUBLISH, 3.1.1, TCP, one QoS 1 subscriber online, measured with V8's precise coverage
 * (call counts reset right before the PUBLISH is written, read once the delivery and the PUBACK have
 * arrived). Raw sockets with bytes encoded beforehand: no client code of ours runs in the window.
 * Coverage sees functions only, so the README's list adds what a count of functions cannot show:
 * `harness/codec/tables.ts` (a table lookup) and the listener that accepted both sockets earlier.
 */
const EXPECTED = [
  'harness/codec/decode-packet.ts',
  'harness/codec/decoder.ts',
  'harness/codec/encode.ts',
  'harness/codec/reader.ts',
  'reference/auth/security.ts',
  'reference/connection.ts',
  'reference/delivery.ts',
  'reference/dispatcher.ts',
  'reference/handlers/publish.ts',
  'reference/routing.ts',
  'reference/session/memory-store.ts',
  'reference/session/types.ts',
  'reference/topic/subscription-tree.ts',
  'reference/topic/validate.ts',
];

let broker: RunningBroker;
const sockets: Socket[] = [];

async function client(clientId: string): Promise<Socket> {
  const socket = connect(broker.address.port, '127.0.0.1');
  sockets.push(socket);
  await once(socket, 'connect');
  socket.write(encode({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId }, 4));
  await once(socket, 'data'); // CONNACK
  return socket;
}

const publish = (packetId: number): Buffer => encode({ type: 'publish', topic: 'path/t', payload: Buffer.from('hello'), qos: 1, retain: false, dup: false, packetId }, 4);

beforeAll(async () => {
  broker = await startBroker({ port: 0, sysIntervalSeconds: 0 });
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await broker.close();
});

describe("a PUBLISH's path (reference/README.md)", () => {
  it('runs code in exactly the files the README lists', async () => {
    const sub = await client('path-sub');
    sub.write(encode({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'path/#', qos: 1 }] }, 4));
    await once(sub, 'data'); // SUBACK
    const pub = await client('path-pub');
    // One message through first, acknowledged, so that nothing runs for the first time in the window.
    pub.write(publish(1));
    await Promise.all([once(sub, 'data'), once(pub, 'data')]);
    sub.write(encode({ type: 'puback', packetId: 1 }, 4));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const message = publish(2);

    const session = new Session();
    session.connect();
    try {
      await session.post('Profiler.enable');
      await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
      await session.post('Profiler.takePreciseCoverage'); // resets the counters
      const delivered = Promise.all([once(sub, 'data'), once(pub, 'data')]); // the delivery, the PUBACK
      pub.write(message);
      await delivered;
      const { result } = await session.post('Profiler.takePreciseCoverage');
      const ran = new Set<string>();
      for (const script of result) {
        const path = /\/((?:reference|harness\/codec)\/[^?]*\.ts)/.exec(decodeURIComponent(script.url))?.[1];
        if (path === undefined || path.endsWith('.test.ts')) continue;
        // A named function: vitest's module runner wraps each module and each re-export of a barrel in anonymous accessors.
        if (script.functions.some((f) => f.functionName !== '' && (f.ranges[0]?.count ?? 0) > 0)) ran.add(path);
      }
      expect([...ran].sort()).toEqual(EXPECTED);
    } finally {
      await session.post('Profiler.stopPreciseCoverage');
      session.disconnect();
    }
  });
});
