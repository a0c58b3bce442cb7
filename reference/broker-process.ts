import { startBroker, type BrokerOptions, type RunningBroker } from './index.js';
import { boundYoungGeneration } from './process-tuning.js';

/** How a process whose job is the broker runs it (besides the broker's own options). */
export interface BrokerProcessOptions {
  /** `--heap-growth`: leave V8's young generation growth alone (process-tuning.ts). */
  heapGrowth?: boolean;
  /** False: leave this process's V8 settings alone (tests that run it inside their own process). Default true. */
  tuneProcess?: boolean;
  /** Stops the broker when aborted; SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
  /** Called once the broker listens: the ready line, a listeners file. */
  onListening?: (broker: RunningBroker) => void;
}

/**
 * The one way the reference broker runs as a process of its own: the `broker` command
 * (cli/broker.ts) and the launcher of targets, benchmark and Docker image
 * (reference/target/launcher.ts) both call it. Keeps V8's young generation at its start-up size
 * unless `heapGrowth`, starts the broker, runs until SIGINT, SIGTERM or `signal`, then closes it.
 * Throws what `startBroker` throws (nothing is left running then).
 */
export async function runBrokerProcess(options: BrokerOptions, processOptions: BrokerProcessOptions = {}): Promise<void> {
  if (processOptions.heapGrowth !== true && processOptions.tuneProcess !== false) boundYoungGeneration();
  const broker = await startBroker(options);
  const { signal } = processOptions;
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted === true) stop();
  });
  processOptions.onListening?.(broker);
  await stopped;
  await broker.close();
}
