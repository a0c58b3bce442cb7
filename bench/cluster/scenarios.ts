import type { QoS } from '../../harness/codec/index.js';
import type { BenchBroker } from '../brokers/types.js';
import type { Assignment, ClientSpec } from '../load/index.js';
import { BenchError } from '../errors.js';
import type { Measurement } from '../results.js';
import { clientErrors, cpuFields, measurePhase, publishers, saturationNote, spread, subscribers, type Phase } from '../scenarios/measure.js';
import type { Scenario, ScenarioContext } from '../scenarios/types.js';
import { LATENCY_METRICS, latencyClients, latencyMeasurement } from '../scenarios/latency.js';
import { monoMs } from '../proc.js';
import { cpuBreakdownOf, isClusterBroker, type CpuBreakdown } from './launcher.js';

/** Keys of Measurement.values that are not table metrics: CPU of each process, % of one core. */
export const NODE_CPU_KEY = (i: number): string => `cpu node${String(i + 1)} %`;
export const REDIS_CPU_KEY = 'cpu redis %';
/** CPU of all the broker's processes (nodes and Redis) per delivered message, µs: what a message costs, whoever was starved. */
export const CPU_PER_MESSAGE_KEY = 'cpu µs/msg';

/** Where publishers (node A) and subscribers (node B) connect: nodes 1 and 2 of a cluster; the one broker otherwise. */
export function crossNodeEndpoints(broker: BenchBroker): { a: BenchBroker; b: BenchBroker } {
  if (!isClusterBroker(broker)) return { a: broker, b: broker };
  const a = broker.nodes[0] ?? broker;
  return { a, b: broker.nodes[1] ?? a };
}

/** % of one core used by each process between two readings `wallMs` apart, keyed for Measurement.values. */
export function cpuValues(before: CpuBreakdown, after: CpuBreakdown, wallMs: number): Record<string, number> {
  const pct = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined ? (100 * (b - a) * 1000) / Math.max(1, wallMs) : undefined);
  const out: Record<string, number> = {};
  before.nodes.forEach((n, i) => {
    const v = pct(n, after.nodes[i]);
    if (v !== undefined) out[NODE_CPU_KEY(i)] = v;
  });
  const r = pct(before.redis, after.redis);
  if (r !== undefined) out[REDIS_CPU_KEY] = r;
  return out;
}

/** CPU µs of every process (nodes and Redis) per delivered message; undefined when a reading is missing or nothing arrived. */
export function cpuMicrosPerMessage(before: CpuBreakdown, after: CpuBreakdown, delivered: number): number | undefined {
  const total = (c: CpuBreakdown): number | undefined => (c.nodes.some((n) => n === undefined) ? undefined : c.nodes.reduce<number>((a, n) => a + (n ?? 0), c.redis ?? 0));
  const t0 = total(before);
  const t1 = total(after);
  if (t0 === undefined || t1 === undefined || delivered <= 0 || (before.redis === undefined) !== (after.redis === undefined)) return undefined;
  return ((t1 - t0) * 1e6) / delivered;
}

/** Measurement.values of the CPU figures: each process's %, and CPU µs per delivered message. */
function cpuFigures(cpu: { before: CpuBreakdown; after: CpuBreakdown; wallMs: number }, delivered: number): Record<string, number> {
  const perMessage = cpuMicrosPerMessage(cpu.before, cpu.after, delivered);
  return { ...cpuValues(cpu.before, cpu.after, cpu.wallMs), ...(perMessage !== undefined ? { [CPU_PER_MESSAGE_KEY]: perMessage } : {}) };
}

/** measurePhase, with each node's and Redis's CPU over the same phase. */
async function measureCluster(ctx: ScenarioContext, timeoutMs: number): Promise<{ phase: Phase; cpu: { before: CpuBreakdown; after: CpuBreakdown; wallMs: number } }> {
  const before = cpuBreakdownOf(ctx.broker);
  const t0 = monoMs();
  const phase = await measurePhase(ctx.pool, ctx.broker, timeoutMs);
  const after = cpuBreakdownOf(ctx.broker);
  return { phase, cpu: { before, after, wallMs: monoMs() - t0 } };
}

/** Nodes A and B (crossNodeEndpoints); a worker connects to one host and port, so they need a worker each. */
function crossNodeWorkers(ctx: ScenarioContext): { a: BenchBroker; b: BenchBroker } {
  const size = ctx.pool.size;
  if (size < 2) throw new BenchError('BENCH_USAGE', `the cluster scenarios need --workers >= 2 (subscriber on node B and publishers on node A in different workers), got ${String(size)}`);
  return crossNodeEndpoints(ctx.broker);
}

function at(broker: BenchBroker, clients: ClientSpec[]): Assignment {
  return { host: broker.host, port: broker.port, clients };
}

/**
 * Cross-node throughput: `--publishers` publishers on node A, each flooding its own topic (QoS 0 as
 * fast as the socket takes it, QoS 1 with `--window` in flight, paced as fan-in is), one subscriber
 * on node B on `<ns>/+` at the same QoS: every message crosses Redis (node A appends it to the
 * cluster log, node B reads and routes it). On a single broker both connect to it. Lost is exact
 * (end markers, per-topic order).
 */
export function clusterThroughput(qos: 0 | 1): Scenario {
  return {
    name: `cluster qos${String(qos)}`,
    selectors: ['cluster', `cluster-qos${String(qos)}`],
    metrics: [{ key: 'msg/s', better: 'higher' }],
    tuning: 'throughput',
    freshBrokerPerRound: false,
    warmup: true,
    async run(ctx: ScenarioContext, warmup: boolean): Promise<Measurement> {
      const { options: o, pool } = ctx;
      const { a, b } = crossNodeWorkers(ctx);
      const ns = `bench/${ctx.runId}/cluster-q${String(qos)}/r${String(ctx.round)}`;
      const durationMs = warmup ? o.warmupMs : o.durationMs;
      const sub: ClientSpec = { role: 'subscriber', clientId: `${ctx.runId}-cl${String(qos)}-r${String(ctx.round)}-sub`, filter: `${ns}/+`, qos: qos as QoS, subscribeAt: 'prepare', untilMarkers: o.publishers };
      const pubs: ClientSpec[] = Array.from({ length: o.publishers }, (_, i) => ({
        role: 'publisher',
        clientId: `${ctx.runId}-cl${String(qos)}-r${String(ctx.round)}-p${String(i)}`,
        topic: `${ns}/${String(i)}`,
        qos,
        payloadBytes: o.payloadBytes,
        durationMs,
        window: o.window,
        pacing: { share: 1 / o.publishers, lead: Math.max(1, Math.floor(o.maxBacklog / o.publishers)) },
      }));
      // The subscriber alone on worker 0, connected to node B; the publishers on the other workers, to node A.
      await pool.prepare([at(b, [sub]), ...spread(pubs, pool.size - 1).map((g) => at(a, g))]);
      const { phase, cpu } = await measureCluster(ctx, durationMs + o.drainTimeoutMs);
      const sent = publishers(phase).reduce((s, p) => s + p.sent, 0);
      const s = subscribers(phase)[0];
      const received = s?.received ?? 0;
      const notes = [...clientErrors(phase), ...saturationNote(phase)];
      if (phase.cutShort) notes.push(`${String(s?.markers ?? 0)} of ${String(o.publishers)} end markers arrived within ${String(o.drainTimeoutMs)} ms of the end`);
      const lost = Math.max(0, sent - received);
      if (lost > 0 && qos > 0) notes.push(`LOSS: ${String(lost)} of ${String(sent)} QoS ${String(qos)} messages were not delivered`);
      if (received > sent) notes.push(`${String(received - sent)} more deliveries than messages published (duplicates)`);
      const seconds = s?.lastAt !== undefined ? (s.lastAt - phase.goAt) / 1000 : NaN;
      return { values: { 'msg/s': received / seconds, ...cpuFigures(cpu, received) }, lost, sent, delivered: received, ...cpuFields(phase), notes };
    },
  };
}

/** Cross-node latency: QoS 1 at `--rate` msg/s, the publisher on node A, the subscriber on node B, end to end on the monotonic clock. */
export function clusterLatency(): Scenario {
  return {
    name: 'cluster latency qos1',
    selectors: ['cluster', 'cluster-latency'],
    metrics: LATENCY_METRICS,
    tuning: 'latency',
    freshBrokerPerRound: false,
    warmup: true,
    async run(ctx: ScenarioContext, warmup: boolean): Promise<Measurement> {
      const { options: o } = ctx;
      const { a, b } = crossNodeWorkers(ctx);
      const durationMs = warmup ? o.warmupMs : o.latencyDurationMs;
      const { sub, pub } = latencyClients(ctx, `${ctx.runId}-cllat-r${String(ctx.round)}`, `bench/${ctx.runId}/cluster-latency/r${String(ctx.round)}`, durationMs);
      await ctx.pool.prepare([at(b, [sub]), at(a, [pub])]);
      const { phase, cpu } = await measureCluster(ctx, durationMs + o.drainTimeoutMs);
      const m = latencyMeasurement(phase, o.drainTimeoutMs);
      return { ...m, values: { ...m.values, ...cpuFigures(cpu, m.delivered ?? 0) } };
    },
  };
}

/** The cluster scenarios, in the order a run measures them. */
export function clusterScenarios(): Scenario[] {
  return [clusterThroughput(0), clusterThroughput(1), clusterLatency()];
}
