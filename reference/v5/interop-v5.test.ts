/**
 * Interoperability with an independent MQTT 5.0 client, MQTT.js (`protocolVersion: 5`): properties,
 * topic aliases, shared subscriptions, session expiry and enhanced authentication (its
 * `authPacket` option and `handleAuth` hook) at every QoS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { useBroker } from '../../test/support/reference/fixture.js';
import { ScramClient, SCRAM_SHA_256 } from './scram.js';

const f = useBroker({ scramUsers: { carol: 's3cret' }, topicAliasMaximum: 4 });
const open: MqttClient[] = [];

async function client(clientId: string, options: IClientOptions = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${String(f.port)}`, { clientId, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000, ...options });
  open.push(c);
  return c;
}

function messages(c: MqttClient, count: number, timeoutMs = 3000): Promise<IPublishPacket[]> {
  return new Promise((resolve, reject) => {
    const got: IPublishPacket[] = [];
    const timer = setTimeout(() => reject(new Error(`received ${String(got.length)} of ${String(count)} messages in ${String(timeoutMs)} ms`)), timeoutMs);
    const onMessage = (topic: string, _payload: Buffer, packet: IPublishPacket) => {
      got.push({ ...packet, topic }); // the topic as MQTT.js resolved it (from a Topic Alias too)
      if (got.length === count) {
        clearTimeout(timer);
        c.off('message', onMessage);
        resolve(got);
      }
    };
    c.on('message', onMessage);
  });
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.endAsync(true)));
});

describe('MQTT.js with protocolVersion 5', () => {
  it.each([0, 1, 2] as const)('round-trips at QoS %i with User Properties, Response Topic, Correlation Data and Content Type', async (qos) => {
    const sub = await client(`js5-sub-${String(qos)}`);
    const granted = await sub.subscribeAsync(`js5/props/${String(qos)}`, { qos, properties: { subscriptionIdentifier: 12 } });
    expect(granted[0]?.qos).toBe(qos);
    const pub = await client(`js5-pub-${String(qos)}`);
    const received = messages(sub, 1);
    await pub.publishAsync(`js5/props/${String(qos)}`, 'ping', {
      qos,
      properties: { userProperties: { a: '1', b: ['2', '3'] }, responseTopic: 'js5/reply', correlationData: Buffer.from('req-1'), contentType: 'text/plain', payloadFormatIndicator: true },
    });
    const [m] = await received;
    expect(m?.payload.toString()).toBe('ping');
    expect(m?.qos).toBe(qos);
    expect(m?.properties).toMatchObject({ userProperties: { a: '1', b: ['2', '3'] }, responseTopic: 'js5/reply', contentType: 'text/plain', payloadFormatIndicator: true, subscriptionIdentifier: 12 });
    expect(Buffer.from(m?.properties?.correlationData ?? []).toString()).toBe('req-1');
  });

  it('reads the CONNACK properties and publishes through topic aliases it assigns itself', async () => {
    const sub = await client('js5-ta-sub');
    await sub.subscribeAsync('js5/ta/#', { qos: 1 });
    const pub = await client('js5-ta-pub', { autoUseTopicAlias: true, autoAssignTopicAlias: true });
    const received = messages(sub, 6);
    for (let i = 0; i < 6; i++) await pub.publishAsync(`js5/ta/${String(i % 2)}`, `m${String(i)}`, { qos: 1 });
    const got = await received;
    expect(got.map((m) => [m.topic, m.payload.toString()])).toEqual([
      ['js5/ta/0', 'm0'],
      ['js5/ta/1', 'm1'],
      ['js5/ta/0', 'm2'],
      ['js5/ta/1', 'm3'],
      ['js5/ta/0', 'm4'],
      ['js5/ta/1', 'm5'],
    ]);
  });

  it('receives through the topic aliases the broker sets toward it (topicAliasMaximum)', async () => {
    const sub = await client('js5-tain-sub', { properties: { topicAliasMaximum: 3 } });
    await sub.subscribeAsync('js5/tain/#', { qos: 1 });
    const pub = await client('js5-tain-pub');
    const received = messages(sub, 8);
    for (let i = 0; i < 8; i++) await pub.publishAsync(`js5/tain/${String(i % 4)}`, String(i), { qos: 1 });
    const got = await received;
    expect(got.map((m) => [m.topic, m.payload.toString()])).toEqual(Array.from({ length: 8 }, (_, i) => [`js5/tain/${String(i % 4)}`, String(i)]));
  });

  it('a publish with an explicit topic alias, then the alias alone', async () => {
    const sub = await client('js5-tax-sub');
    await sub.subscribeAsync('js5/tax', { qos: 0 });
    const pub = await client('js5-tax-pub');
    const received = messages(sub, 2);
    await pub.publishAsync('js5/tax', 'one', { qos: 1, properties: { topicAlias: 2 } });
    await pub.publishAsync('', 'two', { qos: 1, properties: { topicAlias: 2 } });
    expect((await received).map((m) => [m.topic, m.payload.toString()])).toEqual([
      ['js5/tax', 'one'],
      ['js5/tax', 'two'],
    ]);
  });

  it('shares $share/group/filter messages between two MQTT.js members, each once', async () => {
    const a = await client('js5-sh-a');
    const b = await client('js5-sh-b');
    await a.subscribeAsync('$share/js/js5/sh', { qos: 1 });
    await b.subscribeAsync('$share/js/js5/sh', { qos: 1 });
    const got: string[] = [];
    const all = new Promise<void>((resolve) => {
      const on = (who: string) => (_t: string, p: Buffer) => {
        got.push(`${who}:${p.toString()}`);
        if (got.length === 8) resolve();
      };
      a.on('message', on('a'));
      b.on('message', on('b'));
    });
    const pub = await client('js5-sh-pub');
    for (let i = 0; i < 8; i++) await pub.publishAsync('js5/sh', String(i), { qos: 1 });
    await all;
    expect(got.map((g) => g.slice(2)).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(got.some((g) => g.startsWith('a:'))).toBe(true);
    expect(got.some((g) => g.startsWith('b:'))).toBe(true);
  });

  it('keeps a session with a Session Expiry Interval: messages published while away arrive on reconnect (clean: false)', async () => {
    const first = await client('js5-sess', { clean: true, properties: { sessionExpiryInterval: 60 } });
    await first.subscribeAsync('js5/sess', { qos: 1 });
    await first.endAsync();
    const pub = await client('js5-sess-pub');
    await pub.publishAsync('js5/sess', 'while away', { qos: 1 });
    const again = mqtt.connect(`mqtt://127.0.0.1:${String(f.port)}`, { clientId: 'js5-sess', protocolVersion: 5, clean: false, reconnectPeriod: 0, properties: { sessionExpiryInterval: 60 } });
    open.push(again);
    const received = messages(again, 1);
    const connack = await new Promise<{ sessionPresent: boolean }>((resolve) => again.once('connect', resolve));
    expect(connack.sessionPresent).toBe(true);
    expect((await received)[0]?.payload.toString()).toBe('while away');
  });

  it('authenticates with SCRAM-SHA-256 through authPacket and handleAuth', async () => {
    const scram = new ScramClient('carol', 's3cret');
    const c = mqtt.connect(`mqtt://127.0.0.1:${String(f.port)}`, {
      clientId: 'js5-scram',
      protocolVersion: 5,
      reconnectPeriod: 0,
      properties: { authenticationMethod: SCRAM_SHA_256 },
      authPacket: { reasonCode: 0x18, properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: scram.first() } },
    } as IClientOptions);
    open.push(c);
    c.handleAuth = (packet, callback) => {
      const data = packet.properties?.authenticationData as Buffer;
      callback(undefined, { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: scram.final(data) } });
    };
    const connack = await new Promise<{ reasonCode?: number; properties?: { authenticationData?: Buffer } }>((resolve, reject) => {
      c.once('connect', resolve);
      c.once('error', reject);
    });
    expect(connack.reasonCode ?? 0).toBe(0);
    expect(scram.verify(connack.properties?.authenticationData)).toBe(true);
    await c.publishAsync('js5/authed', 'ok', { qos: 1 });
  });

  it('a wrong SCRAM password is refused with CONNACK 0x86 (MQTT.js reports the error)', async () => {
    const scram = new ScramClient('carol', 'wrong');
    const c = mqtt.connect(`mqtt://127.0.0.1:${String(f.port)}`, {
      clientId: 'js5-scram-bad',
      protocolVersion: 5,
      reconnectPeriod: 0,
      properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: scram.first() },
    });
    open.push(c);
    c.handleAuth = (packet, callback) => {
      callback(undefined, { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: SCRAM_SHA_256, authenticationData: scram.final(packet.properties?.authenticationData as Buffer) } });
    };
    const error = await new Promise<{ code?: number }>((resolve) => c.once('error', (e) => resolve(e as { code?: number })));
    expect(error.code).toBe(0x86);
  });
});
