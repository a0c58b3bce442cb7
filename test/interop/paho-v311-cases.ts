/**
 * The Eclipse Paho MQTT 3.1.1 interoperability tests (paho.mqtt.testing,
 * interoperability/client_test.py), reproduced with MQTT.js (and a raw client where the Paho test
 * drives the wire itself), same topics and client ids. Where Paho sleeps, these wait for an event
 * or a barrier: a later message from the same publisher, which the server delivers in order (at
 * QoS 2: MQTT.js emits a QoS 2 message only at its PUBREL, so a QoS 1 barrier could overtake it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { raw as rawPacket } from '../../harness/codec/index.js';
import { RawClient, connectPacket } from '../support/reference/raw-client.js';
import { TestClient } from './test-client.js';

export interface InteropTarget {
  readonly port: number;
  /** Started with test/interop/paho-broker.json (the Paho test broker's settings). */
  readonly pahoConfig: boolean;
}

export const TOPICS = ['TopicA', 'TopicA/B', 'Topic/C', 'TopicA/C', '/TopicA'] as const;
export const WILDTOPICS = ['TopicA/+', '+/C', '#', '/#', '/+', '+/+', 'TopicA/#'] as const;
const NOSUBSCRIBE = ['test/nosubscribe', 'nosubscribe'] as const; // current and earlier client_test.py
const V4 = { protocolVersion: 4 } as const;

const t = (i: number): string => TOPICS[i] ?? '';
const w = (i: number): string => WILDTOPICS[i] ?? '';

export function pahoV311Tests(target: () => InteropTarget): void {
  const open: { end(): void }[] = [];
  const client = async (id: string, options: Parameters<typeof TestClient.connect>[2] = {}): Promise<TestClient> => {
    const c = await TestClient.connect(target().port, id, { ...V4, ...options });
    open.push({ end: () => c.terminate() });
    return c;
  };
  const raw = async (): Promise<RawClient> => {
    const r = await RawClient.open(target().port, 4);
    open.push({ end: () => r.destroy() });
    return r;
  };
  afterEach(() => {
    for (const c of open.splice(0)) c.end();
  });

  describe('Paho client_test.py (MQTT 3.1.1)', () => {
    it('testBasic: connect, disconnect, QoS 0/1/2 to itself; a second CONNECT and a wrong protocol name are refused', async () => {
      const first = await client('myclientid', { clean: true });
      await first.disconnect();
      const a = await client('myclientid', { clean: true });
      expect(a.connack.sessionPresent).toBe(false);
      await a.client.subscribeAsync(t(0), { qos: 2 });
      await a.client.publishAsync(t(0), 'qos 0', { qos: 0 });
      await a.client.publishAsync(t(0), 'qos 1', { qos: 1 });
      await a.client.publishAsync(t(0), 'qos 2', { qos: 2 });
      const got = await a.waitMessages(3);
      expect(got.map((m) => [m.payload.toString(), m.qos])).toEqual([['qos 0', 0], ['qos 1', 1], ['qos 2', 2]]);
      await a.disconnect();

      // A second CONNECT on the same connection: a protocol violation, the connection is closed (MQTT-3.1.0-2).
      const twice = await raw();
      twice.send(connectPacket('myclientid', V4));
      expect((await twice.expect('connack')).reasonCode).toBe(0);
      twice.send(connectPacket('myclientid', V4));
      await twice.expectClosed();

      // Protocol name "hj": refused (closed, possibly after a non-zero CONNACK).
      const hj = await raw();
      hj.sendBytes(rawPacket.connect({ protocolName: 'hj', level: 4, clientId: 'myclientid' }));
      await expectRefused(hj);
    });

    it('test_retained_messages: three retained messages arrive on a wildcard subscription; empty retained payloads clear them', async () => {
      const a = await client('myclientid', { clean: true });
      expect(a.connack.sessionPresent).toBe(false);
      await a.client.publishAsync(t(1), 'qos 0', { qos: 0, retain: true });
      await a.client.publishAsync(t(2), 'qos 1', { qos: 1, retain: true });
      await a.client.publishAsync(t(3), 'qos 2', { qos: 2, retain: true });
      await a.client.subscribeAsync(w(5), { qos: 2 });
      const got = await a.waitMessages(3);
      expect(got.map((m) => [m.topic, m.qos, m.retain]).sort()).toEqual([
        [t(2), 1, true],
        [t(3), 2, true],
        [t(1), 0, true],
      ].sort());
      await a.disconnect();

      const b = await client('myclientid', { clean: true });
      expect(b.connack.sessionPresent).toBe(false);
      await b.client.publishAsync(t(1), '', { qos: 0, retain: true });
      await b.client.publishAsync(t(2), '', { qos: 1, retain: true });
      await b.client.publishAsync(t(3), '', { qos: 2, retain: true });
      await b.client.subscribeAsync(w(5), { qos: 2 });
      // Barrier: a live message after the SUBACK; retained messages would have come before it.
      await b.client.publishAsync('TopicA/barrier', 'after', { qos: 2 });
      await b.waitMessages(1);
      expect(b.messages.map((m) => m.topic)).toEqual(['TopicA/barrier']);
      await b.disconnect();
    });

    it('will_message_test: the will of a client whose connection drops reaches a persistent subscriber', async () => {
      const a = await client('myclientid', { clean: true, keepalive: 2, will: { topic: t(2), payload: Buffer.from('client not disconnected'), qos: 0, retain: false } });
      expect(a.connack.sessionPresent).toBe(false);
      const b = await client('myclientid2', { clean: false });
      await b.client.subscribeAsync(t(2), { qos: 2 });
      a.terminate();
      const got = await b.waitMessages(1);
      expect(got.map((m) => [m.topic, m.payload.toString()])).toEqual([[t(2), 'client not disconnected']]);
      await b.disconnect();
    });

    it('test_zero_length_clientid: refused (return code 2) with CleanSession 0, accepted with CleanSession 1', async () => {
      const persistent = await raw();
      persistent.send(connectPacket('', { ...V4, clean: false }));
      expect((await persistent.expect('connack')).reasonCode).toBe(2); // MQTT-3.1.3-8
      await persistent.expectClosed();
      const clean = await raw();
      clean.send(connectPacket('', { ...V4, clean: true }));
      expect((await clean.expect('connack')).reasonCode).toBe(0); // MQTT-3.1.3-6
      clean.send({ type: 'disconnect' });
      await clean.expectClosed();
    });

    it('test_offline_message_queueing: QoS 1 and 2 messages published while a persistent session is away are delivered on its return', async () => {
      const a = await client('myclientid', { clean: false });
      await a.client.subscribeAsync(w(5), { qos: 2 });
      await a.disconnect();
      const b = await client('myclientid2', { clean: true });
      expect(b.connack.sessionPresent).toBe(false);
      await b.client.publishAsync(t(1), 'qos 0', { qos: 0 });
      await b.client.publishAsync(t(2), 'qos 1', { qos: 1 });
      await b.client.publishAsync(t(3), 'qos 2', { qos: 2 });
      await b.disconnect();
      const back = await client('myclientid', { clean: false });
      expect(back.connack.sessionPresent).toBe(true);
      await back.client.publishAsync('TopicA/barrier', 'after', { qos: 2 });
      await back.until(() => back.messages.some((m) => m.topic === 'TopicA/barrier'), 'the barrier message');
      const queued = back.messages.filter((m) => m.topic !== 'TopicA/barrier');
      // Paho accepts 2 (QoS 0 not queued, this broker's default) or 3.
      expect(queued.map((m) => [m.topic, m.payload.toString()])).toEqual([
        [t(2), 'qos 1'],
        [t(3), 'qos 2'],
      ]);
      await back.disconnect();
    });

    it('test_overlapping_subscriptions: one message at the highest QoS of the matching subscriptions', async () => {
      const a = await client('myclientid', { clean: true });
      await a.client.subscribeAsync({ [w(6)]: { qos: 2 }, [w(0)]: { qos: 1 } });
      await a.client.publishAsync(t(3), 'overlapping topic filters', { qos: 2 });
      await a.client.publishAsync('TopicA/barrier', 'after', { qos: 2 });
      await a.until(() => a.messages.some((m) => m.topic === 'TopicA/barrier'), 'the barrier message');
      const got = a.messages.filter((m) => m.topic === t(3));
      // Paho accepts one message at QoS 2 or one per subscription (QoS 2 and 1); this broker sends one.
      expect(got.map((m) => m.qos)).toEqual([2]);
      await a.disconnect();
    });

    it('test_keepalive: a silent client is disconnected after 1.5 x its keep alive and its will published', async () => {
      const b = await client('myclientid2', { clean: true, keepalive: 0 });
      await b.client.subscribeAsync(t(4), { qos: 2 });
      // The Paho test client sends no PINGREQ; a raw client neither (keep alive 2 s here, 5 s in Paho).
      const a = await raw();
      const started = Date.now();
      a.send(connectPacket('myclientid', { ...V4, keepalive: 2, will: { topic: t(4), payload: Buffer.from('keepalive expiry'), qos: 0, retain: false } }));
      expect((await a.expect('connack')).reasonCode).toBe(0);
      await a.expectClosed(6000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      const got = await b.waitMessages(1);
      expect(got.map((m) => [m.topic, m.payload.toString()])).toEqual([[t(4), 'keepalive expiry']]);
      await b.disconnect();
    });

    it('test_redelivery_on_reconnect: unacknowledged QoS 1 and 2 messages are sent again, DUP set, when the session resumes', async () => {
      // The paused Paho client acknowledges nothing (not even with PUBREC): a raw client that does not answer.
      const paused = await raw();
      paused.send(connectPacket('myclientid2', { ...V4, clean: false }));
      expect((await paused.expect('connack')).reasonCode).toBe(0);
      paused.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: w(6), qos: 2 }] });
      await paused.expect('suback');
      const publisher = await client('myclientid', { clean: true });
      await publisher.client.publishAsync(t(1), '', { qos: 1 });
      await publisher.client.publishAsync(t(3), '', { qos: 2 });
      const first = [await paused.expect('publish'), await paused.expect('publish')];
      expect(first.map((p) => [p.topic, p.qos])).toEqual([[t(1), 1], [t(3), 2]]);
      paused.destroy();
      const resumed = await client('myclientid2', { clean: false });
      expect(resumed.connack.sessionPresent).toBe(true);
      await publisher.client.publishAsync('TopicA/barrier', 'after', { qos: 2 });
      await resumed.until(() => resumed.messages.some((m) => m.topic === 'TopicA/barrier'), 'the barrier message');
      const again = resumed.messages.filter((m) => m.topic !== 'TopicA/barrier');
      expect(again.map((m) => [m.topic, m.qos, m.dup])).toEqual([[t(1), 1, true], [t(3), 2, true]]); // MQTT-4.4.0-1, 3.3.1-1
      await resumed.disconnect();
      await publisher.disconnect();
    });

    it('test_subscribe_failure: a filter the server does not allow gets SUBACK 0x80', async () => {
      const a = await client('myclientid', { clean: true });
      for (const filter of NOSUBSCRIBE) {
        if (target().pahoConfig) {
          expect(await subackCodes(a.client.subscribeAsync(filter, { qos: 2 }))).toEqual([0x80]);
        } else {
          // Default configuration: nothing is refused (run the Paho tests with paho-broker.json).
          expect((await a.client.subscribeAsync(filter, { qos: 2 }))[0]?.qos).toBe(2);
        }
      }
      await a.disconnect();
    });

    it('test_dollar_topics: a wildcard subscription does not receive a $ topic', async () => {
      const b = await client('myclientid2', { clean: true, keepalive: 0 });
      await b.client.subscribeAsync(w(5), { qos: 2 });
      await b.client.publishAsync(`$${t(1)}`, '', { qos: 1 });
      await b.client.publishAsync('TopicA/barrier', 'after', { qos: 2 });
      await b.until(() => b.messages.some((m) => m.topic === 'TopicA/barrier'), 'the barrier message');
      expect(b.messages.map((m) => m.topic)).toEqual(['TopicA/barrier']);
      await b.disconnect();
    });

    it('test_unsubscribe: after UNSUBSCRIBE from one of three topics only the other two are delivered', async () => {
      const b = await client('myclientid2', { clean: true });
      await b.client.subscribeAsync(t(0), { qos: 2 });
      await b.client.subscribeAsync(t(1), { qos: 2 });
      await b.client.subscribeAsync(t(2), { qos: 2 });
      await b.client.unsubscribeAsync(t(0));
      const a = await client('myclientid', { clean: true });
      await a.client.publishAsync(t(0), '', { qos: 1 });
      await a.client.publishAsync(t(1), '', { qos: 1 });
      await a.client.publishAsync(t(2), '', { qos: 1 });
      // Same publisher, delivered in order: had TopicA been delivered, it would be first.
      const got = await b.waitMessages(2);
      expect(got.map((m) => m.topic)).toEqual([t(1), t(2)]);
      await b.disconnect();
      await a.disconnect();
    });
  });

  describe('Paho C client tests (paho.mqtt.c test/test1.c tests 1-2: the shape they need from a broker)', () => {
    it('a user name and password on an open broker, a topic with spaces, 50 messages at each QoS to itself, unsubscribe, reconnect', async () => {
      const topic = 'C client test1';
      const c = await client('single_threaded_test', { clean: true, keepalive: 20, username: 'testuser', password: 'testpassword' });
      await c.client.subscribeAsync(topic, { qos: 2 });
      const payload = 'a much long'; // test1 sends the first 11 bytes of its text
      for (const qos of [0, 1, 2] as const) {
        c.clear();
        await Promise.all(Array.from({ length: 50 }, () => c.client.publishAsync(topic, payload, { qos })));
        const got = await c.waitMessages(50);
        expect(got.every((m) => m.topic === topic && m.payload.toString() === payload && m.qos === qos)).toBe(true);
      }
      await c.client.unsubscribeAsync(topic);
      await c.disconnect();
      const again = await client('single_threaded_test', { clean: true, keepalive: 20, username: 'testuser', password: 'testpassword' });
      await again.disconnect();
    });
  });
}

/** The SUBACK codes of a subscription that MQTT.js reports as failed (it rejects on any code >= 0x80). */
export async function subackCodes(subscribing: Promise<unknown>): Promise<number[] | undefined> {
  const failure: unknown = await subscribing.then(
    () => undefined,
    (e: unknown) => e,
  );
  return (failure as { packet?: { granted?: number[] } } | undefined)?.packet?.granted;
}

/** A refused CONNECT: closed, possibly after a CONNACK with a non-zero code. */
export async function expectRefused(r: RawClient): Promise<void> {
  if (r.closed) return;
  try {
    const p = await r.next(3000, 'a CONNACK or the close');
    expect(p.type).toBe('connack');
    if (p.type === 'connack') expect(p.reasonCode).not.toBe(0);
  } catch (e) {
    if (!r.closed) throw e;
    return;
  }
  await r.expectClosed();
}
