/**
 * The public API of the mqtt-conformance package (`import { runSuite, startBroker, codec } from 'mqtt-conformance'`).
 * - `runSuite`: what `mqtt-conformance run` does, from code; resolves with the exit code and the report.
 * - `startBroker`: the reference broker, in this process.
 * - `codec`: the byte-exact MQTT 3.1/3.1.1/5.0 packet codec (also `mqtt-conformance/codec`).
 * package.json's `exports` names exactly these two entry points (`.` and `./codec`).
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readReportJson, type ReportJson } from '../reports/index.js';
import { main as runMain } from './run.js';

export { startBroker, type BrokerOptions, type RunningBroker } from '../reference/index.js';
export * as codec from '../harness/codec/index.js';
export type { ReportJson, ComplianceModel, ScenarioResult, StatementVerdict, VersionResult } from '../reports/index.js';

/** What to run: the options of `mqtt-conformance run`, by name. */
export interface RunSuiteOptions {
  /** The broker to test: `reference` (default), `mqtt://[user:pass@]host:port`, `process:NAME`, `container:IMAGE`… */
  broker?: string;
  /** A cucumber tag expression, e.g. `'@v5 and not @optional'`. */
  tags?: string;
  /** Only the scenarios of this protocol version. */
  version?: '3.1' | '3.1.1' | '5';
  /** Where the reports go (default `reports/out` under the current directory). */
  reportDir?: string;
  /** A broker profile file (capabilities, credentials, how to start it). */
  profile?: string;
  username?: string;
  password?: string;
  /** Cucumber worker processes. */
  parallel?: number;
  /** Bound of every expectation, in ms. */
  timeoutMs?: number;
}

export interface SuiteResult {
  /** As the CLI's: 0 nothing failed, 1 a required scenario failed, 2 configuration error, 3 broker unreachable. */
  exitCode: number;
  /** The report (report.json's content: the compliance model and run metadata); absent when no run happened (exit 2 or 3 before the run). */
  report?: ReportJson;
  /** The directory holding report.json, report.html, junit.xml, summary.md and messages.ndjson. */
  reportDir: string;
}

/** The `run` command line for `options`. */
export function runArguments(options: RunSuiteOptions, reportDir: string): string[] {
  const args = ['--broker', options.broker ?? 'reference', '--report-dir', reportDir];
  if (options.tags !== undefined) args.push('--tags', options.tags);
  if (options.version !== undefined) args.push('--version', options.version);
  if (options.profile !== undefined) args.push('--profile', options.profile);
  if (options.username !== undefined) args.push('--username', options.username);
  if (options.password !== undefined) args.push('--password', options.password);
  if (options.parallel !== undefined) args.push('--parallel', String(options.parallel));
  if (options.timeoutMs !== undefined) args.push('--timeout', String(options.timeoutMs));
  return args;
}

/**
 * Runs the conformance suite against one broker, exactly as `mqtt-conformance run` does (its
 * progress on stderr, its summary on stdout), writes the reports and resolves with the exit code
 * and the report. Never rejects for a broker's behaviour: that is in the exit code and the report.
 */
export async function runSuite(options: RunSuiteOptions = {}): Promise<SuiteResult> {
  const reportDir = resolve(options.reportDir ?? join('reports', 'out'));
  const startedAt = Date.now();
  const exitCode = await runMain(runArguments(options, reportDir));
  const result: SuiteResult = { exitCode, reportDir };
  const reportPath = join(reportDir, 'report.json');
  // Only a report this run wrote: a broker unreachable at start leaves an older one in place.
  const written = await stat(reportPath).then((s) => s.mtimeMs >= startedAt - 1000, () => false);
  if (written) result.report = await readReportJson(reportPath);
  return result;
}
