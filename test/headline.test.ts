import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readReportJson, type ReportJson } from '../reports/index.js';
import { loadPickles } from '../steps/support/pickles.js';
import { main as run } from '../cli/run.js';
import { statementCoverage } from '../cli/statements.js';
import { PACKAGE_ROOT } from '../harness/targets/index.js';

/**
 * The headline, proved in CI (issue 15): the full default suite (every version) against the
 * reference broker has no failure, exactly the expected not-applicable scenarios, and the coverage
 * the catalogues and the tags say. A change that makes the reference fail a scenario, makes one
 * more scenario not applicable, or loses coverage fails here.
 */
const EXPECTED_NOT_APPLICABLE: Record<string, RegExp> = {
  // The reference declares no Maximum QoS and no Retain Available 0 in its CONNACK: the premise of
  // these v5-server-limits scenarios (a server declaring a limit) is absent, by its own declaration.
  'features/v5-server-limits.feature:6': /does not declare a Maximum QoS/,
  'features/v5-server-limits.feature:16': /declared no Maximum QoS/,
  'features/v5-server-limits.feature:23': /does not declare a Maximum QoS/,
  'features/v5-server-limits.feature:34': /does not declare Retain Available 0/,
  'features/v5-server-limits.feature:45': /does not declare Retain Available 0/,
  // The reference declares a Maximum Packet Size of 1 MiB (profiles/reference.json): scenarios that
  // need a packet of about 8 MB accepted are moot by that declaration.
  'features/server-limits-codes.feature:60': /target declares a maximum packet size of 1048576 bytes/,
  'features/server-limits-codes.feature:66': /target declares a maximum packet size of 1048576 bytes/,
};

/** Every @cluster scenario: the embedded reference is one endpoint, not a cluster. */
const CLUSTER_FEATURE = 'features/cluster.feature:';
const ONE_ENDPOINT = /^the target has one endpoint/;

const dir = mkdtempSync(join(tmpdir(), 'mqttc-headline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the full default suite against the reference broker', () => {
  let report: ReportJson;
  it('exits 0 with no failed and no inconclusive scenario', async () => {
    const code = await run(['--broker', 'reference', '--parallel', '2', '--report-dir', dir]);
    report = await readReportJson(join(dir, 'report.json'));
    const bad = report.scenarios.filter((s) => s.verdict === 'failed' || s.verdict === 'inconclusive').map((s) => `${s.id} ${s.verdict}: ${(s.failure?.message ?? s.reason ?? '').split('\n')[0]}`);
    expect(bad).toEqual([]);
    expect(code).toBe(0);
    expect(report.summary.scenarios).toBe(loadPickles(join(PACKAGE_ROOT, 'features')).length);
    expect(report.exclusions).toEqual([]);
  }, 600_000);

  it('has exactly the expected not-applicable scenarios', () => {
    const na = report.scenarios.filter((s) => s.verdict === 'not-applicable');
    const cluster = report.scenarios.filter((s) => s.id.startsWith(CLUSTER_FEATURE));
    expect(cluster.length).toBeGreaterThan(0);
    for (const s of cluster) {
      expect(s.verdict, s.id).toBe('not-applicable');
      expect(s.reason).toMatch(ONE_ENDPOINT);
    }
    const others = na.filter((s) => !s.id.startsWith(CLUSTER_FEATURE));
    expect(others.map((s) => s.id).sort()).toEqual(Object.keys(EXPECTED_NOT_APPLICABLE).sort());
    for (const s of others) expect(s.reason).toMatch(EXPECTED_NOT_APPLICABLE[s.id] ?? /^$/);
  });

  it('covers what the catalogues and the tags say, and meets every covered statement not made moot by a declaration', () => {
    const pickles = loadPickles(join(PACKAGE_ROOT, 'features'));
    for (const spec of ['3.1.1', '5.0'] as const) {
      const expected = statementCoverage(spec, pickles).filter((s) => s.scenarios.length > 0).length;
      const c = report.coverage.find((x) => x.specVersion === spec);
      expect(c?.covered).toBe(expected);
      const notApplicable = report.statements.filter((s) => s.specVersion === spec && s.wireTestable && s.verdict === 'not-applicable').length;
      expect(c?.met).toBe(expected - notApplicable);
    }
    // The figures of the README's headline at the time of issue 15; coverage may only grow.
    expect(report.coverage.find((c) => c.specVersion === '3.1.1')?.covered).toBeGreaterThanOrEqual(120);
    expect(report.coverage.find((c) => c.specVersion === '5.0')?.covered).toBeGreaterThanOrEqual(231);
    const full = (spec: string): boolean => {
      const c = report.coverage.find((x) => x.specVersion === spec);
      return c !== undefined && c.met === c.wireTestable;
    };
    expect(report.versions.map((v) => `${v.version} ${v.verdict}`)).toEqual([
      '3.1 compliant',
      `3.1.1 ${full('3.1.1') ? 'compliant' : 'incomplete-coverage'}`,
      `5 ${full('5.0') ? 'compliant' : 'incomplete-coverage'}`,
    ]);
  });
});
