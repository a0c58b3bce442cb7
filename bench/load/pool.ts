import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BenchError } from '../errors.js';
import { tsxLoaderUrl } from '../brokers/index.js';
import type { ClientSpec, Command, Reply, WorkerResult } from './protocol.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./worker.ts', import.meta.url));

type Pending = { resolve: (r: Reply) => void; reject: (e: Error) => void };

class WorkerHandle {
  private readonly pending = new Map<number, Pending>();
  private exitReason: string | undefined;
  onProgress: (worker: number, delivered: number) => void = () => undefined;
  constructor(readonly index: number, readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => {
      if (reply.type === 'ready') return;
      if (reply.type === 'progress') return this.onProgress(reply.worker, reply.delivered);
      const p = this.pending.get(reply.seq);
      if (!p) return;
      this.pending.delete(reply.seq);
      if (reply.type === 'error') p.reject(new BenchError('BENCH_WORKER', `load worker ${index}: ${reply.message}`, { code: reply.code }));
      else p.resolve(reply);
    });
    child.on('exit', (code, signal) => {
      this.exitReason = `load worker ${index} exited (code ${code}, signal ${signal})`;
      for (const p of this.pending.values()) p.reject(new BenchError('BENCH_WORKER', this.exitReason));
      this.pending.clear();
    });
  }
  get alive(): boolean {
    return this.exitReason === undefined;
  }
  request(cmd: Command): Promise<Reply> {
    if (this.exitReason) return Promise.reject(new BenchError('BENCH_WORKER', this.exitReason));
    return new Promise((resolve, reject) => {
      this.pending.set(cmd.seq, { resolve, reject });
      this.child.send(cmd);
    });
  }
  /** Sends without waiting for the reply of this command (it answers an earlier one). */
  notify(cmd: Command): void {
    if (!this.exitReason) this.child.send(cmd);
  }
}

/** One client assignment per worker: where to connect and which clients to run. */
export interface Assignment {
  host: string;
  port: number;
  clients: ClientSpec[];
}

/**
 * Forked load-generator processes. Forks (not threads) so that each has its own event loop, heap and
 * file-descriptor table, and `process.cpuUsage()` inside each is that worker's CPU alone.
 */
export class WorkerPool {
  private seq = 0;
  private constructor(private readonly workers: WorkerHandle[]) {}

  get size(): number {
    return this.workers.length;
  }

  /** False once any worker process has exited (the pool must then be replaced). */
  get alive(): boolean {
    return this.workers.every((w) => w.alive);
  }

  static async start(count: number): Promise<WorkerPool> {
    if (!Number.isInteger(count) || count < 1) throw new BenchError('BENCH_USAGE', `--workers must be a positive integer, got ${count}`);
    const handles = await Promise.all(
      Array.from({ length: count }, (_, index) => {
        const child = fork(WORKER_SCRIPT, [], {
          execArgv: ['--import', tsxLoaderUrl()],
          env: { ...process.env, BENCH_WORKER_INDEX: String(index) },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        return new Promise<WorkerHandle>((resolve, reject) => {
          const timer = setTimeout(() => reject(new BenchError('BENCH_WORKER', `load worker ${index} did not start within 20 s`)), 20_000);
          child.once('message', () => {
            clearTimeout(timer);
            resolve(new WorkerHandle(index, child));
          });
          child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new BenchError('BENCH_WORKER', `load worker ${index} exited while starting (code ${code})`));
          });
        });
      }),
    );
    return new WorkerPool(handles);
  }

  /** Opens every worker's connections; resolves when all are ready. */
  async prepare(assignments: readonly Assignment[]): Promise<void> {
    const seq = ++this.seq;
    await Promise.all(
      this.workers.map((w, i) => {
        const a = assignments[i];
        return w.request({ cmd: 'prepare', seq, host: a?.host ?? '127.0.0.1', port: a?.port ?? 0, clients: a?.clients ?? [] });
      }),
    );
  }

  /**
   * Starts the measured phase on every worker and collects their results. After `timeoutMs` the
   * workers are told to finish now and report what they have (`cutShort`).
   */
  async go(timeoutMs: number): Promise<WorkerResult[]> {
    const seq = ++this.seq;
    // Relay the subscribers' delivery counts to every worker: the publishers' pacing credit.
    const delivered = this.workers.map(() => 0);
    for (const w of this.workers) {
      w.onProgress = (index, count) => {
        delivered[index] = count;
        const total = delivered.reduce((a, b) => a + b, 0);
        for (const x of this.workers) x.notify({ cmd: 'credit', seq, delivered: total });
      };
    }
    const replies = this.workers.map((w) => w.request({ cmd: 'go', seq }));
    const timer = setTimeout(() => {
      for (const w of this.workers) w.notify({ cmd: 'finish', seq: ++this.seq });
    }, timeoutMs);
    try {
      const results = await Promise.all(replies);
      return results.map((r) => {
        if (r.type !== 'result') throw new BenchError('BENCH_WORKER', `unexpected reply ${r.type} to go`);
        return r.result;
      });
    } finally {
      clearTimeout(timer);
      for (const w of this.workers) w.onProgress = () => undefined;
    }
  }

  /** Closes every worker's connections. */
  async close(): Promise<void> {
    const seq = ++this.seq;
    await Promise.all(this.workers.map((w) => w.request({ cmd: 'close', seq }).catch(() => undefined)));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
            w.child.once('exit', () => resolve());
            w.child.disconnect();
            setTimeout(() => w.child.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
  }
}
