/**
 * `mqtt-conformance certify --broker A --broker B ... [--report-dir DIR] [--jobs N] [--tags EXPR] [--parallel N]`
 *
 * Runs the whole suite against each broker (one after another, or N at a time with `--jobs`),
 * each run in its own child process (`mqtt-conformance run`, so that one broker's crash or a
 * stuck run cannot take the others down) writing its reports into `DIR/<broker-slug>/`, then
 * writes the broker matrix (`DIR/matrix.json`, `DIR/matrix.html`, built by reports/) and
 * `DIR/certify.json` (one entry per broker: exit code, report folder, error).
 *
 * Target options (`--profile FILE`, `--ca FILE`, `--cert FILE`, `--key FILE`, `--insecure`, `--username`, `--password`)
 * apply to the `--broker` they follow.
 *
 * Exit codes: 0 every run passed; 1 a scenario failed on some broker; 2 usage or configuration
 * error (nothing is run); 3 a broker could not be reached or started (the other brokers still run).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readReportJson, writeMatrix, type ReportJson } from '../reports/index.js';
import { TargetError, launcherCommand, redactUrl, trackChild } from '../harness/targets/index.js';
import { resolveTarget, targetOptionsUsage, targetSlug, TARGET_FORMS, type ResolveTargetOptions } from './resolve-target.js';
import { checkReportDir, checkSelection, parseExclusions, PreflightError } from './preflight.js';

export const DEFAULT_CERTIFY_DIR = join('reports', 'out', 'certify');

const USAGE = `Usage: mqtt-conformance certify --broker TARGET [target options] [--broker TARGET ...] [options]

Runs the suite against each broker and writes a matrix of their verdicts side by side.

  --broker TARGET   a broker to certify (repeatable). TARGET is one of:
                      ${TARGET_FORMS.join('\n                      ')}
  target options, applying to the --broker they follow:
${targetOptionsUsage(4, 16)}
  --report-dir DIR  where to write (default ${DEFAULT_CERTIFY_DIR}): DIR/<broker>/ for each run,
                    DIR/matrix.json, DIR/matrix.html, DIR/certify.json
  --jobs N          brokers certified at the same time (default 1)
  --tags EXPR       cucumber tag expression passed to each run
  --exclude CAP     declared exclusion passed to each run (see run --help)
  --parallel N      cucumber workers per run (passed to each run)
  -h, --help        this text

Exit codes: 0 all passed, 1 a scenario failed, 2 usage or configuration error, 3 a broker unreachable.
`;

/** One `--broker` with the target options that followed it. */
export interface BrokerArg {
  spec: string;
  options: ResolveTargetOptions;
  /** Folder name under the report dir, unique within the run. */
  slug: string;
}

export interface CertifyOptions {
  brokers: BrokerArg[];
  reportDir: string;
  jobs: number;
  tags?: string;
  parallel?: number;
  /** `--exclude` values, passed to each run. */
  exclude?: string[];
}

/** What one broker's run produced. */
export interface BrokerRunResult {
  broker: string;
  slug: string;
  /** The `run` exit code: 0 passed, 1 failed scenarios, 2 configuration, 3 unreachable. */
  exitCode: number;
  reportDir: string;
  /** Set when the run wrote no report.json (e.g. the broker could not be started). */
  error?: string;
}

/** Runs the suite against one broker, writing into `reportDir`; resolves with the run's exit code. */
export type SuiteRunner = (broker: BrokerArg, reportDir: string, options: CertifyOptions) => Promise<number>;

/**
 * The `certify.json` written beside the matrix: which broker went where and how its run ended.
 * The matrix itself (`matrix.json`) is the `Matrix` of reports/matrix.ts: `columns` (one per broker
 * with a report), and `versions`, `statements` and `scenarios` rows, each with one verdict cell per column.
 */
export interface CertifySummary {
  reportDir: string;
  runs: BrokerRunResult[];
  /** Paths written by reports' writeMatrix (matrix.json, matrix.html); empty when no run produced a report. */
  matrix: string[];
  exitCode: number;
}

class UsageError extends Error {}

function takeValue(argv: readonly string[], i: number, flag: string): string {
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  return value;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`${flag} must be an integer from 1 to 64, got ${JSON.stringify(text)}`);
  return n;
}

/** Unique slugs: a second `process:mosquitto` becomes `mosquitto-2`. */
function uniqueSlugs(specs: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return specs.map((spec) => {
    const base = targetSlug(spec);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

/** Parses certify's argv. Throws UsageError (exit 2) naming the bad argument. */
export function parseCertifyArgs(argv: readonly string[]): CertifyOptions | 'help' {
  const brokers: { spec: string; options: ResolveTargetOptions }[] = [];
  let reportDir = DEFAULT_CERTIFY_DIR;
  let jobs = 1;
  let tags: string | undefined;
  let parallel: number | undefined;
  const exclude: string[] = [];
  const current = (flag: string): ResolveTargetOptions => {
    const last = brokers.at(-1);
    if (last === undefined) throw new UsageError(`${flag} applies to the --broker it follows; give --broker first`);
    return last.options;
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = takeValue(argv, i, flag);
      i++;
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--broker':
        brokers.push({ spec: value(), options: {} });
        break;
      case '--profile':
        current(flag).profile = value();
        break;
      case '--ca':
        current(flag).ca = value();
        break;
      case '--cert':
        current(flag).cert = value();
        break;
      case '--key':
        current(flag).key = value();
        break;
      case '--insecure':
        current(flag).insecure = true;
        break;
      case '--username':
        current(flag).username = value();
        break;
      case '--password':
        current(flag).password = value();
        break;
      case '--report-dir':
        reportDir = value();
        break;
      case '--jobs':
        jobs = positiveInt(value(), flag);
        break;
      case '--tags':
        tags = value();
        break;
      case '--parallel':
        parallel = positiveInt(value(), flag);
        break;
      case '--exclude':
        exclude.push(value());
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(raw)}`);
    }
  }
  if (brokers.length === 0) throw new UsageError('give at least one --broker');
  const slugs = uniqueSlugs(brokers.map((b) => b.spec));
  const options: CertifyOptions = {
    brokers: brokers.map((b, i) => ({ ...b, slug: slugs[i] ?? `broker-${i + 1}` })),
    reportDir,
    jobs,
  };
  if (tags !== undefined) options.tags = tags;
  if (parallel !== undefined) options.parallel = parallel;
  if (exclude.length > 0) options.exclude = exclude;
  return options;
}

/** The `run` arguments for one broker. */
export function runArgs(broker: BrokerArg, reportDir: string, options: CertifyOptions): string[] {
  const args = ['run', '--broker', broker.spec];
  const o = broker.options;
  if (o.profile !== undefined) args.push('--profile', o.profile);
  if (o.ca !== undefined) args.push('--ca', o.ca);
  if (o.cert !== undefined) args.push('--cert', o.cert);
  if (o.key !== undefined) args.push('--key', o.key);
  if (o.insecure === true) args.push('--insecure');
  if (o.username !== undefined) args.push('--username', o.username);
  if (o.password !== undefined) args.push('--password', o.password);
  args.push('--report-dir', reportDir);
  if (options.tags !== undefined) args.push('--tags', options.tags);
  if (options.parallel !== undefined) args.push('--parallel', String(options.parallel));
  for (const e of options.exclude ?? []) args.push('--exclude', e);
  return args;
}

/** Runs `mqtt-conformance run` for one broker in a child process, its output prefixed with the broker's slug. */
export const childProcessRunner: SuiteRunner = (broker, reportDir, options) =>
  new Promise<number>((resolvePromise) => {
    // This very CLI, the way it runs here: compiled from dist/, or its sources through tsx in a clone.
    const self = launcherCommand('cli/main', 'certify');
    const child = spawn(process.execPath, [...self, ...runArgs(broker, reportDir, options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    trackChild(child);
    const prefix = `[${broker.slug}] `;
    const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream): void => {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) out.write(`${prefix}${line}\n`);
      });
      stream.on('end', () => {
        if (partial !== '') out.write(`${prefix}${partial}\n`);
      });
    };
    if (child.stdout) relay(child.stdout, process.stdout);
    if (child.stderr) relay(child.stderr, process.stderr);
    child.once('error', (error) => {
      process.stderr.write(`${prefix}cannot start the run: ${error.message}\n`);
      resolvePromise(3);
    });
    child.once('exit', (code, signal) => resolvePromise(code ?? (signal === null ? 3 : 3)));
  });

/** Runs `tasks` with at most `limit` at once, keeping the results in order. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task !== undefined) results[index] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** The certify exit code from the runs': configuration (2) > unreachable (3) > failed (1) > passed (0). */
export function combinedExitCode(codes: readonly number[]): number {
  if (codes.includes(2)) return 2;
  if (codes.some((c) => c !== 0 && c !== 1 && c !== 2)) return 3;
  if (codes.includes(1)) return 1;
  return 0;
}

/**
 * Certifies every broker of `options` and writes the matrix. Each broker is resolved first, so a
 * bad `--broker` or profile stops everything before any run (TargetError TARGET_CONFIG).
 */
export async function certify(options: CertifyOptions, runner: SuiteRunner = childProcessRunner): Promise<CertifySummary> {
  for (const broker of options.brokers) resolveTarget(broker.spec, broker.options);
  const root = resolve(options.reportDir);
  // Usage mistakes stop everything before any broker starts (PreflightError, exit 2).
  parseExclusions(options.exclude ?? []);
  checkSelection(options.tags, options.tags);
  await checkReportDir(root);
  const runs = await pool(
    options.brokers.map((broker) => async (): Promise<BrokerRunResult> => {
      const reportDir = join(root, broker.slug);
      await mkdir(reportDir, { recursive: true });
      const exitCode = await runner(broker, reportDir, options);
      const result: BrokerRunResult = { broker: redactUrl(broker.spec), slug: broker.slug, exitCode, reportDir };
      if (!existsSync(join(reportDir, 'report.json'))) result.error = `the run ended with exit code ${exitCode} and wrote no report.json`;
      return result;
    }),
    options.jobs,
  );
  const reports: ReportJson[] = [];
  for (const run of runs) {
    if (run.error !== undefined) continue;
    try {
      reports.push(await readReportJson(join(run.reportDir, 'report.json')));
    } catch (error) {
      run.error = `unreadable report.json: ${(error as Error).message}`;
    }
  }
  const matrix = reports.length === 0 ? [] : await writeMatrix(reports, root);
  const summary: CertifySummary = { reportDir: root, runs, matrix, exitCode: combinedExitCode(runs.map((r) => (r.error !== undefined && r.exitCode < 2 ? 3 : r.exitCode))) };
  await writeFile(join(root, 'certify.json'), `${JSON.stringify(summary, null, 2)}\n`, 'utf8');
  return summary;
}

function printSummary(summary: CertifySummary, reports: Map<string, ReportJson>): void {
  const lines = ['', 'Certification summary:'];
  for (const run of summary.runs) {
    const report = reports.get(run.slug);
    if (report === undefined) {
      lines.push(`  ${run.slug.padEnd(22)} no report: ${run.error ?? `exit ${run.exitCode}`}`);
      continue;
    }
    const s = report.summary;
    const versions = report.versions.map((v) => `${v.version} ${v.verdict}`).join(', ');
    lines.push(
      `  ${run.slug.padEnd(22)} ${String(s.passed).padStart(4)} passed ${String(s.failed).padStart(4)} failed ${String(s.optionalNotShown).padStart(4)} optional not shown ${String(s.notApplicable).padStart(4)} n/a ${String(s.inconclusive).padStart(4)} inconclusive  ${versions}`,
    );
  }
  if (summary.matrix.length > 0) lines.push('', `Matrix: ${summary.matrix.join(', ')}`);
  lines.push(`Runs: ${join(summary.reportDir, 'certify.json')}`, '');
  process.stdout.write(lines.join('\n'));
}

export async function main(argv: string[]): Promise<number> {
  let options: CertifyOptions | 'help';
  try {
    options = parseCertifyArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`certify: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  let summary: CertifySummary;
  try {
    summary = await certify(options);
  } catch (error) {
    if ((error instanceof TargetError && error.code === 'TARGET_CONFIG') || error instanceof PreflightError) {
      process.stderr.write(`certify: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const reports = new Map<string, ReportJson>();
  for (const run of summary.runs) {
    if (run.error === undefined) reports.set(run.slug, await readReportJson(join(run.reportDir, 'report.json')));
  }
  printSummary(summary, reports);
  return summary.exitCode;
}
