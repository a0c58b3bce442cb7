import { createRequire } from 'node:module';
import { benchProcessTarget, nodeLauncherSpec, startTargetBroker } from './target-broker.js';
import type { BenchBroker, BrokerLauncher } from './types.js';

/** The aedes profile's launcher (harness/targets/launchers/aedes.ts) on port 0: it prints the port it bound. */
const AEDES_READY = 'aedes \\S+ listening on \\S*:(?<port>\\d+)$';

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
    const spec = nodeLauncherSpec(['{launcher:harness/targets/launchers/aedes}'], ['--port', '0', '--host', '{host}'], AEDES_READY);
    return startTargetBroker(this.name, benchProcessTarget(this.name, this.host, spec), true);
  }
}

export function aedesLauncher(host = '127.0.0.1'): BrokerLauncher {
  return new AedesLauncher(host);
}
