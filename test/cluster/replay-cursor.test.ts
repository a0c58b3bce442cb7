import { connect as netConnect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../harness/codec/index.js';
import { findFreePort } from '../../harness/targets/net.js';
import { sessionKey } from '../../reference/cluster/keys.js';
import { startBroker, type RunningBroker } from '../../reference/index.js';
import { REDIS_INSTALL_HINT, redisServerAvailable, startLocalRedis, type LocalRedis } from '../../reference/target/redis-server.js';
import { NodeProcess } from './node-process.js';

/*
 * The replay cursor of a persistent session in Redis (where its queue starts in the shared log)
 * never passes a message the session has not had yet, at any moment a node can die. The node that
 * loads a resuming session queues the messages after the cursor; until they are in flight (each
 * journalled), the cursor must stay where it was. The kill -9 test met the opposite: loading the
 * session journalled it as new, with the cursor at the loading node's log position, and a node
 * killed before the CONNACK left a few acknowledged messages missing at one subscriber.
 * Here node b is killed at the first change of the cursor after it starts loading the session, and
 * the session, resumed on node a, must still get every message.
 */
const QUEUED = 3000;

describe.skipIf(!redisServerAvailable())(`cluster: the replay cursor never passes an undelivered message (${redisServerAvailable() ? 'redis-server found' : REDIS_INSTALL_HINT})`, () => {
  let redis: LocalRedis;
  let a: RunningBroker;
  let b: NodeProcess;

  beforeAll(async () => {
    redis = await startLocalRedis();
    a = await startBroker({ cluster: redis.url, nodeId: 'cursor-a', logLevel: 'error' });
    b = new NodeProcess('cursor-b', await findFreePort(), redis.url);
    await b.start();
  }, 60_000);

  afterAll(async () => {
    await b?.stop();
    await a?.close();
    await redis?.stop();
  });

  it('a node killed while it loads a resuming session loses none of its queued messages', async () => {
    const clientId = 'cursor-sub';
    const options = { clientId, clean: false, protocolVersion: 4 as const, reconnectPeriod: 0 };
    const sub = await mqtt.connectAsync(a.url, options);
    await sub.subscribeAsync('cursor/t', { qos: 1 });
    await sub.endAsync();

    const pub = await mqtt.connectAsync(a.url, { clientId: 'cursor-pub', reconnectPeriod: 0 });
    const sent = Array.from({ length: QUEUED }, (_, i) => `m${String(i)}`);
    await Promise.all(sent.map((m) => pub.publishAsync('cursor/t', m, { qos: 1 })));
    await pub.endAsync();

    const probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await probe.connect();
    let resuming: Socket | undefined;
    try {
      const before = await probe.hget(sessionKey(clientId), 'c');
      expect(before).not.toBeNull();
      // The session resumes on b (a raw CONNECT; the CONNACK is not awaited) ...
      resuming = netConnect(b.port, '127.0.0.1');
      resuming.on('error', () => undefined);
      await new Promise<void>((resolve) => resuming?.once('connect', resolve));
      resuming.write(encode({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: false, keepalive: 30, clientId }, 4));
      // ... and b dies the moment the cursor first moves (a bounded poll: Redis has no event for it).
      const deadline = Date.now() + 20_000;
      while ((await probe.hget(sessionKey(clientId), 'c')) === before) {
        if (Date.now() > deadline) throw new Error('node b never moved the session cursor in 20 s');
      }
      await b.kill9();
    } finally {
      resuming?.destroy();
      probe.disconnect();
    }

    // On a: every message, whichever way it comes (re-sent in-flight delivery or replay of the queue).
    const got = new Set<string>();
    const again = mqtt.connect(a.url, { ...options, connectTimeout: 15_000 });
    let arrived: (() => void) | undefined;
    again.on('message', (_topic, payload) => {
      got.add(payload.toString());
      arrived?.();
    });
    try {
      const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
        again.once('connect', resolve);
        again.once('error', reject);
      });
      expect(connack.sessionPresent).toBe(true);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${String(got.size)} of ${String(QUEUED)} messages arrived in 20 s; first missing: ${sent.find((m) => !got.has(m)) ?? '-'}`)), 20_000);
        arrived = () => {
          if (got.size < QUEUED) return;
          clearTimeout(timer);
          resolve();
        };
        arrived();
      });
    } finally {
      await again.endAsync();
    }
    expect(sent.filter((m) => !got.has(m))).toEqual([]);
  }, 90_000);
});
