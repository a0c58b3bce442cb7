import { createConnection } from 'node:net';
import { BenchError } from '../errors.js';
import type { BenchBroker, BrokerLauncher } from './types.js';

/** A broker already running somewhere, given as mqtt://host:port. CPU and memory are not measured. */
class UrlLauncher implements BrokerLauncher {
  readonly name: string;
  private readonly host: string;
  private readonly port: number;
  constructor(url: string) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new BenchError('BENCH_USAGE', `--broker ${url}: not a URL (expected reference, mosquitto, aedes or mqtt://host:port)`);
    }
    if (u.protocol !== 'mqtt:' && u.protocol !== 'tcp:') {
      throw new BenchError('BENCH_USAGE', `--broker ${url}: only mqtt://host:port (plain TCP) is supported by the load generator`);
    }
    this.name = url;
    this.host = u.hostname;
    this.port = u.port ? Number(u.port) : 1883;
  }
  unavailable(): Promise<string | undefined> {
    return new Promise((resolve) => {
      const s = createConnection({ host: this.host, port: this.port });
      s.once('connect', () => {
        s.destroy();
        resolve(undefined);
      });
      s.once('error', (e) => resolve(`${this.name} is unreachable (${(e as NodeJS.ErrnoException).code ?? e.message})`));
    });
  }
  describeConfig(): string {
    return `${this.name}: an external broker (its CPU and memory are not measured)`;
  }
  async start(): Promise<BenchBroker> {
    const { host, port, name } = this;
    return {
      name,
      host,
      port,
      pid: undefined,
      cpuSeconds: () => undefined,
      rssBytes: () => undefined,
      collectGarbage: async () => undefined,
      assertAlive: () => undefined,
      stop: async () => undefined,
    };
  }
}

export function urlLauncher(url: string): BrokerLauncher {
  return new UrlLauncher(url);
}
