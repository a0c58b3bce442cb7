/**
 * Cluster benchmarks (issue 17): cross-node QoS 0 / QoS 1 throughput and QoS 1 latency, publishers
 * on node A and the subscriber on node B, for the reference broker alone and as a cluster of 1, 2
 * and 3 nodes on Redis, each node's and Redis's CPU reported. `npm run bench -- --scenario cluster`.
 */
import { BenchError } from '../errors.js';
import type { BenchOptions } from '../options.js';
import type { ScenarioRecord } from '../results.js';
import { runBenchmarks, type BrokerInfo, type Log } from '../runner.js';
import type { TableStyle } from '../table.js';
import { MAX_BENCH_NODES } from './launcher.js';
import { clusterScenarios } from './scenarios.js';
import { clusterRows, formatClusterTable, SINGLE_NODE, type ClusterRow } from './table.js';

export { ClusterBenchBroker, isClusterBroker, referenceClusterLauncher, MAX_BENCH_NODES } from './launcher.js';
export { clusterScenarios, clusterThroughput, clusterLatency, crossNodeEndpoints } from './scenarios.js';
export { clusterRows, formatClusterTable, type ClusterRow } from './table.js';

/** What the cluster scenarios run against: the single-node reference, then clusters of 1..3 nodes. */
export const CLUSTER_BROKERS: readonly string[] = [SINGLE_NODE, ...Array.from({ length: MAX_BENCH_NODES }, (_, i) => `reference:cluster:${String(i + 1)}`)];

/** The --scenario names of the cluster family. */
export function clusterSelectors(): string[] {
  return [...new Set(clusterScenarios().flatMap((s) => s.selectors))];
}

/** The cluster scenarios named by --scenario, or the whole family in a default run (no --scenario, no --broker). */
export function clusterNamesAsked(scenarioArgs: readonly string[], brokersGiven: boolean): string[] {
  const known = clusterSelectors();
  return scenarioArgs.length === 0 ? (brokersGiven ? [] : ['cluster']) : scenarioArgs.filter((s) => known.includes(s));
}

/** Usage check before anything starts: node A and node B need a load worker each. */
export function checkClusterArgs(scenarioArgs: readonly string[], brokersGiven: boolean, options: BenchOptions): void {
  if (clusterNamesAsked(scenarioArgs, brokersGiven).length > 0 && options.workers < 2) {
    throw new BenchError('BENCH_USAGE', `--workers ${String(options.workers)}: the cluster scenarios need at least 2 (the subscriber on node B and the publishers on node A run in different workers)`);
  }
}

export interface ClusterOutcome {
  brokers: BrokerInfo[];
  records: ScenarioRecord[];
  rows: ClusterRow[];
  table: string;
}

/** Runs the cluster scenarios selected by `names` (the whole family when one of them is 'cluster'), brokers alternating round by round. */
export async function runClusterBench(names: readonly string[], options: BenchOptions, style: TableStyle, log: Log): Promise<ClusterOutcome> {
  const scenarios = clusterScenarios().filter((s) => s.selectors.some((sel) => names.includes(sel)));
  const { brokers, records } = await runBenchmarks(CLUSTER_BROKERS, scenarios, options, log);
  const rows = clusterRows(records, MAX_BENCH_NODES);
  return { brokers, records, rows, table: formatClusterTable(rows, style) };
}

/**
 * The cluster part of `npm run bench`: the cluster scenarios named by --scenario, or all of them in a
 * default run (no --scenario, no --broker). Prints the table; undefined when none was asked for.
 */
export async function benchClusterIfAsked(scenarioArgs: readonly string[], brokersGiven: boolean, options: BenchOptions, style: TableStyle, log: Log): Promise<ClusterOutcome | undefined> {
  const names = clusterNamesAsked(scenarioArgs, brokersGiven);
  if (names.length === 0) return undefined;
  log('');
  log(`cluster scenarios (publishers on node A, subscriber on node B; ${CLUSTER_BROKERS.join(', ')}):`);
  const outcome = await runClusterBench(names, options, style, log);
  for (const b of outcome.brokers) log(`  ${b.name}${b.skipped ? ` (skipped: ${b.skipped})` : ''}: ${b.config}`);
  log('');
  log(outcome.rows.length > 0 ? outcome.table : 'no cluster figure could be measured');
  return outcome;
}

/** True when a cluster run failed a round or lost a QoS 1 message (the bench exits 1). */
export function clusterFailed(outcome: ClusterOutcome | undefined): boolean {
  return outcome !== undefined && outcome.rows.some((r) => r.failures.length > 0 || (/qos1/.test(r.scenario) && r.lost.some((l) => l > 0)));
}
