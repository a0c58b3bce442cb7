import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Child processes this process started (brokers, suite runs) that must not outlive it: killed
 * when it exits, and when it is stopped by SIGINT/SIGTERM/SIGHUP (after which the signal is
 * raised again so that the default action, ending this process, still happens unless someone
 * else handles it).
 */
const live = new Set<ChildProcess>();
/** Temporary directories of running targets, removed with them. */
const dirs = new Set<string>();
let installed = false;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killAll(signal: NodeJS.Signals): void {
  for (const child of live) child.kill(signal);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', () => killAll('SIGKILL'));
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      killAll('SIGTERM');
      // Ours was the only handler: keep the default behaviour (terminate) by raising it again.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.once(signal, onSignal);
  }
}

/** Registers `child` to be stopped with this process; it is forgotten once it exits. */
export function trackChild(child: ChildProcess): void {
  install();
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
}

/** Registers a temporary directory to be removed if this process ends before the target is stopped. */
export function trackDir(dir: string): void {
  install();
  dirs.add(dir);
}

/** Forgets a directory the target removed itself. */
export function untrackDir(dir: string): void {
  dirs.delete(dir);
}

/**
 * A new temporary directory (`prefix` + random) that is removed if this process ends first, and
 * its `remove()`: idempotent, every call answers the same removal.
 */
export async function trackedTempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  trackDir(dir);
  let removed: Promise<void> | undefined;
  const remove = (): Promise<void> => {
    removed ??= rm(dir, { recursive: true, force: true }).then(() => untrackDir(dir));
    return removed;
  };
  return { dir, remove };
}
