import { describe, expect, it } from 'vitest';
import { useBroker } from '../test/support/reference/fixture.js';

const f = useBroker();

describe('retained messages', () => {
  it('are stored with their QoS and sent to new subscribers with RETAIN 1 (MQTT-3.3.1-5, -6, -8)', async () => {
    const pub = await f.connect('ret-pub');
    await pub.publish('ret/a', 'A', 1, true);
    await pub.publish('ret/b', 'B', 2, true);
    await pub.publish('ret/c', 'C', 0, true);
    await pub.ping();
    const sub = await f.connect('ret-sub');
    sub.autoAck = true;
    await sub.subscribe([['ret/+', 2]]);
    const got = [await sub.expect('publish'), await sub.expect('publish'), await sub.expect('publish')];
    expect(got.map((m) => [m.topic, m.payload.toString(), m.qos, m.retain]).sort()).toEqual([
      ['ret/a', 'A', 1, true],
      ['ret/b', 'B', 2, true],
      ['ret/c', 'C', 0, true],
    ]);
  });

  it('the retained copy is delivered at min(its QoS, granted QoS)', async () => {
    const pub = await f.connect('retq-pub');
    await pub.publish('retq/t', 'x', 2, true);
    const sub = await f.connect('retq-sub');
    await sub.subscribe([['retq/t', 1]]);
    expect(await sub.expect('publish')).toMatchObject({ qos: 1, retain: true });
  });

  it('a message delivered live has RETAIN 0 (MQTT-3.3.1-9)', async () => {
    const sub = await f.connect('live-sub');
    await sub.subscribe([['live/t', 0]]);
    const pub = await f.connect('live-pub');
    await pub.publish('live/t', 'x', 0, true);
    expect(await sub.expect('publish')).toMatchObject({ retain: false });
  });

  it('the last retained message per topic replaces the earlier one', async () => {
    const pub = await f.connect('last-pub');
    await pub.publish('last/t', 'one', 0, true);
    await pub.publish('last/t', 'two', 0, true);
    await pub.ping();
    const sub = await f.connect('last-sub');
    await sub.subscribe([['last/t', 0]]);
    expect((await sub.expect('publish')).payload.toString()).toBe('two');
    await sub.ping();
  });

  it('an empty retained payload deletes it and is delivered as an ordinary message (MQTT-3.3.1-10, -11)', async () => {
    const pub = await f.connect('del-pub');
    await pub.publish('del/t', 'x', 1, true);
    const live = await f.connect('del-live');
    await live.subscribe([['del/t', 1]]);
    await live.expect('publish');
    const before = f.broker.stats().retainedCount;
    await pub.publish('del/t', '', 1, true);
    const m = await live.expect('publish');
    expect(m.payload.length).toBe(0);
    expect(m.retain).toBe(false);
    expect(f.broker.stats().retainedCount).toBe(before - 1);
    const later = await f.connect('del-later');
    await later.subscribe([['del/t', 1]]);
    await later.ping(); // no retained message came first
  });

  it('a PUBLISH with RETAIN 0 neither stores nor replaces the retained message (MQTT-3.3.1-12)', async () => {
    const pub = await f.connect('r0-pub');
    await pub.publish('r0/t', 'kept', 0, true);
    await pub.publish('r0/t', 'not kept', 0, false);
    await pub.publish('r0/u', 'never', 0, false);
    await pub.ping();
    const sub = await f.connect('r0-sub');
    await sub.subscribe([['r0/#', 0]]);
    expect((await sub.expect('publish')).payload.toString()).toBe('kept');
    await sub.ping();
  });

  it('retained messages survive the end of the session that published them (MQTT-3.1.2-7)', async () => {
    const pub = await f.connect('surv-pub');
    await pub.publish('surv/t', 'x', 1, true);
    await pub.disconnect();
    const sub = await f.connect('surv-sub');
    await sub.subscribe([['surv/t', 0]]);
    expect(await sub.expect('publish')).toMatchObject({ retain: true });
  });

  it('wildcard subscriptions receive every matching retained message but not $ topics', async () => {
    const pub = await f.connect('wr-pub');
    await pub.publish('$wr/hidden', 'h', 0, true);
    for (let i = 0; i < 5; i++) await pub.publish(`wr/${i}`, String(i), 0, true);
    await pub.ping();
    const sub = await f.connect('wr-sub');
    await sub.subscribe([['#', 0]]);
    sub.send({ type: 'pingreq' });
    const got = (await sub.collectUntil((p) => p.type === 'pingresp')).filter((p) => p.type === 'publish');
    const topics = got.map((p) => (p.type === 'publish' ? p.topic : '')).filter((t) => t.startsWith('wr/') || t.startsWith('$'));
    expect(topics.sort()).toEqual(['wr/0', 'wr/1', 'wr/2', 'wr/3', 'wr/4']);
  });
});
