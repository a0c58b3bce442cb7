import { randomBytes } from 'node:crypto';
import { brokerLauncher } from './brokers/index.js';
import type { BenchBroker, BrokerLauncher } from './brokers/index.js';
import { WorkerPool } from './load/index.js';
import type { BenchOptions } from './options.js';
import type { Measurement, ScenarioRecord } from './results.js';
import type { Scenario } from './scenarios/index.js';
import { formatNumber } from './table.js';

export interface BrokerInfo {
  name: string;
  config: string;
  /** Why it was skipped, when it was. */
  skipped?: string;
}

export interface RunOutcome {
  brokers: BrokerInfo[];
  records: ScenarioRecord[];
}

export type Log = (line: string) => void;

/** Round r measures the brokers in a rotated order, so no broker always goes first or last. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const k = (round - 1) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function describe(m: Measurement): string {
  const vals = Object.entries(m.values)
    .map(([k, v]) => `${formatNumber(v)} ${k}`)
    .join(', ');
  const parts = [vals || 'no figure'];
  if (m.lost !== undefined) parts.push(`lost ${m.lost}`);
  if (m.brokerCpu !== undefined) parts.push(`broker CPU ${Math.round(m.brokerCpu)}%`);
  if (m.brokerCpuSeconds !== undefined && m.delivered !== undefined && m.delivered > 0) parts.push(`${formatNumber((m.brokerCpuSeconds * 1e6) / m.delivered)} µs broker CPU/msg`);
  parts.push(`load CPU ${Math.round(m.loadCpu)}% (max worker ${Math.round(m.loadCpuMaxWorker)}%)`);
  if (m.machineCpu !== undefined) parts.push(`machine ${Math.round(m.machineCpu)}%`);
  return parts.join(', ') + (m.notes.length > 0 ? ` [${m.notes.join('; ')}]` : '');
}

/**
 * Runs the scenarios against the brokers: for each scenario, round by round, every broker in a
 * rotated order (so the brokers alternate and machine noise spreads over all of them).
 */
export async function runBenchmarks(
  targets: readonly string[],
  scenarios: readonly Scenario[],
  options: BenchOptions,
  log: Log,
): Promise<RunOutcome> {
  const runId = `b${randomBytes(3).toString('hex')}`;
  const launchers: BrokerLauncher[] = [];
  const brokers: BrokerInfo[] = [];
  for (const t of targets) {
    const l = brokerLauncher(t, options.host);
    const why = await l.unavailable();
    brokers.push(why ? { name: l.name, config: l.describeConfig(), skipped: why } : { name: l.name, config: l.describeConfig() });
    if (why) log(`${l.name}: ${why}`);
    else launchers.push(l);
  }
  const records: ScenarioRecord[] = [];
  if (launchers.length === 0) return { brokers, records };

  let pool = await WorkerPool.start(options.workers);
  try {
    for (const scenario of scenarios) {
      const recs = new Map<string, ScenarioRecord>();
      for (const l of launchers) {
        const rec: ScenarioRecord = { scenario: scenario.name, metrics: [...scenario.metrics], broker: l.name, rounds: [] };
        recs.set(l.name, rec);
        records.push(rec);
      }
      const running = new Map<string, BenchBroker>();
      const brokerFor = async (l: BrokerLauncher): Promise<BenchBroker> => {
        const b = running.get(l.name);
        if (b) {
          try {
            b.assertAlive();
            return b;
          } catch {
            running.delete(l.name);
          }
        }
        const started = await l.start(scenario.tuning);
        running.set(l.name, started);
        if (scenario.warmup && !scenario.freshBrokerPerRound && options.warmupMs > 0) {
          try {
            await scenario.run({ pool, broker: started, round: 0, runId, options }, true);
          } finally {
            await pool.close();
          }
        }
        return started;
      };
      try {
        for (let round = 1; round <= options.rounds; round++) {
          for (const l of roundOrder(launchers, round)) {
            const rec = recs.get(l.name) as ScenarioRecord;
            let broker: BenchBroker | undefined;
            try {
              broker = await brokerFor(l);
              const m = await scenario.run({ pool, broker, round, runId, options }, false);
              rec.rounds.push(m);
              log(`[${scenario.name}] round ${round}/${options.rounds} ${l.name}: ${describe(m)}`);
            } catch (e) {
              const msg = e instanceof Error ? e.message : String(e);
              rec.rounds.push({ error: msg });
              log(`[${scenario.name}] round ${round}/${options.rounds} ${l.name}: FAILED ${msg}`);
            } finally {
              if (!pool.alive) {
                log('a load worker died: starting a new pool');
                await pool.stop();
                pool = await WorkerPool.start(options.workers);
              }
              await pool.close();
              if (scenario.freshBrokerPerRound && broker) {
                running.delete(l.name);
                await broker.stop();
              }
            }
          }
        }
      } finally {
        for (const b of running.values()) await b.stop();
      }
    }
  } finally {
    await pool.stop();
  }
  return { brokers, records };
}
