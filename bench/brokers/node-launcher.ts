import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startChildBroker } from './child-broker.js';
import type { BenchBroker } from './types.js';

/** The tsx ESM loader, so a TypeScript launcher runs as a plain `node` process whose pid is the broker's. */
export function tsxLoaderUrl(): string {
  return import.meta.resolve('tsx');
}

/** The path of a launcher script beside this file. */
export function launcherPath(file: string): string {
  return fileURLToPath(new URL(file, import.meta.url));
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `node --import tsx <script>`: the script listens on 127.0.0.1 port 0 and prints
 * `BENCH_BROKER_LISTENING <port>`. Node runs it directly (not through the tsx CLI, which would add
 * a wrapper process) so CPU and RSS read from /proc are the broker's own.
 */
export function startNodeBroker(name: string, script: string, host: string, extraArgs: string[] = []): Promise<BenchBroker> {
  return startChildBroker({
    name,
    command: process.execPath,
    args: ['--expose-gc', '--import', tsxLoaderUrl(), script, '--host', host, ...extraArgs],
    env: { ...process.env, NODE_ENV: 'production' },
    host,
    gcOnSignal: true,
  });
}
