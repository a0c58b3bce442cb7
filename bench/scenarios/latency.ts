import type { ClientSpec } from '../load/index.js';
import type { Measurement, MetricDef } from '../results.js';
import { percentiles } from '../stats.js';
import { clientErrors, cpuFields, measurePhase, publishers, subscribers, type Phase } from './measure.js';
import type { Scenario, ScenarioContext } from './types.js';

/** What a latency scenario reports: percentiles of the end-to-end time, lower is better. */
export const LATENCY_METRICS: readonly MetricDef[] = [
  { key: 'p50 ms', better: 'lower' },
  { key: 'p99 ms', better: 'lower' },
  { key: 'max ms', better: 'lower' },
];

/**
 * The two clients of a latency measurement on TOPIC: a QoS 1 subscriber that records each message's
 * latency and stops at the end marker, and a QoS 1 publisher at `--rate` msg/s whose payloads carry
 * their send time (hence at least 16 bytes). Client ids start with ID_PREFIX.
 */
export function latencyClients(ctx: ScenarioContext, idPrefix: string, topic: string, durationMs: number): { sub: ClientSpec; pub: ClientSpec } {
  const o = ctx.options;
  return {
    sub: { role: 'subscriber', clientId: `${idPrefix}-sub`, filter: topic, qos: 1, subscribeAt: 'prepare', untilMarkers: 1, latency: true },
    pub: { role: 'rate-publisher', clientId: `${idPrefix}-pub`, topic, qos: 1, payloadBytes: Math.max(16, o.payloadBytes), durationMs, ratePerSecond: o.rate },
  };
}

/** The figures of a latency phase (see latencyClients): percentiles of what arrived, QoS 1 messages lost, notes. */
export function latencyMeasurement(phase: Phase, drainTimeoutMs: number): Measurement {
  const sent = publishers(phase).reduce((a, p) => a + p.sent, 0);
  const lat = subscribers(phase)[0]?.latencies ?? [];
  const notes = clientErrors(phase);
  if (phase.cutShort) notes.push(`the end marker did not arrive within ${String(drainTimeoutMs)} ms`);
  const lost = Math.max(0, sent - lat.length);
  if (lost > 0) notes.push(`LOSS: ${String(lost)} of ${String(sent)} QoS 1 messages were not delivered`);
  const [p50, p99, max] = lat.length > 0 ? percentiles(lat, [50, 99, 100]) : [NaN, NaN, NaN];
  return {
    values: { 'p50 ms': p50 ?? NaN, 'p99 ms': p99 ?? NaN, 'max ms': max ?? NaN },
    lost,
    sent,
    delivered: lat.length,
    ...cpuFields(phase),
    notes,
  };
}

/**
 * QoS 1 at a fixed rate (default 1,000 msg/s), publisher and subscriber in different worker
 * processes; each payload carries its send time on the machine's monotonic clock, so the figure is
 * the end-to-end time from just before the publisher's write to the subscriber's decode.
 */
export function latency(): Scenario {
  return {
    name: 'latency qos1',
    selectors: ['latency'],
    metrics: LATENCY_METRICS,
    tuning: 'latency',
    freshBrokerPerRound: false,
    warmup: true,
    async run(ctx: ScenarioContext, warmup: boolean): Promise<Measurement> {
      const { options: o, pool, broker } = ctx;
      const durationMs = warmup ? o.warmupMs : o.latencyDurationMs;
      const { sub, pub } = latencyClients(ctx, `${ctx.runId}-lat-r${String(ctx.round)}`, `bench/${ctx.runId}/latency/r${String(ctx.round)}`, durationMs);
      const groups: ClientSpec[][] = pool.size > 1 ? [[sub], [pub]] : [[sub, pub]];
      await pool.prepare(groups.map((clients) => ({ host: broker.host, port: broker.port, clients })));
      return latencyMeasurement(await measurePhase(pool, broker, durationMs + o.drainTimeoutMs), o.drainTimeoutMs);
    },
  };
}
