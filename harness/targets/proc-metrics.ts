import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * Process metrics of a broker running on this machine, read from /proc (Linux): what a started
 * target's `process` reports (pid, CPU seconds, resident set size), and what the benchmark reads.
 */
let clockTicks: number | undefined;

/** Kernel clock ticks per second (USER_HZ), for /proc/<pid>/stat times. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number.parseInt(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(), 10) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Fields of /proc/<pid>/stat after the `(comm)` field, which may itself hold spaces or parentheses. */
export function parseProcStat(text: string): string[] {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 60)}`);
  // Field 3 (state) is the first after the command; utime is field 14, stime 15, cutime 16, cstime 17.
  return text.slice(close + 2).trim().split(/\s+/);
}

export interface ProcCpu {
  /** utime + stime of the process itself, seconds. */
  self: number;
  /** cutime + cstime: CPU of children the process has waited for, seconds. */
  children: number;
}

/** CPU seconds used so far by a process, from /proc (Linux). */
export function readProcCpu(pid: number | 'self'): ProcCpu {
  const f = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const n = (i: number): number => Number.parseInt(f[i - 3] ?? '0', 10);
  const hz = clockTicksPerSecond();
  return { self: (n(14) + n(15)) / hz, children: (n(16) + n(17)) / hz };
}

/** Resident set size of a process in bytes, from /proc/<pid>/status (Linux). */
export function readProcRss(pid: number | 'self'): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number.parseInt(m[1], 10) * 1024;
}
