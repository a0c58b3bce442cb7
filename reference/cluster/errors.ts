/** A cluster-mode problem: bad configuration, the Redis client missing, Redis unreachable at start. */
export class ClusterError extends Error {
  constructor(
    readonly code: 'CLUSTER_NO_CLIENT' | 'CLUSTER_URL' | 'CLUSTER_NODE_ID' | 'CLUSTER_UNREACHABLE' | 'CLUSTER_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}
