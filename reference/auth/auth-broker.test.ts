/** Authentication and ACL through the broker, over TCP with raw packets and with MQTT.js. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../harness/codec/index.js';
import { startBroker, type RunningBroker } from '../index.js';
import { connectPacket, RawClient } from '../../test/support/reference/raw-client.js';
import { hashPassword } from './index.js';

const FAST = { N: 1024, r: 8, p: 1 };
const dir = mkdtempSync(join(tmpdir(), 'mqtt-auth-'));
const passwordFile = join(dir, 'passwd');
const aclFile = join(dir, 'acl');
writeFileSync(passwordFile, `alice:${hashPassword('wonderland', FAST)}\nbob:${hashPassword('builder', FAST)}\n`);
writeFileSync(
  aclFile,
  ['topic read public/#', 'user alice', 'topic readwrite a/#', 'topic read b/#', 'user bob', 'topic readwrite b/#', 'pattern readwrite dev/%c/#'].join('\n'),
);

let broker: RunningBroker;
const clients: RawClient[] = [];
beforeAll(async () => {
  broker = await startBroker({ sysIntervalSeconds: 0, auth: { allowAnonymous: false, passwordFile, aclFile } });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = async (): Promise<RawClient> => {
  const c = await RawClient.open(broker.address.port);
  clients.push(c);
  return c;
};
const login = async (clientId: string, username: string, password: string): Promise<RawClient> => {
  const c = await open();
  c.send(connectPacket(clientId, { username, password: Buffer.from(password) }));
  const ack = await c.expect('connack');
  expect(ack.reasonCode).toBe(0);
  return c;
};

describe('authentication (CONNACK 4 bad user name or password, 5 not authorised, then close)', () => {
  it('refuses an anonymous client with 5 when anonymous access is off', async () => {
    const c = await open();
    c.send(connectPacket('anon'));
    const ack = await c.expect('connack');
    expect([ack.reasonCode, ack.sessionPresent]).toEqual([5, false]); // MQTT-3.2.2-4
    await c.expectClosed(); // MQTT-3.2.2-5
  });

  it('refuses a wrong password and an unknown user with 4', async () => {
    for (const [user, pw] of [
      ['alice', 'looking-glass'],
      ['mallory', 'wonderland'],
    ] as const) {
      const c = await open();
      c.send(connectPacket(`bad-${user}`, { username: user, password: Buffer.from(pw) }));
      expect((await c.expect('connack')).reasonCode).toBe(4);
      await c.expectClosed();
    }
    expect(broker.stats().connectionsRefused).toBeGreaterThanOrEqual(2);
  });

  it('refuses a user name without a password with 4', async () => {
    const c = await open();
    c.send(connectPacket('nopw', { username: 'alice' }));
    expect((await c.expect('connack')).reasonCode).toBe(4);
    await c.expectClosed();
  });

  it('accepts good credentials, and acts on packets pipelined behind the CONNECT in order', async () => {
    const watcher = await login('watch-a', 'alice', 'wonderland');
    await watcher.subscribe([['a/pipe', 1]]);
    const c = await open();
    c.sendBytes(
      Buffer.concat([
        encode(connectPacket('pipe-a', { username: 'alice', password: Buffer.from('wonderland') }), 4),
        encode({ type: 'publish', topic: 'a/pipe', payload: Buffer.from('behind-connect'), qos: 1, retain: false, dup: false, packetId: 3 }, 4),
      ]),
    );
    expect((await c.expect('connack')).reasonCode).toBe(0);
    expect((await c.expect('puback')).packetId).toBe(3);
    expect((await watcher.expect('publish')).payload.toString()).toBe('behind-connect');
  });

  it('does not act on anything sent after a refused CONNECT (MQTT-3.1.4-5)', async () => {
    const c = await open();
    c.sendBytes(
      Buffer.concat([
        encode(connectPacket('refused', { username: 'alice', password: Buffer.from('nope') }), 4),
        encode({ type: 'publish', topic: 'a/refused', payload: Buffer.from('must not be stored'), qos: 0, retain: true, dup: false }, 4),
      ]),
    );
    expect((await c.expect('connack')).reasonCode).toBe(4);
    await c.expectClosed();
    const check = await login('check-refused', 'alice', 'wonderland');
    await check.subscribe([['a/refused', 0]]);
    await check.ping(); // the retained message, had it been stored, would arrive before PINGRESP
    expect(check.received.filter((p) => p.type === 'publish')).toEqual([]);
  });

  it('works with MQTT.js (an independent client)', async () => {
    const ok = await mqtt.connectAsync(`mqtt://127.0.0.1:${String(broker.address.port)}`, { username: 'bob', password: 'builder', reconnectPeriod: 0 });
    await ok.endAsync();
    const error = await mqtt
      .connectAsync(`mqtt://127.0.0.1:${String(broker.address.port)}`, { username: 'bob', password: 'wrong', reconnectPeriod: 0 })
      .then(
        (c) => {
          void c.endAsync();
          return undefined;
        },
        (e: unknown) => e as { code?: number },
      );
    expect(error?.code).toBe(4);
  });
});

describe('authorisation (ACL)', () => {
  it('answers 0x80 for a denied filter and grants the others of the same SUBSCRIBE (MQTT-3.8.4-4)', async () => {
    const c = await login('acl-sub', 'alice', 'wonderland');
    expect(await c.subscribe([['a/x', 1], ['secret/#', 1], ['b/+', 2], ['#', 0]])).toEqual([1, 0x80, 2, 0x80]);
    expect(broker.stats().subscribeDenied).toBeGreaterThanOrEqual(2);
  });

  it('acknowledges a denied PUBLISH per its QoS and delivers it to nobody (MQTT-3.3.5-2)', async () => {
    const bob = await login('acl-bob', 'bob', 'builder');
    await bob.subscribe([['b/#', 2]]);
    const alice = await login('acl-alice', 'alice', 'wonderland');
    const denied = broker.stats().publishDenied;
    await alice.publish('b/x', 'denied-1', 1, false, 1); // alice may only read b/#
    await alice.publish('b/x', 'denied-2', 2, true, 2);
    await alice.publish('b/x', 'denied-0', 0);
    await alice.ping();
    expect(broker.stats().publishDenied).toBe(denied + 3);
    await bob.publish('b/x', 'marker', 0); // per-topic order from one server: the marker is the barrier
    const before = await bob.collectUntil((p) => p.type === 'publish' && p.payload.toString() === 'marker');
    expect(before).toEqual([]);
    // The denied retained message was not stored either.
    const late = await login('acl-bob-late', 'bob', 'builder');
    await late.subscribe([['b/x', 0]]);
    await late.ping();
    expect(late.received.filter((p) => p.type === 'publish')).toEqual([]);
  });

  it('substitutes %c in pattern rules', async () => {
    const c = await login('dev1', 'bob', 'builder');
    expect(await c.subscribe([['dev/dev1/#', 1], ['dev/dev2/#', 1]])).toEqual([1, 0x80]);
    c.send({ type: 'publish', topic: 'dev/dev1/t', payload: Buffer.from('mine'), qos: 1, retain: false, dup: false, packetId: 9 });
    const got = [await c.next(), await c.next()].map((p) => (p.type === 'publish' ? `publish ${p.payload.toString()}` : p.type));
    expect(got.sort()).toEqual(['puback', 'publish mine']);
  });

  it('keeps $SYS read-only and refuses a will the client may not publish (CONNACK 5)', async () => {
    const c = await login('sys-writer', 'alice', 'wonderland');
    const denied = broker.stats().publishDenied;
    await c.publish('$SYS/broker/version', 'forged', 1);
    expect(broker.stats().publishDenied).toBe(denied + 1);
    const w = await open();
    w.send(connectPacket('will-b', { username: 'alice', password: Buffer.from('wonderland'), will: { topic: 'b/will', payload: Buffer.from('x'), qos: 0, retain: false } }));
    expect((await w.expect('connack')).reasonCode).toBe(5);
    await w.expectClosed();
  });
});
