/**
 * Runs the reference broker (`startBroker` from reference/index.ts) on 127.0.0.1, port 0, in its
 * own process so that its CPU and memory are measured apart from the load generator.
 * Prints `BENCH_BROKER_LISTENING <port>` on stdout; closes on SIGTERM.
 */
import { parseArgs } from 'node:util';
import { answerGcRequests, LISTENING_MARKER } from './child-broker.js';
import { portOf } from './port-of.js';

// Before the listening line: the benchmark may ask for a GC as soon as it sees it.
answerGcRequests();
const { values } = parseArgs({
  options: { host: { type: 'string', default: '127.0.0.1' }, 'heap-growth': { type: 'boolean', default: false }, cluster: { type: 'string' }, 'node-id': { type: 'string' } },
});
// Cluster mode (bench/cluster): the node joins the cluster on this Redis, as `broker --cluster URL --node-id NAME`.
const clusterOptions = values.cluster !== undefined ? { cluster: values.cluster, nodeId: values['node-id'] } : {};
// As the `broker` command does (harness/cli/broker.ts), unless asked for its --heap-growth.
if (!values['heap-growth']) {
  const tuning = (await import(new URL('../../reference/process-tuning.js', import.meta.url).href)) as { boundYoungGeneration: () => void };
  tuning.boundYoungGeneration();
}
// A computed specifier: the reference broker may not exist yet, and the benchmark must still compile.
const referenceIndex = new URL('../../reference/index.js', import.meta.url).href;
const mod = (await import(referenceIndex)) as Record<string, unknown>;
const startBroker = mod['startBroker'];
if (typeof startBroker !== 'function') {
  process.stderr.write('reference/index.ts does not export startBroker\n');
  process.exit(4);
}
const broker: unknown = await (startBroker as (o: object) => Promise<unknown>)({ port: 0, host: values.host, ...clusterOptions });
const port = portOf(broker);
if (port === undefined) {
  process.stderr.write('startBroker() resolved without a port (expected .port or .address.port)\n');
  process.exit(4);
}
process.stdout.write(`${LISTENING_MARKER} ${port}\n`);
const stop = async (): Promise<void> => {
  setTimeout(() => process.exit(0), 2000).unref();
  const close = (broker as { close?: unknown }).close;
  if (typeof close === 'function') await (close as () => Promise<void>).call(broker);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
