/**
 * Refreshes a committed expected-results file from a run's report.json:
 *   tsx harness/targets/update-expected.ts profiles/expected/aedes.json reports/out/report.json
 * Entries for scenarios that still fail keep their written reason; a new failure gets the suite's
 * finding (what was expected, what the broker sent) as its reason, to be checked and reworded by
 * hand; scenarios that no longer fail are dropped. Prints what changed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadExpectedResults, type ExpectedFailure, type ExpectedResults, type ObservedScenario } from './expected-results.js';

interface ReportLike {
  target: { name: string; version?: string };
  run?: { argv?: string[] };
  scenarios: (ObservedScenario & {
    failure?: { statement?: string; expected?: string; received?: string; trace?: { dir?: string; hex?: string }[] };
  })[];
}

/** The bytes the broker sent last in a failure's trace, e.g. ` (bytes in: 20 02 00 00)`. */
function bytesIn(trace: { dir?: string; hex?: string }[] | undefined): string {
  const incoming = (trace ?? []).filter((e) => e.dir === 'in' && typeof e.hex === 'string').map((e) => e.hex ?? '');
  return incoming.length === 0 ? ' (no bytes in)' : ` (last bytes in: ${incoming.slice(-2).join(' | ')})`;
}

const [expectedPath, reportPath] = process.argv.slice(2);
if (expectedPath === undefined || reportPath === undefined) {
  process.stderr.write('usage: update-expected.ts EXPECTED.json REPORT.json\n');
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8')) as ReportLike;
const previous: ExpectedResults | undefined = existsSync(expectedPath) ? loadExpectedResults(expectedPath) : undefined;
const key = (s: { uri: string; name: string }): string => `${s.uri} :: ${s.name}`;
const old = new Map((previous?.failures ?? []).map((f) => [key(f), f]));
const failures: ExpectedFailure[] = report.scenarios
  .filter((s) => s.verdict === 'failed')
  .map((s) => {
    const kept = old.get(key(s));
    if (kept !== undefined) return kept;
    const f = s.failure ?? {};
    process.stdout.write(`added: ${key(s)}\n`);
    return {
      uri: s.uri,
      name: s.name,
      statement: f.statement ?? 'unknown',
      reason: `Finding: expected ${f.expected ?? '?'}; ${report.target.name} sent ${f.received ?? '?'}${bytesIn(f.trace)}`,
    };
  });
for (const k of old.keys()) if (!failures.some((f) => key(f) === k)) process.stdout.write(`removed: ${k}\n`);
const inconclusive = report.scenarios.filter((s) => s.verdict === 'inconclusive');
if (inconclusive.length > 0) process.stderr.write(`warning: ${inconclusive.length} inconclusive scenarios: fix the run before trusting this file\n`);
const out: ExpectedResults = {
  broker: report.target.name,
  version: report.target.version ?? 'unknown',
  command: previous?.command ?? `mqtt-conformance ${(report.run?.argv ?? []).slice(1).join(' ')}`,
  failures,
};
writeFileSync(expectedPath, `${JSON.stringify(out, null, 2)}\n`, 'utf8');
process.stdout.write(`${expectedPath}: ${failures.length} expected failures\n`);
