import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildComplianceModel, parseReportJson, renderReportJson, SYNTHETIC_META, syntheticEnvelopes } from '../reports/index.js';
import { main } from './report.js';

const FIXTURE = fileURLToPath(new URL('../reports/fixtures/suite/messages.ndjson', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'report-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

function runDir(name: string, files: { messages?: boolean; report?: string }): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (files.messages) copyFileSync(FIXTURE, join(dir, 'messages.ndjson'));
  if (files.report !== undefined) writeFileSync(join(dir, 'report.json'), files.report);
  return dir;
}

const passingReport = renderReportJson(
  buildComplianceModel(syntheticEnvelopes({ scenarios: 20, failEvery: 0 }), { ...SYNTHETIC_META, target: { name: 'reference', url: 'mqtt://127.0.0.1:1', kind: 'reference' } }),
);

describe('mqtt-conformance report', () => {
  it('re-renders one run from its messages.ndjson (exit 1: the run has a failed scenario)', async () => {
    const dir = runDir('messages-only', { messages: true });
    expect(await main(['--from', dir])).toBe(1);
    for (const f of ['report.json', 'report.html', 'junit.xml', 'summary.md']) expect(existsSync(join(dir, f))).toBe(true);
    const report = parseReportJson(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.target.name).toBe('unknown target');
    expect(report.summary.failed).toBe(2);
    expect(report.summary.optionalNotShown).toBe(1);
    expect(out).toContain(`${join(dir, 'report.html')}\n`);
    expect(out).toMatch(/unknown target: 5 passed, 2 failed, 1 optional not shown, 1 n\/a, 2 inconclusive \(MQTT 3\.1: compliant, MQTT 3\.1\.1: not-compliant, MQTT 5: not-compliant\)/);
  });

  it('keeps the target and run metadata of report.json when rebuilding from messages, and writes to --out', async () => {
    const saved = JSON.parse(passingReport) as { target: unknown };
    const dir = runDir('both', { messages: true, report: JSON.stringify({ ...JSON.parse(passingReport), target: { name: 'mosquitto', version: '2.0.11', url: 'mqtt://127.0.0.1:1883', kind: 'process' } }) });
    const outDir = join(root, 'both-out');
    expect(await main(['--from', dir, '--out', outDir])).toBe(1);
    const report = parseReportJson(readFileSync(join(outDir, 'report.json'), 'utf8'));
    expect(report.target).toEqual({ name: 'mosquitto', version: '2.0.11', url: 'mqtt://127.0.0.1:1883', kind: 'process' });
    expect(report.summary.scenarios).toBe(11);
    expect(saved.target).not.toEqual(report.target);
  });

  it('re-renders from report.json alone (exit 0 when no required scenario failed)', async () => {
    const dir = runDir('json-only', { report: passingReport });
    expect(await main([`--from=${dir}`])).toBe(0);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuites>');
  });

  it('merges several runs into a matrix', async () => {
    const a = runDir('m-a', { messages: true });
    const b = runDir('m-b', { report: passingReport });
    const outDir = join(root, 'matrix');
    expect(await main(['--from', a, b, '--out', outDir])).toBe(1);
    expect(out.split('\n').slice(0, 2)).toEqual([join(outDir, 'matrix.json'), join(outDir, 'matrix.html')]);
    const matrix = JSON.parse(readFileSync(join(outDir, 'matrix.json'), 'utf8')) as { columns: { label: string }[] };
    expect(matrix.columns.map((c) => c.label)).toEqual(['unknown target', 'reference']);
  });

  it('exits 2 naming the problem: missing directory, nothing to read, bad report.json, bad usage', async () => {
    expect(await main(['--from', join(root, 'nope')])).toBe(2);
    expect(err).toMatch(/nope: no such directory \[REPORT_NO_INPUT\]/);
    expect(await main(['--from', runDir('empty', {})])).toBe(2);
    expect(err).toMatch(/empty: holds neither report.json nor messages.ndjson/);
    expect(await main(['--from', runDir('bad', { report: '{"schemaVersion":1}' })])).toBe(2);
    expect(err).toMatch(/report.json: not a mqtt-conformance report.json: "tool" is not an object \[REPORT_BAD_JSON\]/);
    expect(await main([])).toBe(2);
    expect(err).toContain('--from is required');
    expect(await main(['--from'])).toBe(2);
    expect(await main(['--from', 'x', '--out'])).toBe(2);
    expect(await main(['--frm', 'x'])).toBe(2);
    expect(err).toContain('unknown argument "--frm"');
  });

  it('prints usage for --help', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(out).toMatch(/^Usage: mqtt-conformance report --from DIR/);
  });
});
