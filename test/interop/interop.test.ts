/** Interoperability with an independent client: MQTT.js, for 3.1.1 and 3.1, at every QoS, clean and persistent. */
import { describe, expect, it } from 'vitest';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { useBroker } from '../support/reference/fixture.js';

const f = useBroker();

const VERSIONS = [
  { name: '3.1.1', options: { protocolVersion: 4 } },
  { name: '3.1', options: { protocolVersion: 3, protocolId: 'MQIsdp' } },
] as const satisfies readonly { name: string; options: IClientOptions }[];

const open: MqttClient[] = [];

async function client(clientId: string, options: IClientOptions): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${String(f.port)}`, { clientId, reconnectPeriod: 0, connectTimeout: 5000, ...options });
  open.push(c);
  return c;
}

function nextMessages(c: MqttClient, count: number, timeoutMs = 3000): Promise<{ topic: string; payload: string; qos: number; retain: boolean }[]> {
  return new Promise((resolve, reject) => {
    const got: { topic: string; payload: string; qos: number; retain: boolean }[] = [];
    const timer = setTimeout(() => reject(new Error(`received ${String(got.length)} of ${String(count)} messages in ${String(timeoutMs)} ms`)), timeoutMs);
    const onMessage = (topic: string, payload: Buffer, packet: { qos: number; retain: boolean }) => {
      got.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain });
      if (got.length === count) {
        clearTimeout(timer);
        c.off('message', onMessage);
        resolve(got);
      }
    };
    c.on('message', onMessage);
  });
}

async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((c) => c.endAsync(true)));
}

describe.each(VERSIONS)('MQTT.js over $name', ({ name, options }) => {
  const v = name.replace('.', '').replace('.', '');

  it.each([0, 1, 2] as const)('publishes and receives at QoS %i (clean session)', async (qos) => {
    try {
      const sub = await client(`js${v}s${String(qos)}`, { ...options, clean: true });
      const granted = await sub.subscribeAsync(`js/${v}/q${String(qos)}`, { qos });
      expect(granted[0]?.qos).toBe(qos);
      const pub = await client(`js${v}p${String(qos)}`, { ...options, clean: true });
      const received = nextMessages(sub, 3);
      for (let i = 0; i < 3; i++) await pub.publishAsync(`js/${v}/q${String(qos)}`, `m${String(i)}`, { qos });
      expect(await received).toEqual([0, 1, 2].map((i) => ({ topic: `js/${v}/q${String(qos)}`, payload: `m${String(i)}`, qos, retain: false })));
    } finally {
      await closeAll();
    }
  });

  it.each([1, 2] as const)('a persistent session receives QoS %i messages sent while it was away', async (qos) => {
    try {
      const id = `jsp${v}${String(qos)}`;
      const topic = `jsp/${v}/q${String(qos)}`;
      const first = await client(id, { ...options, clean: false });
      await first.subscribeAsync(topic, { qos });
      await first.endAsync();
      const pub = await client(`${id}pub`, { ...options, clean: true });
      for (let i = 0; i < 3; i++) await pub.publishAsync(topic, `away${String(i)}`, { qos });
      const back = mqtt.connect(`mqtt://127.0.0.1:${String(f.port)}`, { clientId: id, clean: false, reconnectPeriod: 0, ...options });
      open.push(back);
      const received = nextMessages(back, 3);
      const connack = await new Promise<{ sessionPresent: boolean }>((resolve) => back.once('connect', resolve));
      expect(connack.sessionPresent).toBe(options.protocolVersion === 4); // 3.1 has no Session Present flag
      expect((await received).map((m) => [m.payload, m.qos])).toEqual([0, 1, 2].map((i) => [`away${String(i)}`, qos]));
    } finally {
      await closeAll();
    }
  });

  it('a persistent session at QoS 0 receives live messages; none are queued while it is away', async () => {
    try {
      const id = `jsp${v}q0`;
      const topic = `jsp/${v}/q0`;
      const first = await client(id, { ...options, clean: false });
      await first.subscribeAsync(topic, { qos: 0 });
      const pub = await client(`${id}pub`, { ...options, clean: true });
      const live = nextMessages(first, 1);
      await pub.publishAsync(topic, 'live', { qos: 0 });
      expect(await live).toEqual([{ topic, payload: 'live', qos: 0, retain: false }]);
      await first.endAsync();
      await pub.publishAsync(topic, 'while away', { qos: 0 });
      await pub.publishAsync(`${topic}/barrier`, 'b', { qos: 1 }); // PUBACK: the broker has handled 'while away'
      const back = await client(id, { ...options, clean: false });
      const next = nextMessages(back, 1);
      await pub.publishAsync(topic, 'marker', { qos: 1 });
      expect((await next)[0]?.payload).toBe('marker');
    } finally {
      await closeAll();
    }
  });

  it('retained messages and wills', async () => {
    try {
      const pub = await client(`jsr${v}`, { ...options, will: { topic: `jsw/${v}`, payload: Buffer.from('will'), qos: 1, retain: false } });
      await pub.publishAsync(`jsr/${v}`, 'retained', { qos: 1, retain: true });
      const sub = await client(`jsr${v}sub`, options);
      const retained = nextMessages(sub, 1);
      await sub.subscribeAsync([`jsr/${v}`, `jsw/${v}`], { qos: 1 });
      expect(await retained).toEqual([{ topic: `jsr/${v}`, payload: 'retained', qos: 1, retain: true }]);
      const will = nextMessages(sub, 1);
      pub.stream.destroy();
      expect(await will).toEqual([{ topic: `jsw/${v}`, payload: 'will', qos: 1, retain: false }]);
    } finally {
      await closeAll();
    }
  });
});
