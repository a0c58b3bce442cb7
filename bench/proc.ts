import { readFileSync } from 'node:fs';

// The per-process readers live with the harness's process targets (their optional metrics); re-exported for bench code.
export { clockTicksPerSecond, parseProcStat, readProcCpu, readProcRss, type ProcCpu } from '../harness/targets/proc-metrics.js';

/** The open-files limit of this process (soft, hard), from /proc/self/limits. */
export function openFilesLimit(): { soft: number; hard: number } | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return undefined;
    const v = (s: string | undefined): number => (s === 'unlimited' || s === undefined ? Infinity : Number(s));
    return { soft: v(m[1]), hard: v(m[2]) };
  } catch {
    return undefined;
  }
}

/** Monotonic time in milliseconds, comparable between processes on this machine (CLOCK_MONOTONIC). */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Busy and total jiffies of all CPUs together, from /proc/stat (busy = all but idle and iowait). */
export function readMachineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}
