import { describe, expect, it } from 'vitest';
import { fromHex } from '../harness/codec/index.js';
import { connectPacket, isPublishOn, RawClient } from '../test/support/reference/raw-client.js';
import { useBroker } from '../test/support/reference/fixture.js';
import { startBroker } from './index.js';

const f = useBroker();

/** CONNECT 3.1.1, client id "c", clean session, keep-alive 0; byte 9 is the Connect Flags. */
const CONNECT_HEX = '10 0d 00 04 4d 51 54 54 04 02 00 00 00 01 63';
function connectBytes(patch: (b: Buffer) => void = () => undefined): Buffer {
  const b = fromHex(CONNECT_HEX);
  patch(b);
  return b;
}

describe('CONNECT first, exactly once', () => {
  it('a first packet other than CONNECT closes the connection with no answer (MQTT-3.1.0-1)', async () => {
    const c = await f.open();
    c.send({ type: 'pingreq' });
    await c.expectClosed();
    expect(f.logs.some((r) => r.code === 'FIRST_PACKET_NOT_CONNECT')).toBe(true);
  });

  it('a second CONNECT closes the connection (MQTT-3.1.0-2)', async () => {
    const c = await f.connect('second-connect');
    c.send(connectPacket('second-connect'));
    await c.expectClosed();
  });

  it('no CONNECT within the configured time closes the socket', async () => {
    const b = await startBroker({ connectTimeoutMs: 300, sysIntervalSeconds: 0 });
    try {
      const c = await RawClient.open(b.address.port);
      const t0 = Date.now();
      c.sendBytes(fromHex('10 0d 00 04')); // a CONNECT that never completes (slowloris)
      await c.expectClosed(3000);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      expect(b.stats().connectTimeouts).toBe(1);
    } finally {
      await b.close();
    }
  });

  it('a CONNECT in time stops the CONNECT timer', async () => {
    const b = await startBroker({ connectTimeoutMs: 200, sysIntervalSeconds: 0 });
    try {
      const { client } = await RawClient.connected(b.address.port, 'in-time');
      await new Promise((r) => setTimeout(r, 400)); // longer than the CONNECT timeout
      client.send({ type: 'pingreq' });
      await client.expect('pingresp');
      expect(b.stats().connectTimeouts).toBe(0);
      client.destroy();
    } finally {
      await b.close();
    }
  });
});

describe('protocol name and level', () => {
  it('accepts 3.1.1 (MQTT, 4) with return code 0 and Session Present 0 (MQTT-3.1.4-4, MQTT-3.2.2-1)', async () => {
    const c = await f.open();
    c.sendBytes(connectBytes());
    const ack = await c.expect('connack');
    expect(ack).toMatchObject({ reasonCode: 0, sessionPresent: false });
  });

  it('accepts 3.1 (MQIsdp, 3)', async () => {
    const { sessionPresent } = await f.connectWithSession('v31client', { protocolVersion: 3 });
    expect(sessionPresent).toBe(false);
  });

  it('an unsupported level gets CONNACK return code 1 and the close (MQTT-3.1.2-2, MQTT-3.2.2-4, -5)', async () => {
    const c = await f.open();
    c.sendBytes(connectBytes((b) => (b[8] = 6)));
    expect(await c.expect('connack')).toMatchObject({ reasonCode: 1, sessionPresent: false });
    await c.expectClosed();
  });

  it('MQIsdp with level 4 is an unsupported level: return code 1', async () => {
    const c = await f.open();
    c.sendBytes(fromHex('10 0f 00 06 4d 51 49 73 64 70 04 02 00 00 00 01 63'));
    expect(await c.expect('connack')).toMatchObject({ reasonCode: 1 });
    await c.expectClosed();
  });

  it('a wrong protocol name closes without CONNACK (MQTT-3.1.2-1)', async () => {
    const c = await f.open();
    c.sendBytes(connectBytes((b) => (b[7] = 0x58))); // 'MQTX'
    await c.expectClosed();
  });

  it('MQTT 5.0 is served: CONNACK 0x00 in the 5.0 format (reference/v5 tests the rest)', async () => {
    const c = await f.open(5);
    c.send(connectPacket('v5client', { protocolVersion: 5 }));
    expect(await c.expect('connack')).toMatchObject({ reasonCode: 0x00, sessionPresent: false, properties: { receiveMaximum: 100 } });
  });

  it('nothing sent after a refused CONNECT is acted on (MQTT-3.1.4-5)', async () => {
    const watcher = await f.connect('refused-watcher');
    await watcher.subscribe([['refused/#', 0]]);
    const c = await f.open();
    const publish = fromHex('31 0b 00 07 72 65 66 75 73 65 64 68 69'); // retained QoS 0 "refused" "hi"
    c.sendBytes(Buffer.concat([connectBytes((b) => (b[8] = 6)), publish]));
    expect(await c.expect('connack')).toMatchObject({ reasonCode: 1 });
    await c.expectClosed();
    const later = await f.connect('refused-later');
    await later.subscribe([['refused', 0]]);
    const pub = await f.connect('refused-pub');
    await pub.publish('refused/marker', 'm');
    const before = await watcher.collectUntil(isPublishOn('refused/marker'));
    expect(before).toEqual([]);
    later.send({ type: 'pingreq' });
    expect((await later.next()).type).toBe('pingresp'); // no retained "refused" arrived before it
  });
});

describe('Connect Flags', () => {
  it.each([
    ['reserved bit 0 set (MQTT-3.1.2-3)', 0x03],
    ['Will QoS without Will Flag (MQTT-3.1.2-13)', 0x0a],
    ['Will Retain without Will Flag (MQTT-3.1.2-15)', 0x22],
  ])('%s closes without CONNACK', async (_name, flags) => {
    const c = await f.open();
    c.sendBytes(connectBytes((b) => (b[9] = flags)));
    await c.expectClosed();
  });

  it('a password without a user name closes without CONNACK (MQTT-3.1.2-22)', async () => {
    const c = await f.open();
    // flags 0x42: password + clean; payload: client id "c", password "p"
    c.sendBytes(fromHex('10 10 00 04 4d 51 54 54 04 42 00 00 00 01 63 00 01 70'));
    await c.expectClosed();
  });

  it('a will topic with a wildcard closes without CONNACK (MQTT-3.1.4-1)', async () => {
    const c = await f.open();
    c.send(connectPacket('bad-will', { will: { topic: 'a/+', payload: Buffer.from('x'), qos: 0, retain: false } }));
    await c.expectClosed();
  });
});

describe('client identifier', () => {
  it('an empty id with CleanSession 1 is assigned a unique id (MQTT-3.1.3-6)', async () => {
    const a = await f.connect('');
    const b = await f.connect('');
    // Two assigned ids: the second did not take over the first.
    a.send({ type: 'pingreq' });
    await a.expect('pingresp');
    b.send({ type: 'pingreq' });
    await b.expect('pingresp');
    expect(f.broker.stats().takeovers).toBe(0);
  });

  it('an empty id with CleanSession 0 gets return code 2 and the close (MQTT-3.1.3-8)', async () => {
    const c = await f.open();
    c.send(connectPacket('', { clean: false }));
    expect(await c.expect('connack')).toMatchObject({ reasonCode: 2, sessionPresent: false });
    await c.expectClosed();
  });

  it('accepts any 3.1.1 id, including ones longer than 23 characters and with other characters (MQTT-3.1.3-5)', async () => {
    await f.connect('0123456789abcdefghijABCDEFGHIJ-_/ é');
  });

  it.each([
    ['24 characters', 'x'.repeat(24)],
    ['empty', ''],
  ])('3.1: an id of %s gets return code 2 (identifier rejected)', async (_name, id) => {
    const c = await f.open(3);
    c.send(connectPacket(id, { protocolVersion: 3 }));
    expect(await c.expect('connack')).toMatchObject({ reasonCode: 2 });
    await c.expectClosed();
  });

  it('3.1: 23 characters are accepted', async () => {
    await f.connect('y'.repeat(23), { protocolVersion: 3 });
  });

  it('a second connection with the same id closes the first, which publishes its will (MQTT-3.1.4-2)', async () => {
    const watcher = await f.connect('takeover-watcher');
    await watcher.subscribe([['takeover/will', 1]]);
    const first = await f.connect('takeover-id', { will: { topic: 'takeover/will', payload: Buffer.from('gone'), qos: 1, retain: false } });
    const before = f.broker.stats().takeovers;
    const second = await f.connect('takeover-id');
    await first.expectClosed();
    const will = await watcher.expect('publish');
    expect(will).toMatchObject({ topic: 'takeover/will', qos: 1 });
    expect(will.payload.toString()).toBe('gone');
    expect(f.broker.stats().takeovers).toBe(before + 1);
    second.send({ type: 'pingreq' });
    await second.expect('pingresp');
  });
});

describe('session present', () => {
  it('is 0 for a new persistent session, 1 when resumed, 0 after a clean session discarded it (MQTT-3.2.2-1..3)', async () => {
    const a = await f.connectWithSession('sp-client', { clean: false });
    expect(a.sessionPresent).toBe(false);
    await a.client.disconnect();
    const b = await f.connectWithSession('sp-client', { clean: false });
    expect(b.sessionPresent).toBe(true);
    await b.client.disconnect();
    const c = await f.connectWithSession('sp-client', { clean: true });
    expect(c.sessionPresent).toBe(false);
    await c.client.disconnect();
    const d = await f.connectWithSession('sp-client', { clean: false });
    expect(d.sessionPresent).toBe(false);
    await d.client.disconnect();
  });
});
