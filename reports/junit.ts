import { hostname } from 'node:os';
import { traceText } from './trace-text.js';
import { countOf, countScenarios } from './model.js';
import type { ComplianceModel, ScenarioResult } from './types.js';

/**
 * JUnit XML in the shape every common CI reader accepts: it is valid against both the strict Ant
 * schema (testsuite needs id, package, timestamp without zone, hostname, a properties element and
 * system-out/system-err; a testcase at most one of skipped/error/failure) and the Jenkins xunit one.
 * `reports/junit.xsd` states those constraints; `junit.test.ts` validates with xmllint.
 *
 * Mapping: one testsuite per feature, one testcase per scenario; a failed required scenario ->
 * <failure> (message = the rule's line, body = expected/received and the packet trace); a failed
 * `@optional` scenario -> <skipped> ("optional behaviour not shown: ...", never <failure>: it is
 * informational and must not turn CI red); not-applicable -> <skipped>; inconclusive -> <error>
 * (a harness or target problem, not a broker verdict). The counts are the model's
 * (`countScenarios`), so they agree with every other output; every testsuite's properties
 * carry the run's counts (`count.failed`, `count.optionalNotShown`, ...) and declared exclusions
 * (the strict Ant schema allows no attributes on testsuites).
 */

/** Characters XML 1.0 forbids (control characters other than tab, LF, CR; lone surrogates; U+FFFE/F). */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string, attribute = false): string {
  const cleaned = text.replace(XML_INVALID, '\uFFFD');
  const escaped = cleaned.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attribute ? escaped.replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;') : escaped;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** `2026-11-25T14:13:06` (UTC, no zone, no fraction: the Ant schema's pattern). */
function antTimestamp(iso: string): string {
  const d = new Date(iso);
  return (Number.isNaN(d.getTime()) ? new Date(0) : d).toISOString().slice(0, 19);
}

function failureLine(s: ScenarioResult): string {
  const f = s.failure;
  return f ? (f.statement !== undefined ? `[${f.statement}] ${f.summary}` : f.summary) : 'failed';
}

function testcase(s: ScenarioResult, classname: string): string {
  const open = `    <testcase name="${escapeXml(s.name || s.id, true)}" classname="${escapeXml(classname, true)}" time="${seconds(s.durationMs)}"`;
  const kind = countOf(s);
  if (kind === 'passed') return `${open}/>`;
  if (kind === 'notApplicable') {
    const why = s.exclusion !== undefined ? `declared exclusion ${s.exclusion}: ${s.reason ?? ''}` : `not applicable: ${s.reason ?? 'capability absent'}`;
    return `${open}>\n      <skipped message="${escapeXml(why, true)}"/>\n    </testcase>`;
  }
  if (kind === 'optionalNotShown') {
    return `${open}>\n      <skipped message="${escapeXml(`optional behaviour not shown (informational, not a failure): ${failureLine(s)}`, true)}"/>\n    </testcase>`;
  }
  if (s.verdict === 'inconclusive') {
    const body = [s.reason ?? 'inconclusive', s.failure?.message].filter((x) => x !== undefined && x !== '').join('\n\n');
    return `${open}>\n      <error type="inconclusive" message="${escapeXml(`inconclusive: ${s.reason ?? 'the scenario could not be judged'}`, true)}">${escapeXml(body)}</error>\n    </testcase>`;
  }
  const f = s.failure;
  const message = failureLine(s);
  const body: string[] = [];
  if (f) {
    if (f.step !== undefined) body.push(`Step: ${f.step}`);
    body.push(f.message);
    // The model's message never carries the trace (reports/types.ts `Failure.message`).
    if (f.trace && f.trace.length > 0) body.push('', 'Packet trace:', traceText(f.trace));
  }
  body.push('', `Scenario: ${s.id}`, `Tags: ${s.tags.join(' ')}`);
  return `${open}>\n      <failure type="${escapeXml(f?.statement ?? 'failure', true)}" message="${escapeXml(message, true)}">${escapeXml(body.join('\n'))}</failure>\n    </testcase>`;
}

export function renderJunit(model: ComplianceModel): string {
  const features = new Map<string, ScenarioResult[]>();
  for (const s of model.scenarios) features.set(s.uri, [...(features.get(s.uri) ?? []), s]);
  const host = escapeXml(hostname() || 'localhost', true);
  const timestamp = antTimestamp(model.run.startedAt);
  const properties = [
    ['tool', `${model.tool.name} ${model.tool.version}`],
    ['target', model.target.name],
    ['target.version', model.target.version ?? ''],
    ['target.url', model.target.url],
    ['target.kind', model.target.kind],
    ['tags', model.run.tags ?? ''],
    ['command', model.run.argv.join(' ')],
    ...model.versions.map((v) => [`verdict.v${v.version}`, v.verdict]),
    ...Object.entries(model.summary).filter(([k]) => k !== 'durationMs').map(([k, n]) => [`count.${k}`, String(n)]),
    ...model.exclusions.map((e) => [`exclusion.${e.capability}`, `${e.source}: ${e.reason}`]),
  ]
    .map(([name, value]) => `      <property name="${escapeXml(name ?? '', true)}" value="${escapeXml(value ?? '', true)}"/>`)
    .join('\n');
  const suites: string[] = [];
  let id = 0;
  for (const [uri, list] of features) {
    const first = list[0];
    const name = first?.feature || uri;
    const c = countScenarios(list);
    const time = list.reduce((sum, s) => sum + s.durationMs, 0);
    suites.push(
      [
        `  <testsuite name="${escapeXml(name, true)}" package="${escapeXml(uri, true)}" id="${id++}" tests="${list.length}" failures="${c.failed}" errors="${c.inconclusive}" skipped="${c.notApplicable + c.optionalNotShown}" time="${seconds(time)}" timestamp="${timestamp}" hostname="${host}">`,
        `    <properties>\n${properties}\n    </properties>`,
        ...list.map((s) => testcase(s, uri.replace(/\.feature$/, '').replace(/[/\\]/g, '.'))),
        '    <system-out/>',
        '    <system-err/>',
        '  </testsuite>',
      ].join('\n'),
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}
