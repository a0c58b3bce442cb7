import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type LogRecord, type RunningBroker } from '../../reference/index.js';
import { REDIS_INSTALL_HINT, redisServerAvailable, startLocalRedis, type LocalRedis } from '../../reference/target/redis-server.js';

/* A node that loses Redis stops serving (no split brain) and says so; it serves again when Redis returns. */
describe.skipIf(!redisServerAvailable())(`cluster node without Redis (${redisServerAvailable() ? 'redis-server found' : REDIS_INSTALL_HINT})`, () => {
  let redis: LocalRedis;
  let node: RunningBroker;
  const logs: LogRecord[] = [];
  let logged: ((r: LogRecord) => void) | undefined;

  beforeAll(async () => {
    redis = await startLocalRedis({ persistent: true });
    node = await startBroker({
      cluster: redis.url,
      nodeId: 'loss',
      logLevel: 'warn',
      logger: (r) => {
        logs.push(r);
        logged?.(r);
      },
    });
  });

  afterAll(async () => {
    await node?.close();
    await redis?.stop();
  });

  const nextLog = (pattern: RegExp): Promise<LogRecord> =>
    new Promise((resolve) => {
      logged = (r) => {
        if (pattern.test(r.msg)) {
          logged = undefined;
          resolve(r);
        }
      };
    });

  it('disconnects its 5.0 clients with DISCONNECT 0x89, refuses CONNECT with 0x88, logs why, and serves again when Redis returns', async () => {
    const client = await mqtt.connectAsync(node.url, { clientId: 'loss-a', protocolVersion: 5, reconnectPeriod: 0 });
    const disconnected = new Promise<number | undefined>((resolve) => client.once('disconnect', (p) => resolve(p.reasonCode)));
    const lostLine = nextLog(/lost Redis/);
    await redis.kill();
    expect((await lostLine).msg).toMatch(/refusing connections/);
    expect(await disconnected).toBe(0x89);
    const refused = mqtt.connect(node.url, { clientId: 'loss-b', protocolVersion: 5, reconnectPeriod: 0 });
    const code = await new Promise<number | undefined>((resolve) => refused.once('error', (e) => resolve((e as Error & { code?: number }).code)));
    expect(code).toBe(0x88);
    refused.end(true);
    client.end(true);
    const back = nextLog(/Redis is back/);
    await redis.restart();
    await back;
    const again = await mqtt.connectAsync(node.url, { clientId: 'loss-a', protocolVersion: 5, reconnectPeriod: 0 });
    expect(again.connected).toBe(true);
    await again.endAsync();
  }, 30_000);
});
