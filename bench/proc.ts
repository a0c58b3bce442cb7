import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

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
