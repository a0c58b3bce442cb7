import { createRequire } from 'node:module';
import { launcherPath, startNodeBroker } from './node-launcher.js';
import type { BenchBroker, BrokerLauncher } from './types.js';

class AedesLauncher implements BrokerLauncher {
  readonly name = 'aedes';
  constructor(private readonly host: string) {}
  async unavailable(): Promise<string | undefined> {
    try {
      createRequire(import.meta.url).resolve('aedes');
      return undefined;
    } catch {
      return 'the aedes package is not installed (npm install)';
    }
  }
  describeConfig(): string {
    return 'Aedes.createBroker() with default options (in-memory persistence), net.createServer(broker.handle), one Node process';
  }
  start(): Promise<BenchBroker> {
    return startNodeBroker(this.name, launcherPath('./aedes-launcher.ts'), this.host);
  }
}

export function aedesLauncher(host = '127.0.0.1'): BrokerLauncher {
  return new AedesLauncher(host);
}
