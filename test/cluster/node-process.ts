import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { dieWithParent } from '../../harness/targets/die-with-parent.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** One reference broker node as its own process (`mqtt-conformance broker --cluster ... --node-id ...`), restartable on the same port. */
export class NodeProcess {
  private child: ChildProcess | undefined;
  constructor(
    readonly nodeId: string,
    readonly port: number,
    private readonly redisUrl: string,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${String(this.port)}`;
  }

  /** Starts it and resolves once it prints its listening line. */
  start(): Promise<void> {
    // Tethered to this process: a crashed test worker must not leave broker nodes running.
    const command = dieWithParent(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'broker', '--port', String(this.port), '--host', '127.0.0.1', '--cluster', this.redisUrl, '--node-id', this.nodeId, '--log-level', 'error']);
    const child = spawn(command.file, command.args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    return new Promise<void>((resolveStart, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`node ${this.nodeId} did not start in 30 s: ${err}`)), 30_000);
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('listening on')) {
          clearTimeout(timer);
          resolveStart();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`node ${this.nodeId} exited (${String(code ?? signal)}) before listening: ${err}`));
      });
    });
  }

  /** kill -9, and wait for the exit. */
  kill9(): Promise<void> {
    return this.signal('SIGKILL');
  }

  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((done) => {
      child.once('exit', () => done());
      child.kill(signal);
    });
  }
}
