import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildComplianceModel, parseMessages, writeReports, type Matrix } from '../reports/index.js';
import { PACKAGE_ROOT } from '../harness/targets/index.js';
import { certify, combinedExitCode, parseCertifyArgs, runArgs, type CertifyOptions, type CertifySummary, type SuiteRunner } from './certify.js';

const fixture = join(PACKAGE_ROOT, 'reports', 'fixtures', 'suite', 'messages.ndjson');

/** A runner that writes the fixture run's reports as if the suite had run against `broker`. */
const fixtureRunner =
  (exitCodes: Record<string, number>): SuiteRunner =>
  async (broker, reportDir) => {
    const code = exitCodes[broker.slug] ?? 0;
    if (code === 3) return 3; // unreachable: no report
    const envelopes = parseMessages(await readFile(fixture, 'utf8'));
    const model = buildComplianceModel(envelopes, {
      tool: { name: 'mqtt-conformance', version: 'test' },
      target: { name: broker.slug, url: `mqtt://127.0.0.1:1/${broker.slug}`, kind: 'process' },
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1,
      argv: ['run', '--broker', broker.spec],
    });
    await writeReports(model, reportDir);
    return code;
  };

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('certify arguments', () => {
  it('attaches target options to the --broker they follow and makes slugs unique', () => {
    const options = parseCertifyArgs(['--broker', 'mqtts://h:8883', '--ca', 'ca.pem', '--insecure', '--broker', 'process:mosquitto', '--broker=process:mosquitto', '--jobs', '2', '--tags', '@v3.1.1', '--report-dir', 'out']);
    expect(options).toEqual({
      brokers: [
        { spec: 'mqtts://h:8883', options: { ca: 'ca.pem', insecure: true }, slug: 'mqtts-h-8883' },
        { spec: 'process:mosquitto', options: {}, slug: 'mosquitto' },
        { spec: 'process:mosquitto', options: {}, slug: 'mosquitto-2' },
      ],
      reportDir: 'out',
      jobs: 2,
      tags: '@v3.1.1',
    });
  });

  it('refuses bad arguments', () => {
    expect(usage(() => parseCertifyArgs([]))).toContain('--broker');
    expect(usage(() => parseCertifyArgs(['--ca', 'x', '--broker', 'reference']))).toContain('--ca applies to the --broker it follows');
    expect(usage(() => parseCertifyArgs(['--broker', 'reference', '--jobs', '0']))).toContain('--jobs');
    expect(usage(() => parseCertifyArgs(['--broker']))).toContain('--broker needs a value');
    expect(usage(() => parseCertifyArgs(['--broker', 'reference', '--frobnicate']))).toContain('--frobnicate');
  });

  it('passes each broker its own options and the shared ones to run', () => {
    const options = parseCertifyArgs(['--broker', 'mqtts://h:8883', '--ca', 'ca.pem', '--tags', 'not @optional', '--parallel', '2']) as CertifyOptions;
    const broker = options.brokers[0];
    if (broker === undefined) throw new Error('no broker parsed');
    expect(runArgs(broker, '/r/x', options)).toEqual(['run', '--broker', 'mqtts://h:8883', '--ca', 'ca.pem', '--report-dir', '/r/x', '--tags', 'not @optional', '--parallel', '2']);
  });

  it('combines exit codes by severity', () => {
    expect(combinedExitCode([0, 0])).toBe(0);
    expect(combinedExitCode([0, 1])).toBe(1);
    expect(combinedExitCode([1, 3])).toBe(3);
    expect(combinedExitCode([3, 2])).toBe(2);
  });
});

describe('certify', () => {
  it('keeps each run in its own folder and writes matrix.json, matrix.html and certify.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certify-test-'));
    try {
      const options = parseCertifyArgs(['--broker', 'reference', '--broker', 'process:mosquitto', '--broker', 'process:aedes', '--report-dir', dir, '--jobs', '2']) as CertifyOptions;
      const summary = await certify(options, fixtureRunner({ mosquitto: 1 }));
      expect(summary.exitCode).toBe(1);
      expect(summary.runs.map((r) => [r.slug, r.exitCode, r.error])).toEqual([
        ['reference', 0, undefined],
        ['mosquitto', 1, undefined],
        ['aedes', 0, undefined],
      ]);
      const matrix = JSON.parse(readFileSync(join(dir, 'matrix.json'), 'utf8')) as Matrix;
      expect(matrix.columns.map((c) => c.target.name)).toEqual(['reference', 'mosquitto', 'aedes']);
      expect(matrix.scenarios.length).toBeGreaterThan(0);
      for (const row of [...matrix.scenarios, ...matrix.statements]) expect(row.cells).toHaveLength(3);
      expect(readFileSync(join(dir, 'matrix.html'), 'utf8')).toContain('<html');
      const saved = JSON.parse(readFileSync(join(dir, 'certify.json'), 'utf8')) as CertifySummary;
      expect(saved.runs).toHaveLength(3);
      for (const slug of ['reference', 'mosquitto', 'aedes']) expect(readFileSync(join(dir, slug, 'report.json'), 'utf8')).toContain('"schemaVersion"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still writes the matrix of the others when one broker is unreachable, and exits 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certify-test-'));
    try {
      const options = parseCertifyArgs(['--broker', 'reference', '--broker', 'mqtt://127.0.0.1:1', '--report-dir', dir]) as CertifyOptions;
      const summary = await certify(options, fixtureRunner({ 'mqtt-127.0.0.1-1': 3 }));
      expect(summary.exitCode).toBe(3);
      expect(summary.runs[1]?.error).toContain('wrote no report.json');
      const matrix = JSON.parse(readFileSync(join(dir, 'matrix.json'), 'utf8')) as Matrix;
      expect(matrix.columns).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad broker before running anything', async () => {
    const options = parseCertifyArgs(['--broker', 'reference', '--broker', 'process:no-such-broker', '--report-dir', join(tmpdir(), 'never-written')]) as CertifyOptions;
    let ran = 0;
    await expect(
      certify(options, async () => {
        ran++;
        return 0;
      }),
    ).rejects.toMatchObject({ code: 'TARGET_CONFIG' });
    expect(ran).toBe(0);
  });
});
