import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_BROKERS } from './brokers/index.js';
import { benchClusterIfAsked, checkClusterArgs, clusterFailed, clusterSelectors } from './cluster/index.js';
import { runCodecBenchIfPresent, type CodecBenchOutcome } from './codec-bench.js';
import { BenchError } from './errors.js';
import { DEFAULT_OPTIONS, type BenchOptions } from './options.js';
import { openFilesLimit } from './proc.js';
import { buildRows, type ResultRow } from './results.js';
import { runBenchmarks, type BrokerInfo } from './runner.js';
import { scenarioSelectors, selectScenarios } from './scenarios/index.js';
import { formatSuiteTiming, suiteTarget, timeSuite, type SuiteTiming } from './suite.js';
import { formatTable } from './table.js';
import { checkTargets, formatTargets } from './targets.js';

export const USAGE = `usage: mqtt-conformance bench [--broker TARGET]... [--scenario S]... [--rounds N] [--json FILE] [--suite]

Load-tests brokers side by side with a raw-socket load generator spread over worker processes.
  --broker TARGET        reference | reference:heap-growth | reference@DIR (another checkout's) | reference:cluster:1|2|3 | mosquitto | aedes | mqtt://host:port
                         (repeatable; default: reference, mosquitto, aedes)
  --scenario S           fan-in | fan-in-qos0|1|2 | fan-out | latency | connections | retained | codec
                         | cluster | cluster-qos0|1 | cluster-latency (reference alone and as 1-3 nodes on Redis)
                         (repeatable; default: all)
  --rounds N             rounds per scenario and broker, brokers alternating (default ${DEFAULT_OPTIONS.rounds})
  --duration MS          publishing time of a throughput round (default ${DEFAULT_OPTIONS.durationMs})
  --warmup MS            unmeasured run per broker before a throughput scenario (default ${DEFAULT_OPTIONS.warmupMs}; 0: none)
  --workers N            load-generator processes (default ${DEFAULT_OPTIONS.workers})
  --publishers N         fan-in publishers (default ${DEFAULT_OPTIONS.publishers})
  --subscribers M        fan-out subscribers (default ${DEFAULT_OPTIONS.subscribers})
  --connections C        idle connections (default ${DEFAULT_OPTIONS.connections})
  --retained R           retained topics (default ${DEFAULT_OPTIONS.retained})
  --rate N               latency scenario msg/s (default ${DEFAULT_OPTIONS.rate}); --latency-duration MS (default ${DEFAULT_OPTIONS.latencyDurationMs})
  --window N             QoS 1/2 messages in flight per publisher (default ${DEFAULT_OPTIONS.window})
  --payload BYTES        payload size (default ${DEFAULT_OPTIONS.payloadBytes})
  --max-backlog N        deliveries publishers may run ahead of subscribers (default ${DEFAULT_OPTIONS.maxBacklog})
  --host ADDR            address the started brokers listen on and the generator connects to (default ${DEFAULT_OPTIONS.host})
  --json FILE            also write the results as JSON
  --markdown             print the table as Markdown
  --suite                time a full conformance run instead, against each --broker (default: reference;
                         mosquitto, aedes, rabbitmq, ejabberd mean their process: profiles; any
                         run --broker value works): wall time, the ten slowest scenarios, the waiting share
  --suite-parallel N     with --suite: workers (default: the run's choice for the target)
  --suite-version V      with --suite: only the scenarios of version V (3.1.1, 3.1 or 5)
  -h, --help
Exit code: 0 done; 1 a round failed or a QoS 1/2 message was lost; 2 usage error; 3 no broker could run.`;

const NUMBER_FLAGS = {
  rounds: 'rounds',
  duration: 'durationMs',
  warmup: 'warmupMs',
  workers: 'workers',
  publishers: 'publishers',
  subscribers: 'subscribers',
  connections: 'connections',
  retained: 'retained',
  rate: 'rate',
  'latency-duration': 'latencyDurationMs',
  window: 'window',
  payload: 'payloadBytes',
  'max-backlog': 'maxBacklog',
  'drain-timeout': 'drainTimeoutMs',
  'connect-concurrency': 'connectConcurrency',
} as const satisfies Record<string, keyof BenchOptions>;

export interface ParsedArgs {
  brokers: string[];
  scenarios: string[];
  options: BenchOptions;
  json: string | undefined;
  markdown: boolean;
  suite: boolean;
  /** Passed to `run --version` by --suite (e.g. 3.1.1). */
  suiteVersion: string | undefined;
  /** Passed to `run --parallel` by --suite. */
  suiteParallel: number | undefined;
  /** --broker was given (else --suite times the reference broker only). */
  brokersGiven: boolean;
  help: boolean;
}

/** Parses the bench command line; throws BenchError BENCH_USAGE naming what was wrong. */
export function parseBenchArgs(argv: readonly string[]): ParsedArgs {
  const numberOptions = Object.fromEntries(Object.keys(NUMBER_FLAGS).map((k) => [k, { type: 'string' as const }]));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        broker: { type: 'string', short: 'b', multiple: true },
        scenario: { type: 'string', short: 's', multiple: true },
        json: { type: 'string' },
        markdown: { type: 'boolean' },
        suite: { type: 'boolean' },
        'suite-version': { type: 'string' },
        'suite-parallel': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        host: { type: 'string' },
        ...numberOptions,
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    throw new BenchError('BENCH_USAGE', (e as Error).message);
  }
  const v = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const options: BenchOptions = { ...DEFAULT_OPTIONS };
  for (const [flag, key] of Object.entries(NUMBER_FLAGS)) {
    const raw = v[flag];
    if (typeof raw !== 'string') continue;
    const n = Number(raw);
    const min = key === 'warmupMs' ? 0 : 1;
    if (!Number.isInteger(n) || n < min) throw new BenchError('BENCH_USAGE', `--${flag} must be an integer >= ${min}, got '${raw}'`);
    options[key] = n;
  }
  if (options.window > 65534) throw new BenchError('BENCH_USAGE', `--window must be at most 65534, got ${options.window}`);
  if (typeof v['host'] === 'string') options.host = v['host'];
  const scenarios = (v['scenario'] as string[] | undefined) ?? [];
  const known = [...scenarioSelectors(), ...clusterSelectors(), 'codec'];
  for (const s of scenarios) if (!known.includes(s)) throw new BenchError('BENCH_USAGE', `--scenario ${s}: unknown (expected one of ${known.join(', ')})`);
  checkClusterArgs(scenarios, v['broker'] !== undefined, options);
  return {
    brokers: (v['broker'] as string[] | undefined) ?? [...DEFAULT_BROKERS],
    scenarios,
    options,
    json: typeof v['json'] === 'string' ? v['json'] : undefined,
    markdown: v['markdown'] === true,
    suite: v['suite'] === true,
    suiteVersion: typeof v['suite-version'] === 'string' ? v['suite-version'] : undefined,
    suiteParallel: suiteParallelOf(v['suite-parallel']),
    brokersGiven: v['broker'] !== undefined,
    help: v['help'] === true,
  };
}

function suiteParallelOf(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new BenchError('BENCH_USAGE', `--suite-parallel must be an integer >= 1, got '${raw}'`);
  return n;
}

function machine(): Record<string, unknown> {
  const c = cpus();
  return { cpus: c.length, model: c[0]?.model ?? 'unknown', node: process.version, loadavg: loadavg(), openFiles: openFilesLimit() };
}

function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

/** Notes under the table: how busy the machine was besides the broker and the generator. */
function noiseNote(rows: readonly ResultRow[], before: number[], after: number[]): string {
  const lines = [`load average before ${before.map((x) => x.toFixed(2)).join(' ')}, after ${after.map((x) => x.toFixed(2)).join(' ')}.`];
  const cores = cpus().length;
  const worst = Math.max(0, ...rows.flatMap((r) => r.machineCpu));
  if ((before[0] ?? 0) > cores * 0.5 || worst > 180) {
    lines.push(
      'NOISY: the machine was busy with other work during the run (shared with other people\'s tests); ' +
        'the "machine CPU" column shows all cores busy beyond what the broker and the generator used. Compare ratios, not absolute figures.',
    );
  }
  return lines.join('\n');
}

/** `mqtt-conformance bench` / `npm run bench`. Returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const m = machine();
  log(`mqtt-conformance bench, ${startedAt}: ${String(m['cpus'])} x ${String(m['model'])}, Node ${process.version}, load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);

  if (args.suite) {
    const extra = [...(args.suiteVersion ? ['--version', args.suiteVersion] : []), ...(args.suiteParallel ? ['--parallel', String(args.suiteParallel)] : [])];
    const timings: SuiteTiming[] = [];
    for (const broker of args.brokersGiven ? args.brokers : ['reference']) {
      try {
        const timing = await timeSuite(suiteTarget(broker), extra, log);
        timings.push(timing);
        log(formatSuiteTiming(timing));
      } catch (e) {
        log(`suite timing against ${broker} failed: ${(e as Error).message}`);
        return e instanceof BenchError && e.code === 'BENCH_SUITE' ? 3 : 1;
      }
    }
    if (args.json) await writeFile(args.json, JSON.stringify({ tool: 'mqtt-conformance bench', startedAt, machine: m, suite: timings }, null, 2));
    // A run is timed whatever its verdicts (a third-party broker fails scenarios); only a run that could not judge is an error.
    return timings.every((t) => t.exitCode === 0 || t.exitCode === 1) ? 0 : 1;
  }

  let brokers: BrokerInfo[] = [];
  let rows: ResultRow[] = [];
  let records: Awaited<ReturnType<typeof runBenchmarks>>['records'] = [];
  const wantsCodec = args.scenarios.length === 0 || args.scenarios.includes('codec');
  const loadScenarios = args.scenarios.filter((s) => s !== 'codec' && !clusterSelectors().includes(s));
  const scenarios = args.scenarios.length === 0 ? selectScenarios([]) : loadScenarios.length > 0 ? selectScenarios(loadScenarios) : [];
  if (scenarios.length > 0) {
    log(
      `load generator: ${args.options.workers} worker processes, MQTT 3.1.1 over raw TCP, pre-encoded packets, ${args.options.rounds} rounds, ` +
        `brokers alternating round by round; open-files limit ${openFilesLimit()?.soft ?? '?'}`,
    );
    try {
      const outcome = await runBenchmarks(args.brokers, scenarios, args.options, log);
      brokers = outcome.brokers;
      records = outcome.records;
    } catch (e) {
      if (e instanceof BenchError && e.code === 'BENCH_USAGE') {
        process.stderr.write(`${e.message}\n`);
        return 2;
      }
      throw e;
    }
    log('');
    log('brokers:');
    for (const b of brokers) log(`  ${b.name}${b.skipped ? ` (skipped: ${b.skipped})` : ''}\n${indent(b.config)}`);
    rows = buildRows(records, 'mosquitto');
    log('');
    log(rows.length > 0 ? formatTable(rows, args.markdown ? 'markdown' : 'text') : 'no broker could be measured');
    const targets = formatTargets(checkTargets(rows));
    if (targets) log(`\n${targets}`);
    log('');
    log(noiseNote(rows, loadBefore, loadavg()));
  }
  const cluster = await benchClusterIfAsked(args.scenarios, args.brokersGiven, args.options, args.markdown ? 'markdown' : 'text', log);
  let codec: CodecBenchOutcome | undefined;
  if (wantsCodec) {
    log('');
    codec = await runCodecBenchIfPresent();
    log(codec.ran ? `codec:\n${codec.text}` : `codec benchmark skipped: ${codec.reason}`);
  }
  if (args.json) {
    await writeFile(
      args.json,
      JSON.stringify({ tool: 'mqtt-conformance bench', startedAt, finishedAt: new Date().toISOString(), argv, machine: m, loadavgAfter: loadavg(), options: args.options, brokers, rows, targets: checkTargets(rows), records, cluster: cluster && { brokers: cluster.brokers, rows: cluster.rows, records: cluster.records }, codec }, null, 2),
    );
    log(`results written to ${args.json}`);
  }
  if (scenarios.length > 0 && brokers.every((b) => b.skipped)) return 3;
  const failed = rows.some((r) => r.failures.length > 0);
  const lostQos12 = rows.some((r) => /qos[12]|latency/.test(r.scenario) && r.lost.some((l) => l > 0));
  return failed || lostQos12 || clusterFailed(cluster) ? 1 : 0;
}
