/** MQTT 5.0 SUBSCRIBE: subscription options, Subscription Identifiers and shared subscriptions. */
import { describe, expect, it } from 'vitest';
import type { ConnectPacket, Properties, PublishPacket, Subscription } from '../../harness/codec/index.js';
import { useBroker } from '../../test/support/reference/fixture.js';
import type { RawClient } from '../../test/support/reference/raw-client.js';

const f = useBroker();
const v5 = (properties?: Properties, more: Partial<Omit<ConnectPacket, 'type'>> = {}): Partial<Omit<ConnectPacket, 'type'>> => ({ protocolVersion: 5, properties, ...more });
const pub = (topic: string, payload: string, qos: 0 | 1 | 2 = 0, retain = false, packetId = 1): PublishPacket => ({
  type: 'publish',
  topic,
  payload: Buffer.from(payload),
  qos,
  retain,
  dup: false,
  packetId: qos > 0 ? packetId : undefined,
});

async function sub(c: RawClient, subscriptions: Subscription[], properties?: Properties, packetId = 1): Promise<number[]> {
  c.send({ type: 'subscribe', packetId, subscriptions, properties });
  const suback = await c.expect('suback');
  expect(suback.packetId).toBe(packetId);
  return suback.reasonCodes;
}

/** PINGREQ as a barrier, whatever arrives before the PINGRESP (kept in `received`). */
async function drain(c: RawClient): Promise<void> {
  c.send({ type: 'pingreq' });
  await c.collectUntil((p) => p.type === 'pingresp');
}

const publishes = (c: RawClient): PublishPacket[] => c.received.filter((p): p is PublishPacket => p.type === 'publish');

describe('MQTT 5.0 subscription options', () => {
  it('No Local 1: not sent back to its publisher; No Local 0: sent back (MQTT-3.8.3-3)', async () => {
    const c = await f.connect('nl5', v5());
    expect(await sub(c, [{ topicFilter: 'nl5/a', qos: 0, noLocal: true }, { topicFilter: 'nl5/b', qos: 0 }])).toEqual([0, 0]);
    c.send(pub('nl5/a', 'own'));
    c.send(pub('nl5/b', 'echo'));
    expect(await c.expect('publish')).toMatchObject({ topic: 'nl5/b' });
    await c.ping();
    expect(publishes(c).map((p) => p.topic)).toEqual(['nl5/b']);
    const other = await f.connect('nl5-other', v5());
    other.send(pub('nl5/a', 'from another'));
    expect(await c.expect('publish')).toMatchObject({ topic: 'nl5/a' });
  });

  it('Retain As Published keeps the RETAIN flag of a live message; without it RETAIN is 0 (MQTT-3.3.1-12, -13)', async () => {
    const c = await f.connect('rap5', v5());
    await sub(c, [{ topicFilter: 'rap5/keep', qos: 0, retainAsPublished: true }, { topicFilter: 'rap5/clear', qos: 0 }]);
    const p = await f.connect('rap5-pub', v5());
    p.send(pub('rap5/keep', 'k', 0, true));
    p.send(pub('rap5/clear', 'c', 0, true));
    expect(await c.expect('publish')).toMatchObject({ topic: 'rap5/keep', retain: true });
    expect(await c.expect('publish')).toMatchObject({ topic: 'rap5/clear', retain: false });
  });

  it('Retain Handling 0 sends retained messages on every subscribe, 1 only for a new subscription, 2 never (MQTT-3.3.1-9..-11)', async () => {
    const p = await f.connect('rh5-pub', v5());
    await p.publish('rh5/t', 'stored', 1, true);
    const c = await f.connect('rh5', v5());
    await sub(c, [{ topicFilter: 'rh5/t', qos: 0, retainHandling: 1 }]);
    expect(await c.expect('publish')).toMatchObject({ retain: true, payload: Buffer.from('stored') });
    await sub(c, [{ topicFilter: 'rh5/t', qos: 0, retainHandling: 1 }], undefined, 2);
    await c.ping();
    expect(publishes(c)).toHaveLength(1);
    await sub(c, [{ topicFilter: 'rh5/t', qos: 0, retainHandling: 0 }], undefined, 3);
    expect(await c.expect('publish')).toMatchObject({ retain: true });
    const d = await f.connect('rh5-never', v5());
    await sub(d, [{ topicFilter: 'rh5/t', qos: 0, retainHandling: 2 }]);
    await d.ping();
    expect(publishes(d)).toEqual([]);
  });

  it('an invalid filter gets 0x8F while the others are granted', async () => {
    const c = await f.connect('inv5', v5());
    expect(await sub(c, [{ topicFilter: 'a/#/b', qos: 0 }, { topicFilter: 'inv5/ok', qos: 2 }, { topicFilter: '$share/g+/x', qos: 0 }])).toEqual([0x8f, 2, 0x8f]);
  });
});

describe('MQTT 5.0 Subscription Identifiers', () => {
  it('a delivery carries the identifiers of every matching subscription; a subscription without one adds none (MQTT-3.3.4-3, -4)', async () => {
    const c = await f.connect('sid5', v5());
    await sub(c, [{ topicFilter: 'sid5/+', qos: 0 }], { subscriptionIdentifiers: [7] });
    await sub(c, [{ topicFilter: 'sid5/#', qos: 1 }], { subscriptionIdentifiers: [42] }, 2);
    await sub(c, [{ topicFilter: 'sid5/a', qos: 0 }], undefined, 3);
    const p = await f.connect('sid5-pub', v5());
    p.send(pub('sid5/a', 'x', 1));
    const got = await c.expect('publish');
    expect(got.qos).toBe(1); // one copy at the highest granted QoS
    expect([...(got.properties?.subscriptionIdentifiers ?? [])].sort((a, b) => a - b)).toEqual([7, 42]);
    await sub(c, [{ topicFilter: 'sid5/+', qos: 0 }], { subscriptionIdentifiers: [8] }, 4); // replaces 7
    p.send(pub('sid5/b', 'y', 0));
    const second = await c.expect('publish');
    expect([...(second.properties?.subscriptionIdentifiers ?? [])].sort((a, b) => a - b)).toEqual([8, 42]);
  });

  it('retained messages sent at subscribe time carry the subscription identifier', async () => {
    const p = await f.connect('sidr5-pub', v5());
    await p.publish('sidr5/t', 'r', 0, true);
    const c = await f.connect('sidr5', v5());
    await sub(c, [{ topicFilter: 'sidr5/t', qos: 0 }], { subscriptionIdentifiers: [5] });
    expect(await c.expect('publish')).toMatchObject({ retain: true, properties: { subscriptionIdentifiers: [5] } });
  });
});

describe('MQTT 5.0 shared subscriptions', () => {
  it('each message goes to exactly one member; the share gets no retained message (MQTT 5.0 4.8.2)', async () => {
    const p = await f.connect('sh5-pub', v5());
    await p.publish('sh5/t', 'old', 0, true);
    const a = await f.connect('sh5-a', v5());
    const b = await f.connect('sh5-b', v5());
    expect(await sub(a, [{ topicFilter: '$share/g/sh5/#', qos: 1 }])).toEqual([1]);
    expect(await sub(b, [{ topicFilter: '$share/g/sh5/#', qos: 0 }])).toEqual([0]);
    for (let i = 0; i < 10; i++) {
      p.send(pub('sh5/t', `m${String(i)}`, 1, false, i + 1));
      await p.expect('puback');
    }
    await drain(a);
    await drain(b);
    const got = [...publishes(a), ...publishes(b)].map((x) => x.payload.toString()).sort();
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => `m${String(i)}`).sort());
    expect(publishes(a).length).toBeGreaterThan(0);
    expect(publishes(b).length).toBeGreaterThan(0);
    expect(publishes(b).every((x) => x.qos === 0)).toBe(true); // each at the QoS its member was granted
    expect([...publishes(a), ...publishes(b)].some((x) => x.payload.toString() === 'old')).toBe(false);
  });

  it('No Local on a shared subscription is a Protocol Error (MQTT-3.8.3-4)', async () => {
    const c = await f.connect('shnl5', v5());
    c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '$share/g/x', qos: 0, noLocal: true }] });
    expect(await c.expect('disconnect')).toMatchObject({ reasonCode: 0x82 });
    await c.expectClosed();
  });

  it('a QoS 1 message left unacknowledged by a member whose session ends goes to another member', async () => {
    const a = await f.connect('shr5-a', v5());
    await sub(a, [{ topicFilter: '$share/r/shr5/t', qos: 1 }]);
    const p = await f.connect('shr5-pub', v5());
    p.send(pub('shr5/t', 'orphan', 1));
    await p.expect('puback');
    expect(await a.expect('publish')).toMatchObject({ payload: Buffer.from('orphan') });
    const b = await f.connect('shr5-b', v5());
    await sub(b, [{ topicFilter: '$share/r/shr5/t', qos: 1 }]);
    a.destroy(); // its session (expiry 0) ends with the connection, the PUBLISH unacknowledged
    expect(await b.expect('publish')).toMatchObject({ payload: Buffer.from('orphan'), qos: 1 });
  });

  it('a QoS 2 delivery of a member whose connection broke is completed when it reconnects, not offered to another (MQTT-4.8.2-4, -5)', async () => {
    const a = await f.connect('shq2-a', v5({ sessionExpiryInterval: 60 }));
    await sub(a, [{ topicFilter: '$share/q/shq2/t', qos: 2 }]);
    const p = await f.connect('shq2-pub', v5());
    await p.publish('shq2/t', 'once', 2);
    const first = await a.expect('publish');
    const b = await f.connect('shq2-b', v5());
    await sub(b, [{ topicFilter: '$share/q/shq2/t', qos: 2 }]);
    a.destroy();
    const again = await f.connect('shq2-a', v5({ sessionExpiryInterval: 60 }, { clean: false }));
    expect(await again.expect('publish')).toMatchObject({ dup: true, packetId: first.packetId, payload: Buffer.from('once') });
    await b.ping();
    expect(publishes(b)).toEqual([]);
  });
});
