import { createStartedTarget } from './started.js';
import { TargetError, type StartedTarget, type Target } from './types.js';

/**
 * Several endpoints of one broker presented as one target: a cluster. Each member is started (a
 * URL is checked reachable, a process started...); node 1's endpoint, description and
 * capabilities are the target's, with `capabilities.nodes` listing every member's endpoint in
 * order, which is what `@needs:cluster` scenarios dial ("on node N").
 */
export class ClusterTarget implements Target {
  readonly kind: Target['kind'];

  constructor(private readonly members: readonly Target[]) {
    const first = members[0];
    if (first === undefined || members.length < 2) throw new TargetError('TARGET_CONFIG', `a cluster target needs at least two endpoints, got ${String(members.length)}`);
    this.kind = first.kind;
  }

  async start(): Promise<StartedTarget> {
    const started: StartedTarget[] = [];
    try {
      for (const m of this.members) started.push(await m.start());
    } catch (error) {
      await Promise.allSettled(started.map((s) => s.stop()));
      throw error;
    }
    const first = started[0] as StartedTarget;
    const description = first.describe();
    return createStartedTarget({
      endpoint: first.endpoint,
      capabilities: { ...first.capabilities, nodes: started.map((s) => s.endpoint) },
      description: { ...description, name: `${description.name} (cluster of ${String(started.length)})` },
      release: async () => {
        await Promise.allSettled(started.map((s) => s.stop()));
      },
      failure: () => {
        for (const s of started) {
          const f = s.failure?.();
          if (f) return f;
        }
        return undefined;
      },
    });
  }
}

/** A started target from already-started members (when the members share one lifetime, e.g. nodes and their Redis). */
export function clusterOfStarted(members: readonly StartedTarget[], release: () => Promise<void>): StartedTarget {
  const first = members[0];
  if (first === undefined) throw new TargetError('TARGET_CONFIG', 'a cluster needs at least one node');
  const description = first.describe();
  return createStartedTarget({
    endpoint: first.endpoint,
    capabilities: { ...first.capabilities, nodes: members.map((s) => s.endpoint) },
    description: { ...description, name: `${description.name} (cluster of ${String(members.length)})` },
    release,
  });
}
