import { TargetError, UrlTarget, parseEndpointUrl, type Endpoint } from '../../harness/targets/index.js';
import { tryTcpConnect } from '../../harness/targets/url.js';
import { BenchError } from '../errors.js';
import { startTargetBroker } from './target-broker.js';
import type { BenchBroker, BrokerLauncher } from './types.js';

/** How long the availability check waits for a TCP connection. */
const REACHABILITY_TIMEOUT_MS = 3000;

/** A broker already running somewhere, given as mqtt://host:port: the harness's URL target. CPU and memory are not measured. */
class UrlLauncher implements BrokerLauncher {
  readonly name: string;
  private readonly endpoint: Endpoint;
  constructor(url: string) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw new BenchError('BENCH_USAGE', `--broker ${url}: not a URL (expected reference, mosquitto, aedes or mqtt://host:port)`);
    }
    if (protocol !== 'mqtt:' && protocol !== 'tcp:') {
      throw new BenchError('BENCH_USAGE', `--broker ${url}: only mqtt://host:port (plain TCP) is supported by the load generator`);
    }
    try {
      this.endpoint = parseEndpointUrl(protocol === 'tcp:' ? `mqtt:${url.slice('tcp:'.length)}` : url);
    } catch (error) {
      if (error instanceof TargetError) throw new BenchError('BENCH_USAGE', `--broker ${url}: ${error.message}`);
      throw error;
    }
    this.name = url;
  }
  async unavailable(): Promise<string | undefined> {
    const outcome = await tryTcpConnect(this.endpoint.host, this.endpoint.port, REACHABILITY_TIMEOUT_MS);
    return outcome.ok ? undefined : `${this.name} is unreachable (${(outcome.error as NodeJS.ErrnoException).code ?? outcome.error.message})`;
  }
  describeConfig(): string {
    return `${this.name}: an external broker (its CPU and memory are not measured)`;
  }
  start(): Promise<BenchBroker> {
    return startTargetBroker(this.name, new UrlTarget(this.endpoint, { name: this.name, probe: false }));
  }
}

export function urlLauncher(url: string): BrokerLauncher {
  return new UrlLauncher(url);
}
