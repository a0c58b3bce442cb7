/** MQTT 5.0 PUBLISH: properties, Message Expiry, Topic Aliases, Receive Maximum, Maximum Packet Size, Payload Format Indicator. */
import { describe, expect, it } from 'vitest';
import type { ConnectPacket, Properties, PublishPacket } from '../../harness/codec/index.js';
import { useBroker } from '../../test/support/reference/fixture.js';
import type { RawClient } from '../../test/support/reference/raw-client.js';

const f = useBroker({ receiveMaximum: 2, topicAliasMaximum: 3 });
const v5 = (properties?: Properties, more: Partial<Omit<ConnectPacket, 'type'>> = {}): Partial<Omit<ConnectPacket, 'type'>> => ({ protocolVersion: 5, properties, ...more });
const pub = (topic: string, payload: string, qos: 0 | 1 | 2 = 0, properties?: Properties, packetId = 1): PublishPacket => ({
  type: 'publish',
  topic,
  payload: Buffer.from(payload),
  qos,
  retain: false,
  dup: false,
  packetId: qos > 0 ? packetId : undefined,
  properties,
});

async function subscriber(id: string, filter: string, qos: 0 | 1 | 2 = 1, props?: Properties): Promise<RawClient> {
  const c = await f.connect(id, v5(props));
  expect(await c.subscribe([[filter, qos]])).toEqual([qos]);
  return c;
}

describe('MQTT 5.0 message properties', () => {
  it('Response Topic, Correlation Data, Content Type, Payload Format Indicator and User Properties (order and repeats kept) pass through unchanged', async () => {
    const sub = await subscriber('p5-sub', 'p5/props');
    const p = await f.connect('p5-pub', v5());
    const properties: Properties = {
      payloadFormatIndicator: 1,
      contentType: 'text/plain',
      responseTopic: 'p5/reply',
      correlationData: Buffer.from([1, 2, 3]),
      userProperties: [['b', '2'], ['a', '1'], ['b', '3']],
    };
    p.send(pub('p5/props', 'héllo', 1, properties));
    expect(await p.expect('puback')).toMatchObject({ packetId: 1 });
    const got = await sub.expect('publish');
    expect(got.properties).toEqual(properties);
    expect(got.properties?.topicAlias).toBeUndefined();
  });

  it('a queued message whose expiry has passed is not delivered; one that waited less is sent with its interval lowered (MQTT-3.3.2-5, -6)', async () => {
    const a = await f.connect('p5-exp', v5({ sessionExpiryInterval: 60 }));
    await a.subscribe([['p5/exp/#', 1]]);
    await a.disconnect();
    const p = await f.connect('p5-exp-pub', v5());
    p.send(pub('p5/exp/short', 'gone', 1, { messageExpiryInterval: 1 }, 1));
    await p.expect('puback');
    p.send(pub('p5/exp/long', 'kept', 1, { messageExpiryInterval: 30 }, 2));
    await p.expect('puback');
    await new Promise((r) => setTimeout(r, 2100)); // the expiry under test is time itself
    const b = await f.connect('p5-exp', v5({ sessionExpiryInterval: 60 }, { clean: false }));
    const got = await b.expect('publish');
    expect(got).toMatchObject({ topic: 'p5/exp/long', payload: Buffer.from('kept') });
    expect(got.properties?.messageExpiryInterval).toBeGreaterThanOrEqual(26);
    expect(got.properties?.messageExpiryInterval).toBeLessThanOrEqual(28);
    await b.ping(); // the expired one is not behind it
    expect(b.received.filter((x) => x.type === 'publish')).toHaveLength(1);
  });

  it('a client-sent Subscription Identifier in PUBLISH is a Protocol Error (MQTT-3.3.4-6)', async () => {
    const p = await f.connect('p5-subid', v5());
    p.send(pub('p5/x', 'x', 0, { subscriptionIdentifiers: [3] }));
    expect(await p.expect('disconnect')).toMatchObject({ reasonCode: 0x82 });
    await p.expectClosed();
  });
});

describe('MQTT 5.0 Topic Aliases (client to server)', () => {
  it('an alias set with a topic is used by later PUBLISH with an empty topic, per connection (MQTT-3.3.2-12)', async () => {
    const sub = await subscriber('ta5-sub', 'ta5/#', 0);
    const p = await f.connect('ta5-pub', v5());
    p.send(pub('ta5/a', 'one', 0, { topicAlias: 3 }));
    p.send(pub('', 'two', 0, { topicAlias: 3 }));
    p.send(pub('ta5/b', 'three', 0, { topicAlias: 3 })); // remapped
    p.send(pub('', 'four', 0, { topicAlias: 3 }));
    const got = [await sub.expect('publish'), await sub.expect('publish'), await sub.expect('publish'), await sub.expect('publish')];
    expect(got.map((g) => [g.topic, g.payload.toString()])).toEqual([
      ['ta5/a', 'one'],
      ['ta5/a', 'two'],
      ['ta5/b', 'three'],
      ['ta5/b', 'four'],
    ]);
    await p.disconnect();
    const again = await f.connect('ta5-pub', v5());
    again.send(pub('', 'stale', 0, { topicAlias: 3 }));
    expect(await again.expect('disconnect')).toMatchObject({ reasonCode: 0x82 });
  });

  it('an alias above the announced Topic Alias Maximum gets DISCONNECT 0x94 (MQTT-3.3.2-9, -10)', async () => {
    const p = await f.connect('ta5-max', v5());
    p.send(pub('ta5/x', 'x', 0, { topicAlias: 4 }));
    expect(await p.expect('disconnect')).toMatchObject({ reasonCode: 0x94 });
    await p.expectClosed();
  });

  it("server to client: aliases only up to the client's Topic Alias Maximum, set with the topic, then used alone (MQTT-3.3.2-11)", async () => {
    const sub = await subscriber('ta5-out', 'ta5out/#', 0, { topicAliasMaximum: 2 });
    const none = await subscriber('ta5-none', 'ta5out/#', 0);
    const p = await f.connect('ta5-out-pub', v5());
    for (const t of ['a', 'a', 'b', 'c', 'b', 'c']) p.send(pub(`ta5out/${t}`, t, 0));
    const got: [string, number | undefined, string][] = [];
    for (let i = 0; i < 6; i++) {
      const m = await sub.expect('publish');
      got.push([m.topic, m.properties?.topicAlias, m.payload.toString()]);
    }
    expect(got).toEqual([
      ['ta5out/a', 1, 'a'],
      ['', 1, 'a'],
      ['ta5out/b', 2, 'b'],
      ['ta5out/c', undefined, 'c'], // both aliases taken: the topic in full
      ['', 2, 'b'],
      ['ta5out/c', undefined, 'c'],
    ]);
    for (let i = 0; i < 6; i++) {
      const m = await none.expect('publish');
      expect(m.properties?.topicAlias).toBeUndefined();
      expect(m.topic).not.toBe('');
    }
  });
});

describe('MQTT 5.0 flow control and packet size', () => {
  it("the server keeps no more QoS 1 deliveries unacknowledged than the client's Receive Maximum (MQTT-3.3.4-9)", async () => {
    const sub = await subscriber('fc5-sub', 'fc5/a', 1, { receiveMaximum: 2 });
    const p = await f.connect('fc5-pub', v5());
    for (let i = 1; i <= 5; i++) {
      p.send(pub('fc5/a', `m${String(i)}`, 1, undefined, i));
      await p.expect('puback');
    }
    const first = [await sub.expect('publish'), await sub.expect('publish')];
    await sub.ping(); // nothing more while two are unacknowledged
    expect(sub.received.filter((x) => x.type === 'publish')).toHaveLength(2);
    sub.send({ type: 'puback', packetId: first[0]?.packetId as number });
    expect((await sub.expect('publish')).payload.toString()).toBe('m3');
    await sub.ping();
    expect(sub.received.filter((x) => x.type === 'publish')).toHaveLength(3);
  });

  it("more unreleased QoS 2 PUBLISH than the server's Receive Maximum gets DISCONNECT 0x93 (MQTT-3.3.4-7)", async () => {
    const p = await f.connect('fc5-q2', v5());
    for (const id of [1, 2]) {
      p.send(pub('fc5/q2', 'x', 2, undefined, id));
      await p.expect('pubrec');
    }
    p.send(pub('fc5/q2', 'x', 2, undefined, 3));
    expect(await p.expect('disconnect')).toMatchObject({ reasonCode: 0x93 });
    await p.expectClosed();
  });

  it("a message larger than the client's Maximum Packet Size is dropped for that client only (MQTT-3.1.2-24)", async () => {
    const small = await subscriber('mps5-small', 'mps5/a', 1, { maximumPacketSize: 64 });
    const big = await subscriber('mps5-big', 'mps5/a', 1);
    const p = await f.connect('mps5-pub', v5());
    p.send(pub('mps5/a', 'x'.repeat(200), 1, undefined, 1));
    await p.expect('puback');
    p.send(pub('mps5/a', 'small', 1, undefined, 2));
    await p.expect('puback');
    expect((await big.expect('publish')).payload.length).toBe(200);
    const got = await small.expect('publish');
    expect(got.payload.toString()).toBe('small');
  });
});

describe('MQTT 5.0 acknowledgements', () => {
  it('Payload Format Indicator 1 with invalid UTF-8: PUBACK 0x99, not delivered; at QoS 0 DISCONNECT 0x99', async () => {
    const sub = await subscriber('pf5-sub', 'pf5/a', 1);
    const p = await f.connect('pf5-pub', v5());
    p.send({ ...pub('pf5/a', '', 1, { payloadFormatIndicator: 1 }), payload: Buffer.from([0xff, 0xfe]) });
    expect(await p.expect('puback')).toMatchObject({ reasonCode: 0x99 });
    p.send({ ...pub('pf5/a', '', 2, { payloadFormatIndicator: 1 }, 2), payload: Buffer.from([0xc0]) });
    expect(await p.expect('pubrec')).toMatchObject({ reasonCode: 0x99 });
    p.send(pub('pf5/a', 'ok', 1, { payloadFormatIndicator: 1 }, 3));
    expect((await p.expect('puback')).reasonCode ?? 0).toBe(0);
    expect((await sub.expect('publish')).payload.toString()).toBe('ok');
    p.send({ ...pub('pf5/a', '', 0, { payloadFormatIndicator: 1 }), payload: Buffer.from([0xff]) });
    expect(await p.expect('disconnect')).toMatchObject({ reasonCode: 0x99 });
  });

  it('Request Problem Information 0: acknowledgements carry no Reason String, a server DISCONNECT still may (MQTT-3.1.2-29)', async () => {
    const bad = { payloadFormatIndicator: 1 as const };
    const told = await f.connect('rpi5-on', v5());
    told.send({ ...pub('rpi5/a', '', 1, bad), payload: Buffer.from([0xff]) });
    expect((await told.expect('puback')).properties?.reasonString).toMatch(/UTF-8/);
    const quiet = await f.connect('rpi5-off', v5({ requestProblemInformation: 0 }));
    quiet.send({ ...pub('rpi5/a', '', 1, bad), payload: Buffer.from([0xff]) });
    const ack = await quiet.expect('puback');
    expect(ack.reasonCode).toBe(0x99);
    expect(ack.properties).toBeUndefined();
    quiet.send(pub('rpi5/a', 'x', 0, { subscriptionIdentifiers: [1] }));
    const d = await quiet.expect('disconnect');
    expect(d.reasonCode).toBe(0x82);
    expect(d.properties?.reasonString).toContain('MQTT-3.3.4-6');
  });

  it('PUBREL for an unknown identifier gets PUBCOMP 0x92; UNSUBACK says 0x00 or 0x11 per filter (MQTT-3.11.3-1)', async () => {
    const c = await f.connect('ack5', v5());
    c.send({ type: 'pubrel', packetId: 77 });
    expect(await c.expect('pubcomp')).toMatchObject({ packetId: 77, reasonCode: 0x92 });
    await c.subscribe([['ack5/a', 0]]);
    c.send({ type: 'unsubscribe', packetId: 9, topicFilters: ['ack5/a', 'ack5/none'] });
    expect(await c.expect('unsuback')).toMatchObject({ packetId: 9, reasonCodes: [0x00, 0x11] });
  });

  it('PUBACK with a failure reason code completes the delivery; PUBREC with one ends it without PUBREL', async () => {
    const sub = await subscriber('rc5-sub', 'rc5/#', 2);
    const p = await f.connect('rc5-pub', v5());
    p.send(pub('rc5/q1', 'a', 1));
    await p.expect('puback');
    const q1 = await sub.expect('publish');
    sub.send({ type: 'puback', packetId: q1.packetId as number, reasonCode: 0x80 });
    p.send(pub('rc5/q2', 'b', 2, undefined, 2));
    await p.expect('pubrec');
    const q2 = await sub.expect('publish');
    sub.send({ type: 'pubrec', packetId: q2.packetId as number, reasonCode: 0x80 });
    await sub.ping();
    expect(sub.received.filter((x) => x.type === 'pubrel')).toEqual([]);
  });
});
