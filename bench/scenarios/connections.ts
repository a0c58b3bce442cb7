import type { ClientSpec } from '../load/index.js';
import type { Measurement } from '../results.js';
import { openFilesLimit } from '../proc.js';
import { cpuFields, idles, measurePhase } from './measure.js';
import { waitForSteadyRss } from './steady-rss.js';
import type { Scenario, ScenarioContext } from './types.js';

/** How long RSS is given to settle after the last CONNACK before it is read, ms. */
const SETTLE_MS = 500;

/**
 * C idle connections (keep-alive 0) opened from all workers with a bounded number pending. The
 * figures: time until the last CONNACK, and the broker's RSS growth divided by the connections
 * made (a fresh broker every round, so a heap grown by an earlier round does not hide the cost;
 * Node brokers do a full GC before each reading, so start-up garbage does not hide it either).
 * 'bytes/conn' compares steady readings (steady-rss.ts: the idle broker before and after, once its
 * RSS stopped moving); 'bytes/conn at once' reads 0.5 s after the last CONNACK, so it also charges
 * the connections with what the storm itself left behind (a Node broker's grown young generation).
 */
export function connections(): Scenario {
  return {
    name: 'connections',
    selectors: ['connections'],
    metrics: [
      { key: 'connect all s', better: 'lower' },
      { key: 'bytes/conn', better: 'lower' },
      { key: 'bytes/conn at once', better: 'lower' },
    ],
    tuning: 'throughput',
    freshBrokerPerRound: true,
    warmup: false,
    async run(ctx: ScenarioContext): Promise<Measurement> {
      const { options: o, pool, broker } = ctx;
      const per = Math.ceil(o.connections / pool.size);
      const groups: ClientSpec[][] = Array.from({ length: pool.size }, (_, w) => [
        {
          role: 'idle',
          clientIdPrefix: `${ctx.runId}-idle-r${ctx.round}-w${w}`,
          count: Math.max(0, Math.min(per, o.connections - w * per)),
          concurrency: Math.max(1, Math.ceil(o.connectConcurrency / pool.size)),
        },
      ]);
      await pool.prepare(groups.map((clients) => ({ host: broker.host, port: broker.port, clients })));
      await broker.collectGarbage();
      const steady0 = await waitForSteadyRss(() => broker.rssBytes());
      const rss0 = broker.rssBytes();
      const phase = await measurePhase(pool, broker, 120_000);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      await broker.collectGarbage();
      const rss1 = broker.rssBytes();
      broker.assertAlive();
      const steady1 = await waitForSteadyRss(() => broker.rssBytes());
      broker.assertAlive();
      const results = idles(phase);
      const connected = results.reduce((a, r) => a + r.connected, 0);
      const failed = results.reduce((a, r) => a + r.failed, 0);
      const doneAt = Math.max(...results.map((r) => r.doneAt ?? -Infinity));
      const errors: Record<string, number> = {};
      for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
      const notes: string[] = [];
      const fdLimit = openFilesLimit();
      if (fdLimit && o.connections + 64 > fdLimit.soft) {
        notes.push(`the open-files limit here is ${fdLimit.soft} (hard ${fdLimit.hard}) and a child broker inherits it: ${o.connections} connections may exceed what the broker can accept`);
      }
      if (failed > 0 || Object.keys(errors).length > 0) {
        notes.push(
          `${connected} of ${o.connections} connected; failures: ${Object.entries(errors)
            .map(([k, v]) => `${k} x${v}`)
            .join(', ')}` + (fdLimit ? ` (open-files limit here: ${fdLimit.soft})` : ''),
        );
      }
      if (phase.cutShort) notes.push('not every connection was settled within 120 s');
      const values: Record<string, number> = { 'connect all s': (doneAt - phase.goAt) / 1000 };
      if (rss0 !== undefined && rss1 !== undefined && connected > 0) values['bytes/conn at once'] = (rss1 - rss0) / connected;
      if (steady0 && steady1 && connected > 0) values['bytes/conn'] = (steady1.rss - steady0.rss) / connected;
      for (const [when, s] of [['before connecting', steady0], ['with the connections open', steady1]] as const) {
        if (s && !s.steady) notes.push(`broker RSS ${when} still moved after ${Math.round(s.waitedMs / 1000)} s: 'bytes/conn' used its last reading`);
      }
      return { values, lost: failed, ...cpuFields(phase), notes };
    },
  };
}
