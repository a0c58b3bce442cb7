import { describe, expect, it } from 'vitest';
import { monoMs, parseProcStat, readMachineCpu, readProcCpu, readProcRss } from './proc.js';

describe('/proc readers', () => {
  it('splits a stat line after the command, which may hold spaces and parentheses', () => {
    const line = '1234 (node (bench) x) S 1 2 3 4 5 6 7 8 9 10 250 50 7 3 20 0 1 0 100';
    const f = parseProcStat(line);
    expect(f[0]).toBe('S'); // field 3
    expect(f[14 - 3]).toBe('250'); // utime
    expect(f[15 - 3]).toBe('50'); // stime
    expect(f[16 - 3]).toBe('7'); // cutime
  });
  it('reads this process: CPU grows with work, RSS is plausible', () => {
    const before = readProcCpu('self').self;
    // Burn 50 ms of CPU (not of wall time: the machine may be shared), bounded by 10 s of wall time.
    const start = process.cpuUsage();
    const deadline = monoMs() + 10_000;
    let x = 0;
    while (process.cpuUsage(start).user < 50_000 && monoMs() < deadline) for (let i = 0; i < 1e4; i++) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(readProcCpu(process.pid).self).toBeGreaterThan(before);
    expect(readProcRss('self')).toBeGreaterThan(10 * 1024 * 1024);
    const m = readMachineCpu();
    expect(m.total).toBeGreaterThan(m.busy);
  });
});
