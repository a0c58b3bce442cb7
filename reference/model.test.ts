/**
 * Model-based test: random sequences of connect / subscribe / publish (QoS 0-2, retain) /
 * unsubscribe / disconnect / reconnect against a live broker, every delivery checked against a
 * small model of the spec: nothing lost at QoS 1 and 2 (live or queued for a persistent session),
 * nothing duplicated at QoS 2, order per topic and publisher, retained state, RETAIN flags.
 * After each step a PINGREQ/PINGRESP barrier proves the broker has processed it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Packet, QoS } from '../harness/codec/index.js';
import { startBroker, topicMatches, type RunningBroker } from './index.js';
import { connectPacket, RawClient } from '../test/support/reference/raw-client.js';

const TOPICS = ['m/a', 'm/b', 'm/c/d'] as const;
const FILTERS = ['m/a', 'm/+', 'm/#', 'm/c/+', '#', 'm/b'] as const;
const SUBSCRIBERS = 2;
const PUBLISHERS = 2;

type Cmd =
  | { k: 'connect'; s: number; clean: boolean }
  | { k: 'disconnect'; s: number; graceful: boolean }
  | { k: 'subscribe'; s: number; f: number; qos: QoS }
  | { k: 'unsubscribe'; s: number; f: number }
  | { k: 'publish'; p: number; t: number; qos: QoS; retain: boolean; empty: boolean };

const qosArb = fc.constantFrom<QoS>(0, 1, 2);
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('connect' as const), s: fc.nat(SUBSCRIBERS - 1), clean: fc.nat(3).map((n) => n === 0) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('disconnect' as const), s: fc.nat(SUBSCRIBERS - 1), graceful: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('subscribe' as const), s: fc.nat(SUBSCRIBERS - 1), f: fc.nat(FILTERS.length - 1), qos: qosArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('unsubscribe' as const), s: fc.nat(SUBSCRIBERS - 1), f: fc.nat(FILTERS.length - 1) }) },
  { weight: 5, arbitrary: fc.record({
    k: fc.constant('publish' as const),
    p: fc.nat(PUBLISHERS - 1),
    t: fc.nat(TOPICS.length - 1),
    qos: qosArb,
    retain: fc.boolean(),
    empty: fc.nat(9).map((n) => n < 1),
  }) },
);

interface Delivery {
  key: string;
  topic: string;
  qos: QoS;
  retain: boolean;
}

/** The spec model of one subscriber's session. */
interface ModelSession {
  persistent: boolean;
  subs: Map<string, QoS>;
  /** QoS 1/2 messages published while away, owed on resumption. */
  owed: Delivery[];
}

/** A subscriber as a conforming client: acknowledges, de-duplicates QoS 2 by packet id, records deliveries. */
class Subscriber {
  raw: RawClient | undefined;
  readonly received: Delivery[] = [];
  private readonly qos2Ids = new Set<number>();
  constructor(
    readonly clientId: string,
    readonly version: 4 | 5 = 4,
  ) {}

  async connect(port: number, clean: boolean): Promise<boolean> {
    if (clean) this.qos2Ids.clear();
    const raw = await RawClient.open(port, this.version);
    raw.intercept = (p) => this.onPacket(raw, p);
    // 5.0: CleanSession 0 is Clean Start 0 with a session that never expires; 1 is Clean Start 1 with expiry 0.
    const v5 = this.version === 5 ? { protocolVersion: 5 as const, properties: clean ? undefined : { sessionExpiryInterval: 0xffff_ffff } } : {};
    raw.send(connectPacket(this.clientId, { clean, ...v5 }));
    const ack = await raw.expect('connack');
    expect(ack.reasonCode).toBe(0);
    this.raw = raw;
    return ack.sessionPresent;
  }

  private onPacket(raw: RawClient, p: Packet): boolean {
    if (p.type === 'publish') {
      const key = p.payload.length === 0 ? `empty:${p.topic}` : p.payload.toString();
      const record = { key, topic: p.topic, qos: p.qos, retain: p.retain };
      if (p.qos === 0) this.received.push(record);
      if (p.qos === 1) {
        // A QoS 1 message may arrive again (DUP) if its PUBACK was lost: count it once.
        if (!(p.dup && this.received.some((r) => r.key === key && r.qos === 1))) this.received.push(record);
        raw.send({ type: 'puback', packetId: p.packetId as number });
      }
      if (p.qos === 2) {
        if (!this.qos2Ids.has(p.packetId as number)) this.received.push(record);
        this.qos2Ids.add(p.packetId as number);
        raw.send({ type: 'pubrec', packetId: p.packetId as number });
      }
      return true;
    }
    if (p.type === 'pubrel') {
      this.qos2Ids.delete(p.packetId);
      raw.send({ type: 'pubcomp', packetId: p.packetId });
      return true;
    }
    return false;
  }
}

const coverage = { runs: 0, resumedWithQueue: 0, retainedOnSubscribe: 0 };

async function run(cmds: Cmd[], version: 4 | 5 = 4): Promise<void> {
  coverage.runs++;
  const broker: RunningBroker = await startBroker({ sysIntervalSeconds: 0 });
  const port = broker.address.port;
  const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => new Subscriber(`s${String(i)}`, version));
  const as = version === 5 ? { protocolVersion: 5 as const } : {};
  const publishers: RawClient[] = [];
  const model = new Map<number, ModelSession>();
  const retained = new Map<string, { key: string; qos: QoS }>();
  const expected: Delivery[][] = subscribers.map(() => []);
  const seq = [0, 0];
  const barrier = async () => {
    for (const p of publishers) await p.ping();
    for (const s of subscribers) if (s.raw && !s.raw.closed) await s.raw.ping();
  };
  try {
    for (let i = 0; i < PUBLISHERS; i++) publishers.push((await RawClient.connected(port, `p${String(i)}`, as)).client);
    for (const cmd of cmds) {
      switch (cmd.k) {
        case 'connect': {
          const sub = subscribers[cmd.s] as Subscriber;
          if (sub.raw) break;
          const existing = model.get(cmd.s);
          const present = await sub.connect(port, cmd.clean);
          if (!cmd.clean && existing?.persistent) {
            expect(present, 'session present').toBe(true);
            (expected[cmd.s] as Delivery[]).push(...existing.owed);
            if (existing.owed.length > 0) coverage.resumedWithQueue++;
            existing.owed = [];
          } else {
            expect(present, 'session present').toBe(false);
            model.set(cmd.s, { persistent: !cmd.clean, subs: new Map(), owed: [] });
          }
          break;
        }
        case 'disconnect': {
          const sub = subscribers[cmd.s] as Subscriber;
          const raw = sub.raw;
          if (!raw) break;
          if (cmd.graceful) await raw.disconnect();
          else {
            raw.destroy();
            await raw.expectClosed().catch(() => undefined);
          }
          sub.raw = undefined;
          if (!model.get(cmd.s)?.persistent) model.delete(cmd.s);
          await barrier(); // the broker has seen the close before the next step
          break;
        }
        case 'subscribe': {
          const sub = subscribers[cmd.s] as Subscriber;
          const session = model.get(cmd.s);
          if (!sub.raw || !session) break;
          const filter = FILTERS[cmd.f] as string;
          expect(await sub.raw.subscribe([[filter, cmd.qos]])).toEqual([cmd.qos]);
          session.subs.set(filter, cmd.qos);
          for (const [topic, r] of retained) {
            if (topicMatches(filter, topic)) coverage.retainedOnSubscribe++;
            if (topicMatches(filter, topic)) (expected[cmd.s] as Delivery[]).push({ key: r.key, topic, qos: Math.min(r.qos, cmd.qos) as QoS, retain: true });
          }
          break;
        }
        case 'unsubscribe': {
          const sub = subscribers[cmd.s] as Subscriber;
          const session = model.get(cmd.s);
          if (!sub.raw || !session) break;
          const filter = FILTERS[cmd.f] as string;
          sub.raw.send({ type: 'unsubscribe', packetId: 3, topicFilters: [filter] });
          await sub.raw.expect('unsuback');
          session.subs.delete(filter);
          break;
        }
        case 'publish': {
          const pub = publishers[cmd.p] as RawClient;
          const topic = TOPICS[cmd.t] as string;
          const n = (seq[cmd.p] ?? 0) + 1;
          seq[cmd.p] = n;
          const payload = cmd.empty ? '' : `${String(cmd.p)}:${String(n)}`;
          const key = cmd.empty ? `empty:${topic}` : payload;
          await pub.publish(topic, payload, cmd.qos, cmd.retain, (n % 60000) + 1);
          if (cmd.retain) {
            if (cmd.empty) retained.delete(topic);
            else retained.set(topic, { key, qos: cmd.qos });
          }
          for (const [s, session] of model) {
            let granted = -1;
            for (const [filter, q] of session.subs) if (topicMatches(filter, topic) && q > granted) granted = q;
            if (granted < 0) continue;
            const delivery: Delivery = { key, topic, qos: Math.min(cmd.qos, granted) as QoS, retain: false };
            if ((subscribers[s] as Subscriber).raw) (expected[s] as Delivery[]).push(delivery);
            else if (delivery.qos > 0) session.owed.push(delivery);
          }
          break;
        }
      }
      await barrier();
    }
    subscribers.forEach((sub, s) => {
      const fmt = (d: Delivery) => `${d.topic} ${d.key} q${String(d.qos)}${d.retain ? ' R' : ''}`;
      expect(sub.received.map(fmt).sort(), `deliveries to s${String(s)}`).toEqual((expected[s] as Delivery[]).map(fmt).sort());
      // Order per topic and publisher, for live messages.
      const last = new Map<string, number>();
      for (const d of sub.received) {
        if (d.retain || d.key.startsWith('empty:')) continue;
        const [p, n] = d.key.split(':').map(Number) as [number, number];
        const k = `${d.topic}|${String(p)}`;
        expect(n, `order on ${k}`).toBeGreaterThan(last.get(k) ?? 0);
        last.set(k, n);
      }
    });
    // Retained state: a fresh subscriber to '#' gets exactly the model's retained set.
    const probe = (await RawClient.connected(port, 'probe', as)).client;
    await probe.subscribe([['#', 0]]);
    probe.send({ type: 'pingreq' });
    const got = (await probe.collectUntil((p) => p.type === 'pingresp')).flatMap((p) => (p.type === 'publish' ? [`${p.topic}=${p.payload.toString()}`] : []));
    expect(got.sort()).toEqual([...retained].map(([t, r]) => `${t}=${r.key}`).sort());
    probe.destroy();
  } finally {
    for (const s of subscribers) s.raw?.destroy();
    for (const p of publishers) p.destroy();
    await broker.close();
  }
}

describe('model-based: random client sessions against the spec model', () => {
  it('delivers exactly what the model says', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cmdArb, { minLength: 1, maxLength: 30, size: 'max' }),
        fc.nat(FILTERS.length - 1),
        async (cmds, f) => {
          // Start from a subscribed persistent session so that most runs exercise queueing and resumption.
          await run([{ k: 'connect', s: 0, clean: false }, { k: 'subscribe', s: 0, f, qos: 2 }, ...cmds]);
        },
      ),
      {
        numRuns: 80,
        examples: [
          [
            [
              { k: 'connect', s: 0, clean: false },
              { k: 'subscribe', s: 0, f: 1, qos: 2 },
              { k: 'disconnect', s: 0, graceful: false },
              { k: 'publish', p: 0, t: 0, qos: 1, retain: true, empty: false },
              { k: 'publish', p: 1, t: 0, qos: 2, retain: false, empty: false },
              { k: 'connect', s: 0, clean: false },
              { k: 'connect', s: 1, clean: true },
              { k: 'subscribe', s: 1, f: 2, qos: 1 },
            ],
            0,
          ],
        ],
      },
    );
    // The generator must reach the interesting cases, or the property proves little.
    expect(coverage.resumedWithQueue).toBeGreaterThan(4);
    expect(coverage.retainedOnSubscribe).toBeGreaterThan(10);
  }, 120_000);
});

describe('model-based, MQTT 5.0: the same sessions as Clean Start / Session Expiry Interval', () => {
  it('delivers exactly what the model says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmdArb, { minLength: 1, maxLength: 30, size: 'max' }), fc.nat(FILTERS.length - 1), async (cmds, f) => {
        await run([{ k: 'connect', s: 0, clean: false }, { k: 'subscribe', s: 0, f, qos: 2 }, ...cmds], 5);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
