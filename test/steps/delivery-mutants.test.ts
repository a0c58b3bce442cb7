import { describe, expect, it } from 'vitest';
import type { Packet } from '../../harness/codec/index.js';
import { runSuiteThroughMutant, useMutantRuns, type Mutation } from '../support/steps/mutant-proxy.js';

/**
 * The delivery, retain, subscription, topic and ordering features must catch brokers that break
 * their rules: each mutant is the reference broker behind a proxy that breaks one rule, and the
 * scenarios tagged with that rule must fail (a control run through an unchanged proxy passes).
 */
const runs = useMutantRuns('mqttc-delivery-mutant-');

interface Report {
  summary: { scenarios: number; passed: number; failed: number };
}

async function runThrough(mutation: Mutation, tags: string): Promise<{ code: number | null; report: Report }> {
  const workDir = runs.workDir();
  return runSuiteThroughMutant<Report>(runs.reference, mutation, { tags, timeoutMs: 1000, workDir });
}

const renamed = (p: Packet, f: (topic: string) => string): Packet[] => {
  if (p.type === 'publish') return [{ ...p, topic: f(p.topic) }];
  if (p.type === 'subscribe') return [{ ...p, subscriptions: p.subscriptions.map((s) => ({ ...s, topicFilter: f(s.topicFilter) })) }];
  return [p];
};

/** Holds one PUBLISH to the client and sends it after the next one (per proxy connection). */
function swapping(): Mutation {
  const held = new WeakMap<object, Packet>();
  return {
    toClient: (p, state) => {
      if (p.type !== 'publish' || p.topic.includes('~')) return [p];
      const h = held.get(state);
      if (!h) {
        held.set(state, p);
        return [];
      }
      held.delete(state);
      return [p, h];
    },
  };
}

const MUTANTS: { name: string; tags: string; mutation: () => Mutation }[] = [
  { name: 'RETAIN 1 on live deliveries', tags: '@MQTT-3.3.1-9', mutation: () => ({ toClient: (p) => (p.type === 'publish' ? [{ ...p, retain: true }] : [p]) }) },
  {
    name: 'retained messages not sent again on a repeated SUBSCRIBE',
    tags: '@MQTT-3.8.4-3',
    mutation: () => ({ toClient: (p) => (p.type === 'publish' && p.retain && p.topic.endsWith('r/again') ? [] : [p]) }),
  },
  {
    name: 'QoS 2 messages delivered twice',
    tags: '@MQTT-4.3.3-2',
    mutation: () => ({ toClient: (p) => (p.type === 'publish' && p.qos === 2 && p.packetId ? [p, { ...p, packetId: ((p.packetId + 1000) % 65535) + 1 }] : [p]) }),
  },
  {
    name: 'a QoS 2 re-send before PUBREL taken as a new message',
    tags: '@MQTT-4.3.3-2',
    mutation: () => ({ toServer: (p) => (p.type === 'publish' && p.qos === 2 && p.dup && p.packetId ? [{ ...p, packetId: ((p.packetId + 5000) % 65535) + 1, dup: false }] : [p]) }),
  },
  { name: 'two consecutive deliveries swapped', tags: '@MQTT-4.6.0-6', mutation: swapping },
  { name: 'SUBACK return codes in reverse order', tags: '@MQTT-3.9.3-1', mutation: () => ({ toClient: (p) => (p.type === 'suback' ? [{ ...p, reasonCodes: [...p.reasonCodes].reverse() }] : [p]) }) },
  {
    name: 'deliveries at QoS 2 whatever the subscription granted',
    tags: '@MQTT-3.8.4-6',
    mutation: () => ({ toServer: (p) => (p.type === 'subscribe' ? [{ ...p, subscriptions: p.subscriptions.map((s) => ({ ...s, qos: 2 as const })) }] : [p]) }),
  },
  { name: 'topics matched case-insensitively', tags: '@MQTT-4.7.3-4', mutation: () => ({ toServer: (p) => renamed(p, (t) => t.toLowerCase()) }) },
  { name: 'U+FEFF stripped from topics', tags: '@MQTT-1.5.3-3', mutation: () => ({ toServer: (p) => renamed(p, (t) => t.replaceAll('\uFEFF', '')) }) },
  { name: "'+' at the end matching several levels", tags: '@MQTT-4.7.1-3', mutation: () => ({ toServer: (p) => renamed(p, (t) => t.replace(/\/\+$/, '/#')) }) },
  {
    name: 'UNSUBSCRIBE deleting nothing',
    tags: '@MQTT-3.10.4-2',
    mutation: () => ({ toServer: (p) => (p.type === 'unsubscribe' ? [{ ...p, topicFilters: p.topicFilters.map((f) => `${f}-not`) }] : [p]) }),
  },
  { name: 'an answer to a QoS 0 PUBLISH', tags: '@MQTT-3.3.4-1', mutation: () => ({ toClient: (p) => (p.type === 'pingresp' ? [{ type: 'puback', packetId: 1 }, p] : [p]) }) },
  {
    name: 'overlapping subscriptions served at the lower QoS only',
    tags: '@MQTT-3.3.5-1',
    mutation: () => ({ toClient: (p) => (p.type === 'publish' && p.topic.endsWith('/s/o/x') && p.qos === 2 ? [] : [p]) }),
  },
];

describe('the delivery features catch deliberately broken brokers', () => {
  it('pass through an unchanged proxy (control)', async () => {
    const tags = MUTANTS.map((m) => `(${m.tags})`).join(' or ');
    const { code, report } = await runThrough({}, tags);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(MUTANTS.length);
    expect(code).toBe(0);
  }, 120_000);

  for (const m of MUTANTS) {
    it(`fail a broker with ${m.name}`, async () => {
      const { code, report } = await runThrough(m.mutation(), m.tags);
      expect(report.summary.failed).toBeGreaterThan(0);
      expect(code).toBe(1);
    }, 120_000);
  }
});
