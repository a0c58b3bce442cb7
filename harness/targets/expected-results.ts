import { readFileSync } from 'node:fs';
import { TargetError } from './types.js';

/**
 * The committed expected results of a third-party broker (e.g. `profiles/expected/aedes.json`):
 * every scenario the broker is known to fail, each with the statement it breaks and why. A
 * scenario not listed must pass (or be not applicable); a drift either way is reported.
 */
export interface ExpectedResults {
  broker: string;
  /** The broker version the file was made with. */
  version: string;
  /** How the results were obtained (command line). */
  command?: string;
  failures: ExpectedFailure[];
}

export interface ExpectedFailure {
  /** The feature file, e.g. `features/malformed.feature`. */
  uri: string;
  /** The scenario name as cucumber reports it (outline rows included). */
  name: string;
  /** The statement the failure is reported against. */
  statement: string;
  /** Why the broker fails it: the suite's finding, with what the broker sent, or the broker's documented choice. */
  reason: string;
}

/** The part of a report.json scenario the comparison needs. */
export interface ObservedScenario {
  uri: string;
  name: string;
  verdict: 'passed' | 'failed' | 'not-applicable' | 'inconclusive';
  failure?: { statement?: string; message?: string; received?: string };
}

export interface Drift {
  kind: 'unexpected-failure' | 'unexpected-pass' | 'inconclusive' | 'missing-scenario';
  uri: string;
  name: string;
  detail: string;
}

const key = (s: { uri: string; name: string }): string => `${s.uri} :: ${s.name}`;

function bad(source: string, field: string, problem: string): never {
  throw new TargetError('TARGET_CONFIG', `invalid expected-results file ${source}: ${field}: ${problem}`, field);
}

/** Validates an expected-results JSON value; errors name the bad field. */
export function parseExpectedResults(value: unknown, source: string): ExpectedResults {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(source, '(top level)', 'expected an object');
  const v = value as Record<string, unknown>;
  for (const field of ['broker', 'version'] as const) if (typeof v[field] !== 'string') bad(source, field, 'expected a string');
  if (v['command'] !== undefined && typeof v['command'] !== 'string') bad(source, 'command', 'expected a string');
  if (!Array.isArray(v['failures'])) bad(source, 'failures', 'expected an array');
  const seen = new Set<string>();
  const failures = (v['failures'] as unknown[]).map((item, i): ExpectedFailure => {
    if (typeof item !== 'object' || item === null) bad(source, `failures[${i}]`, 'expected an object');
    const f = item as Record<string, unknown>;
    for (const field of ['uri', 'name', 'statement', 'reason'] as const) {
      if (typeof f[field] !== 'string' || f[field] === '') bad(source, `failures[${i}].${field}`, 'expected a non-empty string');
    }
    const failure = { uri: f['uri'] as string, name: f['name'] as string, statement: f['statement'] as string, reason: f['reason'] as string };
    if (seen.has(key(failure))) bad(source, `failures[${i}]`, `duplicate scenario ${key(failure)}`);
    seen.add(key(failure));
    return failure;
  });
  const out: ExpectedResults = { broker: v['broker'] as string, version: v['version'] as string, failures };
  if (typeof v['command'] === 'string') out.command = v['command'];
  return out;
}

export function loadExpectedResults(path: string): ExpectedResults {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TargetError('TARGET_CONFIG', `cannot read expected-results file ${path}: ${(error as Error).message}`, path);
  }
  return parseExpectedResults(json, path);
}

/**
 * Compares a run with the expected results: a failure not listed, a listed scenario that passed
 * (fixed, or the suite changed), any inconclusive scenario, and listed scenarios the run did not have.
 */
export function compareWithExpected(observed: readonly ObservedScenario[], expected: ExpectedResults): Drift[] {
  const listed = new Map(expected.failures.map((f) => [key(f), f]));
  const drifts: Drift[] = [];
  const ran = new Set<string>();
  for (const s of observed) {
    const k = key(s);
    ran.add(k);
    const entry = listed.get(k);
    if (s.verdict === 'inconclusive') {
      drifts.push({ kind: 'inconclusive', uri: s.uri, name: s.name, detail: s.failure?.message?.split('\n')[0] ?? 'inconclusive' });
    } else if (s.verdict === 'failed' && entry === undefined) {
      drifts.push({ kind: 'unexpected-failure', uri: s.uri, name: s.name, detail: s.failure?.message?.split('\n').slice(0, 3).join(' | ') ?? 'failed' });
    } else if (s.verdict !== 'failed' && entry !== undefined) {
      drifts.push({ kind: 'unexpected-pass', uri: s.uri, name: s.name, detail: `listed as failing ${entry.statement} (${entry.reason}) but was ${s.verdict}` });
    }
  }
  for (const f of expected.failures) {
    if (!ran.has(key(f))) drifts.push({ kind: 'missing-scenario', uri: f.uri, name: f.name, detail: 'listed, but no scenario of this name ran' });
  }
  return drifts;
}

/** A readable list of drifts, one per line. */
export function formatDrifts(drifts: readonly Drift[], maxDetail = 400): string {
  const cut = (text: string): string => (text.length > maxDetail ? `${text.slice(0, maxDetail)}…` : text);
  return drifts.map((d) => `${d.kind}: ${d.uri} "${d.name}": ${cut(d.detail)}`).join('\n');
}
