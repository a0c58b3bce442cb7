/**
 * A broker in its own process, for tests that kill it: `tsx child-broker.ts '<BrokerOptions JSON>'`.
 * Prints one JSON line `{"port":N}` on stdout once listening (the first listener's port); on
 * SIGUSR2 prints one JSON line (broker-process.ts ChildReport: memory, clients, listeners, the
 * broker's stats, event-loop delay) after a GC when run with --expose-gc; exits on SIGTERM after closing.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { startBroker, type BrokerOptions, type RunningBroker } from '../../reference/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as BrokerOptions;
let broker: RunningBroker | undefined;
// Event-loop delay measured in the broker's own process, since start and per report (1 ms sampling: the figures include that 1 ms).
const total = monitorEventLoopDelay({ resolution: 1 });
const window = monitorEventLoopDelay({ resolution: 1 });
total.enable();
window.enable();
const ms = (h: IntervalHistogram): { p50: number; p99: number; max: number } => ({ p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 });
// Installed before the port is printed: the parent may signal as soon as it reads that line.
process.on('SIGUSR2', () => {
  if (!broker) return;
  (globalThis as { gc?: () => void }).gc?.();
  const listeners = broker.listeners.map((l) => ({ protocol: l.protocol, port: l.port }));
  const stats = broker.stats();
  const eventLoop = { total: ms(total), window: ms(window) };
  window.reset();
  process.stdout.write(`${JSON.stringify({ memory: process.memoryUsage(), clients: stats.clientsConnected, listeners, stats, eventLoop })}\n`);
});
process.once('SIGTERM', () => {
  void (broker?.close() ?? Promise.resolve()).then(() => process.exit(0));
});
broker = await startBroker({ sysIntervalSeconds: 0, ...options });
process.stdout.write(`${JSON.stringify({ port: broker.address.port })}\n`);
