import { describe, expect, it } from 'vitest';
import { fromHex, type Packet, type PublishPacket } from '../harness/codec/index.js';
import { isPublishOn } from '../test/support/reference/raw-client.js';
import { useBroker } from '../test/support/reference/fixture.js';

const f = useBroker();
const small = useBroker({ maxInflight: 3, maxQueued: 5 });

const publishes = (ps: Packet[]): PublishPacket[] => ps.filter((p): p is PublishPacket => p.type === 'publish');

describe('PUBLISH from a client', () => {
  it('QoS 0: delivered, no acknowledgement', async () => {
    const sub = await f.connect('q0-sub');
    await sub.subscribe([['q0/t', 2]]);
    const pub = await f.connect('q0-pub');
    pub.send({ type: 'publish', topic: 'q0/t', payload: Buffer.from('a'), qos: 0, retain: false, dup: false });
    const m = await sub.expect('publish');
    expect(m).toMatchObject({ topic: 'q0/t', qos: 0, dup: false, retain: false });
    expect(m.packetId).toBeUndefined();
    pub.send({ type: 'pingreq' });
    expect((await pub.next()).type).toBe('pingresp'); // no PUBACK/PUBREC came first
  });

  it('QoS 1: PUBACK with the same id (MQTT-3.3.4-1, MQTT-2.3.1-6)', async () => {
    const pub = await f.connect('q1-pub');
    pub.send({ type: 'publish', topic: 'q1/t', payload: Buffer.from('a'), qos: 1, retain: false, dup: false, packetId: 4242 });
    expect(await pub.expect('puback')).toMatchObject({ packetId: 4242 });
  });

  it('QoS 2: PUBREC, then PUBCOMP for PUBREL, with the same id', async () => {
    const pub = await f.connect('q2-pub');
    pub.send({ type: 'publish', topic: 'q2/t', payload: Buffer.from('a'), qos: 2, retain: false, dup: false, packetId: 77 });
    expect(await pub.expect('pubrec')).toMatchObject({ packetId: 77 });
    pub.send({ type: 'pubrel', packetId: 77 });
    expect(await pub.expect('pubcomp')).toMatchObject({ packetId: 77 });
  });

  it('QoS 2: a re-sent PUBLISH (DUP) before PUBREL gets PUBREC again and is delivered once (MQTT-4.3.3-2)', async () => {
    const sub = await f.connect('eo-sub');
    await sub.subscribe([['eo/#', 2]]);
    const pub = await f.connect('eo-pub');
    const p = { type: 'publish', topic: 'eo/t', payload: Buffer.from('once'), qos: 2, retain: false, dup: false, packetId: 9 } as const;
    pub.send(p);
    await pub.expect('pubrec');
    pub.send({ ...p, dup: true });
    await pub.expect('pubrec');
    pub.send({ type: 'pubrel', packetId: 9 });
    await pub.expect('pubcomp');
    // After PUBREL the id is free: the same id is a new message.
    pub.send({ ...p, payload: Buffer.from('twice') });
    await pub.expect('pubrec');
    pub.send({ type: 'pubrel', packetId: 9 });
    await pub.expect('pubcomp');
    await pub.publish('eo/marker', 'm');
    const got = publishes(await sub.collectUntil(isPublishOn('eo/marker'))).filter((m) => m.topic === 'eo/t');
    expect(got.map((m) => m.payload.toString())).toEqual(['once', 'twice']);
    // Every QoS 2 delivery to the subscriber completes normally.
  });

  it('PUBREL for an unknown id still gets PUBCOMP', async () => {
    const c = await f.connect('pubrel-unknown');
    c.send({ type: 'pubrel', packetId: 31337 });
    expect(await c.expect('pubcomp')).toMatchObject({ packetId: 31337 });
  });

  it.each(['a/+', 'a/#', '#', '+'])('a topic name with wildcards (%s) closes the connection (MQTT-3.3.2-2)', async (topic) => {
    const watcher = await f.connect(`wild-watch-${topic}`);
    await watcher.subscribe([['#', 0]]);
    const c = await f.connect(`wild-${topic}`);
    c.send({ type: 'publish', topic, payload: Buffer.from('x'), qos: 1, retain: false, dup: false, packetId: 1 } as never);
    await c.expectClosed();
  });

  it('publishing into $SYS is acknowledged and discarded', async () => {
    const watcher = await f.connect('sys-watch');
    await watcher.subscribe([['$SYS/#', 0]]);
    const c = await f.connect('sys-pub');
    await c.publish('$SYS/broker/version', 'fake', 1, true);
    await c.publish('$SYSTEM/marker', 'm'); // not $SYS: allowed
    const w2 = await f.connect('sys-watch-2');
    await w2.subscribe([['$SYSTEM/#', 0]]);
    await c.publish('$SYSTEM/marker', 'm2');
    await w2.expect('publish');
    watcher.send({ type: 'pingreq' });
    expect((await watcher.next()).type).toBe('pingresp');
    expect(f.broker.stats().publishDenied).toBeGreaterThanOrEqual(1);
  });
});

describe('delivery to subscribers', () => {
  it('at min(publish QoS, granted QoS) (MQTT-3.8.4-6)', async () => {
    const sub = await f.connect('min-sub');
    sub.autoAck = true;
    expect(await sub.subscribe([['min/0', 0], ['min/1', 1], ['min/2', 2]])).toEqual([0, 1, 2]);
    const pub = await f.connect('min-pub');
    for (const t of ['min/0', 'min/1', 'min/2']) for (const q of [0, 1, 2] as const) await pub.publish(t, `${t}@${q}`, q, false, 10 + q);
    await pub.publish('min/2', 'end', 0);
    const got = publishes(await sub.collectUntil((p) => p.type === 'publish' && p.payload.toString() === 'end'));
    expect(got.map((m) => `${m.topic}:${m.qos}`)).toEqual(['min/0:0', 'min/0:0', 'min/0:0', 'min/1:0', 'min/1:1', 'min/1:1', 'min/2:0', 'min/2:1', 'min/2:2']);
  });

  it('once per client at the highest QoS of overlapping subscriptions (MQTT-3.3.5-1)', async () => {
    const sub = await f.connect('ovl-sub');
    await sub.subscribe([['ovl/#', 0], ['ovl/+', 2], ['ovl/a', 1]]);
    const pub = await f.connect('ovl-pub');
    await pub.publish('ovl/a', 'x', 2);
    const m = await sub.expect('publish');
    expect(m.qos).toBe(2);
    sub.send({ type: 'pubrec', packetId: m.packetId as number });
    await sub.expect('pubrel');
    sub.send({ type: 'pubcomp', packetId: m.packetId as number });
    await pub.publish('ovl/a', 'marker', 0);
    const between = await sub.collectUntil(isPublishOn('ovl/a'));
    expect(between).toEqual([]);
  });

  it('keeps each publisher\'s order per topic across QoS levels (MQTT-4.6.0-6)', async () => {
    const sub = await f.connect('order-sub');
    await sub.subscribe([['order/#', 2]]);
    const pub = await f.connect('order-pub');
    const n = 30;
    for (let i = 0; i < n; i++) {
      const qos = (i % 3) as 0 | 1 | 2;
      pub.send({ type: 'publish', topic: `order/${i % 2}`, payload: Buffer.from(String(i)), qos, retain: false, dup: false, packetId: qos ? i + 1 : undefined });
    }
    sub.autoAck = true;
    const got: PublishPacket[] = [];
    while (got.length < n) {
      const p = await sub.next();
      if (p.type === 'publish') got.push(p);
    }
    for (const topic of ['order/0', 'order/1']) {
      const seq = got.filter((m) => m.topic === topic).map((m) => Number(m.payload.toString()));
      expect(seq).toEqual([...seq].sort((a, b) => a - b));
      expect(seq.length).toBe(n / 2);
    }
  });

  it('uses packet ids that are never 0 and never reused while in flight (MQTT-2.3.1-1, -4)', async () => {
    const sub = await f.connect('ids-sub');
    await sub.subscribe([['ids/t', 1]]);
    const pub = await f.connect('ids-pub');
    const inFlight = new Set<number>();
    for (let round = 0; round < 10; round++) {
      await pub.publish('ids/t', String(round), 1, false, round + 1);
      const m = await sub.expect('publish');
      const id = m.packetId as number;
      expect(id).not.toBe(0);
      expect(inFlight.has(id)).toBe(false);
      inFlight.add(id);
      // Acknowledge every other one: the rest stay in flight.
      if (round % 2 === 0 || inFlight.size >= 3) {
        sub.send({ type: 'puback', packetId: id });
        inFlight.delete(id);
      }
    }
  });

  it('holds at most maxInflight unacknowledged, queues the rest in order, drops and counts beyond maxQueued', async () => {
    const sub = await small.connect('win-sub');
    await sub.subscribe([['win/#', 1]]);
    const pub = await small.connect('win-pub');
    for (let i = 0; i < 10; i++) await pub.publish('win/t', String(i), 1, false, i + 1);
    // 3 in flight (maxInflight), 5 queued (maxQueued), 2 dropped and counted.
    expect(small.broker.stats().publishDropped).toBe(2);
    const first = [await sub.expect('publish'), await sub.expect('publish'), await sub.expect('publish')];
    expect(first.map((m) => m.payload.toString())).toEqual(['0', '1', '2']);
    // A QoS 0 message would queue behind them (order) but the queue is full: dropped too.
    await pub.publish('win/marker', 'm', 0);
    await pub.ping();
    expect(small.broker.stats().publishDropped).toBe(3);
    sub.send({ type: 'pingreq' });
    expect((await sub.next()).type).toBe('pingresp');
    const rest: string[] = [];
    const acks = first.map((m) => m.packetId as number);
    while (rest.length < 5) {
      const id = acks.shift();
      if (id !== undefined) sub.send({ type: 'puback', packetId: id });
      const m = await sub.expect('publish');
      rest.push(m.payload.toString());
      if (m.qos === 1) acks.push(m.packetId as number);
    }
    expect(rest).toEqual(['3', '4', '5', '6', '7']);
    await pub.publish('win/marker', 'm2', 0);
    expect((await sub.expect('publish')).payload.toString()).toBe('m2');
  });
});

describe('malformed PUBLISH', () => {
  it('QoS 3 closes the connection (MQTT-3.3.1-4) and is counted', async () => {
    const before = f.broker.stats().malformedPackets;
    const c = await f.connect('qos3');
    c.sendBytes(fromHex('36 05 00 01 74 00 01'));
    await c.expectClosed();
    expect(f.broker.stats().malformedPackets).toBe(before + 1);
    const entry = f.logs.find((r) => r.clientId === 'qos3' && r.msg.startsWith('malformed'));
    expect(entry).toMatchObject({ level: 'warn', code: 'DECODE_INVALID_QOS' });
  });
});
