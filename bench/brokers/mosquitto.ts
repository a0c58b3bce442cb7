import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError } from '../errors.js';
import { freePort, startChildBroker } from './child-broker.js';
import type { BenchBroker, BrokerLauncher, BrokerTuning } from './types.js';

export const MOSQUITTO_PATH = '/usr/sbin/mosquitto';

/**
 * Mosquitto's configuration for the benchmark: it must queue rather than drop, so that a lost
 * message is a broker failure and not a configured limit.
 *  - max_queued_messages 0 / max_queued_bytes 0: no queue limit (QoS 0 to an online client is then
 *    never dropped either: 2.0 only drops QoS 0 against these limits);
 *  - max_inflight_messages 1000: up to 1000 unacknowledged QoS 1/2 messages per client (20 by
 *    default would cap fan-in throughput by round trips, not by CPU);
 *  - set_tcp_nodelay: false (Mosquitto's default) for throughput, where Nagle's coalescing of small
 *    writes nearly doubles its fan-in rate here; true for the latency scenario, so that no message
 *    waits behind an unacknowledged segment. Each scenario sees Mosquitto at its best;
 *  - logging off except errors, so the log is not the bottleneck.
 */
export function mosquittoConfig(port: number, host: string, tuning: BrokerTuning = 'throughput'): string {
  return [
    `listener ${port} ${host}`,
    'allow_anonymous true',
    'max_queued_messages 0',
    'max_queued_bytes 0',
    'max_inflight_messages 1000',
    'max_inflight_bytes 0',
    `set_tcp_nodelay ${tuning === 'latency'}`,
    'persistence false',
    'connection_messages false',
    'log_dest stderr',
    'log_type error',
    'sys_interval 0',
    'user root',
    '',
  ].join('\n');
}

class MosquittoLauncher implements BrokerLauncher {
  readonly name = 'mosquitto';
  constructor(private readonly host: string) {}
  async unavailable(): Promise<string | undefined> {
    try {
      await access(MOSQUITTO_PATH, constants.X_OK);
      return undefined;
    } catch {
      return `${MOSQUITTO_PATH} is not installed (apt-get install mosquitto)`;
    }
  }
  describeConfig(): string {
    return `${mosquittoConfig(0, this.host).replace('listener 0', 'listener <free port>')}(the latency scenario: set_tcp_nodelay true)`;
  }
  async start(tuning: BrokerTuning = 'throughput'): Promise<BenchBroker> {
    const dir = await mkdtemp(join(tmpdir(), 'bench-mosquitto-'));
    let lastError: unknown;
    try {
      // A free port can be taken between our probe and mosquitto's bind: retry a few times.
      for (let attempt = 0; attempt < 3; attempt++) {
        const port = await freePort(this.host);
        const conf = join(dir, 'mosquitto.conf');
        await writeFile(conf, mosquittoConfig(port, this.host, tuning));
        try {
          const broker = await startChildBroker({ name: this.name, command: MOSQUITTO_PATH, args: ['-c', conf], host: this.host, port });
          return broker;
        } catch (e) {
          lastError = e;
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    throw lastError instanceof Error ? lastError : new BenchError('BENCH_BROKER_START', `mosquitto did not start: ${String(lastError)}`);
  }
}

export function mosquittoLauncher(host = '127.0.0.1'): BrokerLauncher {
  return new MosquittoLauncher(host);
}
