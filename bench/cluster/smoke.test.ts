import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_INSTALL_HINT, redisServerAvailable } from '../../reference/target/redis-server.js';
import { brokerLauncher } from '../brokers/index.js';
import { WorkerPool } from '../load/index.js';
import { DEFAULT_OPTIONS, type BenchOptions } from '../options.js';
import { ClusterBenchBroker } from './launcher.js';
import { clusterLatency, clusterThroughput, CPU_PER_MESSAGE_KEY, NODE_CPU_KEY, REDIS_CPU_KEY } from './scenarios.js';

/** One tiny round per cluster scenario against 2 real nodes and Redis: proves the wiring and the counting, not the speed. */
const tiny: BenchOptions = { ...DEFAULT_OPTIONS, workers: 2, publishers: 2, durationMs: 150, latencyDurationMs: 150, rate: 200, warmupMs: 0, window: 10, maxBacklog: 2000, drainTimeoutMs: 15_000 };

describe.skipIf(!redisServerAvailable())(`cluster bench smoke test, 2 nodes + Redis (${redisServerAvailable() ? 'redis-server found' : REDIS_INSTALL_HINT})`, () => {
  let pool: WorkerPool;
  let cluster: ClusterBenchBroker;
  beforeAll(async () => {
    pool = await WorkerPool.start(2);
    cluster = (await brokerLauncher('reference:cluster:2').start()) as ClusterBenchBroker;
  }, 60_000);
  afterAll(async () => {
    await pool?.stop();
    await cluster?.stop();
  });

  it('connects the subscriber to node B and the publishers to node A', () => {
    expect(cluster).toBeInstanceOf(ClusterBenchBroker);
    expect(cluster.nodes.map((n) => n.port)).toHaveLength(2);
    expect(cluster.nodes[0]?.port).not.toBe(cluster.nodes[1]?.port);
  });

  it.each([0, 1] as const)('QoS %i across nodes: everything published is delivered, CPU read for each node and Redis', async (qos) => {
    const m = await clusterThroughput(qos).run({ pool, broker: cluster, round: 1, runId: `clsmoke${qos}`, options: tiny }, false);
    await pool.close();
    expect(m.sent).toBeGreaterThan(0);
    expect(m.delivered).toBe(m.sent);
    expect(m.lost).toBe(0);
    for (const key of [NODE_CPU_KEY(0), NODE_CPU_KEY(1), REDIS_CPU_KEY, CPU_PER_MESSAGE_KEY]) expect(m.values[key]).toBeGreaterThanOrEqual(0);
    expect(m.values[NODE_CPU_KEY(2)]).toBeUndefined();
  }, 60_000);

  it('QoS 1 latency across nodes: every message timed', async () => {
    const m = await clusterLatency().run({ pool, broker: cluster, round: 1, runId: 'clsmokelat', options: tiny }, false);
    await pool.close();
    expect(m.sent).toBeGreaterThan(0);
    expect(m.lost).toBe(0);
    expect(m.values['p50 ms']).toBeGreaterThan(0);
  }, 60_000);

  it('stops Redis by its PID after the nodes', async () => {
    const pid = cluster.redisPid;
    expect(existsSync(`/proc/${String(pid)}`)).toBe(true);
    await cluster.stop();
    expect(existsSync(`/proc/${String(pid)}`)).toBe(false);
  }, 30_000);
});
