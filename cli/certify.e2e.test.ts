import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Matrix } from '../reports/index.js';
import { PACKAGE_ROOT } from '../harness/targets/index.js';
import type { CertifySummary } from './certify.js';

/** The acceptance command, for real: the CLI certifies three brokers (a few scenarios each) and writes the matrix. */
describe('mqtt-conformance certify (end to end)', () => {
  it('certifies reference, process:mosquitto and process:aedes side by side', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certify-e2e-'));
    try {
      const args = ['certify', '--broker', 'reference', '--broker', 'process:mosquitto', '--broker', 'process:aedes', '--report-dir', dir, '--jobs', '2', '--parallel', '1', '--tags', '(@MQTT-3.1.0-1 or @MQTT-3.1.0-2) and @v3.1.1'];
      const output: string[] = [];
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'mqtt-conformance.js'), ...args], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
        child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
        child.once('error', reject);
        child.once('exit', (c) => resolve(c ?? -1));
      });
      const log = output.join('');
      expect([0, 1], log.slice(-3000)).toContain(code);
      const summary = JSON.parse(readFileSync(join(dir, 'certify.json'), 'utf8')) as CertifySummary;
      expect(summary.runs.map((r) => [r.slug, r.error])).toEqual([
        ['reference', undefined],
        ['mosquitto', undefined],
        ['aedes', undefined],
      ]);
      const matrix = JSON.parse(readFileSync(join(dir, 'matrix.json'), 'utf8')) as Matrix;
      expect(matrix.columns.map((c) => c.target.name)).toEqual(['reference', 'mosquitto', 'aedes']);
      expect(matrix.columns.map((c) => c.target.kind)).toEqual(['reference', 'process', 'process']);
      expect(matrix.scenarios.length).toBeGreaterThan(0);
      for (const row of matrix.scenarios) expect(row.cells.every((cell) => cell !== null)).toBe(true);
      expect(log).toContain('Certification summary');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
