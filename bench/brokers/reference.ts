import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exists, launcherPath, startNodeBroker } from './node-launcher.js';
import type { BenchBroker, BrokerLauncher } from './types.js';

const REFERENCE_INDEX = fileURLToPath(new URL('../../reference/index.ts', import.meta.url));

export interface ReferenceLaunchOptions {
  /** Run it as `broker --heap-growth` does: V8's young generation left to grow (reference/process-tuning.ts). */
  heapGrowth?: boolean;
  /**
   * Another checkout of this repository (`--broker reference@DIR`): its own reference broker through
   * its own launcher, to compare two versions of the broker in one run, round by round.
   */
  checkout?: string;
}

class ReferenceLauncher implements BrokerLauncher {
  readonly name: string;
  constructor(
    private readonly host: string,
    private readonly options: ReferenceLaunchOptions,
  ) {
    this.name = options.checkout !== undefined ? `reference@${basename(options.checkout)}` : options.heapGrowth ? 'reference:heap-growth' : 'reference';
  }
  private get launcher(): string {
    return this.options.checkout !== undefined ? join(this.options.checkout, 'bench/brokers/reference-launcher.ts') : launcherPath('./reference-launcher.ts');
  }
  async unavailable(): Promise<string | undefined> {
    if (this.options.checkout !== undefined) return (await exists(this.launcher)) ? undefined : `${this.launcher} does not exist: skipped`;
    return (await exists(REFERENCE_INDEX)) ? undefined : 'reference/index.ts does not exist yet (the reference broker is not built): skipped';
  }
  describeConfig(): string {
    const heap = this.options.heapGrowth
      ? 'V8 young generation left to grow, as `broker --heap-growth`'
      : 'V8 young generation kept at its start-up size, as the `broker` command does by default (reference/process-tuning.ts)';
    const where = this.options.checkout !== undefined ? `${this.options.checkout}/reference/index.ts` : 'reference/index.ts';
    return `startBroker({ port: 0, host }) from ${where} with its defaults, in a child Node process (bench/brokers/reference-launcher.ts); ${heap}`;
  }
  start(): Promise<BenchBroker> {
    return startNodeBroker(this.name, this.launcher, this.host, this.options.heapGrowth ? ['--heap-growth'] : []);
  }
}

export function referenceLauncher(host = '127.0.0.1', options: ReferenceLaunchOptions = {}): BrokerLauncher {
  return new ReferenceLauncher(host, options);
}
