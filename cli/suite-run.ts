/**
 * What a broker run (`run.ts`) and a client run (`client-run.ts`) do alike around cucumber: hand
 * values to the workers through the environment, run cucumber with our progress display in place of
 * its formatter, write the reports, and turn the verdicts into the exit code.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Envelope } from '@cucumber/messages';
import { writeReports, type ComplianceModel } from '../reports/index.js';
import { PACKAGE_ROOT } from '../harness/targets/index.js';
import { Progress, summaryLines } from './terminal.js';

/** Where the run's cucumber messages go: DIR/messages.ndjson, DIR created. */
export async function messagesFileIn(reportDir: string): Promise<string> {
  await mkdir(reportDir, { recursive: true });
  return join(reportDir, 'messages.ndjson');
}

/**
 * The environment for cucumber's workers: this process's, with the defined values of `handed` set
 * (an undefined one leaves what this process has). With one worker cucumber runs the steps in this
 * very process, where they read process.env, so the same values are set here too.
 */
export function workerEnvironment(handed: Record<string, string | undefined>): Record<string, string | undefined> {
  for (const [key, value] of Object.entries(handed)) if (value !== undefined) process.env[key] = value;
  return { ...process.env };
}

export interface CucumberRun {
  envelopes: Envelope[];
  /** Cucumber's own verdict (see suiteProblem for what it means to us). */
  success: boolean;
  startedAt: Date;
  durationMs: number;
}

/**
 * Runs cucumber with PROFILE of cucumber.mjs plus PROVIDED options, our progress display in place of
 * cucumber's stdout formatter; BANNER (a line on stderr) once the configuration has loaded.
 */
export async function runCucumberWithProgress(
  profile: string,
  provided: Record<string, unknown>,
  env: Record<string, string | undefined>,
  banner: string,
): Promise<CucumberRun> {
  const { loadConfiguration, runCucumber } = await import('@cucumber/cucumber/api');
  // Cucumber always has a formatter on stdout (progress by default); our own display replaces it.
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const environment = { cwd: PACKAGE_ROOT, env, stdout: silent };
  const { runConfiguration } = await loadConfiguration({ file: 'cucumber.mjs', profiles: [profile], provided }, environment);
  process.stderr.write(banner);
  const envelopes: Envelope[] = [];
  const progress = new Progress();
  const startedAt = new Date();
  const t0 = performance.now();
  const result = await runCucumber(runConfiguration, environment, (m) => {
    envelopes.push(m);
    progress.onMessage(m);
  });
  const durationMs = performance.now() - t0;
  progress.draw(true);
  return { envelopes, success: result.success, startedAt, durationMs };
}

/** Writes every report of MODEL to REPORT_DIR; the paths written, the messages file first. */
export async function writeRunReports(model: ComplianceModel, reportDir: string, messagesPath: string): Promise<string[]> {
  const written = await writeReports(model, reportDir);
  written.unshift(messagesPath);
  return written;
}

/**
 * The exit code of a finished run: 1 when a required scenario failed (an `@optional` one is
 * informational, never non-compliance), 3 when one was inconclusive, else 0.
 */
export function exitCodeOf(model: Pick<ComplianceModel, 'scenarios'>): number {
  if (model.scenarios.some((s) => s.verdict === 'failed' && !s.optional)) return 1;
  if (model.scenarios.some((s) => s.verdict === 'inconclusive')) return 3;
  return 0;
}

/**
 * Whether cucumber's own failure flag points at the suite rather than the broker. Cucumber also
 * reports failure for a failed `@optional` scenario, which is informational (exit 0), so only a
 * failure that no scenario verdict explains is a problem with the suite itself.
 */
export function suiteProblem(model: Pick<ComplianceModel, 'scenarios'>, cucumberSucceeded: boolean): boolean {
  return !cucumberSucceeded && !model.scenarios.some((s) => s.verdict === 'failed');
}

/** exitCodeOf, except 2 (with a word on stderr) when cucumber failed for a reason no verdict explains. */
export function runExitCode(model: Pick<ComplianceModel, 'scenarios'>, cucumberSucceeded: boolean): number {
  const code = exitCodeOf(model);
  if (code === 0 && suiteProblem(model, cucumberSucceeded)) {
    process.stderr.write('\ncucumber reported a problem with the suite itself (an undefined or ambiguous step, or a broken hook): see messages.ndjson\n');
    return 2;
  }
  return code;
}

export function printSummary(model: ComplianceModel, written: string[], seconds: number): void {
  const out = ['', ...summaryLines(model, seconds), '', 'Reports:', ...written.map((w) => `  ${w}`)];
  process.stdout.write(`${out.join('\n')}\n`);
}
