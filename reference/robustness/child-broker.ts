/**
 * A broker in its own process, for tests that kill it: `tsx child-broker.ts '<BrokerOptions JSON>'`.
 * Prints one JSON line `{"port":N}` on stdout once listening; on SIGUSR2 prints
 * `{"memory":{...}}` (after a GC when run with --expose-gc); exits on SIGTERM after closing.
 */
import { startBroker, type BrokerOptions } from '../index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as BrokerOptions;
const broker = await startBroker({ sysIntervalSeconds: 0, ...options });
process.stdout.write(`${JSON.stringify({ port: broker.address.port })}\n`);
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  process.stdout.write(`${JSON.stringify({ memory: process.memoryUsage(), clients: broker.stats().clientsConnected })}\n`);
});
process.once('SIGTERM', () => {
  void broker.close().then(() => process.exit(0));
});
