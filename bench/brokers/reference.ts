import { fileURLToPath } from 'node:url';
import { exists, launcherPath, startNodeBroker } from './node-launcher.js';
import type { BenchBroker, BrokerLauncher } from './types.js';

const REFERENCE_INDEX = fileURLToPath(new URL('../../reference/index.ts', import.meta.url));

class ReferenceLauncher implements BrokerLauncher {
  readonly name = 'reference';
  constructor(private readonly host: string) {}
  async unavailable(): Promise<string | undefined> {
    return (await exists(REFERENCE_INDEX)) ? undefined : 'reference/index.ts does not exist yet (the reference broker is not built): skipped';
  }
  describeConfig(): string {
    return 'startBroker({ port: 0, host }) from reference/index.ts with its defaults, in a child Node process (bench/brokers/reference-launcher.ts)';
  }
  start(): Promise<BenchBroker> {
    return startNodeBroker(this.name, launcherPath('./reference-launcher.ts'), this.host);
  }
}

export function referenceLauncher(host = '127.0.0.1'): BrokerLauncher {
  return new ReferenceLauncher(host);
}
