import { describe, expect, it } from 'vitest';
import type { PublishPacket } from '../harness/codec/index.js';
import { useBroker } from '../test/support/reference/fixture.js';
import { startBroker } from './index.js';
import { RawClient } from '../test/support/reference/raw-client.js';

const f = useBroker();

describe('persistent sessions (CleanSession 0)', () => {
  it('keep subscriptions and queue QoS 1 and 2 while the client is away, not QoS 0 by default (MQTT-3.1.2-4, -5)', async () => {
    const a = await f.connect('ps-queue', { clean: false });
    await a.subscribe([['psq/#', 2]]);
    await a.disconnect();
    const pub = await f.connect('ps-queue-pub');
    await pub.publish('psq/1', 'q1', 1);
    await pub.publish('psq/0', 'q0', 0);
    await pub.publish('psq/2', 'q2', 2);
    await pub.ping();
    expect(f.broker.stats().clientsDisconnected).toBeGreaterThanOrEqual(1);
    const { client: b, sessionPresent } = await f.connectWithSession('ps-queue', { clean: false });
    expect(sessionPresent).toBe(true);
    const m1 = await b.expect('publish');
    const m2 = await b.expect('publish');
    expect([m1.payload.toString(), m1.qos, m2.payload.toString(), m2.qos]).toEqual(['q1', 1, 'q2', 2]);
    b.send({ type: 'puback', packetId: m1.packetId as number });
    b.send({ type: 'pubrec', packetId: m2.packetId as number });
    await b.expect('pubrel');
    b.send({ type: 'pubcomp', packetId: m2.packetId as number });
    // The subscription is still there.
    await pub.publish('psq/live', 'live', 0);
    expect((await b.expect('publish')).payload.toString()).toBe('live');
  });

  it('resend unacknowledged PUBLISH with DUP 1 and the same ids, and PUBREL, in order, on reconnect (MQTT-4.4.0-1, MQTT-3.3.1-1)', async () => {
    const a = await f.connect('ps-resend', { clean: false });
    await a.subscribe([['psr/#', 2]]);
    const pub = await f.connect('ps-resend-pub');
    await pub.publish('psr/a', '1', 1);
    await pub.publish('psr/b', '2', 2);
    await pub.publish('psr/c', '3', 2);
    await pub.publish('psr/d', '4', 1);
    const sent: PublishPacket[] = [];
    for (let i = 0; i < 4; i++) sent.push(await a.expect('publish'));
    expect(sent.every((m) => !m.dup)).toBe(true);
    // Acknowledge only the PUBLISH of '3' with PUBREC: it moves to the PUBREL state.
    const third = sent[2] as PublishPacket;
    a.send({ type: 'pubrec', packetId: third.packetId as number });
    await a.expect('pubrel');
    a.destroy(); // no DISCONNECT
    await a.expectClosed().catch(() => undefined);
    const { client: b, sessionPresent } = await f.connectWithSession('ps-resend', { clean: false });
    expect(sessionPresent).toBe(true);
    const again = [await b.next(), await b.next(), await b.next(), await b.next()];
    expect(again.map((p) => (p.type === 'publish' ? `P${p.payload.toString()} dup=${String(p.dup)} id=${String(p.packetId)}` : `${p.type} id=${String((p as { packetId: number }).packetId)}`))).toEqual([
      `P1 dup=true id=${String(sent[0]?.packetId)}`,
      `P2 dup=true id=${String(sent[1]?.packetId)}`,
      `pubrel id=${String(third.packetId)}`,
      `P4 dup=true id=${String(sent[3]?.packetId)}`,
    ]);
  });

  it('keeps an inbound QoS 2 id across a reconnect: the re-sent PUBLISH is not delivered twice (MQTT-4.3.3-2)', async () => {
    const sub = await f.connect('ps-in-sub');
    await sub.subscribe([['psin/t', 2]]);
    sub.autoAck = true;
    const a = await f.connect('ps-in', { clean: false });
    const p = { type: 'publish', topic: 'psin/t', payload: Buffer.from('x'), qos: 2, retain: false, dup: false, packetId: 5 } as const;
    a.send(p);
    await a.expect('pubrec');
    a.destroy();
    const b = await f.connect('ps-in', { clean: false });
    b.send({ ...p, dup: true });
    await b.expect('pubrec');
    b.send({ type: 'pubrel', packetId: 5 });
    await b.expect('pubcomp');
    await b.publish('psin/t', 'marker', 0);
    const got = (await sub.collectUntil((m) => m.type === 'publish' && m.payload.toString() === 'marker')).filter((m) => m.type === 'publish');
    expect(got.length).toBe(1);
  });

  it('a clean session discards the stored session and its subscriptions (MQTT-3.1.2-6)', async () => {
    const a = await f.connect('ps-clean', { clean: false });
    await a.subscribe([['psc/t', 1]]);
    await a.disconnect();
    const b = await f.connect('ps-clean', { clean: true });
    const pub = await f.connect('ps-clean-pub');
    await pub.publish('psc/t', 'x', 1);
    await b.ping(); // the old subscription is gone
    await b.disconnect();
    const { client: c, sessionPresent } = await f.connectWithSession('ps-clean', { clean: false });
    expect(sessionPresent).toBe(false);
    await c.ping(); // and nothing was queued for it
  });

  it('a clean session ends with its connection: nothing is kept for it', async () => {
    const a = await f.connect('cs-gone', { clean: true });
    await a.subscribe([['csg/t', 1]]);
    await a.disconnect();
    const pub = await f.connect('cs-gone-pub');
    await pub.publish('csg/t', 'x', 1);
    const { client: b, sessionPresent } = await f.connectWithSession('cs-gone', { clean: false });
    expect(sessionPresent).toBe(false);
    await b.ping();
  });
});

describe('queueQos0', () => {
  it('queues QoS 0 for offline persistent sessions when enabled', async () => {
    const b = await startBroker({ queueQos0: true, sysIntervalSeconds: 0 });
    try {
      const port = b.address.port;
      const { client: a } = await RawClient.connected(port, 'q0q', { clean: false });
      await a.subscribe([['q0q/t', 0]]);
      await a.disconnect();
      const { client: pub } = await RawClient.connected(port, 'q0q-pub');
      await pub.publish('q0q/t', 'kept', 0);
      await pub.ping();
      const { client: back } = await RawClient.connected(port, 'q0q', { clean: false });
      expect((await back.expect('publish')).payload.toString()).toBe('kept');
      back.destroy();
      pub.destroy();
    } finally {
      await b.close();
    }
  });
});

describe('3.1 persistent sessions', () => {
  it('resume (queued messages delivered) with the CONNACK flags byte 0, as 3.1 has no Session Present', async () => {
    const a = await f.connect('ps31', { clean: false, protocolVersion: 3 });
    await a.subscribe([['ps31/t', 1]]);
    await a.disconnect();
    const pub = await f.connect('ps31-pub');
    await pub.publish('ps31/t', 'queued', 1);
    const { client: b, sessionPresent } = await f.connectWithSession('ps31', { clean: false, protocolVersion: 3 });
    expect(sessionPresent).toBe(false);
    expect((await b.expect('publish')).payload.toString()).toBe('queued');
  });
});
