import { readFileSync } from 'node:fs';
import { reportsResource } from '../resources.js';
import type { Matrix, MatrixRow } from '../matrix.js';
import { DOCUMENT_START, escapeHtml } from './render.js';

const LABEL: Record<string, string> = {
  met: 'met', violated: 'violated', inconclusive: 'inconclusive', 'not-applicable': 'n/a', 'not-covered': 'not covered',
  passed: 'passed', failed: 'failed', compliant: 'compliant', 'not-compliant': 'not compliant', 'incomplete-coverage': 'incomplete',
};

let assets: { css: string; js: string } | undefined;
function loadAssets(): { css: string; js: string } {
  assets ??= {
    css: readFileSync(reportsResource('html', 'assets', 'styles.css'), 'utf8'),
    js: readFileSync(reportsResource('html', 'assets', 'matrix.js'), 'utf8'),
  };
  return assets;
}

function cell(v: string | null): string {
  if (v === null) return '<td class="v" title="not in this run">—</td>';
  return `<td class="v"><span class="badge b-${escapeHtml(v)}">${escapeHtml(LABEL[v] ?? v)}</span></td>`;
}

function rows(kind: 'version' | 'statement' | 'scenario', list: readonly MatrixRow<string>[], width: number): string {
  const out: string[] = [];
  let group: string | undefined;
  for (const r of list) {
    if (r.group !== group) {
      group = r.group;
      out.push(`<tr class="grouphead" data-group="${escapeHtml(`${kind} ${group}`)}"><th colspan="${width}">${escapeHtml(kind === 'scenario' ? `Scenarios · ${group}` : kind === 'statement' ? `Statements · ${group}` : group)}</th></tr>`);
    }
    const label =
      kind === 'statement'
        ? `<span class="sid">${escapeHtml(r.id)}</span> ${escapeHtml(r.label)}`
        : kind === 'scenario'
          ? `${escapeHtml(r.label)} <span class="sub">${escapeHtml(r.id)}</span>`
          : `<b>${escapeHtml(r.label)}</b>`;
    const chips = `${r.optional ? ' <span class="chip opt">optional</span>' : ''}${r.differs ? ' <span class="chip" title="brokers disagree">differs</span>' : ''}`;
    out.push(
      `<tr data-kind="${kind}" data-group="${escapeHtml(`${kind} ${group}`)}" data-diff="${r.differs ? 1 : 0}" data-opt="${r.optional ? 1 : 0}"${r.specVersion !== undefined ? ` data-spec="${escapeHtml(r.specVersion)}"` : ''}${r.differs ? ' class="diff"' : ''}><td>${label}${chips}</td>${r.cells.map(cell).join('')}</tr>`,
    );
  }
  return out.join('\n');
}

/** The matrix page: one self-contained file, brokers as columns, rows where they differ highlighted. */
export function renderMatrixHtml(matrix: Matrix): string {
  const { css, js } = loadAssets();
  const width = matrix.columns.length + 1;
  const diffCount = [...matrix.statements, ...matrix.scenarios].filter((r) => r.differs).length;
  const head = matrix.columns
    .map(
      (c) =>
        `<th title="${escapeHtml(`${c.target.kind} ${c.target.url} · ${c.tool.name} ${c.tool.version} · ${c.startedAt}`)}">${escapeHtml(c.label)}<div class="sub">${c.summary.passed}/${c.summary.scenarios} passed, ${c.summary.failed} failed${c.summary.optionalNotShown > 0 ? `, ${c.summary.optionalNotShown} optional not shown` : ''}</div>${c.exclusions.length > 0 ? `<div class="sub" title="${escapeHtml(c.exclusions.join('\n'))}">${c.exclusions.length} declared exclusion${c.exclusions.length === 1 ? '' : 's'}: ${escapeHtml(c.exclusions.map((e) => e.split(' ')[0]).join(', '))}</div>` : ''}</th>`,
    )
    .join('');
  const specs = [...new Set(matrix.statements.map((s) => s.specVersion).filter((s): s is NonNullable<typeof s> => s !== undefined))];
  return `${DOCUMENT_START}
<title>MQTT conformance matrix: ${escapeHtml(matrix.columns.map((c) => c.label).join(', '))}</title>
<style>${css}</style>
</head>
<body>
<header class="top">
  <h1>MQTT conformance matrix</h1>
  <div class="meta"><span>brokers: <b>${matrix.columns.length}</b></span><span>statements: <b>${matrix.statements.length}</b></span><span>scenarios: <b>${matrix.scenarios.length}</b></span><span>rows where brokers differ: <b>${diffCount}</b></span></div>
</header>
<nav class="toolbar" aria-label="filters">
  <label title="key d"><input type="checkbox" id="m-diff"> differences only</label>
  <label>rows <select id="m-kind"><option value="">statements and scenarios</option><option value="statement">statements</option><option value="scenario">scenarios</option></select></label>
  <label>spec <select id="m-spec"><option value="">all</option>${specs.map((s) => `<option value="${escapeHtml(s)}">MQTT ${escapeHtml(s)}</option>`).join('')}</select></label>
  <label><input type="checkbox" id="m-optional" checked> optional</label>
  <label>search <input type="search" id="m-q" placeholder="ID or words ( / )" autocomplete="off"></label>
  <span class="shown" id="shown" aria-live="polite"></span>
</nav>
<main>
<table class="matrix">
<thead><tr><th>statement / scenario</th>${head}</tr></thead>
<tbody>
${rows('version', matrix.versions, width)}
${rows('statement', matrix.statements, width)}
${rows('scenario', matrix.scenarios, width)}
</tbody>
</table>
</main>
<script>${js}</script>
</body>
</html>
`;
}
