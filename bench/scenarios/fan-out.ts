import type { ClientSpec } from '../load/index.js';
import type { Measurement } from '../results.js';
import { clientErrors, cpuFields, measurePhase, publishers, saturationNote, spread, subscribers } from './measure.js';
import type { Scenario, ScenarioContext } from './types.js';

/**
 * One QoS 0 publisher flooding one topic, M subscribers on it (spread over the workers). The figure
 * is deliveries per second (messages x subscribers) from `go` to the last delivery anywhere.
 */
export function fanOut(): Scenario {
  return {
    name: 'fan-out qos0',
    selectors: ['fan-out'],
    metrics: [{ key: 'deliveries/s', better: 'higher' }],
    tuning: 'throughput',
    freshBrokerPerRound: false,
    warmup: true,
    async run(ctx: ScenarioContext, warmup: boolean): Promise<Measurement> {
      const { options: o, pool, broker } = ctx;
      const topic = `bench/${ctx.runId}/fan-out/r${ctx.round}`;
      const durationMs = warmup ? o.warmupMs : o.durationMs;
      const subs: ClientSpec[] = Array.from({ length: o.subscribers }, (_, i) => ({
        role: 'subscriber',
        clientId: `${ctx.runId}-fo-r${ctx.round}-s${i}`,
        filter: topic,
        qos: 0,
        subscribeAt: 'prepare',
        untilMarkers: 1,
      }));
      const pub: ClientSpec = {
        role: 'publisher',
        clientId: `${ctx.runId}-fo-r${ctx.round}-pub`,
        topic,
        qos: 0,
        payloadBytes: o.payloadBytes,
        durationMs,
        window: 1,
        pacing: { share: 1 / o.subscribers, lead: Math.max(1, Math.floor(o.maxBacklog / o.subscribers)) },
      };
      const groups = spread(subs, pool.size);
      groups[pool.size - 1]?.push(pub);
      await pool.prepare(groups.map((clients) => ({ host: broker.host, port: broker.port, clients })));
      const phase = await measurePhase(pool, broker, durationMs + o.drainTimeoutMs);
      const sent = publishers(phase).reduce((a, p) => a + p.sent, 0);
      const subResults = subscribers(phase);
      const received = subResults.reduce((a, s) => a + s.received, 0);
      const last = Math.max(...subResults.map((s) => s.lastAt ?? -Infinity));
      const expected = sent * o.subscribers;
      const notes = [...clientErrors(phase), ...saturationNote(phase)];
      if (phase.cutShort) {
        const missing = subResults.filter((s) => s.markers < 1).length;
        notes.push(`${missing} of ${o.subscribers} subscribers had not received the end marker ${o.drainTimeoutMs} ms after the end`);
      }
      const m: Measurement = {
        values: { 'deliveries/s': received / ((last - phase.goAt) / 1000) },
        lost: Math.max(0, expected - received),
        sent,
        delivered: received,
        ...cpuFields(phase),
        notes,
      };
      return m;
    },
  };
}
