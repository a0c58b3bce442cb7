import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from './errors.js';
import { monoMs, readProcCpu } from './proc.js';
import { formatNumber } from './table.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * The compiled CLI, as users run it (`npx mqtt-conformance run`, the GitHub action): from the
 * sources every cucumber worker would load the steps through tsx, about 1.5-2 s more CPU per
 * worker, which is the clone's cost, not the suite's.
 */
const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

let built: Promise<void> | undefined;

/** `npm run build` (tsc, then scripts/bundle-steps.mjs), once per bench: dist/ then matches the sources timed. */
function buildOnce(log: (line: string) => void): Promise<void> {
  built ??= (async () => {
    log('building dist/ (npm run build) so the suite runs compiled, as installed');
    await runBuild();
  })();
  return built;
}

/** The package's own build script, so the bench cannot drift from what `npm install` and `npm pack` build. */
function runBuild(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const step = spawn('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer): void => {
      output = (output + d.toString('utf8')).slice(-2000);
    };
    step.stdout.on('data', keep);
    step.stderr.on('data', keep);
    step.once('error', (e) => reject(new BenchError('BENCH_SUITE', `could not build dist/: ${e.message}`)));
    step.once('exit', (code) => (code === 0 ? resolve() : reject(new BenchError('BENCH_SUITE', `npm run build failed (exit code ${code}): ${output.trim()}`))));
  });
}

export interface SuiteScenarioTime {
  name: string;
  feature: string;
  verdict: string;
  durationMs: number;
}

export interface SuiteTiming {
  /** The `--broker` value the suite ran against. */
  target: string;
  command: string;
  exitCode: number | null;
  wallMs: number;
  /** CPU of the run and every process it started and waited for (cutime + cstime), seconds. */
  cpuSeconds: number;
  summary: Record<string, unknown> | undefined;
  scenarios: number;
  /** Sum of the scenarios' own durations (over all parallel workers), ms. */
  scenarioMs: number;
  /** 1 - CPU / scenario time: the share of scenario time in which no process of the run was computing. */
  waitingShare: number | undefined;
  slowest: SuiteScenarioTime[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The scenarios of a report.json (`scenarios [{name, feature, verdict, durationMs}]`), tolerant of extra fields. */
export function scenarioTimes(report: unknown): SuiteScenarioTime[] {
  if (!isRecord(report) || !Array.isArray(report['scenarios'])) return [];
  return report['scenarios'].filter(isRecord).map((s) => ({
    name: typeof s['name'] === 'string' ? s['name'] : '?',
    feature: typeof s['feature'] === 'string' ? s['feature'] : '',
    verdict: typeof s['verdict'] === 'string' ? s['verdict'] : '',
    durationMs: typeof s['durationMs'] === 'number' ? s['durationMs'] : 0,
  }));
}

/**
 * The `run --broker` value for a bench broker name: the bench's own names of Debian and npm
 * brokers (mosquitto, aedes, rabbitmq, ejabberd) are their bundled process profiles; anything
 * else (reference, a URL, process:..., container:...) is passed as is.
 */
export function suiteTarget(broker: string): string {
  return ['mosquitto', 'aedes', 'rabbitmq', 'ejabberd'].includes(broker) ? `process:${broker}` : broker;
}

/**
 * Times `mqtt-conformance run --broker TARGET` (the whole suite) as a child process: wall time, the CPU of the run and all its children, the slowest scenarios, and the share
 * of scenario time spent waiting rather than computing.
 */
export async function timeSuite(target: string, extraArgs: readonly string[], log: (line: string) => void): Promise<SuiteTiming> {
  await buildOnce(log);
  if (!existsSync(CLI)) throw new BenchError('BENCH_SUITE', `${CLI} does not exist after the build: the suite cannot be timed`);
  const dir = await mkdtemp(join(tmpdir(), 'bench-suite-'));
  const runArgs = ['--broker', target, ...extraArgs];
  const args = [CLI, 'run', '--report-dir', dir, ...runArgs];
  const command = `mqtt-conformance run ${runArgs.join(' ')}`.trim();
  log(`timing: ${command}`);
  try {
    const cpu0 = readProcCpu('self').children;
    const t0 = monoMs();
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (d: string) => {
        stderr = (stderr + d).slice(-2000);
      });
      child.once('error', (e) => reject(new BenchError('BENCH_SUITE', `could not start the suite: ${e.message}`)));
      child.once('exit', (code) => {
        if (code !== 0 && code !== 1 && stderr.trim()) log(`suite stderr: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
        resolve(code);
      });
    });
    const wallMs = monoMs() - t0;
    const cpuSeconds = readProcCpu('self').children - cpu0;
    let report: unknown;
    try {
      report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    } catch (e) {
      throw new BenchError('BENCH_SUITE', `the suite (exit code ${exitCode}) wrote no readable report.json: ${(e as Error).message}`);
    }
    const times = scenarioTimes(report);
    const scenarioMs = times.reduce((a, s) => a + s.durationMs, 0);
    return {
      target,
      command,
      exitCode,
      wallMs,
      cpuSeconds,
      summary: isRecord(report) && isRecord(report['summary']) ? report['summary'] : undefined,
      scenarios: times.length,
      scenarioMs,
      waitingShare: scenarioMs > 0 ? Math.min(1, Math.max(0, 1 - (cpuSeconds * 1000) / scenarioMs)) : undefined,
      slowest: [...times].sort((a, b) => b.durationMs - a.durationMs).slice(0, 10),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatSuiteTiming(t: SuiteTiming): string {
  const lines = [
    `suite against ${t.target}: ${t.scenarios} scenarios, exit code ${t.exitCode} (${t.command})`,
    `  wall ${formatNumber(t.wallMs / 1000)} s, CPU ${formatNumber(t.cpuSeconds)} s (run + broker + workers), ` +
      `scenario time ${formatNumber(t.scenarioMs / 1000)} s`,
    `  waiting: ${t.waitingShare === undefined ? '-' : `${Math.round(t.waitingShare * 100)}%`} of scenario time had no process of the run computing (1 - CPU / scenario time)`,
  ];
  const long = t.slowest.filter((s) => s.durationMs >= 1000);
  if (long.length > 0) {
    const ms = long.reduce((a, s) => a + s.durationMs, 0);
    lines.push(`  ${long.length} scenario(s) of 1 s or more (timer-bound waits such as keep-alive expiry) take ${formatNumber(ms / 1000)} s of the scenario time`);
  }
  if (t.summary) lines.push(`  summary: ${JSON.stringify(t.summary)}`);
  lines.push('  slowest scenarios:');
  for (const s of t.slowest) lines.push(`    ${formatNumber(s.durationMs).padStart(7)} ms  ${s.verdict.padEnd(14)} ${s.feature ? `${s.feature}: ` : ''}${s.name}`);
  return lines.join('\n');
}
