import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One failed scenario of a run: where, its tags' statements, and the rule its failure names. */
export interface FailedScenario {
  readonly id: string;
  readonly name: string;
  readonly statements: readonly string[];
  /** The `[MQTT-x.y.z-n]` the failure message starts with, when it does. */
  readonly rule: string | undefined;
  readonly summary: string;
}

export interface SuiteRun {
  /** The CLI's exit code (0 passed, 1 a scenario failed, 2 usage, 3 unreachable/died), or 'timeout'. */
  readonly exit: number | 'timeout';
  readonly durationMs: number;
  readonly scenarios: number;
  readonly passed: number;
  /** Non-optional failures: these are what "caught" means. */
  readonly failed: readonly FailedScenario[];
  /** Failures of @optional scenarios (informational). */
  readonly optionalFailed: number;
  readonly inconclusive: number;
  /** The end of stderr when the run did not produce a report. */
  readonly error?: string;
}

interface ReportScenario {
  id: string;
  name: string;
  statements?: string[];
  optional?: boolean;
  verdict: string;
  failure?: { message?: string; summary?: string };
}

/** Runs `cli/main.ts run` against a broker profile started as `reference:process`, and reads its report.json. */
export async function runSuite(root: string, profile: string, reportDir: string, options: { parallel: number; timeoutMs: number; tags?: string }): Promise<SuiteRun> {
  const started = Date.now();
  const args = ['--import', 'tsx', join(root, 'cli', 'main.ts'), 'run', '--broker', 'reference:process', '--profile', profile, '--parallel', String(options.parallel), '--report-dir', reportDir];
  if (options.tags !== undefined) args.push('--tags', options.tags);
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exit = await new Promise<number | 'timeout'>((resolve) => {
    const timer = setTimeout(() => {
      // The run and the broker it started: the whole process group (ours alone, by its id).
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      resolve('timeout');
    }, options.timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? 2);
    });
  });
  const durationMs = Date.now() - started;
  const file = join(reportDir, 'report.json');
  if (!existsSync(file)) return { exit, durationMs, scenarios: 0, passed: 0, failed: [], optionalFailed: 0, inconclusive: 0, error: stderr.trim().split('\n').slice(-6).join('\n') };
  const report = JSON.parse(readFileSync(file, 'utf8')) as { scenarios: ReportScenario[] };
  const failed: FailedScenario[] = [];
  let optionalFailed = 0;
  let inconclusive = 0;
  let passed = 0;
  for (const s of report.scenarios) {
    if (s.verdict === 'passed') passed++;
    if (s.verdict === 'inconclusive') inconclusive++;
    if (s.verdict !== 'failed') continue;
    if (s.optional === true) {
      optionalFailed++;
      continue;
    }
    const message = s.failure?.message ?? '';
    const first = message.split('\n')[0] ?? '';
    failed.push({ id: s.id, name: s.name, statements: s.statements ?? [], rule: /^\[(MQTT-[\d.]+-\d+)\]/.exec(first)?.[1], summary: first.slice(0, 200) });
  }
  return { exit, durationMs, scenarios: report.scenarios.length, passed, failed, optionalFailed, inconclusive };
}
