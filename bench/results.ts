import { summarize, type Summary } from './stats.js';

/** Which way is better for a metric. */
export type Better = 'higher' | 'lower';

/** What one scenario measures in one round against one broker. */
export interface Measurement {
  /** metric key -> value, e.g. { 'msg/s': 412000 } or { 'p50 ms': 0.4, 'p99 ms': 1.1 }. */
  values: Record<string, number>;
  /** Messages that should have arrived and did not (where the scenario can know). */
  lost?: number;
  /** Messages published and deliveries counted, where the scenario has them. */
  sent?: number;
  delivered?: number;
  /** Broker CPU over the measured phase, % of one core (absent when the broker is not a local process). */
  brokerCpu?: number;
  /** The same as CPU seconds (utime + stime of the broker process over the phase). */
  brokerCpuSeconds?: number;
  /** Load generator CPU over the measured phase, % of one core, all workers together. */
  loadCpu: number;
  /** The busiest load-generator worker, % of one core: near 100 means the generator limited the figure. */
  loadCpuMaxWorker: number;
  /** The whole machine's busy CPU over the phase, % of one core (2 cores: up to 200). Minus the
   *  broker and the generator it is kernel work not charged to a process (loopback softirq) and other
   *  people's processes: the noise. */
  machineCpu?: number;
  notes: string[];
}

export interface MetricDef {
  key: string;
  better: Better;
}

/** One line of the result table: a scenario, a metric and a broker over all rounds. */
export interface ResultRow {
  scenario: string;
  metric: string;
  better: Better;
  broker: string;
  samples: number[];
  summary: Summary | undefined;
  /** This broker's median divided by the baseline broker's median (absent without a baseline figure). */
  ratio: number | undefined;
  lost: number[];
  brokerCpu: number[];
  /**
   * Broker CPU per message delivered, microseconds, one per round (brokerCpuSeconds / delivered):
   * unlike msg/s it does not depend on how much CPU the broker got on a busy machine, nor on how
   * dear a system call is here relative to the broker's own work, so it travels between machines.
   */
  brokerCpuUsPerMsg: number[];
  loadCpu: number[];
  loadCpuMaxWorker: number[];
  machineCpu: number[];
  /** Rounds that produced no figure, with the reason. */
  failures: string[];
  notes: string[];
}

/** Everything recorded for one (scenario, broker) pair, round by round. */
export interface ScenarioRecord {
  scenario: string;
  metrics: MetricDef[];
  broker: string;
  rounds: Array<Measurement | { error: string }>;
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Turns per-round records into table rows, with the ratio to `baseline` (normally 'mosquitto'). */
export function buildRows(records: readonly ScenarioRecord[], baseline: string): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const rec of records) {
    const ok = rec.rounds.filter((r): r is Measurement => !('error' in r));
    const failures = rec.rounds.filter((r): r is { error: string } => 'error' in r).map((r) => r.error);
    for (const m of rec.metrics) {
      const samples = ok.map((r) => r.values[m.key]).filter((v): v is number => v !== undefined && Number.isFinite(v));
      rows.push({
        scenario: rec.scenario,
        metric: m.key,
        better: m.better,
        broker: rec.broker,
        samples,
        summary: samples.length > 0 ? summarize(samples) : undefined,
        ratio: undefined,
        lost: ok.map((r) => r.lost).filter((v): v is number => v !== undefined),
        brokerCpu: ok.map((r) => r.brokerCpu).filter((v): v is number => v !== undefined),
        brokerCpuUsPerMsg: ok.flatMap((r) => (r.brokerCpuSeconds !== undefined && r.delivered !== undefined && r.delivered > 0 ? [(r.brokerCpuSeconds * 1e6) / r.delivered] : [])),
        loadCpu: ok.map((r) => r.loadCpu),
        loadCpuMaxWorker: ok.map((r) => r.loadCpuMaxWorker),
        machineCpu: ok.map((r) => r.machineCpu).filter((v): v is number => v !== undefined),
        failures: uniq(failures),
        notes: uniq(ok.flatMap((r) => r.notes)),
      });
    }
  }
  for (const row of rows) {
    const base = rows.find((r) => r.scenario === row.scenario && r.metric === row.metric && r.broker === baseline);
    if (base?.summary && row.summary && base.summary.median !== 0) row.ratio = row.summary.median / base.summary.median;
  }
  return rows;
}
