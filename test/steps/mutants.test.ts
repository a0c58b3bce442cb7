import { describe, expect, it } from 'vitest';
import type { Packet } from '../../harness/codec/index.js';
import { runSuiteThroughMutant, useMutantRuns, type Mutation } from '../support/steps/mutant-proxy.js';

/**
 * The suite must catch broken brokers: each mutant is the reference broker behind a proxy that
 * breaks one rule; the scenarios checking that rule must fail. A control run through an identity
 * proxy must pass, so the failures come from the mutation, not the proxy.
 */
const runs = useMutantRuns('mqttc-mutant-');

interface Summary {
  scenarios: number;
  passed: number;
  failed: number;
}

async function runThrough(mutation: Mutation, tags: string): Promise<{ code: number | null; summary: Summary; failures: string[] }> {
  const workDir = runs.workDir();
  const { code, report } = await runSuiteThroughMutant<{
    summary: Summary;
    scenarios: { name: string; verdict: string; failure?: { message?: string } }[];
  }>(runs.reference, mutation, { tags, timeoutMs: 3000, workDir });
  const failures = report.scenarios.filter((s) => s.verdict === 'failed').map((s) => `${s.name}: ${(s.failure?.message ?? '').split('\n').slice(0, 3).join(' | ')}`);
  return { code, summary: report.summary, failures };
}

const same = (p: Packet): Packet[] => [p];

const MUTANTS: { name: string; tags: string; mutation: Mutation }[] = [
  {
    name: 'Session Present always 1',
    tags: '@MQTT-3.2.2-1 or @MQTT-3.2.2-3',
    mutation: { toClient: (p) => (p.type === 'connack' && p.reasonCode === 0 ? [{ ...p, sessionPresent: true }] : [p]) },
  },
  {
    name: 'a second CONNECT ignored instead of closing',
    tags: '@MQTT-3.1.0-2 and not @MQTT-3.1.2-8',
    mutation: { toServer: (p, s) => (p.type === 'connect' && s.connects > 1 ? [] : [p]) },
  },
  {
    name: 'wills never delivered',
    tags: '@MQTT-3.1.2-8 and @v3.1',
    mutation: { toClient: (p) => (p.type === 'publish' && p.topic.includes('/will/') ? [] : [p]) },
  },
  {
    name: 'RETAIN cleared on every delivery',
    tags: '@MQTT-3.1.2-17',
    mutation: { toClient: (p) => (p.type === 'publish' ? [{ ...p, retain: false }] : [p]) },
  },
  {
    name: 'DUP set on first deliveries',
    tags: '@MQTT-3.3.1-1 and @MQTT-4.3.2-1',
    mutation: { toClient: (p) => (p.type === 'publish' && p.qos > 0 ? [{ ...p, dup: true }] : [p]) },
  },
  {
    name: 'PUBACK with the wrong packet identifier',
    tags: '@MQTT-3.1.2-5 and @v3.1.1',
    mutation: { toClient: (p) => (p.type === 'puback' ? [{ ...p, packetId: (p.packetId % 65535) + 1 }] : [p]) },
  },
  // From the mutation campaign (scripts/mutation-campaign.ts): survivors the features were sharpened for.
  {
    name: 'a first packet other than CONNECT ignored (the CONNECT behind it accepted)',
    tags: '@MQTT-3.1.0-1 and @v3.1.1',
    mutation: { toServer: (p, s) => (s.connects === 0 && p.type !== 'connect' ? [] : [p]) },
  },
  {
    name: 'the Session Expiry Interval of DISCONNECT ignored',
    tags: '@MQTT-4.1.0-2',
    mutation: {
      toServer: (p) => {
        if (p.type !== 'disconnect' || p.properties?.sessionExpiryInterval === undefined) return [p];
        const { sessionExpiryInterval: _ignored, ...rest } = p.properties;
        return [{ ...p, properties: rest }];
      },
    },
  },
  {
    name: 'Reason Strings on acknowledgements although Request Problem Information is 0',
    tags: '@MQTT-3.1.2-29',
    mutation: {
      toClient: (p) =>
        p.type === 'puback' || p.type === 'pubrec' || p.type === 'pubcomp' || p.type === 'suback' || p.type === 'unsuback'
          ? [{ ...p, properties: { ...p.properties, reasonString: 'mutant' } }]
          : [p],
    },
  },
  {
    name: 'only PINGREQ counted as keep-alive activity',
    tags: '@MQTT-3.1.2-24 and @v3.1.1',
    // The broker never sees the QoS 0 PUBLISHes that were to keep the connection alive.
    mutation: { toServer: (p) => (p.type === 'publish' && p.qos === 0 && p.topic.includes('/ka/') ? [] : [p]) },
  },
];

describe('the suite catches deliberately broken brokers', () => {
  it('passes through an identity proxy (control)', async () => {
    const tags = MUTANTS.map((m) => `(${m.tags})`).join(' or ');
    const { code, summary, failures } = await runThrough({ toClient: same, toServer: same }, tags);
    expect(failures, 'the control run must pass').toEqual([]);
    expect(summary.failed).toBe(0);
    expect(summary.passed).toBeGreaterThan(MUTANTS.length);
    expect(code).toBe(0);
  }, 120_000);

  for (const m of MUTANTS) {
    it(`fails a broker with ${m.name}`, async () => {
      const { code, summary } = await runThrough(m.mutation, m.tags);
      expect(summary.failed).toBeGreaterThan(0);
      expect(code).toBe(1);
    }, 120_000);
  }
});
