import { access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { benchProcessTarget, startTargetBroker } from './target-broker.js';
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
 * `port` and `host` may be the process target's `{port}` and `{host}` placeholders.
 */
export function mosquittoConfig(port: number | string, host: string, tuning: BrokerTuning = 'throughput'): string {
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
  /** A process target: the config in its temporary directory, a free port (retried if taken before mosquitto binds it). */
  start(tuning: BrokerTuning = 'throughput'): Promise<BenchBroker> {
    const spec = { command: [MOSQUITTO_PATH, '-c', '{config}'], files: { 'mosquitto.conf': mosquittoConfig('{port}', '{host}', tuning) } };
    return startTargetBroker(this.name, benchProcessTarget(this.name, this.host, spec));
  }
}

export function mosquittoLauncher(host = '127.0.0.1'): BrokerLauncher {
  return new MosquittoLauncher(host);
}
