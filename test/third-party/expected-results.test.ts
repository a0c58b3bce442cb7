import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareWithExpected,
  entryKey,
  ExpectedResultsError,
  isTodo,
  mergeRun,
  observedKeys,
  parseExpectedResults,
  renderExpectedResults,
  type ExpectedResults,
  type ObservedScenario,
} from './expected-results.js';

const HEADER = { broker: 'b', version: '1.0', target: 'process:b', update: 'npm run expected:update' };

const failed = (name: string, statement?: string, uri = 'features/f.feature'): ObservedScenario => ({
  uri,
  name,
  versions: ['3.1.1'],
  verdict: 'failed',
  failure: { summary: 'rule', message: 'm', expected: 'close', received: 'PINGRESP d0 00', ...(statement ? { statement } : {}) },
});
const passed = (name: string, uri = 'features/f.feature'): ObservedScenario => ({ uri, name, versions: ['3.1.1'], verdict: 'passed' });
const notApplicable = (name: string): ObservedScenario => ({ uri: 'features/f.feature', name, versions: ['3.1.1'], verdict: 'not-applicable', reason: 'lacks x' });

const file = (scenarios: ExpectedResults['scenarios']): ExpectedResults => ({ ...HEADER, scenarios });

describe('compareWithExpected', () => {
  const expected = file([
    { feature: 'features/f.feature', scenario: 'bug', verdict: 'failed', statement: 'MQTT-2.2.2-2', kind: 'finding', reason: 'sends d0 00' },
    { feature: 'features/f.feature', scenario: 'n/a', verdict: 'not-applicable', kind: 'capability', reason: 'no x' },
  ]);

  it('accepts a run that matches the file', () => {
    expect(compareWithExpected([failed('bug', 'MQTT-2.2.2-2'), notApplicable('n/a'), passed('fine')], expected)).toEqual([]);
  });

  it('reports every kind of drift, either way', () => {
    const drifts = compareWithExpected(
      [passed('bug'), failed('new', 'MQTT-3.1.0-1'), { ...failed('n/a'), failure: undefined }],
      file([...expected.scenarios, { feature: 'features/f.feature', scenario: 'gone', verdict: 'failed', kind: 'TODO', reason: 'TODO' }]),
    );
    expect(drifts.map((d) => [d.kind, d.key])).toEqual([
      ['now-passes', 'features/f.feature :: bug'],
      ['new-failure', 'features/f.feature :: new'],
      ['verdict-changed', 'features/f.feature :: n/a'],
      ['not-run', 'features/f.feature :: gone'],
      ['todo', 'features/f.feature :: gone'],
    ]);
    expect(drifts[1]?.detail).toContain('Received: PINGRESP d0 00');
  });

  it('reports a listed failure that now fails another statement', () => {
    const drifts = compareWithExpected([failed('bug', 'MQTT-4.8.0-1'), notApplicable('n/a')], expected);
    expect(drifts.map((d) => d.kind)).toEqual(['statement-changed']);
  });
});

describe('not-applicable rules', () => {
  const v5 = (name: string): ObservedScenario => ({ uri: 'features/v5.feature', name, versions: ['5'], verdict: 'not-applicable', reason: 'no MQTT 5' });
  const rule = { runReason: 'no MQTT 5', kind: 'capability' as const, reason: 'speaks 3.1.1 only' };

  it('covers every scenario not applicable for that reason, and only those', () => {
    const expected = { ...file([]), notApplicable: [rule] };
    expect(compareWithExpected([v5('a'), v5('b'), passed('c')], expected)).toEqual([]);
    expect(compareWithExpected([notApplicable('other')], expected).map((d) => d.kind)).toEqual(['new-failure', 'unused-rule']);
  });

  it('survives a merge (used) and is dropped when nothing matches it', () => {
    const previous = { ...file([]), notApplicable: [rule] };
    const merged = mergeRun([v5('a'), notApplicable('n')], previous, HEADER);
    expect(merged.results.notApplicable).toEqual([rule]);
    expect(merged.results.scenarios.map((e) => e.scenario)).toEqual(['n']);
    const stale = mergeRun([passed('a')], previous, HEADER);
    expect(stale.results.notApplicable).toBeUndefined();
    expect(stale.removed).toEqual(['notApplicable "no MQTT 5"']);
    expect(parseExpectedResults(JSON.parse(renderExpectedResults(merged.results)), 'x.json')).toEqual(merged.results);
  });
});

describe('intermittent failures', () => {
  const flaky = file([{ feature: 'features/f.feature', scenario: 'race', verdict: 'failed', statement: 'MQTT-1', kind: 'finding', reason: 'acks before storing', intermittent: true }]);

  it('accept a pass or the listed failure, nothing else', () => {
    expect(compareWithExpected([passed('race')], flaky)).toEqual([]);
    expect(compareWithExpected([failed('race', 'MQTT-1')], flaky)).toEqual([]);
    expect(compareWithExpected([failed('race', 'MQTT-2')], flaky).map((d) => d.kind)).toEqual(['statement-changed']);
  });

  it('are kept by a merge of a run where they passed', () => {
    const merged = mergeRun([passed('race')], flaky, HEADER);
    expect(merged.results.scenarios).toEqual(flaky.scenarios);
    expect(merged.removed).toEqual([]);
    expect(parseExpectedResults(JSON.parse(renderExpectedResults(merged.results)), 'x.json')).toEqual(merged.results);
  });

  it('must be failures', () => {
    expect(() => parseExpectedResults({ ...flaky, scenarios: [{ ...flaky.scenarios[0], verdict: 'not-applicable' }] }, 'x.json')).toThrow(/only a failure/);
  });
});

describe('observedKeys', () => {
  it('is feature and name, qualified by versions and then an ordinal only where names repeat', () => {
    const keys = observedKeys([
      passed('a'),
      { ...passed('same'), versions: ['3.1'] },
      { ...passed('same'), versions: ['3.1.1'] },
      { ...passed('same'), versions: ['3.1.1'] },
      passed('a', 'features/g.feature'),
    ]).map((k) => k.key);
    expect(keys).toEqual([
      'features/f.feature :: a',
      'features/f.feature :: same [v3.1]',
      'features/f.feature :: same [v3.1.1 #1]',
      'features/f.feature :: same [v3.1.1 #2]',
      'features/g.feature :: a',
    ]);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('parseExpectedResults', () => {
  const good = { ...HEADER, scenarios: [{ feature: 'features/f.feature', scenario: 's', verdict: 'failed', kind: 'finding', reason: 'r' }] };

  it('round-trips through the rendered text', () => {
    const parsed = parseExpectedResults(good, 'x.json');
    expect(parseExpectedResults(JSON.parse(renderExpectedResults(parsed)), 'x.json')).toEqual(parsed);
  });

  it('names the file and the bad field', () => {
    const bad = (value: unknown): ExpectedResultsError => {
      try {
        parseExpectedResults(value, 'x.json');
      } catch (e) {
        if (e instanceof ExpectedResultsError) return e;
        throw e;
      }
      throw new Error('no error');
    };
    expect(bad({ ...good, scenarios: [{ ...good.scenarios[0], verdict: 'passed' }] }).field).toBe('scenarios[0].verdict');
    expect(bad({ ...good, scenarios: [{ ...good.scenarios[0], kind: 'excuse' }] }).field).toBe('scenarios[0].kind');
    expect(bad({ ...good, scenarios: [{ ...good.scenarios[0], reason: ' ' }] }).field).toBe('scenarios[0].reason');
    expect(bad({ ...good, scenarios: [good.scenarios[0], good.scenarios[0]] }).message).toMatch(/listed twice/);
    expect(bad({ ...good, version: undefined }).code).toBe('EXPECTED_RESULTS_INVALID');
  });
});

describe('mergeRun', () => {
  it('keeps written reasons, marks new and changed entries TODO, drops scenarios that pass', () => {
    const previous = file([
      { feature: 'features/f.feature', scenario: 'kept', verdict: 'failed', statement: 'MQTT-1', kind: 'finding', reason: 'written' },
      { feature: 'features/f.feature', scenario: 'changed', verdict: 'failed', statement: 'MQTT-1', kind: 'finding', reason: 'old' },
      { feature: 'features/f.feature', scenario: 'fixed', verdict: 'failed', kind: 'finding', reason: 'gone now' },
    ]);
    const { results, added, changed, removed } = mergeRun([failed('kept', 'MQTT-1'), failed('changed', 'MQTT-2'), passed('fixed'), failed('new', 'MQTT-3')], previous, HEADER);
    expect(results.scenarios.map((e) => [e.scenario, e.kind, e.reason])).toEqual([
      ['kept', 'finding', 'written'],
      ['changed', 'TODO', 'TODO'],
      ['new', 'TODO', 'TODO'],
    ]);
    expect(results.scenarios[1]?.evidence).toContain('was failed MQTT-1: old');
    expect(results.scenarios[2]?.evidence).toContain('Received: PINGRESP d0 00');
    expect([added, changed, removed]).toEqual([['features/f.feature :: new'], ['features/f.feature :: changed'], ['features/f.feature :: fixed']]);
  });

  const verdicts = fc.constantFrom('passed', 'failed', 'not-applicable', 'inconclusive');
  const runs = fc
    .uniqueArray(fc.record({ name: fc.stringMatching(/^[a-d]{1,2}$/), verdict: verdicts, statement: fc.option(fc.constantFrom('MQTT-1', 'MQTT-2'), { nil: undefined }) }), {
      selector: (s) => s.name,
      maxLength: 12,
    })
    .map((list) =>
      list.map((s): ObservedScenario => (s.verdict === 'failed' ? failed(s.name, s.statement) : { ...passed(s.name), verdict: s.verdict })),
    );

  it('a file merged from a run matches that run once every TODO has a reason, and re-merging keeps the reasons (property)', () => {
    fc.assert(
      fc.property(runs, (run) => {
        const { results } = mergeRun(run, undefined, HEADER);
        const drifts = compareWithExpected(run, results);
        // Only the missing reasons stand between a fresh file and a green test.
        expect(drifts.every((d) => d.kind === 'todo')).toBe(true);
        expect(drifts.length).toBe(run.filter((s) => s.verdict !== 'passed').length);
        const justified = { ...results, scenarios: results.scenarios.map((e) => ({ ...e, kind: 'finding' as const, reason: `why ${e.scenario}` })) };
        expect(compareWithExpected(run, justified)).toEqual([]);
        const again = mergeRun(run, justified, HEADER);
        expect(again.results).toEqual(justified);
        expect(again.results.scenarios.some(isTodo)).toBe(false);
        expect(again.results.scenarios.map(entryKey)).toEqual(run.filter((s) => s.verdict !== 'passed').map((s) => `${s.uri} :: ${s.name}`));
      }),
      { numRuns: 300 },
    );
  });
});
