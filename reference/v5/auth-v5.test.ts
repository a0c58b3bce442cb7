/** MQTT 5.0 enhanced authentication over AUTH with SCRAM-SHA-256, raw packets through the codec. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBroker } from '../index.js';
import type { ConnectPacket, Properties } from '../../harness/codec/index.js';
import { useBroker } from '../../test/support/reference/fixture.js';
import { connectPacket, RawClient } from '../../test/support/reference/raw-client.js';
import { ScramClient, SCRAM_SHA_256 } from './scram.js';

const f = useBroker({ scramUsers: { alice: 'wonderland', 'bob,=x': 'pw' } });
const v5 = (properties?: Properties, more: Partial<Omit<ConnectPacket, 'type'>> = {}): Partial<Omit<ConnectPacket, 'type'>> => ({ protocolVersion: 5, properties, ...more });
const METHOD = { authenticationMethod: SCRAM_SHA_256 };

async function scramConnect(id: string, user: string, password: string): Promise<{ c: RawClient; scram: ScramClient; reason: number; data?: Buffer }> {
  const c = await f.open(5);
  const scram = new ScramClient(user, password);
  c.send(connectPacket(id, v5({ ...METHOD, authenticationData: scram.first() })));
  const challenge = await c.expect('auth');
  expect(challenge).toMatchObject({ reasonCode: 0x18, properties: METHOD }); // MQTT-4.12.0-2, -5
  c.send({ type: 'auth', reasonCode: 0x18, properties: { ...METHOD, authenticationData: scram.final(challenge.properties?.authenticationData as Buffer) } });
  const connack = await c.expect('connack');
  return { c, scram, reason: connack.reasonCode, data: connack.properties?.authenticationData };
}

describe('MQTT 5.0 enhanced authentication: SCRAM-SHA-256', () => {
  it('CONNECT -> AUTH 0x18 -> AUTH 0x18 -> CONNACK 0x00 whose data proves the server knows the credential', async () => {
    const { c, scram, reason, data } = await scramConnect('au5-ok', 'alice', 'wonderland');
    expect(reason).toBe(0);
    expect(scram.verify(data)).toBe(true);
    await c.publish('au5/t', 'x', 1); // the connection is established
  });

  it('user names with "," and "=" are escaped (RFC 5802 saslname)', async () => {
    const { reason } = await scramConnect('au5-esc', 'bob,=x', 'pw');
    expect(reason).toBe(0);
  });

  it('a wrong password or an unknown user gets CONNACK 0x86, then the close', async () => {
    for (const [user, pw] of [
      ['alice', 'nope'],
      ['mallory', 'x'],
    ] as const) {
      const { c, reason } = await scramConnect(`au5-bad-${user}`, user, pw);
      expect(reason).toBe(0x86);
      await c.expectClosed();
    }
  });

  it('the client-first message may come in an AUTH 0x18 after a CONNECT without Authentication Data', async () => {
    const c = await f.open(5);
    const scram = new ScramClient('alice', 'wonderland');
    c.send(connectPacket('au5-late', v5(METHOD)));
    c.send({ type: 'auth', reasonCode: 0x18, properties: { ...METHOD, authenticationData: scram.first() } });
    const challenge = await c.expect('auth');
    c.send({ type: 'auth', reasonCode: 0x18, properties: { ...METHOD, authenticationData: scram.final(challenge.properties?.authenticationData as Buffer) } });
    const connack = await c.expect('connack');
    expect(connack.reasonCode).toBe(0);
    expect(scram.verify(connack.properties?.authenticationData)).toBe(true);
  });

  it('a packet other than AUTH during the exchange is a Protocol Error: CONNACK 0x82', async () => {
    const c = await f.open(5);
    c.send(connectPacket('au5-proto', v5({ ...METHOD, authenticationData: new ScramClient('alice', 'x').first() })));
    await c.expect('auth');
    c.send({ type: 'pingreq' });
    expect(await c.expect('connack')).toMatchObject({ reasonCode: 0x82 });
    await c.expectClosed();
  });

  it('re-authentication: AUTH 0x19 -> AUTH 0x18 -> AUTH 0x18 -> AUTH 0x00 (MQTT-4.12.1-1)', async () => {
    const { c } = await scramConnect('au5-re', 'alice', 'wonderland');
    const again = new ScramClient('alice', 'wonderland');
    c.send({ type: 'auth', reasonCode: 0x19, properties: { ...METHOD, authenticationData: again.first() } });
    const challenge = await c.expect('auth');
    expect(challenge.reasonCode).toBe(0x18);
    c.send({ type: 'auth', reasonCode: 0x18, properties: { ...METHOD, authenticationData: again.final(challenge.properties?.authenticationData as Buffer) } });
    const done = await c.expect('auth');
    expect(done.reasonCode ?? 0).toBe(0);
    expect(again.verify(done.properties?.authenticationData)).toBe(true);
    await c.ping(); // still connected
  });

  it('a failed re-authentication gets DISCONNECT 0x87 Not authorized; another method is a Protocol Error (0x82)', async () => {
    const { c } = await scramConnect('au5-refail', 'alice', 'wonderland');
    const wrong = new ScramClient('alice', 'bad');
    c.send({ type: 'auth', reasonCode: 0x19, properties: { ...METHOD, authenticationData: wrong.first() } });
    const challenge = await c.expect('auth');
    c.send({ type: 'auth', reasonCode: 0x18, properties: { ...METHOD, authenticationData: wrong.final(challenge.properties?.authenticationData as Buffer) } });
    expect(await c.expect('disconnect')).toMatchObject({ reasonCode: 0x87 });
    await c.expectClosed();
    const { c: d } = await scramConnect('au5-other', 'alice', 'wonderland');
    d.send({ type: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'PLAIN' } });
    expect(await d.expect('disconnect')).toMatchObject({ reasonCode: 0x82 });
  });
});

describe('SCRAM-SHA-256 with an ACL', () => {
  it('the ACL judges a SCRAM-authenticated client as its SCRAM user; a will it may not write is refused with 0x87', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-scram-acl-'));
    const aclFile = join(dir, 'acl.txt');
    writeFileSync(aclFile, 'topic read public/#\nuser dave\ntopic readwrite dave/#\n');
    const broker = await startBroker({ sysIntervalSeconds: 0, scramUsers: { dave: 'pw' }, auth: { aclFile } });
    const clients: RawClient[] = [];
    const scramOpen = async (id: string, will?: ConnectPacket['will']): Promise<{ c: RawClient; reason: number }> => {
      const c = await RawClient.open(broker.address.port, 5);
      clients.push(c);
      const scram = new ScramClient('dave', 'pw');
      c.send(connectPacket(id, v5({ ...METHOD, authenticationData: scram.first() }, { will })));
      const challenge = await c.expect('auth');
      c.send({ type: 'auth', reasonCode: 0x18, properties: { ...METHOD, authenticationData: scram.final(challenge.properties?.authenticationData as Buffer) } });
      return { c, reason: (await c.expect('connack')).reasonCode };
    };
    try {
      const { c, reason } = await scramOpen('acl5-dave');
      expect(reason).toBe(0);
      c.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'dave/#', qos: 0 }, { topicFilter: 'other/#', qos: 0 }] });
      expect(await c.expect('suback')).toMatchObject({ reasonCodes: [0, 0x87] });
      c.send({ type: 'publish', topic: 'other/x', payload: Buffer.from('no'), qos: 1, retain: false, dup: false, packetId: 2 });
      expect(await c.expect('puback')).toMatchObject({ packetId: 2, reasonCode: 0x87 }); // acknowledged, not delivered
      c.send({ type: 'publish', topic: 'dave/x', payload: Buffer.from('yes'), qos: 1, retain: false, dup: false, packetId: 3 });
      expect(await c.expect('publish')).toMatchObject({ topic: 'dave/x', payload: Buffer.from('yes') });
      const anonymous = await RawClient.connected(broker.address.port, 'acl5-anon', v5());
      clients.push(anonymous.client);
      anonymous.client.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'dave/#', qos: 0 }] });
      expect(await anonymous.client.expect('suback')).toMatchObject({ reasonCodes: [0x87] });
      const refused = await scramOpen('acl5-will', { topic: 'other/will', payload: Buffer.from('x'), qos: 0, retain: false });
      expect(refused.reason).toBe(0x87);
    } finally {
      for (const c of clients) c.destroy();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
