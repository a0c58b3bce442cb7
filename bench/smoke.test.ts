import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aedesLauncher, mosquittoLauncher, MOSQUITTO_PATH } from './brokers/index.js';
import type { BenchBroker } from './brokers/index.js';
import { WorkerPool } from './load/index.js';
import { DEFAULT_OPTIONS, type BenchOptions } from './options.js';
import { fanIn, latency } from './scenarios/index.js';
import { startLossyProxy } from '../test/support/bench/lossy-proxy.js';

/** One tiny fan-in round: proves the counting and the loss detection, not the speed. */
const tiny: BenchOptions = { ...DEFAULT_OPTIONS, workers: 1, publishers: 2, durationMs: 150, warmupMs: 0, window: 10, drainTimeoutMs: 10_000 };

/** The same broker handle, but clients connect through the proxy's port. */
function through(broker: BenchBroker, port: number): BenchBroker {
  return { ...broker, name: `${broker.name} via lossy proxy`, port, cpuSeconds: () => broker.cpuSeconds(), rssBytes: () => broker.rssBytes(), collectGarbage: () => broker.collectGarbage(), assertAlive: () => broker.assertAlive(), stop: () => broker.stop() };
}

describe('load generator smoke test (one tiny fan-in round)', () => {
  let pool: WorkerPool;
  let aedes: BenchBroker;
  beforeAll(async () => {
    pool = await WorkerPool.start(1);
    aedes = await aedesLauncher().start();
  });
  afterAll(async () => {
    await pool?.stop();
    await aedes?.stop();
  });

  it.each([1, 2] as const)('QoS %i against Aedes: everything published is delivered and nothing is reported lost', async (qos) => {
    const m = await fanIn(qos).run({ pool, broker: aedes, round: qos, runId: `smoke${qos}`, options: tiny }, false);
    await pool.close();
    expect(m.sent).toBeGreaterThan(0);
    expect(m.delivered).toBe(m.sent);
    expect(m.lost).toBe(0);
    expect(m.values['msg/s']).toBeGreaterThan(0);
    expect(m.brokerCpu).toBeGreaterThanOrEqual(0);
    expect(m.loadCpu).toBeGreaterThan(0);
    expect(m.notes.filter((n) => n.startsWith('LOSS'))).toEqual([]);
  });

  it('QoS 1 latency against Aedes: every message timed, none lost', async () => {
    const m = await latency().run({ pool, broker: aedes, round: 3, runId: 'smokelat', options: { ...tiny, latencyDurationMs: 150, rate: 200 } }, false);
    await pool.close();
    expect(m.sent).toBeGreaterThan(0);
    expect(m.delivered).toBe(m.sent);
    expect(m.lost).toBe(0);
    expect(m.values['p50 ms']).toBeGreaterThan(0);
    expect(m.values['max ms']).toBeGreaterThanOrEqual(m.values['p99 ms'] ?? NaN);
  });

  it('QoS 0 through a proxy that drops every 5th message: lost is exactly what was dropped', async () => {
    const proxy = await startLossyProxy(aedes.host, aedes.port, 5);
    try {
      const m = await fanIn(0).run({ pool, broker: through(aedes, proxy.port), round: 9, runId: 'smokeloss', options: tiny }, false);
      await pool.close();
      expect(proxy.dropped()).toBeGreaterThan(0);
      expect(m.lost).toBe(proxy.dropped());
      expect((m.delivered ?? 0) + proxy.dropped()).toBe(m.sent);
    } finally {
      await proxy.close();
    }
  });

  it.skipIf(!existsSync(MOSQUITTO_PATH))('QoS 1 against Mosquitto (queueing config): nothing lost', async () => {
    const mosquitto = await mosquittoLauncher().start();
    try {
      const m = await fanIn(1).run({ pool, broker: mosquitto, round: 1, runId: 'smokemosq', options: tiny }, false);
      await pool.close();
      expect(m.sent).toBeGreaterThan(0);
      expect(m.lost).toBe(0);
      expect(m.delivered).toBe(m.sent);
    } finally {
      await mosquitto.stop();
    }
  });
});
