/**
 * Client runs for the tests: `mqtt-conformance run --client NAME` in a child process, in a
 * temporary report directory, and the expected results of each well-known client
 * (test/expected/client-<name>-<version>.json, the same format as the brokers': every scenario
 * that does not pass, with its verdict, statement and written reason).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReportJson } from '../../reports/index.js';
import { EXPECTED_DIR, PACKAGE_ROOT, THIRD_PARTY_TIMEOUT_MS, type SuiteRun } from '../third-party/brokers.js';

/** `test/expected/client-<name>-<version>.json`. */
export function clientExpectedFile(name: string, version: string): string {
  return join(EXPECTED_DIR, `client-${name}-${version}.json`);
}

export interface ClientRunOptions {
  parallel?: number;
  timeoutMs?: number;
  tags?: string;
  /** Extra environment of the run (e.g. a broken adapter's switch). */
  env?: Record<string, string>;
}

/** Runs the client features against `client` (a profile name or an adapter command). */
export async function runClient(client: string, options: ClientRunOptions = {}): Promise<SuiteRun> {
  const dir = await mkdtemp(join(tmpdir(), 'mqttc-client-'));
  try {
    const args = [join(PACKAGE_ROOT, 'bin', 'mqtt-conformance.js'), 'run', '--client', client, '--parallel', String(options.parallel ?? 4), '--timeout', String(options.timeoutMs ?? THIRD_PARTY_TIMEOUT_MS), '--report-dir', dir];
    if (options.tags !== undefined) args.push('--tags', options.tags);
    const chunks: string[] = [];
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', ...options.env } });
      child.stdout.on('data', (c: Buffer) => chunks.push(c.toString()));
      child.stderr.on('data', (c: Buffer) => chunks.push(c.toString()));
      child.once('error', reject);
      child.once('close', (c, signal) => resolve(c ?? (signal ? 128 : -1)));
    });
    const run: SuiteRun = { code, output: chunks.join('') };
    const reportPath = join(dir, 'report.json');
    if (existsSync(reportPath)) run.report = await readReportJson(reportPath);
    return run;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
