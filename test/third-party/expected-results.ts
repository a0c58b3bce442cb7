/**
 * Expected results of a third-party broker (`test/expected/<broker>-<version>.json`): every
 * scenario that does not pass against it, with its verdict and a written reason. A scenario not
 * listed must pass. Comparing a run with the file yields the drifts (either way); merging a run
 * into the file keeps every reason that still applies and marks the rest `TODO`, which the test
 * refuses, so nobody blesses a failure without saying why.
 *
 * Pure functions over plain data: no I/O here (see `files.ts`).
 */
import type { ScenarioResult, ScenarioVerdict } from '../../reports/index.js';

export type ListedVerdict = Exclude<ScenarioVerdict, 'passed'>;

/**
 * Why a scenario does not pass:
 * - `finding`: the broker breaks a normative statement (a MUST of the spec); `reason` names the
 *   statement, what the spec requires and the bytes the broker sent.
 * - `choice`: an `@optional` scenario (behaviour the spec allows but does not require) that the
 *   broker does otherwise, by its documented choice; never counted as non-compliance.
 * - `capability`: not applicable, the broker does not offer what the scenario needs.
 * - `harness`: inconclusive for a reason outside the broker's behaviour.
 * - `TODO`: written by `expected:update` for a new entry; the test fails until a person replaces it.
 */
export type ReasonKind = 'finding' | 'choice' | 'capability' | 'harness' | 'TODO';

export const TODO = 'TODO';

export interface ExpectedEntry {
  /** Feature file, relative to the package root, e.g. `features/malformed.feature`. */
  feature: string;
  /** The scenario name as the run reports it (a Scenario Outline row is in the name). */
  scenario: string;
  /** Only when the feature file has two scenarios of the same name: `v3.1.1`, `v3.1 #2`. */
  qualifier?: string;
  verdict: ListedVerdict;
  /** For `failed`: the statement of the failed expectation (none for an unnumbered optional check). */
  statement?: string;
  kind: ReasonKind;
  reason: string;
  /** What the run that added the entry saw (expected / received), to help write the reason. */
  evidence?: string;
  /**
   * The broker fails this scenario only in some runs (a race inside the broker, shown by a kept
   * trace): a pass is then no drift either. Only with a reason that explains the race.
   */
  intermittent?: true;
}

/**
 * Not applicable in bulk: every scenario the run reports not applicable with exactly this reason
 * (e.g. "the target does not support MQTT 5 (it supports 3.1, 3.1.1)") is expected, without being
 * listed one by one. A rule no scenario matches is a drift (stale).
 */
export interface NotApplicableRule {
  /** The run's not-applicable reason, verbatim. */
  runReason: string;
  kind: 'capability';
  /** Why the broker lacks it. */
  reason: string;
}

export interface ExpectedResults {
  /** Broker name as the run reports it (`target.name`). */
  broker: string;
  version: string;
  /** The `--broker` value the results come from. */
  target: string;
  /** How to refresh the file. */
  update: string;
  notApplicable?: NotApplicableRule[];
  scenarios: ExpectedEntry[];
}

/** The part of a report's scenario the comparison reads. */
export type ObservedScenario = Pick<ScenarioResult, 'uri' | 'name' | 'versions' | 'verdict' | 'reason' | 'failure'>;

export type DriftKind =
  | 'new-failure' // not listed, did not pass
  | 'now-passes' // listed, passed
  | 'verdict-changed' // listed with another non-passing verdict
  | 'statement-changed' // failed, listed, but for another statement
  | 'not-run' // listed, but no such scenario ran
  | 'unused-rule' // a not-applicable rule no scenario matched
  | 'todo'; // listed with a TODO reason or kind

export interface Drift {
  kind: DriftKind;
  key: string;
  detail: string;
}

export class ExpectedResultsError extends Error {
  readonly code = 'EXPECTED_RESULTS_INVALID';
  constructor(
    message: string,
    readonly source: string,
    readonly field: string,
  ) {
    super(`${source}: ${field}: ${message}`);
    this.name = 'ExpectedResultsError';
  }
}

const LISTED: readonly ListedVerdict[] = ['failed', 'not-applicable', 'inconclusive'];
const KINDS: readonly ReasonKind[] = ['finding', 'choice', 'capability', 'harness', 'TODO'];

/** The stable key of an entry: feature file and scenario name, plus the qualifier when names repeat. */
export function entryKey(e: Pick<ExpectedEntry, 'feature' | 'scenario' | 'qualifier'>): string {
  return `${e.feature} :: ${e.scenario}${e.qualifier === undefined ? '' : ` [${e.qualifier}]`}`;
}

/**
 * Keys of observed scenarios, in order: `feature :: name`; when a feature has several scenarios of
 * that name, qualified by their versions, and by an ordinal when that is not enough either.
 */
export function observedKeys(observed: readonly ObservedScenario[]): { key: string; qualifier?: string; scenario: ObservedScenario }[] {
  const base = (s: ObservedScenario): string => `${s.uri} :: ${s.name}`;
  const count = new Map<string, number>();
  for (const s of observed) count.set(base(s), (count.get(base(s)) ?? 0) + 1);
  const byVersion = new Map<string, number>();
  const versioned = (s: ObservedScenario): string => `v${s.versions.join(',v')}`;
  for (const s of observed) {
    if ((count.get(base(s)) ?? 0) > 1) byVersion.set(`${base(s)}|${versioned(s)}`, (byVersion.get(`${base(s)}|${versioned(s)}`) ?? 0) + 1);
  }
  const seen = new Map<string, number>();
  return observed.map((s) => {
    if ((count.get(base(s)) ?? 0) <= 1) return { key: base(s), scenario: s };
    let qualifier = versioned(s);
    const k = `${base(s)}|${qualifier}`;
    if ((byVersion.get(k) ?? 0) > 1) {
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      qualifier = `${qualifier} #${n}`;
    }
    return { key: `${base(s)} [${qualifier}]`, qualifier, scenario: s };
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates an expected-results value; errors name the file and the field. */
export function parseExpectedResults(value: unknown, source: string): ExpectedResults {
  const fail = (field: string, message: string): never => {
    throw new ExpectedResultsError(message, source, field);
  };
  if (!isObject(value)) return fail('(top level)', 'expected an object');
  const text = (obj: Record<string, unknown>, field: string, path: string): string => {
    const v = obj[field];
    if (typeof v !== 'string' || v.trim() === '') return fail(path, 'expected a non-empty string');
    return v;
  };
  const list = value['scenarios'];
  if (!Array.isArray(list)) return fail('scenarios', 'expected an array');
  const seen = new Set<string>();
  const scenarios = list.map((item: unknown, i): ExpectedEntry => {
    const at = `scenarios[${i}]`;
    if (!isObject(item)) return fail(at, 'expected an object');
    const verdict = item['verdict'];
    if (!LISTED.includes(verdict as ListedVerdict)) return fail(`${at}.verdict`, `expected one of ${LISTED.join(', ')} (a passing scenario is simply not listed)`);
    const kind = item['kind'];
    if (!KINDS.includes(kind as ReasonKind)) return fail(`${at}.kind`, `expected one of ${KINDS.join(', ')}`);
    const entry: ExpectedEntry = {
      feature: text(item, 'feature', `${at}.feature`),
      scenario: text(item, 'scenario', `${at}.scenario`),
      verdict: verdict as ListedVerdict,
      kind: kind as ReasonKind,
      reason: text(item, 'reason', `${at}.reason`),
    };
    for (const field of ['qualifier', 'statement', 'evidence'] as const) {
      if (item[field] !== undefined) entry[field] = text(item, field, `${at}.${field}`);
    }
    if (item['intermittent'] !== undefined) {
      if (item['intermittent'] !== true) return fail(`${at}.intermittent`, 'expected true (or no field)');
      if (entry.verdict !== 'failed') return fail(`${at}.intermittent`, 'only a failure can be intermittent');
      entry.intermittent = true;
    }
    const key = entryKey(entry);
    if (seen.has(key)) fail(at, `the scenario ${key} is listed twice`);
    seen.add(key);
    return entry;
  });
  const results: ExpectedResults = {
    broker: text(value, 'broker', 'broker'),
    version: text(value, 'version', 'version'),
    target: text(value, 'target', 'target'),
    update: text(value, 'update', 'update'),
    scenarios,
  };
  const rules = value['notApplicable'];
  if (rules !== undefined) {
    if (!Array.isArray(rules)) return fail('notApplicable', 'expected an array');
    results.notApplicable = rules.map((item: unknown, i): NotApplicableRule => {
      const at = `notApplicable[${i}]`;
      if (!isObject(item)) return fail(at, 'expected an object');
      if (item['kind'] !== 'capability') return fail(`${at}.kind`, 'expected "capability"');
      return { runReason: text(item, 'runReason', `${at}.runReason`), kind: 'capability', reason: text(item, 'reason', `${at}.reason`) };
    });
  }
  return results;
}

/** The bulk rule that covers a not-applicable scenario, if any. */
export function ruleFor(s: ObservedScenario, rules: readonly NotApplicableRule[] | undefined): NotApplicableRule | undefined {
  if (s.verdict !== 'not-applicable' || s.reason === undefined) return undefined;
  return rules?.find((r) => r.runReason === s.reason);
}

/** True when a person still has to write the reason. */
export function isTodo(e: Pick<ExpectedEntry, 'kind' | 'reason'>): boolean {
  return e.kind === 'TODO' || e.reason.trim().toUpperCase().startsWith(TODO);
}

/** What a failure shows, on one line: the rule, what was expected, what arrived. */
export function evidenceOf(s: ObservedScenario): string | undefined {
  if (s.verdict !== 'failed') return s.reason;
  const f = s.failure;
  if (f === undefined) return undefined;
  const parts = [f.statement ? `[${f.statement}] ${f.summary}` : f.summary];
  if (f.step) parts.push(`Step: ${f.step}`);
  if (f.expected) parts.push(`Expected: ${f.expected}`);
  if (f.received) parts.push(`Received: ${f.received}`);
  return parts.join(' | ');
}

/**
 * Every difference between a run and the expected results: a non-passing scenario not listed,
 * a listed one that passed or changed verdict or failed for another statement, a listed one that
 * did not run, and every entry whose reason is still `TODO`.
 */
export function compareWithExpected(observed: readonly ObservedScenario[], expected: ExpectedResults): Drift[] {
  const listed = new Map(expected.scenarios.map((e) => [entryKey(e), e]));
  const drifts: Drift[] = [];
  const ran = new Set<string>();
  const usedRules = new Set<NotApplicableRule>();
  for (const { key, scenario: s } of observedKeys(observed)) {
    ran.add(key);
    const entry = listed.get(key);
    const rule = ruleFor(s, expected.notApplicable);
    if (rule !== undefined) usedRules.add(rule);
    if (entry === undefined) {
      if (s.verdict !== 'passed' && rule === undefined) drifts.push({ kind: 'new-failure', key, detail: `${s.verdict}, not listed: ${evidenceOf(s) ?? '(no detail)'}` });
      continue;
    }
    if (s.verdict === 'passed' && entry.intermittent) {
      // a race the broker loses only sometimes: passing is expected too
    } else if (s.verdict === 'passed') {
      drifts.push({ kind: 'now-passes', key, detail: `listed as ${entry.verdict} (${entry.kind}: ${entry.reason}) but passed` });
    } else if (s.verdict !== entry.verdict) {
      drifts.push({ kind: 'verdict-changed', key, detail: `listed as ${entry.verdict}, was ${s.verdict}: ${evidenceOf(s) ?? '(no detail)'}` });
    } else if (s.verdict === 'failed' && entry.statement !== undefined && s.failure?.statement !== entry.statement) {
      drifts.push({
        kind: 'statement-changed',
        key,
        detail: `listed as failing ${entry.statement}, now fails ${s.failure?.statement ?? 'an unnumbered check'}: ${evidenceOf(s) ?? ''}`,
      });
    }
  }
  for (const e of expected.scenarios) {
    const key = entryKey(e);
    if (!ran.has(key)) drifts.push({ kind: 'not-run', key, detail: 'listed, but no scenario of this feature file and name ran (renamed or removed?)' });
    if (isTodo(e)) drifts.push({ kind: 'todo', key, detail: `${e.verdict} with no written reason: replace kind and reason "TODO" (evidence: ${e.evidence ?? 'none'})` });
  }
  for (const r of expected.notApplicable ?? []) {
    if (!usedRules.has(r)) drifts.push({ kind: 'unused-rule', key: `notApplicable "${r.runReason}"`, detail: 'no scenario of the run was not applicable for this reason: remove the rule' });
  }
  return drifts;
}

/** The drifts as a readable block: one line per drift, grouped by kind, with the fix. */
export function formatDrifts(drifts: readonly Drift[], file: string, maxDetail = 600): string {
  if (drifts.length === 0) return `${file}: no drift`;
  const cut = (t: string): string => (t.length > maxDetail ? `${t.slice(0, maxDetail)}…` : t);
  const lines = [`${drifts.length} drift(s) from ${file}:`];
  for (const d of drifts) lines.push(`  ${d.kind}: ${d.key}`, `      ${cut(d.detail)}`);
  lines.push(
    '',
    'If the change is right (a fixed broker, an edited scenario), refresh the file with',
    '  npm run expected:update',
    'then write a reason for every entry it marks TODO (the statement, what the spec requires, the bytes the broker sent).',
  );
  return lines.join('\n');
}

/**
 * The expected results after a run: one entry per non-passing scenario, in run order. An entry
 * whose scenario still has the same verdict (and, for a failure, the same statement) keeps its
 * kind and reason; any other gets `TODO` with the run's evidence. Returns the added, changed
 * and removed keys too.
 */
export function mergeRun(
  observed: readonly ObservedScenario[],
  previous: ExpectedResults | undefined,
  header: Pick<ExpectedResults, 'broker' | 'version' | 'target' | 'update'>,
): { results: ExpectedResults; added: string[]; changed: string[]; removed: string[] } {
  const old = new Map((previous?.scenarios ?? []).map((e) => [entryKey(e), e]));
  const added: string[] = [];
  const changed: string[] = [];
  const scenarios: ExpectedEntry[] = [];
  const kept = new Set<string>();
  const rules = previous?.notApplicable;
  for (const { key, qualifier, scenario: s } of observedKeys(observed)) {
    const intermittent = old.get(key)?.intermittent === true;
    if (s.verdict === 'passed' && intermittent) {
      const entry = old.get(key);
      if (entry !== undefined) scenarios.push(entry);
      kept.add(key);
      continue;
    }
    if (s.verdict === 'passed') continue;
    if (!old.has(key) && ruleFor(s, rules) !== undefined) continue;
    const statement = s.verdict === 'failed' ? s.failure?.statement : undefined;
    const before = old.get(key);
    if (before !== undefined && before.verdict === s.verdict && (s.verdict !== 'failed' || before.statement === statement)) {
      scenarios.push(before);
      kept.add(key);
      continue;
    }
    const entry: ExpectedEntry = { feature: s.uri, scenario: s.name, verdict: s.verdict, kind: 'TODO', reason: TODO };
    if (qualifier !== undefined) entry.qualifier = qualifier;
    if (statement !== undefined) entry.statement = statement;
    const evidence = evidenceOf(s);
    if (evidence !== undefined) entry.evidence = evidence;
    if (before !== undefined) {
      entry.evidence = `${evidence ?? ''} (was ${before.verdict}${before.statement ? ` ${before.statement}` : ''}: ${before.reason})`.trim();
      changed.push(key);
      kept.add(key);
    } else {
      added.push(key);
    }
    scenarios.push(entry);
  }
  const removed = [...old.keys()].filter((k) => !kept.has(k));
  const results: ExpectedResults = { ...header, scenarios };
  const used = (rules ?? []).filter((r) => observed.some((s) => ruleFor(s, [r]) !== undefined));
  for (const r of rules ?? []) if (!used.includes(r)) removed.push(`notApplicable "${r.runReason}"`);
  if (used.length > 0) results.notApplicable = used;
  return { results, added, changed, removed };
}

/** The file's text: stable key order, two-space indent, final newline. */
export function renderExpectedResults(results: ExpectedResults): string {
  const ordered = {
    broker: results.broker,
    version: results.version,
    target: results.target,
    update: results.update,
    ...(results.notApplicable === undefined ? {} : { notApplicable: results.notApplicable.map((r) => ({ runReason: r.runReason, kind: r.kind, reason: r.reason })) }),
    scenarios: results.scenarios.map((e) => {
      const out: Record<string, string | boolean> = { feature: e.feature, scenario: e.scenario };
      if (e.qualifier !== undefined) out['qualifier'] = e.qualifier;
      out['verdict'] = e.verdict;
      if (e.statement !== undefined) out['statement'] = e.statement;
      out['kind'] = e.kind;
      out['reason'] = e.reason;
      if (e.evidence !== undefined) out['evidence'] = e.evidence;
      if (e.intermittent) out['intermittent'] = true;
      return out;
    }),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
