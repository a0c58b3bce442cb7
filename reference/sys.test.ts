import { describe, expect, it } from 'vitest';
import type { PublishPacket } from '../harness/codec/index.js';
import { startBroker } from './index.js';
import { RawClient } from '../test/support/reference/raw-client.js';

const REQUIRED = [
  '$SYS/broker/load/bytes/received',
  '$SYS/broker/load/bytes/sent',
  '$SYS/broker/clients/connected',
  '$SYS/broker/clients/disconnected',
  '$SYS/broker/clients/maximum',
  '$SYS/broker/clients/total',
  '$SYS/broker/messages/received',
  '$SYS/broker/messages/sent',
  '$SYS/broker/messages/publish/dropped',
  '$SYS/broker/messages/publish/received',
  '$SYS/broker/messages/publish/sent',
  '$SYS/broker/messages/retained/count',
  '$SYS/broker/subscriptions/count',
  '$SYS/broker/time',
  '$SYS/broker/uptime',
  '$SYS/broker/version',
];

async function retainedSys(port: number, id: string): Promise<Map<string, PublishPacket>> {
  const { client } = await RawClient.connected(port, id);
  await client.subscribe([['$SYS/#', 0]]);
  client.send({ type: 'pingreq' });
  const got = await client.collectUntil((p) => p.type === 'pingresp');
  client.destroy();
  return new Map(got.filter((p): p is PublishPacket => p.type === 'publish').map((p) => [p.topic, p]));
}

describe('$SYS', () => {
  it('publishes every required topic, retained, with values from the counters', async () => {
    const b = await startBroker({ sysIntervalSeconds: 3600 });
    try {
      const { client: persistent } = await RawClient.connected(b.address.port, 'sys-persistent', { clean: false });
      await persistent.subscribe([['sys/x', 1], ['sys/y', 0]]);
      await persistent.disconnect();
      const { client: c } = await RawClient.connected(b.address.port, 'sys-c');
      await c.publish('sys/x', 'hello', 1, true);
      b.publishSys();
      const sys = await retainedSys(b.address.port, 'sys-reader');
      for (const topic of REQUIRED) {
        expect(sys.get(topic), topic).toBeDefined();
        expect(sys.get(topic)?.retain, topic).toBe(true);
      }
      const value = (t: string) => sys.get(t)?.payload.toString();
      expect(value('$SYS/broker/clients/connected')).toBe('1');
      expect(value('$SYS/broker/clients/disconnected')).toBe('1');
      expect(value('$SYS/broker/clients/total')).toBe('2');
      expect(value('$SYS/broker/subscriptions/count')).toBe('2');
      expect(value('$SYS/broker/messages/publish/received')).toBe('1');
      expect(Number(value('$SYS/broker/load/bytes/received'))).toBeGreaterThan(0);
      expect(value('$SYS/broker/version')).toMatch(/mqtt-conformance/);
      expect(value('$SYS/broker/uptime')).toMatch(/^\d+ seconds$/);
      expect(Number.isNaN(Date.parse(value('$SYS/broker/time') ?? ''))).toBe(false);
      c.destroy();
    } finally {
      await b.close();
    }
  });

  it('updates at the configured interval', async () => {
    const b = await startBroker({ sysIntervalSeconds: 1 });
    try {
      const { client } = await RawClient.connected(b.address.port, 'sys-interval');
      await client.subscribe([['$SYS/broker/uptime', 0]]);
      const first = await client.expect('publish');
      expect(first.retain).toBe(true);
      const t0 = Date.now();
      const live = await client.expect('publish', 3000);
      expect(live.retain).toBe(false);
      expect(Date.now() - t0).toBeGreaterThan(500);
      client.destroy();
    } finally {
      await b.close();
    }
  });

  it('interval 0 disables $SYS', async () => {
    const b = await startBroker({ sysIntervalSeconds: 0 });
    try {
      const sys = await retainedSys(b.address.port, 'sys-off');
      expect(sys.size).toBe(0);
    } finally {
      await b.close();
    }
  });

  it('clients cannot publish into $SYS', async () => {
    const b = await startBroker({ sysIntervalSeconds: 3600 });
    try {
      const { client } = await RawClient.connected(b.address.port, 'sys-forger');
      await client.publish('$SYS/broker/version', 'forged', 1, true);
      await client.publish('$SYS/new', 'forged', 2, true);
      const sys = await retainedSys(b.address.port, 'sys-check');
      expect(sys.get('$SYS/broker/version')?.payload.toString()).toMatch(/mqtt-conformance/);
      expect(sys.has('$SYS/new')).toBe(false);
      expect(b.stats().publishDenied).toBe(2);
      client.destroy();
    } finally {
      await b.close();
    }
  });
});
