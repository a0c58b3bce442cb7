import { readFileSync } from 'node:fs';
import { reportsResource } from '../resources.js';
import { areaOf, areaTitle, compareSections, loadCatalogues } from '../catalogue.js';
import { describeEntry, packetFields } from '../trace-text.js';
import type { ComplianceModel, ScenarioResult, SpecVersion, StatementVerdict, TraceEntry, VersionResult } from '../types.js';

/** Per failed scenario, at most this many trace records go into the HTML (all of them stay in report.json). */
export const HTML_MAX_TRACE = 300;

/**
 * How every page this layer writes (the report and the matrix) begins, up to its own head
 * elements. Its Content-Security-Policy: the page is self-contained, so it loads nothing, and its
 * inline style and script are all it runs.
 */
export const DOCUMENT_START = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`;

/** The embedded data may take this much; beyond it, traces are cut further (keeping each one's start and end). */
export const HTML_DATA_BUDGET = 1_600_000;
const MIN_TRACE = 16;
const MAX_TEXT = 4000;
const MAX_HEX = 3 * 1024;

function asset(name: string): string {
  return readFileSync(reportsResource('html', 'assets', name), 'utf8');
}

let assets: { css: string; js: string } | undefined;
function loadAssets(): { css: string; js: string } {
  assets ??= { css: asset('styles.css'), js: asset('client.js') };
  return assets;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON that is safe inside a <script> element (no `</script>`, no `<!--`, no U+2028/9 surprises). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters in report.json)` : text;
}

interface PageTrace {
  client: string;
  t: number;
  dir: TraceEntry['dir'];
  text: string;
  fields?: [string, string][];
  hex?: string;
  error?: string;
}

function pageEntry(e: TraceEntry): PageTrace {
  const p: PageTrace = { client: e.client, t: e.t, dir: e.dir, text: clip(describeEntry(e), 300) };
  if (e.packet) p.fields = packetFields(e.packet).map(([k, v]) => [k, clip(v, 600)]);
  if (e.hex !== undefined) p.hex = e.hex.length > MAX_HEX ? `${e.hex.slice(0, MAX_HEX)} … (${Math.round(e.hex.length / 3)} bytes)` : e.hex;
  if (e.error !== undefined) p.error = clip(e.error, 600);
  return p;
}

/**
 * At most `cap` records of a trace: all of them when they fit, else its start (the setup) and its end
 * (where the failure shows), with a note in between saying how many were left out.
 */
function pageTrace(trace: readonly TraceEntry[], cap: number): { trace: PageTrace[]; omitted: number } {
  if (trace.length <= cap) return { trace: trace.map(pageEntry), omitted: 0 };
  const head = Math.min(10, Math.floor(cap / 3));
  const tail = cap - head;
  const omitted = trace.length - cap;
  const gapAt = trace[head] ?? trace[0];
  const gap: PageTrace = {
    client: gapAt?.client ?? '?',
    t: gapAt?.t ?? 0,
    dir: 'event',
    text: `… ${omitted} records left out here to keep the page small (all are in report.json) …`,
  };
  return { trace: [...trace.slice(0, head).map(pageEntry), gap, ...trace.slice(trace.length - tail).map(pageEntry)], omitted };
}

/** The data the page script renders from: the model minus what the page does not show. */
function pageData(model: ComplianceModel, traceCap: number): unknown {
  const index = new Map(model.scenarios.map((s, i) => [s.id, i]));
  const catalogues = loadCatalogues();
  const ruleSummary = (s: ScenarioResult, id: string): string | undefined => {
    for (const v of s.versions) {
      const sv: SpecVersion = v === '5' ? '5.0' : '3.1.1';
      const hit = catalogues[sv].find((c) => c.id === id);
      if (hit) return hit.summary;
    }
    return undefined;
  };
  const notes = new Map<string, string>();
  for (const v of ['3.1.1', '5.0'] as const) for (const c of catalogues[v]) if (c.note !== undefined) notes.set(`${v} ${c.id}`, c.note);
  const areaTitles: Record<string, string> = {};
  for (const st of model.statements) areaTitles[`${st.specVersion} ${st.area}`] = areaTitle(st.specVersion, st.area);
  return {
    areaTitles,
    statements: model.statements.map((st) => ({
      id: st.id,
      specVersion: st.specVersion,
      area: st.area,
      section: st.section,
      topic: st.topic,
      summary: st.summary,
      actor: st.actor,
      wireTestable: st.wireTestable,
      verdict: st.verdict,
      informational: st.informational,
      note: notes.get(`${st.specVersion} ${st.id}`),
      scenarios: st.scenarios.map((id) => index.get(id)).filter((i): i is number => i !== undefined),
    })),
    scenarios: model.scenarios.map((s) => {
      const f = s.failure;
      const cut = f?.trace ? pageTrace(f.trace, traceCap) : undefined;
      return {
        id: s.id,
        name: s.name,
        feature: s.feature,
        uri: s.uri,
        tags: s.tags,
        versions: s.versions,
        areas: [...new Set(s.statements.map((id) => areaOf(/^MQTT-([\d.]+)-\d+$/.exec(id)?.[1] ?? '')))],
        optional: s.optional,
        verdict: s.verdict,
        reason: s.reason,
        durationMs: s.durationMs,
        failure: f && {
          statement: f.statement,
          summary: clip(f.summary, 1000),
          ruleSummary: f.statement !== undefined && ruleSummary(s, f.statement) !== f.summary ? ruleSummary(s, f.statement) : undefined,
          expected: f.expected === undefined ? undefined : clip(f.expected),
          received: f.received === undefined ? undefined : clip(f.received),
          message: clip(f.message),
          step: f.step,
          trace: cut?.trace,
          traceMore: cut && cut.omitted > 0 ? cut.omitted : undefined,
        },
      };
    }),
  };
}

/** The page data as script-safe JSON, traces cut (halving the cap) until it fits `HTML_DATA_BUDGET`. */
function pageJson(model: ComplianceModel): string {
  let cap = HTML_MAX_TRACE;
  let json = scriptJson(pageData(model, cap));
  while (json.length > HTML_DATA_BUDGET && cap > MIN_TRACE) {
    cap = Math.max(MIN_TRACE, Math.floor(cap / 2));
    json = scriptJson(pageData(model, cap));
  }
  return json;
}

const VERDICT_TEXT: Record<VersionResult['verdict'], string> = {
  compliant: 'Compliant',
  'not-compliant': 'Not compliant',
  'incomplete-coverage': 'Incomplete coverage',
};

const BAR_ORDER: readonly [StatementVerdict, keyof NonNullable<VersionResult['statements']>, string][] = [
  ['met', 'met', 'met'],
  ['violated', 'violated', 'violated'],
  ['inconclusive', 'inconclusive', 'inconclusive'],
  ['not-applicable', 'notApplicable', 'not applicable'],
  ['not-covered', 'notCovered', 'not covered'],
];

function versionCard(v: VersionResult): string {
  const sc = v.scenarios;
  const failed = sc.failed > 0
    ? `<a href="#tab=scenarios&amp;failures=1&amp;version=${encodeURIComponent(v.version)}&amp;optional=required" title="show them"><b>${sc.failed}</b> failed</a>`
    : `<b>${sc.failed}</b> failed`;
  const op = v.optional;
  const counts = [
    `<span><b>${sc.passed + op.passed}</b> passed</span>`,
    `<span>${failed}</span>`,
    `<span title="@optional behaviour the broker does not show: informational, never a failure"><b>${op.optionalNotShown}</b> optional not shown</span>`,
    `<span><b>${sc.notApplicable + op.notApplicable}</b> n/a</span>`,
    `<span><b>${sc.inconclusive + op.inconclusive}</b> inconclusive</span>`,
  ].join('');
  let bar = '';
  const st = v.statements;
  if (st && st.wireTestable > 0) {
    const segs = BAR_ORDER.map(([cls, key, label]) => {
      const n = st[key];
      return n > 0 ? `<i class="${cls}" style="width:${((n / st.wireTestable) * 100).toFixed(3)}%" title="${n} ${label}"></i>` : '';
    }).join('');
    const legend = BAR_ORDER.filter(([, key]) => st[key] > 0).map(([, key, label]) => `${st[key]} ${label}`).join(' · ');
    const covered = st.wireTestable - st.notCovered;
    bar = `<div class="bar" role="img" aria-label="${escapeHtml(legend)}">${segs}</div>
      <div class="barlegend">Wire-testable server statements (MQTT ${escapeHtml(v.specVersion)} catalogue): ${covered} of ${st.wireTestable} covered (${Math.round((covered / st.wireTestable) * 100)}%) — ${escapeHtml(legend)}</div>`;
  } else if (v.version === '3.1') {
    bar = '<div class="barlegend">MQTT 3.1 has no statement catalogue: judged on the scenarios run as 3.1 (tagged with the 3.1.1 rule they share).</div>';
  }
  return `<div class="vcard ${v.verdict}" data-version="${escapeHtml(v.version)}">
    <h2><span>MQTT ${escapeHtml(v.version)}</span><span class="label">${VERDICT_TEXT[v.verdict]}</span></h2>
    <div class="why">${escapeHtml(v.reason)}</div>
    <div class="counts">${counts}</div>
    ${bar}
  </div>`;
}

function options(values: readonly [string, string][]): string {
  return values.map(([value, label]) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`).join('');
}

/** The self-contained HTML report of one run (no network: styles, script and data are inline). */
export function renderHtml(model: ComplianceModel): string {
  const { css, js } = loadAssets();
  const t = model.target;
  const title = `MQTT conformance: ${t.name}${t.version !== undefined ? ` ${t.version}` : ''}`;
  const meta: [string, string][] = [
    ['target', `${t.name}${t.version !== undefined ? ` ${t.version}` : ''} (${t.kind}${t.url ? `, ${t.url}` : ''})`],
    ['tool', `${model.tool.name} ${model.tool.version}`],
    ['started', model.run.startedAt],
    ['duration', `${(model.run.durationMs / 1000).toFixed(1)} s`],
    ['scenarios', `${model.summary.scenarios} (${model.summary.passed} passed, ${model.summary.failed} failed, ${model.summary.optionalNotShown} optional not shown, ${model.summary.notApplicable} n/a, ${model.summary.inconclusive} inconclusive)`],
  ];
  meta.push([
    'declared exclusions',
    model.exclusions.length === 0 ? 'none' : model.exclusions.map((e) => `${e.capability} (${e.source}: ${e.reason}; ${e.scenarios} scenario${e.scenarios === 1 ? '' : 's'})`).join('; '),
  ]);
  if (model.run.tags !== undefined) meta.push(['tags', model.run.tags]);
  if (model.run.argv.length > 0) meta.push(['command', model.run.argv.join(' ')]);
  if (model.run.cucumber !== undefined) meta.push(['runner', [model.run.cucumber, model.run.runtime, model.run.os].filter(Boolean).join(', ')]);

  const areas = new Map<string, string>();
  for (const st of [...model.statements].sort((a, b) => compareSections(a.area, b.area))) {
    if (!areas.has(st.area)) areas.set(st.area, areaTitle(st.specVersion, st.area));
  }
  const versionOptions: [string, string][] = [['', 'all versions'], ...model.versions.map((v): [string, string] => [v.version, `MQTT ${v.version}`])];
  const unknown = model.unknownStatementTags.length
    ? `<div class="warn"><b>Tags that name no catalogue statement</b> (a suite bug, not a broker verdict): ${model.unknownStatementTags
        .map((u) => `<code>${escapeHtml(u.tag)}</code> (MQTT ${escapeHtml(u.specVersion)}, ${u.scenarios.length} scenario${u.scenarios.length === 1 ? '' : 's'})`)
        .join(', ')}</div>`
    : '';
  const exclusions = model.exclusions.length
    ? `<div class="warn exclusions"><b>${model.exclusions.length} declared exclusion${model.exclusions.length === 1 ? '' : 's'}</b> (not judged by this run): ${model.exclusions
        .map((e) => `<code>${escapeHtml(e.capability)}</code> (${escapeHtml(e.source)}: ${escapeHtml(e.reason)}; ${e.scenarios} scenario${e.scenarios === 1 ? '' : 's'} not applicable)`)
        .join(', ')}</div>`
    : '';
  const noVersions = model.versions.length === 0 ? '<div class="warn">No scenario ran: there is nothing to judge.</div>' : '';

  return `${DOCUMENT_START}
<meta name="generator" content="${escapeHtml(`${model.tool.name} ${model.tool.version}`)}">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<header class="top">
  <h1>${escapeHtml(title)}</h1>
  <div class="meta">${meta.map(([k, v]) => `<span>${escapeHtml(k)}: <b>${escapeHtml(v)}</b></span>`).join('')}</div>
  <div class="verdicts">${model.versions.map(versionCard).join('\n')}</div>
  ${noVersions}${exclusions}${unknown}
</header>
<nav class="toolbar" aria-label="filters">
  <div class="tabs" role="tablist">
    <button type="button" role="tab" data-tab="statements" aria-selected="true" title="key 1">Statements</button>
    <button type="button" role="tab" data-tab="scenarios" aria-selected="false" title="key 2">Scenarios</button>
  </div>
  <label title="key f"><input type="checkbox" id="f-failures"> failures only</label>
  <label>version <select id="f-version">${options(versionOptions)}</select></label>
  <label>area <select id="f-area">${options([['', 'all areas'], ...areas.entries()])}</select></label>
  <label>verdict <select id="f-verdict">${options([['', 'any'], ['met', 'met / passed'], ['violated', 'violated / failed'], ['inconclusive', 'inconclusive'], ['not-applicable', 'not applicable'], ['not-covered', 'not covered']])}</select></label>
  <label>optional <select id="f-optional">${options([['', 'required and optional'], ['required', 'required only'], ['optional', 'optional only']])}</select></label>
  <label>search <input type="search" id="f-q" placeholder="ID, words, tag  ( / )" autocomplete="off"></label>
  <span class="kbd"><kbd>/</kbd> search <kbd>f</kbd> failures <kbd>j</kbd><kbd>k</kbd> move <kbd>Enter</kbd> open</span>
  <span class="shown" id="shown" aria-live="polite"></span>
</nav>
<main>
  <div id="view-statements"></div>
  <div id="view-scenarios" hidden></div>
</main>
<script type="application/json" id="report-data">${pageJson(model)}</script>
<script>${js}</script>
</body>
</html>
`;
}

