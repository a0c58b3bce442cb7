import { hostname } from 'node:os';
import { traceText } from './trace-text.js';
import type { ComplianceModel, ScenarioResult } from './types.js';

/**
 * JUnit XML in the shape every common CI reader accepts: it is valid against both the strict Ant
 * schema (testsuite needs id, package, timestamp without zone, hostname, a properties element and
 * system-out/system-err; a testcase at most one of skipped/error/failure) and the Jenkins xunit one.
 * `reports/junit.xsd` states those constraints; `junit.test.ts` validates with xmllint.
 *
 * Mapping: one testsuite per feature, one testcase per scenario; failed -> <failure> (message = the
 * rule's line, body = expected/received and the packet trace); not-applicable -> <skipped>;
 * inconclusive -> <error> (a harness or target problem, not a broker verdict).
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

function testcase(s: ScenarioResult, classname: string): string {
  const open = `    <testcase name="${escapeXml(s.name || s.id, true)}" classname="${escapeXml(classname, true)}" time="${seconds(s.durationMs)}"`;
  if (s.verdict === 'passed') return `${open}/>`;
  if (s.verdict === 'not-applicable') {
    return `${open}>\n      <skipped message="${escapeXml(`not applicable: ${s.reason ?? 'capability absent'}`, true)}"/>\n    </testcase>`;
  }
  if (s.verdict === 'inconclusive') {
    const body = [s.reason ?? 'inconclusive', s.failure?.message].filter((x) => x !== undefined && x !== '').join('\n\n');
    return `${open}>\n      <error type="inconclusive" message="${escapeXml(`inconclusive: ${s.reason ?? 'the scenario could not be judged'}`, true)}">${escapeXml(body)}</error>\n    </testcase>`;
  }
  const f = s.failure;
  const message = f ? (f.statement !== undefined ? `[${f.statement}] ${f.summary}` : f.summary) : 'failed';
  const body: string[] = [];
  if (f) {
    if (f.step !== undefined) body.push(`Step: ${f.step}`);
    body.push(f.message);
    // The suite may already append its own rendering of the trace to the message.
    if (f.trace && f.trace.length > 0 && !/\nTrace:\n/.test(f.message)) body.push('', 'Packet trace:', traceText(f.trace));
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
  ]
    .map(([name, value]) => `      <property name="${escapeXml(name ?? '', true)}" value="${escapeXml(value ?? '', true)}"/>`)
    .join('\n');
  const suites: string[] = [];
  let id = 0;
  for (const [uri, list] of features) {
    const first = list[0];
    const name = first?.feature || uri;
    const count = (v: ScenarioResult['verdict']): number => list.filter((s) => s.verdict === v).length;
    const time = list.reduce((sum, s) => sum + s.durationMs, 0);
    suites.push(
      [
        `  <testsuite name="${escapeXml(name, true)}" package="${escapeXml(uri, true)}" id="${id++}" tests="${list.length}" failures="${count('failed')}" errors="${count('inconclusive')}" skipped="${count('not-applicable')}" time="${seconds(time)}" timestamp="${timestamp}" hostname="${host}">`,
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
