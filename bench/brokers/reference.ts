import { access } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessSpec } from '../../harness/targets/index.js';
import { BenchError } from '../errors.js';
import { benchProcessTarget, nodeLauncherSpec, startTargetBroker } from './target-broker.js';
import type { BenchBroker, BrokerLauncher } from './types.js';

const REFERENCE_INDEX = fileURLToPath(new URL('../../reference/index.ts', import.meta.url));
/** The reference broker's one launcher (also the `reference:process` target's), by module path. */
const REFERENCE_LAUNCHER = 'reference/target/launcher';
/**
 * Its ready line, `mqtt-conformance reference broker listening on HOST:PORT`, or the line of the
 * benchmark's own launcher in older checkouts (`BENCH_BROKER_LISTENING PORT`), for `reference@DIR`.
 */
const REFERENCE_READY = '(?:^BENCH_BROKER_LISTENING |reference broker listening on \\S*:)(?<port>\\d+)$';
/** The benchmark's launcher in checkouts from before it was merged into REFERENCE_LAUNCHER. */
const OLD_BENCH_LAUNCHER = 'bench/brokers/reference-launcher.ts';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export interface ReferenceLaunchOptions {
  /** Run it as `broker --heap-growth` does: V8's young generation left to grow (reference/process-tuning.ts). */
  heapGrowth?: boolean;
  /**
   * Another checkout of this repository (`--broker reference@DIR`): its own reference broker through
   * its own launcher, to compare two versions of the broker in one run, round by round.
   */
  checkout?: string;
  /** A cluster node (bench/cluster): join the cluster on this Redis under this node id. */
  cluster?: { url: string; nodeId: string };
}

/**
 * The node arguments that run the reference launcher of `checkout` (this one when undefined):
 * its `reference/target/launcher.ts`, or in an older checkout the benchmark's launcher it had then
 * (which takes --host, --heap-growth, --cluster and --node-id alike and listens on TCP only).
 */
async function launcherScript(checkout: string | undefined): Promise<{ script: string[]; tcpOnly: string[] } | { missing: string }> {
  if (checkout === undefined) return { script: [`{launcher:${REFERENCE_LAUNCHER}}`], tcpOnly: ['--no-websocket'] };
  const old = join(checkout, OLD_BENCH_LAUNCHER);
  if (await exists(old)) return { script: ['--import', '{tsx}', old], tcpOnly: [] };
  const current = join(checkout, `${REFERENCE_LAUNCHER}.ts`);
  if (await exists(current)) return { script: ['--import', '{tsx}', current], tcpOnly: ['--no-websocket'] };
  return { missing: current };
}

/** The process spec of the reference broker for the benchmark: TCP only, on port 0, with the options asked for. */
async function referenceSpec(options: ReferenceLaunchOptions): Promise<ProcessSpec> {
  const launcher = await launcherScript(options.checkout);
  if ('missing' in launcher) throw new BenchError('BENCH_BROKER_UNAVAILABLE', `${launcher.missing} does not exist`);
  const args = [
    '--host',
    '{host}',
    ...(launcher.tcpOnly.length > 0 ? ['--port', '0', ...launcher.tcpOnly] : []),
    ...(options.heapGrowth ? ['--heap-growth'] : []),
    ...(options.cluster === undefined ? [] : ['--cluster', options.cluster.url, '--node-id', options.cluster.nodeId]),
  ];
  return nodeLauncherSpec(launcher.script, args, REFERENCE_READY);
}

/** Starts the reference broker as a process target for the benchmark (one node of a cluster with `options.cluster`). */
export async function startReferenceBroker(name: string, host: string, options: ReferenceLaunchOptions = {}): Promise<BenchBroker> {
  return startTargetBroker(name, benchProcessTarget(name, host, await referenceSpec(options)), true);
}

class ReferenceLauncher implements BrokerLauncher {
  readonly name: string;
  constructor(
    private readonly host: string,
    private readonly options: ReferenceLaunchOptions,
  ) {
    this.name = options.checkout !== undefined ? `reference@${basename(options.checkout)}` : options.heapGrowth ? 'reference:heap-growth' : 'reference';
  }
  async unavailable(): Promise<string | undefined> {
    if (this.options.checkout !== undefined) {
      const launcher = await launcherScript(this.options.checkout);
      return 'missing' in launcher ? `${launcher.missing} does not exist: skipped` : undefined;
    }
    return (await exists(REFERENCE_INDEX)) ? undefined : 'reference/index.ts does not exist yet (the reference broker is not built): skipped';
  }
  describeConfig(): string {
    const heap = this.options.heapGrowth
      ? 'V8 young generation left to grow, as `broker --heap-growth`'
      : 'V8 young generation kept at its start-up size, as the `broker` command does by default (reference/process-tuning.ts)';
    const where = this.options.checkout !== undefined ? `${this.options.checkout}/reference/index.ts` : 'reference/index.ts';
    return `startBroker({ port: 0, host }) from ${where} with its defaults, in a child Node process (${REFERENCE_LAUNCHER}.ts --no-websocket); ${heap}`;
  }
  start(): Promise<BenchBroker> {
    return startReferenceBroker(this.name, this.host, this.options);
  }
}

export function referenceLauncher(host = '127.0.0.1', options: ReferenceLaunchOptions = {}): BrokerLauncher {
  return new ReferenceLauncher(host, options);
}
