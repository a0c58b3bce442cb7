import { countOf } from './model.js';
import type { ComplianceModel, ScenarioResult, VersionVerdict } from './types.js';

const VERDICT_LABEL: Record<VersionVerdict, string> = {
  compliant: '✅ compliant',
  'not-compliant': '❌ not compliant',
  'incomplete-coverage': '⚠️ incomplete coverage',
};

/** Markdown table cells: no pipes or newlines. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ').replace(/`/g, "'");
  return `\`${clean.length > 200 ? `${clean.slice(0, 197)}…` : clean}\``;
}

/** At most this many failures are listed (a CI job summary has a size limit; the HTML has them all). */
export const MARKDOWN_MAX_FAILURES = 50;

/** A Markdown summary of the run for a CI job summary ($GITHUB_STEP_SUMMARY and the like). */
export function renderMarkdown(model: ComplianceModel): string {
  const t = model.target;
  const out: string[] = [];
  out.push(`## MQTT conformance: ${t.name}${t.version !== undefined ? ` ${t.version}` : ''}`);
  out.push('');
  out.push(`${model.tool.name} ${model.tool.version} against \`${t.url || t.kind}\`, ${model.run.startedAt}, ${(model.summary.durationMs / 1000).toFixed(1)} s${model.run.tags !== undefined ? `, tags \`${model.run.tags}\`` : ''}.`);
  out.push('');
  if (model.exclusions.length > 0) {
    out.push(`**Declared exclusions (${model.exclusions.length})**, not judged by this run:`);
    out.push('');
    for (const e of model.exclusions) out.push(`- \`${e.capability}\` (${e.source}): ${cell(e.reason)} — ${e.scenarios} scenario${e.scenarios === 1 ? '' : 's'} not applicable`);
    out.push('');
  }
  out.push('| version | verdict | passed | failed | optional not shown | n/a | inconclusive | wire-testable statements met | why |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const v of model.versions) {
    const st = v.statements;
    const passed = v.scenarios.passed + v.optional.passed;
    const na = v.scenarios.notApplicable + v.optional.notApplicable;
    const inconclusive = v.scenarios.inconclusive + v.optional.inconclusive;
    out.push(
      `| MQTT ${v.version} | ${VERDICT_LABEL[v.verdict]} | ${passed} | ${v.scenarios.failed} | ${v.optional.optionalNotShown} | ${na} | ${inconclusive} | ${st ? `${st.met}/${st.wireTestable}` : '—'} | ${cell(v.reason)} |`,
    );
  }
  out.push('');
  const c = model.summary;
  out.push(`Scenarios: **${c.scenarios}** — ${c.passed} passed, ${c.failed} failed, ${c.optionalNotShown} optional not shown, ${c.notApplicable} not applicable, ${c.inconclusive} inconclusive.`);
  out.push('');
  out.push('| spec | wire-testable | covered | met |');
  out.push('|---|---:|---:|---:|');
  for (const c of model.coverage) out.push(`| ${c.specVersion} | ${c.wireTestable} | ${c.covered} | ${c.met} |`);
  const required = model.scenarios.filter((s) => countOf(s) === 'failed');
  const optional = model.scenarios.filter((s) => countOf(s) === 'optionalNotShown');
  const list = (title: string, scenarios: readonly ScenarioResult[]): void => {
    if (scenarios.length === 0) return;
    out.push('', `### ${title} (${scenarios.length})`, '');
    for (const s of scenarios.slice(0, MARKDOWN_MAX_FAILURES)) {
      const f = s.failure;
      const rule = f?.statement !== undefined ? `**[${f.statement}]** ` : '';
      out.push(`- ${rule}${cell(s.name)} — \`${s.id}\``);
      if (f) {
        out.push(`  - ${cell(f.summary)}`);
        if (f.expected !== undefined) out.push(`  - Expected: ${code(f.expected)}`);
        if (f.received !== undefined) out.push(`  - Received: ${code(f.received)}`);
      }
    }
    if (scenarios.length > MARKDOWN_MAX_FAILURES) out.push(`- … and ${scenarios.length - MARKDOWN_MAX_FAILURES} more (see report.html)`);
  };
  list('Failures', required);
  list('Optional behaviour not shown (informational, not a failure)', optional);
  const inconclusive = model.scenarios.filter((s) => s.verdict === 'inconclusive');
  if (inconclusive.length > 0) {
    out.push('', `### Inconclusive (${inconclusive.length})`, '');
    for (const s of inconclusive.slice(0, MARKDOWN_MAX_FAILURES)) out.push(`- ${cell(s.name)} — \`${s.id}\`: ${cell(s.reason ?? '')}`);
  }
  if (model.unknownStatementTags.length > 0) {
    out.push('', `### Tags naming no catalogue statement (${model.unknownStatementTags.length})`, '');
    for (const u of model.unknownStatementTags) out.push(`- \`${u.tag}\` (MQTT ${u.specVersion}) on ${u.scenarios.map((s) => `\`${s}\``).join(', ')}`);
  }
  out.push('');
  return out.join('\n');
}
