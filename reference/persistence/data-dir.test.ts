import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PublishPacket } from '../../harness/codec/index.js';
import { startBroker, type RunningBroker } from '../index.js';
import { RawClient } from '../../test/support/reference/raw-client.js';

const dirs: string[] = [];
const brokers: RunningBroker[] = [];
const clients: RawClient[] = [];
afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const b of brokers) await b.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const start = async (dataDir: string): Promise<RunningBroker> => {
  const b = await startBroker({ dataDir, sysIntervalSeconds: 0 });
  brokers.push(b);
  return b;
};
const connect = async (b: RunningBroker, id: string, clean = false) => {
  const r = await RawClient.connected(b.address.port, id, { clean });
  clients.push(r.client);
  return r;
};

describe('--data-dir: sessions and retained messages survive a restart', () => {
  it('keeps subscriptions, queued and in-flight messages with their state, inbound QoS 2 ids and retained messages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-datadir-'));
    dirs.push(dir);
    let broker = await start(dir);
    const { client: sub } = await connect(broker, 'dd-sub');
    expect(await sub.subscribe([['dd/#', 2]])).toEqual([2]);
    const { client: pub } = await connect(broker, 'dd-pub');
    await pub.publish('dd/a', 'one', 2);
    await pub.publish('dd/b', 'two', 1);
    const first = await sub.expect('publish');
    const second = await sub.expect('publish');
    // 'one' (QoS 2) moves to the PUBREL stage; 'two' (QoS 1) stays unacknowledged.
    sub.send({ type: 'pubrec', packetId: first.packetId as number });
    await sub.expect('pubrel');
    // An inbound QoS 2 message whose PUBREL has not come yet.
    pub.send({ type: 'publish', topic: 'dd/c', payload: Buffer.from('three'), qos: 2, retain: true, dup: false, packetId: 77 });
    await pub.expect('pubrec');
    await sub.disconnect();
    await pub.publish('dd/d', 'queued', 1, false, 2);
    await pub.ping();
    await broker.close();

    broker = await start(dir);
    const { client: back, sessionPresent } = await connect(broker, 'dd-sub');
    expect(sessionPresent).toBe(true);
    const resent = [await back.next(), await back.next(), await back.next(), await back.next()];
    const show = (p: (typeof resent)[number]) => (p.type === 'publish' ? `${p.payload.toString()} dup=${String(p.dup)} id=${String(p.packetId)}` : `${p.type} ${String((p as { packetId: number }).packetId)}`);
    // In flight, in order: PUBREL for 'one', 'two' and 'three' again with DUP; then the queue: 'queued'.
    expect(resent.map(show)).toEqual([
      `pubrel ${String(first.packetId)}`,
      `two dup=true id=${String(second.packetId)}`,
      expect.stringMatching(/^three dup=true/),
      expect.stringMatching(/^queued dup=false/),
    ]);
    // The publisher's QoS 2 id 77 is still awaiting PUBREL: a DUP re-send is not delivered again.
    const { client: pub2, sessionPresent: pubPresent } = await connect(broker, 'dd-pub');
    expect(pubPresent).toBe(true);
    pub2.send({ type: 'publish', topic: 'dd/c', payload: Buffer.from('three'), qos: 2, retain: true, dup: true, packetId: 77 });
    await pub2.expect('pubrec');
    pub2.send({ type: 'pubrel', packetId: 77 });
    await pub2.expect('pubcomp');
    await pub2.publish('dd/marker', 'marker', 0);
    const rest = await back.collectUntil((p) => p.type === 'publish' && p.payload.toString() === 'marker');
    expect(rest.filter((p): p is PublishPacket => p.type === 'publish').map((p) => p.payload.toString())).toEqual([]);
    // The retained message is back for a new subscriber.
    const { client: fresh } = await connect(broker, 'dd-fresh', true);
    await fresh.subscribe([['dd/c', 0]]);
    const retained = await fresh.expect('publish');
    expect([retained.topic, retained.payload.toString(), retained.retain]).toEqual(['dd/c', 'three', true]);
  });

  it('forgets a persistent session that reconnects with CleanSession 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-datadir-'));
    dirs.push(dir);
    let broker = await start(dir);
    const { client: a } = await connect(broker, 'dd-forget');
    await a.subscribe([['f/#', 1]]);
    await a.disconnect();
    const { client: b } = await connect(broker, 'dd-forget', true);
    await b.disconnect();
    await broker.close();
    broker = await start(dir);
    const { sessionPresent } = await connect(broker, 'dd-forget');
    expect(sessionPresent).toBe(false);
    expect(broker.stats().subscriptionsCount).toBe(0);
  });
});
