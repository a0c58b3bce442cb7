import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildComplianceModel, parseMessages, renderJunit } from './index.js';
import type { ComplianceModel, RunMeta, ScenarioResult } from './index.js';
import { SYNTHETIC_META, syntheticEnvelopes } from './synthetic.js';

const XSD = fileURLToPath(new URL('./junit.xsd', import.meta.url));
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'junit-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const META: RunMeta = {
  tool: { name: 'mqtt-conformance', version: '0.1.0' },
  target: { name: 'mosquitto', version: '2.0.11', url: 'mqtt://127.0.0.1:1883', kind: 'process' },
  startedAt: '2026-11-25T14:00:00.123Z',
  durationMs: 1234,
  argv: ['run'],
};
const fixture = buildComplianceModel(parseMessages(readFileSync(new URL('./fixtures/suite/messages.ndjson', import.meta.url), 'utf8')), META);

/** xmllint's verdict on the document: '' when it validates, else its complaint. */
function xsdErrors(xml: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, path], { encoding: 'utf8' });
  return r.status === 0 ? '' : r.stderr;
}

function count(xml: string, re: RegExp): number {
  return xml.match(re)?.length ?? 0;
}

describe('renderJunit', () => {
  it('writes one testsuite per feature and one testcase per scenario, with failures, skips and errors', () => {
    const xml = renderJunit(fixture);
    expect(count(xml, /<testsuite /g)).toBe(new Set(fixture.scenarios.map((s) => s.uri)).size);
    expect(count(xml, /<testcase /g)).toBe(fixture.scenarios.length);
    expect(count(xml, /<failure /g)).toBe(fixture.summary.failed);
    expect(count(xml, /<skipped /g)).toBe(fixture.summary.notApplicable + fixture.summary.optionalNotShown);
    // A failed @optional scenario is never a <failure>: it is skipped with the reason.
    expect(fixture.summary.optionalNotShown).toBeGreaterThan(0);
    expect(xml).toMatch(/<skipped message="optional behaviour not shown \(informational, not a failure\): /);
    expect(xml).toContain('<property name="count.optionalNotShown" value="1"/>');
    expect(count(xml, /<error /g)).toBe(fixture.summary.inconclusive);
    expect(xml).toContain('<testsuite name="CONNECT" package="features/connect.feature" id="0" tests="5" failures="1" errors="1" skipped="1"');
    expect(xml).toContain('timestamp="2026-11-25T14:00:00"');
  });

  it('puts the rule in the failure message and expected, received and the packet trace in its body', () => {
    const xml = renderJunit(fixture);
    expect(xml).toContain('<failure type="MQTT-3.1.2-1" message="[MQTT-3.1.2-1] A protocol name other than &quot;MQTT&quot; must make the server close the connection">');
    expect(xml).toContain('Expected: the server closes the connection of "c" within 1000 ms');
    expect(xml).toContain('Received: CONNACK return code 1');
    expect(xml).toMatch(/c {7}&lt;- {2}CONNACK sessionPresent=false reasonCode=1 {2}\[20 02 00 01\]/);
  });

  it.skipIf(!hasXmllint)('validates against the committed JUnit schema (xmllint)', () => {
    expect(xsdErrors(renderJunit(fixture), 'fixture.xml')).toBe('');
    expect(xsdErrors(renderJunit(buildComplianceModel(syntheticEnvelopes({ scenarios: 300 }), SYNTHETIC_META)), 'full.xml')).toBe('');
    expect(xsdErrors(renderJunit(buildComplianceModel([], META)), 'empty.xml')).toBe('');
  });

  it.skipIf(!hasXmllint)('the schema is not vacuous: it rejects a testcase with two outcomes and a suite without properties', () => {
    const xml = renderJunit(fixture);
    expect(xsdErrors(xml.replace('<skipped ', '<failure type="x"/><skipped '), 'two.xml')).toMatch(/fails to validate|not expected/);
    expect(xsdErrors(xml.replace(/<properties>[\s\S]*?<\/properties>/, ''), 'noprops.xml')).toMatch(/fails to validate|Missing child|not expected/);
  });

  it.skipIf(!hasXmllint)('stays well-formed and valid whatever text scenarios, messages and traces hold (fast-check)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const names = fc.sample(fc.tuple(text, text, text, text), { numRuns: 150, seed: 42 });
    const base = fixture.scenarios.find((s) => s.verdict === 'failed') as ScenarioResult;
    const scenarios: ScenarioResult[] = names.map(([name, summary, received, note], i) => ({
      ...base,
      id: `features/fuzz.feature:${i}`,
      uri: i % 2 ? 'features/fuzz.feature' : 'features/fuzz-2.feature',
      feature: `fuzz ${name}`,
      name: name.trim() === '' ? `#${i}` : name,
      verdict: (['failed', 'inconclusive', 'not-applicable', 'passed'] as const)[i % 4] ?? 'failed',
      reason: note,
      failure: { summary, message: `${summary}\n${received} ]]> </failure>`, received, trace: [{ client: note, t: i, dir: 'event', event: note, note: received }] },
    }));
    const model: ComplianceModel = { ...fixture, scenarios };
    const xml = renderJunit(model);
    expect(xsdErrors(xml, 'fuzz.xml')).toBe('');
    execFileSync('xmllint', ['--noout', join(dir, 'fuzz.xml')]);
  });
});
