import { describe, expect, it } from 'vitest';
import type { ReportJson } from '../../reports/index.js';
import { MUTANTS } from '../../scripts/mutation/mutants.js';
import { BrokerProcess } from '../robustness/broker-process.js';
import { RULE_MUTANT_NAMES } from '../robustness/broker-variants.js';
import { runSuiteThroughMutant, useMutantRuns } from '../support/steps/mutant-proxy.js';

/**
 * The rules issue 15 added (delivery guarantees under concurrency, DUP 0 on every first delivery,
 * topic names compared byte for byte, refusals forced by limits in the codes of the version) must
 * each be able to fail: each mutant is the reference broker with one of them broken (a campaign
 * mutant of scripts/mutation/mutants.ts, applied as a broker variant while the child broker is
 * bundled: reference/ is never changed), and a scenario of the rule's own feature must fail under
 * one of the statements the mutant breaks. The unchanged broker passes the same selection.
 */
interface RuleMutant {
  name: (typeof RULE_MUTANT_NAMES)[number];
  /** The feature whose scenarios must catch it. */
  feature: string;
  tags: string;
}

const RULE_MUTANTS: readonly RuleMutant[] = [
  { name: 'dup-on-queued-first-delivery', feature: 'features/dup-first-delivery.feature', tags: '@MQTT-3.3.1-3' },
  { name: 'deliveries-overtake-when-many-in-flight', feature: 'features/delivery-concurrency.feature', tags: '@MQTT-4.6.0-5' },
  { name: 'qos1-dropped-when-many-in-flight', feature: 'features/delivery-concurrency.feature', tags: '@MQTT-4.5.0-1' },
  { name: 'qos2-sometimes-sent-twice', feature: 'features/delivery-concurrency.feature', tags: '@MQTT-4.3.3-2 or @MQTT-4.3.3-10' },
  { name: 'topic-levels-normalised', feature: 'features/topic-identity.feature', tags: '@MQTT-4.7.3-4' },
  { name: 'suback-quota-code-in-311', feature: 'features/server-limits-codes.feature', tags: '@MQTT-3.9.3-2' },
  { name: 'client-id-limit-code-of-5-in-311', feature: 'features/server-limits-codes.feature', tags: '@MQTT-3.1.3-9 or @MQTT-3.2.2-8' },
];

/** The capabilities of the reference, declared in the runs' profile (a probe through a mutant could excuse it). */
const runs = useMutantRuns('mqttc-rule-mutant-');

async function runAgainst(variant: string | null, tags: string): Promise<{ code: number | null; report: ReportJson }> {
  const broker = await BrokerProcess.start({}, { variant });
  const workDir = runs.workDir();
  try {
    const target = { endpoint: { host: '127.0.0.1', port: broker.port }, capabilities: runs.reference.capabilities };
    return await runSuiteThroughMutant<ReportJson>(target, {}, { tags, timeoutMs: 1500, workDir });
  } finally {
    await broker.stop();
  }
}

describe('the issue 15 rules catch brokers that break them', () => {
  it('every rule mutant is a campaign mutant breaking a MUST', () => {
    for (const m of RULE_MUTANTS) expect(MUTANTS.find((x) => x.name === m.name)?.allowed, m.name).toBeUndefined();
    expect(RULE_MUTANTS.map((m) => m.name).sort()).toEqual([...RULE_MUTANT_NAMES].sort());
  });

  it('the unchanged broker passes every selection (control)', async () => {
    const { code, report } = await runAgainst(null, RULE_MUTANTS.map((m) => `(${m.tags})`).join(' or '));
    // With the failure's step and message: a failure seen once in CI must be explainable from its log.
    expect(report.scenarios.filter((s) => s.verdict === 'failed').map((s) => `${s.uri}: ${s.name}: ${s.failure?.step ?? ''}: ${s.failure?.message ?? ''}`)).toEqual([]);
    for (const m of RULE_MUTANTS) expect(report.scenarios.filter((s) => s.uri === m.feature && s.verdict === 'passed').length, m.feature).toBeGreaterThan(0);
    expect(code).toBe(0);
  }, 300_000);

  for (const m of RULE_MUTANTS) {
    const mutant = MUTANTS.find((x) => x.name === m.name);
    it(`fail a broker where ${mutant?.does ?? m.name}`, async () => {
      const { code, report } = await runAgainst(m.name, m.tags);
      const caught = report.scenarios.filter(
        (s) => s.verdict === 'failed' && s.uri === m.feature && s.statements.some((id) => mutant?.statements.includes(id)),
      );
      expect(caught.map((s) => s.name), `no scenario of ${m.feature} failed under ${mutant?.statements.join(', ') ?? ''}`).not.toEqual([]);
      expect(code).toBe(1);
    }, 300_000);
  }
});
