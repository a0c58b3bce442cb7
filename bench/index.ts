/**
 * Benchmarks: `npm run bench` runs this file; `mqtt-conformance bench` calls `main` through
 * harness/cli/bench.ts. Named exports for the CLI and the tests.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { main } from './cli.js';

export { main, parseBenchArgs, USAGE, type ParsedArgs } from './cli.js';
export { BenchError, type BenchErrorCode } from './errors.js';
export { median, percentile, percentiles, summarize, type Summary } from './stats.js';
export { formatTable, formatNumber, rowCells, TABLE_HEADERS, type TableStyle } from './table.js';
export { buildRows, type Measurement, type ResultRow, type ScenarioRecord, type MetricDef } from './results.js';
export { runBenchmarks, roundOrder, type RunOutcome } from './runner.js';
export { DEFAULT_OPTIONS, type BenchOptions } from './options.js';
export { allScenarios, selectScenarios, scenarioSelectors, type Scenario } from './scenarios/index.js';
export { brokerLauncher, mosquittoConfig, DEFAULT_BROKERS, type BenchBroker, type BrokerLauncher } from './brokers/index.js';
export { WorkerPool } from './load/index.js';
export { checkTargets, formatTargets, type TargetCheck } from './targets.js';
export { timeSuite, formatSuiteTiming, scenarioTimes, suiteTarget, type SuiteTiming } from './suite.js';

const entry = process.argv[1];
if (entry !== undefined && resolve(entry) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
