import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { BenchError } from '../errors.js';
import { readProcCpu, readProcRss } from '../proc.js';
import type { BenchBroker } from './types.js';

/** The line a launcher script prints on stdout once it listens. */
export const LISTENING_MARKER = 'BENCH_BROKER_LISTENING';
/** The line a launcher prints after the full GC that SIGUSR2 asks for. */
export const GC_DONE_MARKER = 'BENCH_GC_DONE';

/** For launcher scripts: on SIGUSR2 run a full GC (node --expose-gc) and say so on stdout. */
export function answerGcRequests(): void {
  process.on('SIGUSR2', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    process.stdout.write(`${GC_DONE_MARKER}\n`);
  });
}

export interface ChildBrokerOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  host: string;
  /** Known port (the broker is told which to use); without it the child must print LISTENING_MARKER <port>. */
  port?: number;
  /** The child answers SIGUSR2 with a full GC and GC_DONE_MARKER (our Node launchers). */
  gcOnSignal?: boolean;
  startTimeoutMs?: number;
}

/** A free TCP port on `host`, found by binding port 0 (the usual small race is handled by retrying the start). */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

class ChildBroker implements BenchBroker {
  readonly pid: number | undefined;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitPromise: Promise<void>;
  constructor(
    readonly name: string,
    readonly host: string,
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly stderrTail: () => string,
    private readonly gcOnSignal: boolean,
  ) {
    this.pid = child.pid;
    this.exitPromise =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      this.exited = { code, signal };
    });
  }
  cpuSeconds(): number | undefined {
    if (this.pid === undefined || this.exited) return undefined;
    try {
      return readProcCpu(this.pid).self;
    } catch {
      return undefined;
    }
  }
  collectGarbage(): Promise<void> {
    const out = this.child.stdout;
    if (!this.gcOnSignal || this.exited || !out) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, 5000);
      function finish(): void {
        clearTimeout(timer);
        out?.off('data', onData);
        resolve();
      }
      const onData = (d: string | Buffer): void => {
        if (String(d).includes(GC_DONE_MARKER)) finish();
      };
      out.on('data', onData);
      this.child.kill('SIGUSR2');
    });
  }
  rssBytes(): number | undefined {
    if (this.pid === undefined || this.exited) return undefined;
    try {
      return readProcRss(this.pid);
    } catch {
      return undefined;
    }
  }
  assertAlive(): void {
    if (this.exited) {
      throw new BenchError(
        'BENCH_BROKER_DIED',
        `${this.name} exited (code ${this.exited.code}, signal ${this.exited.signal}): ${this.stderrTail() || 'no stderr'}`,
        { broker: this.name },
      );
    }
  }
  async stop(): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exitPromise;
    clearTimeout(killer);
  }
}

/** Spawns a broker process and resolves once it accepts TCP connections. */
export async function startChildBroker(opts: ChildBrokerOptions): Promise<BenchBroker> {
  const timeoutMs = opts.startTimeoutMs ?? 15_000;
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  // The error's own line (a stack's first line) and the last lines, which name where it happened.
  let firstError = '';
  const tail = (): string => {
    const lines = stderr.trim().split('\n').filter((l) => l.trim() !== '');
    const last = lines.slice(-3);
    firstError ||= lines.find((l) => /(^|\s)\w*Error(\s*\[[^\]]*\])?:\s/.test(l)) ?? '';
    return (firstError && !last.includes(firstError) ? [firstError, '...', ...last] : last).join(' | ');
  };
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new BenchError('BENCH_BROKER_START', `${opts.name} did not start listening within ${timeoutMs} ms: ${tail()}`, { broker: opts.name }));
    }, timeoutMs);
    const done = (err: Error | undefined, p?: number): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(p as number);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      done(new BenchError('BENCH_BROKER_START', `${opts.name} exited while starting (code ${code}, signal ${signal}): ${tail() || stdout.trim()}`, { broker: opts.name }));
    child.once('exit', onExit);
    child.once('error', (e) => done(new BenchError('BENCH_BROKER_START', `${opts.name} could not be spawned: ${e.message}`, { broker: opts.name })));
    if (opts.port !== undefined) {
      const known = opts.port;
      const poll = async (): Promise<void> => {
        while (child.exitCode === null && child.signalCode === null) {
          if (await canConnect(opts.host, known)) return done(undefined, known);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      void poll();
    } else {
      child.stdout?.setEncoding('utf8').on('data', (d: string) => {
        stdout = (stdout + d).slice(-4000);
        const m = new RegExp(`${LISTENING_MARKER} (\\d+)`).exec(stdout);
        if (m?.[1]) done(undefined, Number(m[1]));
      });
    }
  });
  child.stdout?.resume();
  return new ChildBroker(opts.name, opts.host, port, child, tail, opts.gcOnSignal ?? false);
}
