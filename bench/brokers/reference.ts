import { fileURLToPath } from 'node:url';
import { exists, launcherPath, startNodeBroker } from './node-launcher.js';
import type { BenchBroker, BrokerLauncher } from './types.js';

const REFERENCE_INDEX = fileURLToPath(new URL('../../reference/index.ts', import.meta.url));

export interface ReferenceLaunchOptions {
  /** Run it as `broker --heap-growth` does: V8's young generation left to grow (reference/process-tuning.ts). */
  heapGrowth?: boolean;
}

class ReferenceLauncher implements BrokerLauncher {
  readonly name: string;
  constructor(
    private readonly host: string,
    private readonly options: ReferenceLaunchOptions,
  ) {
    this.name = options.heapGrowth ? 'reference:heap-growth' : 'reference';
  }
  async unavailable(): Promise<string | undefined> {
    return (await exists(REFERENCE_INDEX)) ? undefined : 'reference/index.ts does not exist yet (the reference broker is not built): skipped';
  }
  describeConfig(): string {
    const heap = this.options.heapGrowth
      ? 'V8 young generation left to grow, as `broker --heap-growth`'
      : 'V8 young generation kept at its start-up size, as the `broker` command does by default (reference/process-tuning.ts)';
    return `startBroker({ port: 0, host }) from reference/index.ts with its defaults, in a child Node process (bench/brokers/reference-launcher.ts); ${heap}`;
  }
  start(): Promise<BenchBroker> {
    return startNodeBroker(this.name, launcherPath('./reference-launcher.ts'), this.host, this.options.heapGrowth ? ['--heap-growth'] : []);
  }
}

export function referenceLauncher(host = '127.0.0.1', options: ReferenceLaunchOptions = {}): BrokerLauncher {
  return new ReferenceLauncher(host, options);
}
