import type { ClientSpec } from '../load/index.js';
import type { Measurement } from '../results.js';
import { percentiles } from '../stats.js';
import { clientErrors, cpuFields, measurePhase, publishers, subscribers } from './measure.js';
import type { Scenario, ScenarioContext } from './types.js';

/**
 * QoS 1 at a fixed rate (default 1,000 msg/s), publisher and subscriber in different worker
 * processes; each payload carries its send time on the machine's monotonic clock, so the figure is
 * the end-to-end time from just before the publisher's write to the subscriber's decode.
 */
export function latency(): Scenario {
  return {
    name: 'latency qos1',
    selectors: ['latency'],
    metrics: [
      { key: 'p50 ms', better: 'lower' },
      { key: 'p99 ms', better: 'lower' },
      { key: 'max ms', better: 'lower' },
    ],
    tuning: 'latency',
    freshBrokerPerRound: false,
    warmup: true,
    async run(ctx: ScenarioContext, warmup: boolean): Promise<Measurement> {
      const { options: o, pool, broker } = ctx;
      const topic = `bench/${ctx.runId}/latency/r${ctx.round}`;
      const durationMs = warmup ? o.warmupMs : o.latencyDurationMs;
      const sub: ClientSpec = {
        role: 'subscriber',
        clientId: `${ctx.runId}-lat-r${ctx.round}-sub`,
        filter: topic,
        qos: 1,
        subscribeAt: 'prepare',
        untilMarkers: 1,
        latency: true,
      };
      const pub: ClientSpec = {
        role: 'rate-publisher',
        clientId: `${ctx.runId}-lat-r${ctx.round}-pub`,
        topic,
        qos: 1,
        payloadBytes: Math.max(16, o.payloadBytes),
        durationMs,
        ratePerSecond: o.rate,
      };
      const groups: ClientSpec[][] = pool.size > 1 ? [[sub], [pub]] : [[sub, pub]];
      await pool.prepare(groups.map((clients) => ({ host: broker.host, port: broker.port, clients })));
      const phase = await measurePhase(pool, broker, durationMs + o.drainTimeoutMs);
      const sent = publishers(phase).reduce((a, p) => a + p.sent, 0);
      const s = subscribers(phase)[0];
      const lat = s?.latencies ?? [];
      const notes = clientErrors(phase);
      if (phase.cutShort) notes.push(`the end marker did not arrive within ${o.drainTimeoutMs} ms`);
      const lost = Math.max(0, sent - lat.length);
      if (lost > 0) notes.push(`LOSS: ${lost} of ${sent} QoS 1 messages were not delivered`);
      const [p50, p99, max] = lat.length > 0 ? percentiles(lat, [50, 99, 100]) : [NaN, NaN, NaN];
      const m: Measurement = {
        values: { 'p50 ms': p50 ?? NaN, 'p99 ms': p99 ?? NaN, 'max ms': max ?? NaN },
        lost,
        sent,
        delivered: lat.length,
        ...cpuFields(phase),
        notes,
      };
      return m;
    },
  };
}
