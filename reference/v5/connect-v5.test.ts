/** MQTT 5.0 CONNECT, CONNACK, server DISCONNECT reasons and sessions, over raw packets through the codec. */
import { describe, expect, it } from 'vitest';
import { encode, fromHex, type ConnectPacket, type Properties } from '../../harness/codec/index.js';
import { useBroker } from '../../test/support/reference/fixture.js';
import { connectPacket, RawClient } from '../../test/support/reference/raw-client.js';

const f = useBroker({ maxPacketSize: 4096, receiveMaximum: 3, topicAliasMaximum: 5 });
const v5 = (properties?: Properties, more: Partial<Omit<ConnectPacket, 'type'>> = {}): Partial<Omit<ConnectPacket, 'type'>> => ({ protocolVersion: 5, properties, ...more });

describe('MQTT 5.0 CONNECT and CONNACK', () => {
  it('CONNACK 0x00 announces the server limits and capabilities (5.0 §3.2.2.3 properties)', async () => {
    const c = await f.open(5);
    c.send(connectPacket('c5-props', v5()));
    const connack = await c.expect('connack');
    expect(connack).toMatchObject({ reasonCode: 0, sessionPresent: false });
    expect(connack.properties).toMatchObject({
      receiveMaximum: 3,
      topicAliasMaximum: 5,
      maximumPacketSize: 4096,
      retainAvailable: 1,
      wildcardSubscriptionAvailable: 1,
      subscriptionIdentifierAvailable: 1,
      sharedSubscriptionAvailable: 1,
    });
    expect(connack.properties?.maximumQoS).toBeUndefined(); // QoS 2 supported: absent
    expect(connack.properties?.assignedClientIdentifier).toBeUndefined();
  });

  it('an empty client identifier is assigned one, returned in CONNACK, even with Clean Start 0 (MQTT-3.1.3-6, -7, 3.2.2-16)', async () => {
    const c = await f.open(5);
    c.send(connectPacket('', v5({ sessionExpiryInterval: 60 }, { clean: false })));
    const connack = await c.expect('connack');
    expect(connack.reasonCode).toBe(0);
    const assigned = connack.properties?.assignedClientIdentifier;
    expect(assigned).toMatch(/^auto-[0-9a-f]{16}$/);
    // It names the session: a second CONNECT with it takes the first over (DISCONNECT 0x8E).
    const again = await f.connect(assigned as string, v5({ sessionExpiryInterval: 60 }, { clean: false }));
    expect(await c.expect('disconnect')).toMatchObject({ reasonCode: 0x8e });
    await c.expectClosed();
    again.destroy();
  });

  it('a second CONNECT is a Protocol Error: DISCONNECT 0x82, then the close (MQTT-3.1.0-2, 4.13.1-1)', async () => {
    const c = await f.connect('c5-second', v5());
    c.send(connectPacket('c5-second', v5()));
    expect(await c.expect('disconnect')).toMatchObject({ reasonCode: 0x82 });
    await c.expectClosed();
  });

  it('a malformed packet gets DISCONNECT 0x81 before the close (MQTT-4.13.1-1)', async () => {
    const c = await f.connect('c5-malformed', v5());
    c.sendBytes(fromHex('e2 00')); // DISCONNECT with reserved flags
    expect(await c.expect('disconnect')).toMatchObject({ reasonCode: 0x81 });
    await c.expectClosed();
  });

  it('a packet above the announced Maximum Packet Size gets DISCONNECT 0x95', async () => {
    const c = await f.connect('c5-large', v5());
    c.send({ type: 'publish', topic: 't/large', payload: Buffer.alloc(5000), qos: 0, retain: false, dup: false });
    expect(await c.expect('disconnect')).toMatchObject({ reasonCode: 0x95 });
    await c.expectClosed();
  });

  it('a refused CONNECT gets a 5.0 reason code: unknown Authentication Method 0x8C, then the close (MQTT-4.12.0-1)', async () => {
    const c = await f.open(5);
    c.send(connectPacket('c5-method', v5({ authenticationMethod: 'x-unknown' })));
    expect(await c.expect('connack')).toMatchObject({ reasonCode: 0x8c, sessionPresent: false });
    await c.expectClosed();
  });

  it('a will above the Maximum QoS or a retained will without Retain Available is refused (0x9B / 0x9A)', async () => {
    const b = useBrokerLess({ maximumQoS: 1, retainAvailable: false });
    await b.run(async (port) => {
      const c = await RawClient.open(port, 5);
      c.send(connectPacket('c5-wq', v5(undefined, { will: { topic: 'w/q', payload: Buffer.from('x'), qos: 2, retain: false } })));
      expect(await c.expect('connack')).toMatchObject({ reasonCode: 0x9b });
      await c.expectClosed();
      const d = await RawClient.open(port, 5);
      d.send(connectPacket('c5-wr', v5(undefined, { will: { topic: 'w/r', payload: Buffer.from('x'), qos: 0, retain: true } })));
      expect(await d.expect('connack')).toMatchObject({ reasonCode: 0x9a });
      await d.expectClosed();
      const e = await RawClient.connected(port, 'c5-limits', v5());
      const connack = e.client.received[0];
      expect(connack).toMatchObject({ properties: { maximumQoS: 1, retainAvailable: 0 } });
      // PUBLISH above the Maximum QoS: DISCONNECT 0x9B (MQTT-3.2.2-11); SUBSCRIBE at 2 is granted 1.
      expect(await e.client.subscribe([['t/max', 2]])).toEqual([1]);
      e.client.send({ type: 'publish', topic: 't/max', payload: Buffer.from('x'), qos: 2, retain: false, dup: false, packetId: 1 });
      expect(await e.client.expect('disconnect')).toMatchObject({ reasonCode: 0x9b });
      await e.client.expectClosed();
      const g = await RawClient.connected(port, 'c5-retain', v5());
      g.client.send({ type: 'publish', topic: 't/r', payload: Buffer.from('x'), qos: 0, retain: true, dup: false });
      expect(await g.client.expect('disconnect')).toMatchObject({ reasonCode: 0x9a });
      await g.client.expectClosed();
    });
  });

  it('Server Keep Alive replaces the client value; a silent client gets DISCONNECT 0x8D (MQTT-3.2.2-21, 4.13.1-1)', async () => {
    await useBrokerLess({ serverKeepAlive: 1 }).run(async (port) => {
      const { client } = await RawClient.connected(port, 'c5-ka', v5(undefined, { keepalive: 600 }));
      expect(client.received[0]).toMatchObject({ properties: { serverKeepAlive: 1 } });
      expect(await client.expect('disconnect', 4000)).toMatchObject({ reasonCode: 0x8d });
      await client.expectClosed();
    });
  });

  it('a longer Session Expiry Interval than allowed is lowered and announced in CONNACK', async () => {
    await useBrokerLess({ maxSessionExpiryInterval: 10 }).run(async (port) => {
      const { client } = await RawClient.connected(port, 'c5-sei', v5({ sessionExpiryInterval: 3600 }));
      expect(client.received[0]).toMatchObject({ properties: { sessionExpiryInterval: 10 } });
      client.destroy();
    });
  });

  it('Response Information only when the client asks for it (MQTT-3.1.2-28)', async () => {
    const asked = await f.connectWithSession('c5-rri', v5({ requestResponseInformation: 1 }));
    expect(asked.client.received[0]).toMatchObject({ properties: { responseInformation: 'response/c5-rri' } });
    const silent = await f.connectWithSession('c5-nori', v5());
    expect(silent.client.received[0]).not.toHaveProperty('properties.responseInformation');
  });

  it('AUTH without an Authentication Method in CONNECT is a Protocol Error (MQTT-4.12.0-7)', async () => {
    const c = await f.connect('c5-auth', v5());
    c.send({ type: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'SCRAM-SHA-256' } });
    expect(await c.expect('disconnect')).toMatchObject({ reasonCode: 0x82 });
    await c.expectClosed();
  });

  it('a 3.1.1 client still gets 3.1.1 behaviour: no DISCONNECT before a violation close', async () => {
    const c = await f.connect('c4-second');
    c.send(connectPacket('c4-second'));
    await c.expectClosed();
    expect(c.received.filter((p) => p.type === 'disconnect')).toEqual([]);
  });
});

describe('MQTT 5.0 sessions: Clean Start and Session Expiry Interval', () => {
  it('Session Expiry Interval 0 (the default) ends the session with the connection (MQTT-3.1.2-23)', async () => {
    const a = await f.connect('s5-zero', v5(undefined, { clean: true }));
    await a.subscribe([['s5/zero', 1]]);
    await a.disconnect();
    const { client, sessionPresent } = await f.connectWithSession('s5-zero', v5(undefined, { clean: false }));
    expect(sessionPresent).toBe(false);
    client.destroy();
  });

  it('a Session Expiry Interval keeps subscriptions and queued messages; Clean Start 1 discards them (MQTT-3.1.2-4, -5)', async () => {
    const a = await f.connect('s5-keep', v5({ sessionExpiryInterval: 60 }));
    await a.subscribe([['s5/keep', 1]]);
    await a.disconnect();
    const pub = await f.connect('s5-keep-pub', v5());
    await pub.publish('s5/keep', 'while away', 1);
    const { client, sessionPresent } = await f.connectWithSession('s5-keep', v5({ sessionExpiryInterval: 60 }, { clean: false }));
    expect(sessionPresent).toBe(true);
    expect(await client.expect('publish')).toMatchObject({ topic: 's5/keep', qos: 1, payload: Buffer.from('while away') });
    await client.disconnect();
    const fresh = await f.connectWithSession('s5-keep', v5({ sessionExpiryInterval: 60 }, { clean: true }));
    expect(fresh.sessionPresent).toBe(false);
    fresh.client.destroy();
  });

  it('the session is deleted once its expiry interval has passed', async () => {
    const a = await f.connect('s5-exp', v5({ sessionExpiryInterval: 1 }));
    await a.subscribe([['s5/exp', 1]]);
    await a.disconnect();
    await new Promise((r) => setTimeout(r, 1300)); // the interval under test is time itself
    const { client, sessionPresent } = await f.connectWithSession('s5-exp', v5({ sessionExpiryInterval: 1 }, { clean: false }));
    expect(sessionPresent).toBe(false);
    client.destroy();
  });

  it('DISCONNECT may lower the Session Expiry Interval to 0 (session ends) but not raise it from 0 (MQTT-3.14.2-2)', async () => {
    const a = await f.connect('s5-dc', v5({ sessionExpiryInterval: 60 }));
    a.send({ type: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 0 } });
    await a.expectClosed();
    const b = await f.connectWithSession('s5-dc', v5(undefined, { clean: false }));
    expect(b.sessionPresent).toBe(false);
    b.client.send({ type: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 30 } });
    expect(await b.client.expect('disconnect')).toMatchObject({ reasonCode: 0x82 });
    await b.client.expectClosed();
  });

  it('bytes of a raw 5.0 CONNECT with properties decode and are accepted', async () => {
    const c = await f.open(5);
    c.sendBytes(encode(connectPacket('c5-raw', v5({ receiveMaximum: 10, topicAliasMaximum: 0, userProperties: [['a', '1']] })), 5));
    expect(await c.expect('connack')).toMatchObject({ reasonCode: 0 });
  });
});

/** A broker of its own for options that differ from the file's fixture. */
function useBrokerLess(options: Parameters<typeof import('../index.js').startBroker>[0]): { run(fn: (port: number) => Promise<void>): Promise<void> } {
  return {
    async run(fn) {
      const { startBroker } = await import('../index.js');
      const broker = await startBroker({ sysIntervalSeconds: 0, ...options });
      try {
        await fn(broker.address.port);
      } finally {
        await broker.close();
      }
    },
  };
}
