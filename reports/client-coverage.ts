/**
 * The compliance model of a client run: the same scenarios, with the statements and coverage
 * counted over what binds a client. The catalogues' `wire_testable` is the broker's side (a
 * harness acting as clients), so a client run counts instead every statement that binds a client
 * (actor `client` or `both`, or a server statement whose note says it binds the client) except
 * those listed in `spec/client-exclusions.json` with the reason a scripted server cannot see them.
 */
import { readFileSync } from 'node:fs';
import { SPEC_VERSIONS, areaOf, compareStatementIds, loadCatalogues, type Catalogues } from './catalogue.js';
import { statementCatalogueOf, statementVerdict } from './model.js';
import { reportsResource } from './resources.js';
import type { CatalogueStatement, ComplianceModel, CoverageResult, ScenarioResult, SpecVersion, StatementResult, VersionResult } from './types.js';

type Exclusions = Record<SpecVersion, Record<string, string>>;

let exclusions: Exclusions | undefined;

/**
 * Client-binding statements a scripted server cannot observe, by catalogue, with the reason. Found
 * like the catalogues (reportsResource): the compiled module runs from dist/, the JSON stays in reports/spec/.
 */
export function clientExclusions(): Exclusions {
  if (!exclusions) {
    const raw = JSON.parse(readFileSync(reportsResource('spec', 'client-exclusions.json'), 'utf8')) as Record<string, unknown>;
    exclusions = { '3.1.1': (raw['3.1.1'] ?? {}) as Record<string, string>, '5.0': (raw['5.0'] ?? {}) as Record<string, string> };
  }
  return exclusions;
}

/** Whether a statement binds a client. */
export function bindsClient(st: CatalogueStatement): boolean {
  return st.actor !== 'server' || (st.note ?? '').startsWith('Binds the client');
}

/** Whether a client run can observe a client breaking the statement. */
export function clientWireTestable(st: CatalogueStatement, specVersion: SpecVersion): boolean {
  return bindsClient(st) && clientExclusions()[specVersion][st.id] === undefined;
}

/** Coverage, statements and version verdicts of a client run, in place of the broker's. */
export function asClientModel(model: ComplianceModel, catalogues: Catalogues = loadCatalogues()): ComplianceModel {
  const byKey = new Map<string, ScenarioResult[]>();
  for (const s of model.scenarios) {
    const cat = statementCatalogueOf(s);
    for (const id of s.statements) byKey.set(`${cat} ${id}`, [...(byKey.get(`${cat} ${id}`) ?? []), s]);
  }
  const run = new Set<SpecVersion>(model.versions.map((v) => v.specVersion));
  const statements: StatementResult[] = [];
  const coverage: CoverageResult[] = [];
  for (const v of SPEC_VERSIONS) {
    const cov: CoverageResult = { specVersion: v, wireTestable: 0, covered: 0, met: 0, total: catalogues[v].length };
    for (const st of catalogues[v]) {
      const checking = byKey.get(`${v} ${st.id}`) ?? [];
      const testable = clientWireTestable(st, v);
      const { verdict, informational } = statementVerdict(checking);
      if (testable) {
        cov.wireTestable++;
        if (checking.length > 0) cov.covered++;
        if (verdict === 'met') cov.met++;
      }
      if (run.has(v) && (testable || checking.length > 0)) {
        statements.push({ id: st.id, specVersion: v, section: st.section, area: areaOf(st.section), topic: st.topic, summary: st.summary, actor: st.actor, wireTestable: testable, verdict, informational, scenarios: checking.map((s) => s.id) });
      }
    }
    coverage.push(cov);
  }
  statements.sort((a, b) => (a.specVersion === b.specVersion ? compareStatementIds(a.id, b.id) : a.specVersion < b.specVersion ? -1 : 1));
  const versions = model.versions.map((ver): VersionResult => {
    const mine = statements.filter((s) => s.specVersion === ver.specVersion && s.wireTestable);
    const counts = { met: 0, violated: 0, inconclusive: 0, notApplicable: 0, notCovered: 0, wireTestable: mine.length };
    for (const s of mine) {
      if (s.verdict === 'met') counts.met++;
      else if (s.verdict === 'violated') counts.violated++;
      else if (s.verdict === 'inconclusive') counts.inconclusive++;
      else if (s.verdict === 'not-applicable') counts.notApplicable++;
      else counts.notCovered++;
    }
    const out: VersionResult = { ...ver, statements: counts };
    if (ver.scenarios.failed > 0) {
      out.verdict = 'not-compliant';
      out.reason = `${ver.scenarios.failed} required client scenario(s) failed (${counts.violated} client statement(s) violated)`;
    } else if (counts.met < counts.wireTestable) {
      out.verdict = 'incomplete-coverage';
      out.reason = `no required client scenario failed; ${counts.met} of ${counts.wireTestable} wire-testable client statements are met (the rest not covered or not applicable)`;
    }
    return out;
  });
  return { ...model, statements, coverage, versions };
}
