import type { QoS } from '../../harness/codec/index.js';
import type { ClientSpec } from '../load/index.js';
import type { Measurement } from '../results.js';
import { clientErrors, cpuFields, measurePhase, publishers, saturationNote, spread, subscribers } from './measure.js';
import type { Scenario, ScenarioContext } from './types.js';

/**
 * N publishers, each flooding its own topic (QoS 0: as fast as the socket takes it; QoS 1/2: a
 * window of messages in flight), one subscriber on `<ns>/+` at the same QoS. The figure is the
 * messages delivered per second, from `go` to the last delivery. Lost = published - delivered, read
 * after every publisher's end marker has arrived behind its data (per-topic order).
 */
export function fanIn(qos: QoS): Scenario {
  return {
    name: `fan-in qos${qos}`,
    selectors: ['fan-in', `fan-in-qos${qos}`],
    metrics: [{ key: 'msg/s', better: 'higher' }],
    tuning: 'throughput',
    freshBrokerPerRound: false,
    warmup: true,
    async run(ctx: ScenarioContext, warmup: boolean): Promise<Measurement> {
      const { options: o, pool, broker } = ctx;
      const ns = `bench/${ctx.runId}/fan-in-q${qos}/r${ctx.round}`;
      const durationMs = warmup ? o.warmupMs : o.durationMs;
      const sub: ClientSpec = {
        role: 'subscriber',
        clientId: `${ctx.runId}-fi${qos}-r${ctx.round}-sub`,
        filter: `${ns}/+`,
        qos,
        subscribeAt: 'prepare',
        untilMarkers: o.publishers,
      };
      const pubs: ClientSpec[] = Array.from({ length: o.publishers }, (_, i) => ({
        role: 'publisher',
        clientId: `${ctx.runId}-fi${qos}-r${ctx.round}-p${i}`,
        topic: `${ns}/${i}`,
        qos,
        payloadBytes: o.payloadBytes,
        durationMs,
        window: o.window,
        pacing: { share: 1 / o.publishers, lead: Math.max(1, Math.floor(o.maxBacklog / o.publishers)) },
      }));
      // The subscriber alone on worker 0 (it decodes every delivery); publishers on the others.
      const pubGroups = pool.size > 1 ? [[], ...spread(pubs, pool.size - 1)] : [pubs];
      const assignments = pubGroups.map((group, w) => ({
        host: broker.host,
        port: broker.port,
        clients: w === 0 ? [sub, ...group] : group,
      }));
      await pool.prepare(assignments);
      const phase = await measurePhase(pool, broker, durationMs + o.drainTimeoutMs);
      const sent = publishers(phase).reduce((a, p) => a + p.sent, 0);
      const s = subscribers(phase)[0];
      const received = s?.received ?? 0;
      const notes = [...clientErrors(phase), ...saturationNote(phase)];
      if (phase.cutShort) notes.push(`${s?.markers ?? 0} of ${o.publishers} end markers arrived within ${o.drainTimeoutMs} ms of the end`);
      if (s && s.dups > 0) notes.push(`${s.dups} deliveries with DUP set`);
      const lost = Math.max(0, sent - received);
      if (lost > 0 && qos > 0) notes.push(`LOSS: ${lost} of ${sent} QoS ${qos} messages were not delivered`);
      if (received > sent) notes.push(`${received - sent} more deliveries than messages published (duplicates)`);
      const seconds = s?.lastAt !== undefined ? (s.lastAt - phase.goAt) / 1000 : NaN;
      const m: Measurement = {
        values: { 'msg/s': received / seconds },
        lost,
        sent,
        delivered: received,
        ...cpuFields(phase),
        notes,
      };
      return m;
    },
  };
}
