/**
 * `mqtt-conformance action`: the steps of the GitHub Action (action.yml) in one command, so a
 * test can run exactly what the Action runs. Reads the Action's inputs from INPUT_* variables,
 * runs `run` (one broker) or `certify` (several), appends summary.md to $GITHUB_STEP_SUMMARY,
 * writes verdict and counts to $GITHUB_OUTPUT, and leaves the report directory for an upload step.
 * Exit code: the run's, except that with fail-on-optional a failed @optional scenario fails too.
 */
import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readReportJson, type ReportJson } from '../reports/index.js';

export const ACTION_USAGE = `Usage: mqtt-conformance action

The GitHub Action's step (see action.yml), configured by environment variables:
  INPUT_BROKER            broker target(s), one per line (default: reference); several run certify
  INPUT_TAGS              cucumber tag expression
  INPUT_PROTOCOL_VERSION  3.1, 3.1.1 or 5 (one broker only)
  INPUT_REPORT_DIR        where the reports go (default: mqtt-conformance-report)
  INPUT_FAIL_ON_OPTIONAL  true: a failed @optional scenario fails the step too
  GITHUB_STEP_SUMMARY     file the summary.md of each run is appended to
  GITHUB_OUTPUT           file the outputs verdict, passed, failed, not-applicable, inconclusive, exit-code go to`;

interface Counts {
  passed: number;
  failed: number;
  notApplicable: number;
  inconclusive: number;
  optionalFailed: number;
}

function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name}`] ?? '').trim();
}

function countsOf(reports: ReportJson[]): Counts {
  const c: Counts = { passed: 0, failed: 0, notApplicable: 0, inconclusive: 0, optionalFailed: 0 };
  for (const r of reports) {
    c.passed += r.summary.passed;
    c.failed += r.summary.failed;
    c.notApplicable += r.summary.notApplicable;
    c.inconclusive += r.summary.inconclusive;
    c.optionalFailed += r.scenarios.filter((s) => s.verdict === 'failed' && s.optional).length;
  }
  return c;
}

/** The report directories of a run (DIR) or of certify (DIR/<broker>/). */
function runDirs(reportDir: string): string[] {
  if (existsSync(join(reportDir, 'report.json'))) return [reportDir];
  if (!existsSync(reportDir)) return [];
  return readdirSync(reportDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(reportDir, d.name, 'report.json')))
    .map((d) => join(reportDir, d.name))
    .sort();
}

/** The verdict output: from the exit code, and with fail-on-optional, optional failures. */
export function verdictOf(exitCode: number, counts: Counts, failOnOptional: boolean): string {
  if (exitCode === 2) return 'error';
  if (exitCode === 3) return 'inconclusive';
  if (exitCode === 1) return 'failed';
  if (failOnOptional && counts.optionalFailed > 0) return 'failed';
  return 'passed';
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${ACTION_USAGE}\n`);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`mqtt-conformance action: takes no arguments (its inputs are INPUT_* variables), got ${argv.join(' ')}\n`);
    return 2;
  }
  const brokers = input(env, 'BROKER').split('\n').map((b) => b.trim()).filter((b) => b !== '');
  if (brokers.length === 0) brokers.push('reference');
  const tags = input(env, 'TAGS');
  const version = input(env, 'PROTOCOL_VERSION');
  const reportDir = resolve(input(env, 'REPORT_DIR') || 'mqtt-conformance-report');
  const failOnOptional = input(env, 'FAIL_ON_OPTIONAL') === 'true';
  if (version !== '' && brokers.length > 1) {
    process.stderr.write('mqtt-conformance action: protocol-version applies to one broker; with several, narrow them with tags (e.g. @v5)\n');
    return 2;
  }
  let exitCode: number;
  if (brokers.length === 1) {
    const args = ['--broker', brokers[0] ?? 'reference', '--report-dir', reportDir];
    if (tags !== '') args.push('--tags', tags);
    if (version !== '') args.push('--version', version);
    exitCode = await (await import('./run.js')).main(args);
  } else {
    const args = [...brokers.flatMap((b) => ['--broker', b]), '--report-dir', reportDir];
    if (tags !== '') args.push('--tags', tags);
    exitCode = await (await import('./certify.js')).main(args);
  }
  const dirs = runDirs(reportDir);
  const reports = await Promise.all(dirs.map((d) => readReportJson(join(d, 'report.json'))));
  const counts = countsOf(reports);
  const verdict = verdictOf(exitCode, counts, failOnOptional);
  const summaryFile = env['GITHUB_STEP_SUMMARY'];
  if (summaryFile !== undefined && summaryFile !== '') {
    for (const dir of dirs) {
      const md = join(dir, 'summary.md');
      if (existsSync(md)) appendFileSync(summaryFile, `${readFileSync(md, 'utf8').trimEnd()}\n\n`);
    }
    if (dirs.length === 0) appendFileSync(summaryFile, `mqtt-conformance: no report was written (exit code ${exitCode}); see the step's log.\n`);
  }
  const outputFile = env['GITHUB_OUTPUT'];
  if (outputFile !== undefined && outputFile !== '') {
    const lines = [
      `verdict=${verdict}`,
      `exit-code=${exitCode}`,
      `passed=${counts.passed}`,
      `failed=${counts.failed}`,
      `not-applicable=${counts.notApplicable}`,
      `inconclusive=${counts.inconclusive}`,
      `report-dir=${reportDir}`,
    ];
    appendFileSync(outputFile, `${lines.join('\n')}\n`);
  }
  if (exitCode === 0 && verdict === 'failed') {
    process.stderr.write(`mqtt-conformance action: ${counts.optionalFailed} @optional scenario(s) failed and fail-on-optional is true\n`);
    return 1;
  }
  return exitCode;
}
