import { existsSync } from 'node:fs';
import { REDIS_INSTALL_HINT, REDIS_SERVER, redisServerAvailable, startLocalRedis, type LocalRedis } from '../../reference/target/redis-server.js';
import type { BenchBroker, BrokerLauncher } from '../brokers/types.js';
import { startReferenceBroker } from '../brokers/reference.js';
import { BenchError } from '../errors.js';
import { readProcCpu, readProcRss } from '../proc.js';

/** The largest cluster the benchmark starts (each node is a Node process on the same machine). */
export const MAX_BENCH_NODES = 3;

/** CPU seconds so far of every process of a broker: its nodes (in order) and Redis, when it has one. */
export interface CpuBreakdown {
  nodes: Array<number | undefined>;
  redis: number | undefined;
}

/**
 * N reference broker nodes, each its own child process (the reference launcher,
 * `reference/target/launcher.ts --cluster URL --node-id nodeI`, as a process target), sharing a redis-server of their own (reference/cluster's
 * `startLocalRedis`: a free port, a temporary directory, stopped by its PID). As a BenchBroker it is
 * node 1 (host, port), and its CPU is all nodes plus Redis: what the cluster costs. The cluster
 * scenarios reach node 2 through `nodes`.
 */
export class ClusterBenchBroker implements BenchBroker {
  readonly host: string;
  readonly port: number;
  readonly pid: number | undefined;
  constructor(
    readonly name: string,
    readonly nodes: readonly BenchBroker[],
    private readonly redis: LocalRedis,
  ) {
    const first = nodes[0];
    if (!first) throw new BenchError('BENCH_USAGE', `${name}: a cluster needs at least one node`);
    this.host = first.host;
    this.port = first.port;
    this.pid = first.pid;
  }
  get redisPid(): number {
    return this.redis.pid;
  }
  cpuBreakdown(): CpuBreakdown {
    let redis: number | undefined;
    try {
      redis = readProcCpu(this.redis.pid).self;
    } catch {
      redis = undefined;
    }
    return { nodes: this.nodes.map((n) => n.cpuSeconds()), redis };
  }
  cpuSeconds(): number | undefined {
    const { nodes, redis } = this.cpuBreakdown();
    if (redis === undefined || nodes.some((n) => n === undefined)) return undefined;
    return nodes.reduce<number>((a, n) => a + (n ?? 0), redis);
  }
  async collectGarbage(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.collectGarbage()));
  }
  rssBytes(): number | undefined {
    const nodes = this.nodes.map((n) => n.rssBytes());
    if (nodes.some((n) => n === undefined)) return undefined;
    try {
      return nodes.reduce<number>((a, n) => a + (n ?? 0), readProcRss(this.redis.pid));
    } catch {
      return undefined;
    }
  }
  assertAlive(): void {
    for (const n of this.nodes) n.assertAlive();
    if (!existsSync(`/proc/${String(this.redis.pid)}`)) throw new BenchError('BENCH_BROKER_DIED', `${this.name}: its redis-server (pid ${String(this.redis.pid)}) exited`, { broker: this.name });
  }
  async stop(): Promise<void> {
    // The nodes first (a node that loses Redis logs and refuses clients, which is noise here), then Redis by its PID.
    await Promise.allSettled(this.nodes.map((n) => n.stop()));
    await this.redis.stop();
  }
}

/** A broker started by the cluster benchmark is a cluster (with its nodes and Redis) or a single process. */
export function isClusterBroker(b: BenchBroker): b is ClusterBenchBroker {
  return b instanceof ClusterBenchBroker;
}

/** CPU seconds by process of any bench broker: a single process is its own node 1, without Redis. */
export function cpuBreakdownOf(b: BenchBroker): CpuBreakdown {
  return isClusterBroker(b) ? b.cpuBreakdown() : { nodes: [b.cpuSeconds()], redis: undefined };
}

class ReferenceClusterLauncher implements BrokerLauncher {
  readonly name: string;
  constructor(
    private readonly host: string,
    private readonly nodeCount: number,
  ) {
    this.name = `reference:cluster:${String(nodeCount)}`;
  }
  unavailable(): Promise<string | undefined> {
    return Promise.resolve(redisServerAvailable() ? undefined : `${REDIS_INSTALL_HINT}: skipped`);
  }
  describeConfig(): string {
    return (
      `${String(this.nodeCount)} reference broker node process(es) (reference/target/launcher.ts --cluster URL --node-id nodeI, ` +
      `as \`broker --cluster\`), sharing a redis-server of their own (${REDIS_SERVER}, free port, temporary directory, no persistence); ` +
      'broker CPU = all nodes + Redis'
    );
  }
  async start(): Promise<BenchBroker> {
    const redis = await startLocalRedis();
    const nodes: BenchBroker[] = [];
    try {
      for (let i = 1; i <= this.nodeCount; i++) {
        nodes.push(await startReferenceBroker(`${this.name} node${String(i)}`, this.host, { cluster: { url: redis.url, nodeId: `node${String(i)}` } }));
      }
    } catch (e) {
      await Promise.allSettled(nodes.map((n) => n.stop()));
      await redis.stop();
      throw e;
    }
    return new ClusterBenchBroker(this.name, nodes, redis);
  }
}

/** `reference:cluster:N` (N from 1 to MAX_BENCH_NODES) to its launcher. */
export function referenceClusterLauncher(target: string, host = '127.0.0.1'): BrokerLauncher {
  const m = /^reference:cluster:(\d+)$/.exec(target);
  const n = Number(m?.[1]);
  if (!m || !Number.isInteger(n) || n < 1 || n > MAX_BENCH_NODES) {
    throw new BenchError('BENCH_USAGE', `--broker ${target}: expected reference:cluster:N with N from 1 to ${String(MAX_BENCH_NODES)}`);
  }
  return new ReferenceClusterLauncher(host, n);
}
