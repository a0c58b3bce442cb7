import { referenceClusterLauncher } from '../cluster/launcher.js';
import { BenchError } from '../errors.js';
import { aedesLauncher } from './aedes.js';
import { mosquittoLauncher } from './mosquitto.js';
import { referenceLauncher } from './reference.js';
import { urlLauncher } from './url.js';
import type { BrokerLauncher } from './types.js';

export type { BenchBroker, BrokerLauncher, BrokerTuning } from './types.js';
export { mosquittoConfig, MOSQUITTO_PATH } from './mosquitto.js';
export { startReferenceBroker } from './reference.js';
export { TargetBenchBroker, startTargetBroker } from './target-broker.js';
/** The tsx ESM loader (node --import), for the benchmark's own TypeScript child processes. */
export { tsxLoaderUrl } from '../../harness/targets/index.js';
export { aedesLauncher, mosquittoLauncher, referenceLauncher, urlLauncher };

export const DEFAULT_BROKERS = ['reference', 'mosquitto', 'aedes'] as const;

/** `reference` (`reference:heap-growth`: with `broker --heap-growth`; `reference@DIR`: another checkout's), `mosquitto`, `aedes` or `mqtt://host:port` to a launcher. */
export function brokerLauncher(target: string, host = '127.0.0.1'): BrokerLauncher {
  switch (target) {
    case 'reference':
      return referenceLauncher(host);
    case 'reference:heap-growth':
      return referenceLauncher(host, { heapGrowth: true });
    case 'mosquitto':
      return mosquittoLauncher(host);
    case 'aedes':
      return aedesLauncher(host);
    default:
      if (target.startsWith('reference:cluster:')) return referenceClusterLauncher(target, host);
      if (target.includes('://')) return urlLauncher(target);
      if (target.startsWith('reference@') && target.length > 'reference@'.length) return referenceLauncher(host, { checkout: target.slice('reference@'.length) });
      throw new BenchError('BENCH_USAGE', `--broker ${target}: unknown broker (expected reference, reference:heap-growth, reference@DIR, reference:cluster:N, mosquitto, aedes or mqtt://host:port)`);
  }
}
