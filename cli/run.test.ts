import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, exitCodeOf, parseRunArgs, suiteProblem, tagExpression } from './run.js';

const ROOT = join(import.meta.dirname, '..');
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mqttc-run-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('run arguments', () => {
  it('defaults to the reference broker and reports/out', () => {
    const o = parseRunArgs([], '/x');
    expect(o?.broker).toBe('reference');
    expect(o?.reportDir).toBe('/x/reports/out');
    // No --parallel: the worker count is chosen from the target once it is known (cli/schedule.ts).
    expect(o?.parallel).toBeUndefined();
    expect(parseRunArgs(['--parallel', '3'], '/x')?.parallel).toBe(3);
    expect(parseRunArgs(['--shard', '2/4'], '/x')?.shard).toEqual({ index: 2, total: 4 });
    expect(() => parseRunArgs(['--shard', '5/4'])).toThrow(UsageError);
  });

  it('rejects what it cannot use, saying what to fix', () => {
    expect(() => parseRunArgs(['--parallel', '0'])).toThrow(UsageError);
    expect(() => parseRunArgs(['--version', '4'])).toThrow(/--version must be one of/);
    expect(() => parseRunArgs(['--nope'])).toThrow(UsageError);
    expect(() => parseRunArgs(['--cert', 'a.pem'])).toThrow(/--cert and --key go together/);
    expect(() => parseRunArgs(['--tags', ' '])).toThrow(/--tags needs/);
  });

  it('narrows the tag expression to the chosen version', () => {
    expect(tagExpression({})).toBeUndefined();
    expect(tagExpression({ tags: '@a or @b', version: '3.1' })).toBe('(@a or @b) and @v3.1');
  });

  it('maps the scenarios to the exit code: a required failure 1, inconclusive 3, else 0 (optional failures are informational)', () => {
    const s = (verdict: 'passed' | 'failed' | 'inconclusive', optional = false) => ({ verdict, optional }) as never;
    expect(exitCodeOf({ scenarios: [s('passed')] })).toBe(0);
    expect(exitCodeOf({ scenarios: [s('passed'), s('failed', true)] })).toBe(0);
    expect(exitCodeOf({ scenarios: [s('inconclusive')] })).toBe(3);
    expect(exitCodeOf({ scenarios: [s('failed'), s('inconclusive')] })).toBe(1);
  });

  it('blames the suite only for a cucumber failure that no scenario verdict explains (a failed @optional scenario is not a suite problem)', () => {
    const s = (verdict: 'passed' | 'failed', optional = false) => ({ verdict, optional }) as never;
    expect(suiteProblem({ scenarios: [s('passed'), s('failed', true)] }, false)).toBe(false);
    expect(suiteProblem({ scenarios: [s('passed')] }, false)).toBe(true);
    expect(suiteProblem({ scenarios: [s('passed')] }, true)).toBe(false);
  });
});

describe('mqtt-conformance (process)', () => {
  it('exits 2 with a clear message for a bad flag or an unknown command', () => {
    const bad = cli(['run', '--parallel', 'many']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--parallel needs a whole number');
    const unknown = cli(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
  });

  it('exits 3 when the broker cannot be reached', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const r = cli(['run', '--broker', `mqtt://127.0.0.1:${port}`, '--report-dir', tempDir()]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/unreachable|ECONNREFUSED/);
  });

  it('runs tagged scenarios against the reference broker and writes report.json', () => {
    const dir = tempDir();
    const r = cli(['run', '--tags', '@MQTT-3.1.0-2 or @MQTT-3.12.4-1', '--parallel', '1', '--timeout', '5000', '--report-dir', dir]);
    expect(r.stderr + r.stdout).not.toContain('internal error');
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { summary: { passed: number; failed: number }; target: { name: string } };
    expect(report.summary.failed).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(0);
    expect(report.target.name).toBe('reference');
    expect(readFileSync(join(dir, 'messages.ndjson'), 'utf8').length).toBeGreaterThan(0);
  });
});
