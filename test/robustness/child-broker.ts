/**
 * A broker in its own process, for tests that kill it: `tsx child-broker.ts '<BrokerOptions JSON>'`.
 * Prints one JSON line `{"port":N}` on stdout once listening (the first listener's port); on
 * SIGUSR2 prints `{"memory":{...},"clients":N,"listeners":[...]}` (after a GC when run with
 * --expose-gc); exits on SIGTERM after closing.
 */
import { startBroker, type BrokerOptions, type RunningBroker } from '../../reference/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as BrokerOptions;
let broker: RunningBroker | undefined;
// Installed before the port is printed: the parent may signal as soon as it reads that line.
process.on('SIGUSR2', () => {
  if (!broker) return;
  (globalThis as { gc?: () => void }).gc?.();
  const listeners = broker.listeners.map((l) => ({ protocol: l.protocol, port: l.port }));
  process.stdout.write(`${JSON.stringify({ memory: process.memoryUsage(), clients: broker.stats().clientsConnected, listeners })}\n`);
});
process.once('SIGTERM', () => {
  void (broker?.close() ?? Promise.resolve()).then(() => process.exit(0));
});
broker = await startBroker({ sysIntervalSeconds: 0, ...options });
process.stdout.write(`${JSON.stringify({ port: broker.address.port })}\n`);
