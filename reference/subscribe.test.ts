import { describe, expect, it } from 'vitest';
import { fromHex } from '../harness/codec/index.js';
import { isPublishOn } from '../test/support/reference/raw-client.js';
import { useBroker } from '../test/support/reference/fixture.js';

const f = useBroker();

describe('SUBSCRIBE', () => {
  it('wrong reserved flags close the connection (MQTT-3.8.1-1)', async () => {
    const c = await f.connect('sub-flags');
    c.sendBytes(fromHex('80 08 00 01 00 03 74 2f 61 00'));
    await c.expectClosed();
  });

  it('one return code per filter in order; an invalid filter gets 0x80 and the rest are processed (MQTT-3.8.4-4, -5, 3.9.3-1)', async () => {
    const c = await f.connect('sub-mixed');
    const codes = await c.subscribe([['mix/a', 1], ['mix/#/x', 2], ['mix/b+', 0], ['mix/+', 2], ['', 1], ['mix/c', 0]], 7);
    expect(codes).toEqual([1, 0x80, 0x80, 2, 0x80, 0]);
    const pub = await f.connect('sub-mixed-pub');
    await pub.publish('mix/c', 'x', 2);
    const m = await c.expect('publish');
    expect(m).toMatchObject({ topic: 'mix/c', qos: 2 }); // highest of mix/+ (2) and mix/c (0)
  });

  it('a repeated filter replaces the subscription: QoS updated, retained message re-sent (MQTT-3.8.4-3)', async () => {
    const pub = await f.connect('rep-pub');
    await pub.publish('rep/t', 'kept', 2, true);
    const c = await f.connect('rep-sub');
    c.autoAck = true;
    await c.subscribe([['rep/t', 0]]);
    expect(await c.expect('publish')).toMatchObject({ retain: true, qos: 0 });
    await c.subscribe([['rep/t', 2]], 2);
    expect(await c.expect('publish')).toMatchObject({ retain: true, qos: 2 });
    await pub.publish('rep/t', 'live', 2);
    const live = await c.expect('publish');
    expect(live).toMatchObject({ retain: false, qos: 2 });
    await pub.publish('rep/t', 'marker', 0);
    expect(await c.collectUntil(isPublishOn('rep/t'))).toEqual([]); // once, not twice
    expect(f.broker.stats().subscriptionsCount).toBeGreaterThanOrEqual(1);
  });

  it('$ topics are not matched by # or + at the first level (MQTT-4.7.2-1)', async () => {
    const all = await f.connect('dollar-all');
    await all.subscribe([['#', 0], ['+/x', 0]]);
    const dollar = await f.connect('dollar-sub');
    await dollar.subscribe([['$app/x', 0]]);
    const pub = await f.connect('dollar-pub');
    await pub.publish('$app/x', 'hidden', 1);
    expect(await dollar.expect('publish')).toMatchObject({ topic: '$app/x' });
    await pub.publish('app/x', 'marker', 0);
    const before = await all.collectUntil(isPublishOn('app/x'));
    expect(before.filter((p) => p.type === 'publish' && p.topic.startsWith('$'))).toEqual([]);
  });

  it('topics are matched without normalisation (MQTT-4.7.3-4)', async () => {
    const c = await f.connect('norm-sub');
    await c.subscribe([['Norm/\uFEFFx', 0]]);
    const pub = await f.connect('norm-pub');
    await pub.publish('norm/\uFEFFx', 'wrong case', 0);
    await pub.publish('Norm/x', 'no BOM', 0);
    await pub.publish('Norm/\uFEFFx', 'exact', 0);
    const m = await c.expect('publish');
    expect(m.payload.toString()).toBe('exact');
    expect(m.topic).toBe('Norm/\uFEFFx');
  });
});

describe('UNSUBSCRIBE', () => {
  it('wrong reserved flags close the connection (MQTT-3.10.1-1)', async () => {
    const c = await f.connect('unsub-flags');
    c.sendBytes(fromHex('a0 07 00 01 00 03 74 2f 61'));
    await c.expectClosed();
  });

  it('UNSUBACK with the same id even when nothing was subscribed (MQTT-3.10.4-4, -5)', async () => {
    const c = await f.connect('unsub-none');
    c.send({ type: 'unsubscribe', packetId: 99, topicFilters: ['never/subscribed', 'x/#'] });
    expect(await c.expect('unsuback')).toMatchObject({ packetId: 99 });
  });

  it('deletes only the literally equal filter and stops new deliveries (MQTT-3.10.4-1, -2, -6)', async () => {
    const c = await f.connect('unsub-lit');
    await c.subscribe([['ul/+', 0], ['ul/a', 0], ['ul/b', 0]]);
    c.send({ type: 'unsubscribe', packetId: 2, topicFilters: ['ul/a', 'ul/b'] }); // not 'ul/+'
    await c.expect('unsuback');
    const pub = await f.connect('unsub-lit-pub');
    await pub.publish('ul/a', 'via plus', 0);
    expect((await c.expect('publish')).payload.toString()).toBe('via plus');
    c.send({ type: 'unsubscribe', packetId: 3, topicFilters: ['ul/+'] });
    await c.expect('unsuback');
    await pub.publish('ul/a', 'gone', 0);
    await pub.ping();
    await c.ping(); // nothing arrived before the PINGRESP
  });

  it('a QoS 1 delivery in flight completes after the unsubscribe (MQTT-3.10.4-3)', async () => {
    const c = await f.connect('unsub-inflight');
    await c.subscribe([['uif/t', 1]]);
    const pub = await f.connect('unsub-inflight-pub');
    await pub.publish('uif/t', 'x', 1);
    const m = await c.expect('publish');
    c.send({ type: 'unsubscribe', packetId: 5, topicFilters: ['uif/t'] });
    await c.expect('unsuback');
    c.send({ type: 'puback', packetId: m.packetId as number });
    await c.ping();
  });
});

describe('packets only a server sends', () => {
  it.each([
    ['CONNACK', '20 02 00 00'],
    ['SUBACK', '90 03 00 01 00'],
    ['UNSUBACK', 'b0 02 00 01'],
    ['PINGRESP', 'd0 00'],
  ])('%s from a client closes the connection', async (_name, hex) => {
    const c = await f.connect(`s2c-${hex}`);
    c.sendBytes(fromHex(hex));
    await c.expectClosed();
  });
});
