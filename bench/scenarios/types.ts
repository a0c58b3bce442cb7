import type { BenchBroker, BrokerTuning } from '../brokers/index.js';
import type { WorkerPool } from '../load/index.js';
import type { BenchOptions } from '../options.js';
import type { Measurement, MetricDef } from '../results.js';

export interface ScenarioContext {
  pool: WorkerPool;
  broker: BenchBroker;
  /** 1-based; 0 for the warm-up. */
  round: number;
  /** Unique per run: topics and client ids are prefixed with it. */
  runId: string;
  options: BenchOptions;
}

export interface Scenario {
  /** e.g. 'fan-in qos1': what the table shows. */
  readonly name: string;
  /** The --scenario names that select it, e.g. ['fan-in', 'fan-in-qos1']. */
  readonly selectors: readonly string[];
  readonly metrics: readonly MetricDef[];
  /** Start a new broker for every round (state or memory would carry over otherwise). */
  readonly freshBrokerPerRound: boolean;
  /** How the brokers are configured for it (Mosquitto: TCP_NODELAY for latency only). */
  readonly tuning: BrokerTuning;
  /** Run once unmeasured before the rounds (JIT warm-up for the Node brokers and the generator). */
  readonly warmup: boolean;
  run(ctx: ScenarioContext, warmup: boolean): Promise<Measurement>;
}
