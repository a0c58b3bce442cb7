/**
 * `mqtt-conformance run`: starts the target once, runs the Gherkin suite against it with cucumber
 * (parallel workers; its message stream kept as DIR/messages.ndjson), shows progress, builds the
 * compliance model and writes the reports. Exit codes: 0 nothing failed, 1 a (non-optional) scenario failed,
 * 2 usage or configuration error, 3 the target could not be reached (or died during the run).
 * Also what a client run (`run --client`, client-run.ts) does alike around cucumber: hand values to
 * the workers through the environment, run cucumber with our progress display in place of its
 * formatter, write the reports, and turn the verdicts into the exit code.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { Envelope } from '@cucumber/messages';
import { buildComplianceModel, writeReports, type ComplianceModel, type RunMeta } from '../reports/index.js';
import { PACKAGE_ROOT, TargetError, RUNNING_COMPILED, withExclusions, type DeclaredExclusion, type StartedTarget, type TargetDescription } from '../harness/targets/index.js';
import { packageVersion } from '../reference/target/index.js';
import { TARGET_FORMS, defaultWorkers, targetOptionsUsage, redactArgv, resolveClusterTarget, resolveTarget, targetNameOf, workersFor } from './resolve-target.js';
import { Progress, summaryLines } from './terminal.js';
import { checkReportDir, checkSelection, parseExclusions, PreflightError } from './preflight.js';
import { estimator, formatPlan, parseShard, plan, readDurations, schedulingPlugin, selectedScenarios, type ShardSpec } from './schedule.js';
import { ENV } from '../contract/index.js';
import { installLeanWorkMessages } from './lean-work-messages.js';
import type { SuiteTarget } from '../steps/support/applicability.js';

export const DEFAULT_REPORT_DIR = join('reports', 'out');
const VERSIONS = ['3.1', '3.1.1', '5'] as const;

export const RUN_USAGE = `Usage: mqtt-conformance run [options]

Runs the conformance suite against one broker and writes the reports.
(To judge an MQTT client library instead: mqtt-conformance run --client CLIENT --help.)

Options:
  --broker TARGET     the broker to test (default: reference). One of:
${TARGET_FORMS.map((f) => `                        ${f}`).join('\n')}
  --node URL          another endpoint (node) of the same clustered broker, repeatable: with
                      --broker URL the target is a cluster (the @cluster scenarios apply)
${targetOptionsUsage(2, 20)}
  --tags EXPR         cucumber tag expression, e.g. '@MQTT-3.1.0-1 or @v3.1' or 'not @optional'
  --version V         only scenarios of protocol version V (3.1.1, 3.1 or 5)
  --exclude CAP[=WHY] declare a capability out of judgement (qos1, qos2, retain, wildcards,
                      shared-subscriptions; repeatable, or comma-separated): its scenarios are
                      not applicable and every report lists the exclusion
  --parallel N        cucumber worker processes (default: chosen from the target: more for a
                      broker on this machine, whose scenarios mostly wait, than for a remote one)
  --shard I/N         run only part I of N of the selected scenarios (balanced by recorded
                      duration); merge the parts with \`report --from DIR1 DIR2 ...\`
  --dry-run           print the schedule (order, workers, estimated time) and run nothing
  --report-dir DIR    where to write messages.ndjson, report.json, report.html, junit.xml,
                      summary.md (default: ${DEFAULT_REPORT_DIR})
  --timeout MS        bound of every expectation in ms (default: 3000)
  -h, --help          this help

Exit codes: 0 nothing failed, 1 a (non-optional) scenario failed, 2 usage or configuration error,
3 the broker could not be reached or died during the run.`;

export interface RunOptions {
  broker: string;
  /** Further nodes of a clustered broker (`--node`). */
  nodes?: string[];
  profile?: string;
  ca?: string;
  cert?: string;
  key?: string;
  insecure: boolean;
  username?: string;
  password?: string;
  tags?: string;
  version?: (typeof VERSIONS)[number];
  /** Worker processes; undefined: chosen from the target (cli/schedule.ts). */
  parallel?: number;
  reportDir: string;
  shard?: ShardSpec;
  dryRun?: boolean;
  timeoutMs?: number;
  /** `--exclude` values as given (checked by the preflight). */
  exclude: string[];
}

/** A usage error: says what to fix. */
export class UsageError extends Error {
  readonly code = 'CLI_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a whole number >= 1, got ${JSON.stringify(text)}`);
  return n;
}

/** Parses `run` arguments; throws UsageError naming what is wrong. Undefined means --help. */
export function parseRunArgs(argv: string[], cwd: string = process.cwd()): RunOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        broker: { type: 'string' },
        node: { type: 'string', multiple: true },
        profile: { type: 'string' },
        ca: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        insecure: { type: 'boolean' },
        username: { type: 'string' },
        password: { type: 'string' },
        tags: { type: 'string' },
        version: { type: 'string' },
        parallel: { type: 'string' },
        'report-dir': { type: 'string' },
        timeout: { type: 'string' },
        exclude: { type: 'string', multiple: true },
        shard: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return undefined;
  const options: RunOptions = {
    broker: v.broker ?? 'reference',
    insecure: v.insecure ?? false,
    reportDir: resolve(cwd, v['report-dir'] ?? DEFAULT_REPORT_DIR),
    exclude: v.exclude ?? [],
  };
  if (options.broker.trim() === '') throw new UsageError('--broker needs a target, e.g. --broker mqtt://localhost:1883');
  if (v.node !== undefined && v.node.length > 0) options.nodes = v.node;
  if (v.profile !== undefined) options.profile = resolve(cwd, v.profile);
  if (v.ca !== undefined) options.ca = resolve(cwd, v.ca);
  if (v.cert !== undefined) options.cert = resolve(cwd, v.cert);
  if (v.key !== undefined) options.key = resolve(cwd, v.key);
  if ((options.cert === undefined) !== (options.key === undefined)) throw new UsageError('--cert and --key go together');
  if (v.password !== undefined && v.username === undefined) throw new UsageError('--password needs --username');
  if (v.username !== undefined) options.username = v.username;
  if (v.password !== undefined) options.password = v.password;
  if (v.tags !== undefined) {
    if (v.tags.trim() === '') throw new UsageError('--tags needs a tag expression, e.g. --tags "@v3.1.1 and not @optional"');
    options.tags = v.tags;
  }
  if (v.version !== undefined) {
    const version = v.version.replace(/^v/, '');
    if (!(VERSIONS as readonly string[]).includes(version)) throw new UsageError(`--version must be one of ${VERSIONS.join(', ')}, got ${JSON.stringify(v.version)}`);
    options.version = version as RunOptions['version'];
  }
  if (v.timeout !== undefined) options.timeoutMs = positiveInt('--timeout', v.timeout);
  if (v.parallel !== undefined) options.parallel = positiveInt('--parallel', v.parallel);
  if (v.shard !== undefined) {
    try {
      options.shard = parseShard(v.shard);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (v['dry-run'] === true) options.dryRun = true;
  return options;
}

/** The tag expression cucumber runs: the user's, narrowed to the chosen version. */
export function tagExpression(options: Pick<RunOptions, 'tags' | 'version'>): string | undefined {
  const parts: string[] = [];
  if (options.tags !== undefined) parts.push(`(${options.tags})`);
  if (options.version !== undefined) parts.push(`@v${options.version}`);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

async function startTarget(options: RunOptions): Promise<StartedTarget> {
  const resolveOptions: Parameters<typeof resolveTarget>[1] = { insecure: options.insecure };
  if (options.profile !== undefined) resolveOptions.profile = options.profile;
  if (options.ca !== undefined) resolveOptions.ca = options.ca;
  if (options.cert !== undefined) resolveOptions.cert = options.cert;
  if (options.key !== undefined) resolveOptions.key = options.key;
  if (options.username !== undefined) resolveOptions.username = options.username;
  if (options.password !== undefined) resolveOptions.password = options.password;
  const target = options.nodes ? resolveClusterTarget(options.broker, options.nodes, resolveOptions) : resolveTarget(options.broker, resolveOptions);
  return target.start();
}

// ---- Around cucumber: shared with a client run (client-run.ts) --------------------------------

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
  messagesPath: string,
): Promise<CucumberRun> {
  const { loadConfiguration, runCucumber } = await import('@cucumber/cucumber/api');
  installLeanWorkMessages();
  // Cucumber always has a formatter on stdout (progress by default); our own display replaces it.
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const environment = { cwd: PACKAGE_ROOT, env, stdout: silent };
  const { runConfiguration } = await loadConfiguration({ file: 'cucumber.mjs', profiles: [profile], provided }, environment);
  process.stderr.write(banner);
  const envelopes: Envelope[] = [];
  const progress = new Progress();
  const startedAt = new Date();
  const t0 = performance.now();
  let result: Awaited<ReturnType<typeof runCucumber>>;
  try {
    result = await runCucumber(runConfiguration, environment, (m) => {
      envelopes.push(m);
      progress.onMessage(m);
    });
  } finally {
    // The message stream as cucumber's `message` formatter writes it (one JSON envelope per line),
    // written once at the end, even of a run that broke off: the formatter made one file write per
    // envelope (12,760 in a whole run) in this process, which also runs the embedded broker.
    await writeFile(messagesPath, envelopes.map((e) => `${JSON.stringify(e)}\n`).join(''));
  }
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

// ---- The broker run ---------------------------------------------------------------------------

let typeScriptLoaderRegistered = false;

/**
 * From the sources (a clone), cucumber imports the TypeScript scheduling plugin in this process:
 * register tsx first, unless it is loaded already (`tsx cli/main.ts`). Never when compiled.
 */
async function loadTypeScriptPlugins(): Promise<void> {
  if (RUNNING_COMPILED || typeScriptLoaderRegistered) return;
  typeScriptLoaderRegistered = true;
  const { register } = await import('tsx/esm/api');
  register();
}

/**
 * When the target can start another instance of itself and the selection has `@serial` scenarios
 * to put on it (with more than one worker, else they run alone anyway): that instance. A failure to
 * start it costs only time: the `@serial` scenarios then run alone on the shared instance.
 */
async function isolatedInstanceFor(started: StartedTarget, serialSelected: boolean, workers: number): Promise<StartedTarget | undefined> {
  if (started.startIsolated === undefined || !serialSelected || workers < 2) return undefined;
  try {
    return await started.startIsolated();
  } catch (e) {
    process.stderr.write(`warning: no second instance of the broker for the @serial scenarios (${(e as Error).message}); they run alone\n`);
    return undefined;
  }
}

/**
 * The durations to schedule a run against `targetName` by (cli/durations.json): the target's own
 * where recorded, else the reference broker's (the same scenarios wait on the same timers), else none.
 */
export function durationsOf(targetName: string): Record<string, number> {
  const file = readDurations();
  return { ...(file.targets['reference'] ?? {}), ...(file.targets[targetName] ?? {}) };
}

/** `run --dry-run`: prints the planned schedule and its estimate; starts nothing. */
export function dryRun(options: { broker: string; parallel?: number; shard?: ShardSpec }, tags: string | undefined): number {
  const target = targetNameOf(options.broker);
  const durations = durationsOf(target.name);
  const part = selectedScenarios(tags, options.shard, durations);
  const workers = Math.max(1, Math.min(options.parallel ?? workersFor(target.kind, target.host), part.length));
  // Only the in-process reference broker starts a second instance for the @serial scenarios (runSuite).
  const isolated = options.broker.trim() === 'reference' && workers > 1 && part.some((s) => s.serial);
  process.stdout.write(`${formatPlan(plan(part, workers, estimator(durations), { isolated, cpuBound: target.kind === 'reference' }), target.name, options.shard)}\n`);
  return 0;
}

/** Runs the suite against an already started target; returns the exit code. */
export async function runSuite(started: StartedTarget, options: RunOptions, argv: string[], exclusions: readonly DeclaredExclusion[] = []): Promise<number> {
  await loadTypeScriptPlugins();
  const messagesPath = await messagesFileIn(options.reportDir);
  const description = started.describe();
  const tags = tagExpression(options);
  const durations = durationsOf(description.name);
  const selection = selectedScenarios(tags, options.shard, durations);
  const workers = Math.max(1, Math.min(options.parallel ?? defaultWorkers(started), selection.length));
  const isolated = await isolatedInstanceFor(started, selection.some((s) => s.serial), workers);
  try {
    return await runSuiteWith(started, isolated, { options, argv, exclusions, messagesPath, tags, workers, description, durations });
  } finally {
    await isolated?.stop().catch((e: unknown) => process.stderr.write(`warning: stopping the @serial scenarios' broker instance failed: ${(e as Error).message}\n`));
  }
}

interface SuiteRunSettings {
  options: RunOptions;
  argv: string[];
  exclusions: readonly DeclaredExclusion[];
  messagesPath: string;
  tags: string | undefined;
  workers: number;
  description: TargetDescription;
  /** The recorded scenario durations the run is scheduled by (durationsOf). */
  durations: Record<string, number>;
}

async function runSuiteWith(started: StartedTarget, isolated: StartedTarget | undefined, settings: SuiteRunSettings): Promise<number> {
  const { options, argv, exclusions, messagesPath, tags, workers, description, durations } = settings;
  // The profile's exclusions are in the capabilities already; the command line's join them here.
  const capabilities = withExclusions(started.capabilities, exclusions);
  const suiteTarget: SuiteTarget = { endpoint: started.endpoint, capabilities, description };
  if (isolated !== undefined) suiteTarget.isolated = { endpoint: isolated.endpoint, capabilities: withExclusions(isolated.capabilities, exclusions), description: isolated.describe() };
  const env = workerEnvironment({
    [ENV.target]: JSON.stringify(suiteTarget),
    [ENV.version]: options.version,
    [ENV.timeoutMs]: options.timeoutMs === undefined ? undefined : String(options.timeoutMs),
  });
  const provided: Record<string, unknown> = {
    parallel: workers > 1 ? workers : 0,
    ...schedulingPlugin(durations, options.shard, {
      isolated: isolated !== undefined,
      // The reference broker (in this process, or nodes on this machine) competes with the workers for the CPUs.
      ...(description.kind === 'reference' ? { cpuBoundWorkers: workers } : {}),
    }),
  };
  if (tags !== undefined) provided['tags'] = tags;
  // The compiled steps when this CLI runs compiled (the installed package), else the sources through tsx.
  const profile = RUNNING_COMPILED ? 'compiled' : 'runner';
  const banner =
    `mqtt-conformance ${packageVersion()}: ${description.name}${description.version ? ` ${description.version}` : ''} at ${started.endpoint.url}` +
    ` (${workers} worker${workers === 1 ? '' : 's'}${tags ? `, tags ${tags}` : ''}${options.shard ? `, shard ${options.shard.index}/${options.shard.total}` : ''})\n`;
  const { envelopes, success, startedAt, durationMs } = await runCucumberWithProgress(profile, provided, env, banner, messagesPath);

  const died = started.failure?.();
  const meta: RunMeta = {
    tool: { name: 'mqtt-conformance', version: packageVersion() },
    target: description,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    argv: ['mqtt-conformance', 'run', ...redactArgv(argv)],
  };
  if (tags !== undefined) meta.tags = tags;
  if (capabilities.exclusions !== undefined) meta.exclusions = capabilities.exclusions;
  const model = buildComplianceModel(envelopes, meta);
  const written = await writeRunReports(model, options.reportDir, messagesPath);
  // The broker's own log explains a failure from its side: kept with the report when one failed.
  const brokerLog = started.output?.();
  if (brokerLog !== undefined && (died !== undefined || exitCodeOf(model) !== 0)) {
    const logPath = join(options.reportDir, 'broker.log');
    await writeFile(logPath, brokerLog);
    written.push(logPath);
  }
  printSummary(model, written, durationMs / 1000);

  if (died) {
    process.stderr.write(`\nThe broker died during the run, so the results are inconclusive: ${died.message}\n${died.detail ?? ''}\n`);
    return 3;
  }
  return runExitCode(model, success);
}

export async function main(argv: string[]): Promise<number> {
  let options: RunOptions | undefined;
  try {
    options = parseRunArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`mqtt-conformance run: ${e.message}\nRun "mqtt-conformance run --help" for the options.\n`);
      return 2;
    }
    throw e;
  }
  if (options === undefined) {
    process.stdout.write(`${RUN_USAGE}\n`);
    return 0;
  }
  let exclusions: DeclaredExclusion[];
  try {
    exclusions = parseExclusions(options.exclude);
    checkSelection(options.tags, tagExpression(options));
    await checkReportDir(options.reportDir);
  } catch (e) {
    if (e instanceof PreflightError) {
      process.stderr.write(`mqtt-conformance run: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (options.dryRun) return dryRun(options, tagExpression(options));
  let started: StartedTarget;
  try {
    started = await startTarget(options);
  } catch (e) {
    if (e instanceof TargetError) {
      const config = e.code === 'TARGET_CONFIG';
      process.stderr.write(`mqtt-conformance run: ${config ? '' : 'cannot use the broker: '}${e.message}\n${e.detail ? `${e.detail}\n` : ''}`);
      return config ? 2 : 3;
    }
    throw e;
  }
  // Ctrl-C or a kill stops the broker this run started (a local process or container) before leaving.
  const interrupted = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\nmqtt-conformance run: ${signal}, stopping the broker\n`);
    void started.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await runSuite(started, options, argv, exclusions);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await started.stop().catch((e: unknown) => process.stderr.write(`warning: stopping the broker failed: ${(e as Error).message}\n`));
  }
}
