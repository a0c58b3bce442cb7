import type { ClientSpec } from '../load/index.js';
import type { Measurement } from '../results.js';
import { clientErrors, cpuFields, measurePhase, publishers, subscribers } from './measure.js';
import type { Scenario, ScenarioContext } from './types.js';

/**
 * R retained messages on distinct topics (stored first at QoS 1, every one acknowledged), then one
 * subscriber subscribes to `<ns>/#`: the figure is the time from SUBSCRIBE to the last retained
 * message received. A fresh broker every round, so earlier rounds' retained messages are not there.
 */
export function retained(): Scenario {
  return {
    name: 'retained',
    selectors: ['retained'],
    metrics: [
      { key: 'receive all s', better: 'lower' },
      { key: 'msg/s', better: 'higher' },
    ],
    tuning: 'throughput',
    freshBrokerPerRound: true,
    warmup: false,
    async run(ctx: ScenarioContext): Promise<Measurement> {
      const { options: o, pool, broker } = ctx;
      const ns = `bench/${ctx.runId}/retained/r${ctx.round}`;
      const per = Math.ceil(o.retained / pool.size);
      const loaders: ClientSpec[][] = Array.from({ length: pool.size }, (_, w) => [
        {
          role: 'retained-loader',
          clientId: `${ctx.runId}-ret-r${ctx.round}-load${w}`,
          topicPrefix: ns,
          from: w * per,
          count: Math.max(0, Math.min(per, o.retained - w * per)),
          payloadBytes: o.payloadBytes,
          window: 500,
        },
      ]);
      await pool.prepare(loaders.map((clients) => ({ host: broker.host, port: broker.port, clients })));
      const load = await measurePhase(pool, broker, 120_000);
      const stored = publishers(load).reduce((a, p) => a + p.acked, 0);
      const loadErrors = clientErrors(load);
      await pool.close();
      if (stored < o.retained) {
        return {
          values: {},
          lost: o.retained - stored,
          ...cpuFields(load),
          notes: [`only ${stored} of ${o.retained} retained messages were acknowledged while storing them`, ...loadErrors],
        };
      }
      const sub: ClientSpec = {
        role: 'subscriber',
        clientId: `${ctx.runId}-ret-r${ctx.round}-sub`,
        filter: `${ns}/#`,
        qos: 0,
        subscribeAt: 'go',
        untilCount: o.retained,
      };
      await pool.prepare([{ host: broker.host, port: broker.port, clients: [sub] }]);
      const phase = await measurePhase(pool, broker, 120_000);
      const s = subscribers(phase)[0];
      const notes = clientErrors(phase);
      const received = s?.received ?? 0;
      if (phase.cutShort) notes.push(`${received} of ${o.retained} retained messages arrived within 120 s`);
      if (s && s.retained < received) notes.push(`${received - s.retained} messages arrived without RETAIN set`);
      const seconds = s?.lastAt !== undefined && s.subscribedAt !== undefined ? (s.lastAt - s.subscribedAt) / 1000 : NaN;
      const m: Measurement = {
        values: { 'receive all s': seconds, 'msg/s': received / seconds },
        lost: Math.max(0, o.retained - received),
        sent: o.retained,
        delivered: received,
        ...cpuFields(phase),
        notes,
      };
      return m;
    },
  };
}
