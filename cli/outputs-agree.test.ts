import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildComplianceModel, parseMessages, renderHtml, renderJunit, renderMarkdown, type ComplianceModel, type ScenarioCounts } from '../reports/index.js';
import { summaryLines } from './terminal.js';

/**
 * Optional is never failure, and every output says the same numbers (issue 15): the terminal,
 * report.html, summary.md, report.json and junit.xml are read back as a user or a CI reader would,
 * and their counts compared. A failed `@optional` scenario is never a JUnit <failure>.
 */
type Counts = Omit<ScenarioCounts, 'scenarios'> & { scenarios: number };
const FIVE = /(\d+) passed, (\d+) failed, (\d+) optional not shown, (\d+) (?:not applicable|n\/a), (\d+) inconclusive/;

function fromText(text: string, lead: RegExp): Counts {
  const total = lead.exec(text);
  const m = FIVE.exec(text.slice(total?.index ?? 0));
  if (total === null || m === null) throw new Error(`no counts in ${text.slice(0, 300)}`);
  const [passed, failed, optionalNotShown, notApplicable, inconclusive] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { scenarios: Number(total[1]), passed, failed, optionalNotShown, notApplicable, inconclusive };
}

function fromJunit(xml: string): Counts {
  const n = (re: RegExp): number => xml.match(re)?.length ?? 0;
  const scenarios = n(/<testcase /g);
  const failed = n(/<failure /g);
  const inconclusive = n(/<error /g);
  const optionalNotShown = n(/<skipped message="optional behaviour not shown/g);
  const notApplicable = n(/<skipped /g) - optionalNotShown;
  return { scenarios, passed: scenarios - failed - inconclusive - optionalNotShown - notApplicable, failed, optionalNotShown, notApplicable, inconclusive };
}

/** The counts each of the five outputs shows for one model. */
function fiveOutputs(model: ComplianceModel, outputs?: { html: string; md: string; xml: string; json: ComplianceModel }): Record<string, Counts> {
  const html = outputs?.html ?? renderHtml(model);
  const md = outputs?.md ?? renderMarkdown(model);
  const xml = outputs?.xml ?? renderJunit(model);
  const json = outputs?.json ?? (JSON.parse(JSON.stringify(model)) as ComplianceModel);
  const { durationMs: _ms, ...summary } = json.summary;
  return {
    terminal: fromText(summaryLines(model, 1).join('\n'), /^(\d+) scenarios: /),
    html: fromText(html, /<span>scenarios: <b>(\d+) \(/),
    markdown: fromText(md, /Scenarios: \*\*(\d+)\*\* — /),
    json: summary,
    junit: fromJunit(xml),
  };
}

function expectAgreement(model: ComplianceModel, outputs?: Parameters<typeof fiveOutputs>[1]): Counts {
  const all = fiveOutputs(model, outputs);
  const json = all['json'] as Counts;
  for (const [name, counts] of Object.entries(all)) expect({ output: name, ...counts }).toEqual({ output: name, ...json });
  expect(json.passed + json.failed + json.optionalNotShown + json.notApplicable + json.inconclusive).toBe(json.scenarios);
  return json;
}

const META = { tool: { name: 'mqtt-conformance', version: '0.1.0' }, target: { name: 'fixture', url: 'mqtt://x', kind: 'url' as const }, startedAt: '2026-11-25T14:00:00.000Z', durationMs: 1, argv: [] };

describe('the five outputs agree', () => {
  it('on the captured fixture run, whose optional failure is never a JUnit <failure>', () => {
    const model = buildComplianceModel(parseMessages(readFileSync(join(import.meta.dirname, '..', 'reports', 'fixtures', 'suite', 'messages.ndjson'), 'utf8')), META);
    const counts = expectAgreement(model);
    expect(counts.optionalNotShown).toBe(1);
    const xml = renderJunit(model);
    for (const s of model.scenarios.filter((x) => x.optional)) expect(xml).not.toMatch(new RegExp(`<testcase name="${s.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>\\s*<failure`));
  });

  const mosquitto = '/usr/sbin/mosquitto';
  const dir = mkdtempSync(join(tmpdir(), 'mqttc-agree-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it.skipIf(!existsSync(mosquitto))("against Debian's Mosquitto: no <failure> for an @optional scenario, and the five outputs agree", async () => {
    const root = join(import.meta.dirname, '..');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'cli', 'main.ts'), 'run', '--broker', 'process:mosquitto', '--tags', '(@optional or @MQTT-3.3.5-1) and not @needs:tls', '--parallel', '2', '--report-dir', dir], { cwd: root, stdio: 'ignore' });
      child.on('exit', resolve);
    });
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    const json = JSON.parse(read('report.json')) as ComplianceModel;
    const counts = expectAgreement(json, { html: read('report.html'), md: read('summary.md'), xml: read('junit.xml'), json });
    // Mosquitto 2.0.11 does some optional things otherwise (test/expected/mosquitto-2.0.11.json) and
    // breaks MQTT-3.3.5-1 (a required failure): both kinds appear, and only the required one is red.
    expect(counts.optionalNotShown).toBeGreaterThan(0);
    expect(counts.failed).toBeGreaterThan(0);
    expect(code).toBe(1);
    const xml = read('junit.xml');
    const failures = [...xml.matchAll(/<testcase name="([^"]*)"[^>]*>\s*<failure /g)].map((m) => m[1]);
    const optional = new Set(json.scenarios.filter((s) => s.optional).map((s) => s.name.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')));
    expect(failures.filter((name) => name !== undefined && optional.has(name))).toEqual([]);
    expect(failures.length).toBe(counts.failed);
  }, 300_000);
});
