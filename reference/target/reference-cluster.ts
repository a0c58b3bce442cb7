import { clusterOfStarted } from '../../harness/targets/cluster.js';
import { dialableHost } from '../../harness/targets/net.js';
import type { BrokerProfile } from '../../harness/targets/profile-schema.js';
import { createStartedTarget, settleCapabilities } from '../../harness/targets/started.js';
import { TargetError, type Endpoint, type StartedTarget, type Target } from '../../harness/targets/types.js';
import { REDIS_INSTALL_HINT, redisServerAvailable, startLocalRedis } from './redis-server.js';
import { packageVersion, REFERENCE_CONNECT_TIMEOUT_SECONDS, REFERENCE_SYS_INTERVAL_SECONDS } from './reference-target.js';

/**
 * `--broker reference:cluster:N`: a redis-server of its own (free port, temporary directory) and N
 * reference broker nodes in this process sharing it (reference/cluster), presented as one cluster
 * target (harness/targets/cluster.ts). Stopped in reverse: the nodes, then Redis by its PID.
 * The profile's credentials are not set up: the cluster is for the `@cluster` scenarios.
 */
export class ReferenceClusterTarget implements Target {
  readonly kind = 'reference';
  constructor(
    private readonly nodes: number,
    private readonly profile?: BrokerProfile,
  ) {
    if (!Number.isInteger(nodes) || nodes < 2 || nodes > 16) throw new TargetError('TARGET_CONFIG', `reference:cluster:N needs N from 2 to 16, got ${String(nodes)}`);
  }

  async start(): Promise<StartedTarget> {
    if (!redisServerAvailable()) throw new TargetError('TARGET_START_FAILED', `reference:cluster: ${REDIS_INSTALL_HINT}`);
    const redis = await startLocalRedis();
    const { startBroker } = await import('../index.js');
    const brokers: Awaited<ReturnType<typeof startBroker>>[] = [];
    const release = async (): Promise<void> => {
      await Promise.allSettled(brokers.map((b) => b.close()));
      await redis.stop();
    };
    try {
      for (let i = 1; i <= this.nodes; i++) {
        brokers.push(
          await startBroker({
            port: 0,
            host: '127.0.0.1',
            cluster: redis.url,
            nodeId: `node${String(i)}`,
            sysIntervalSeconds: REFERENCE_SYS_INTERVAL_SECONDS,
            connectTimeoutMs: REFERENCE_CONNECT_TIMEOUT_SECONDS * 1000,
          }),
        );
      }
      const profile: BrokerProfile = { ...(this.profile ?? { name: 'reference' }), capabilities: { ...this.profile?.capabilities, auth: undefined } };
      const members: StartedTarget[] = [];
      for (const b of brokers) {
        const host = dialableHost(b.address.host);
        const endpoint: Endpoint = { url: `mqtt://${host}:${String(b.address.port)}`, protocol: 'mqtt', host, port: b.address.port };
        const { capabilities, version } = await settleCapabilities(endpoint, profile, packageVersion());
        members.push(createStartedTarget({ endpoint, capabilities, description: { name: 'reference', version: version ?? packageVersion(), url: endpoint.url, kind: 'reference' }, release: async () => undefined }));
      }
      return clusterOfStarted(members, release);
    } catch (error) {
      await release();
      throw error instanceof TargetError ? error : new TargetError('TARGET_START_FAILED', `the reference cluster did not start: ${(error as Error).message}`, (error as Error).stack);
    }
  }
}
