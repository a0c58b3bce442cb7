import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareWithExpected, formatDrifts, loadExpectedResults, type ObservedScenario } from './expected-results.js';
import { PACKAGE_ROOT } from './profiles.js';

/**
 * The whole suite against Aedes (npm), a second third-party broker that needs no Docker: each
 * scenario's verdict must match profiles/expected/aedes.json (every known failure listed with
 * its reason). A drift either way fails: a new failure, or a listed one that now passes.
 * Refresh with harness/targets/update-expected.ts after checking the drift is right.
 */
describe('the suite against Aedes', () => {
  it('gives the committed expected results', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aedes-conformance-'));
    try {
      const output: string[] = [];
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'mqtt-conformance.js'), 'run', '--broker', 'process:aedes', '--parallel', '2', '--report-dir', dir], {
          cwd: PACKAGE_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, FORCE_COLOR: '0' },
        });
        child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
        child.once('error', reject);
        child.once('exit', (c) => resolve(c ?? -1));
      });
      // 1: some scenarios failed (Aedes's known failures); anything else is a harness problem.
      expect(code, output.join('').slice(-3000)).toBe(1);
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { target: { name: string; version?: string }; scenarios: ObservedScenario[] };
      const expected = loadExpectedResults(join(PACKAGE_ROOT, 'profiles', 'expected', 'aedes.json'));
      expect(report.target).toMatchObject({ name: 'aedes', version: expected.version });
      const drifts = compareWithExpected(report.scenarios, expected);
      expect(drifts, formatDrifts(drifts)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
