import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dieWithParent } from '../../harness/targets/die-with-parent.js';
import { findFreePort } from '../../harness/targets/net.js';
import { ClusterError } from '../cluster/errors.js';

/** Where Debian's redis-server lives; override with REDIS_SERVER. */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
export const REDIS_INSTALL_HINT = 'redis-server is not installed: apt-get install redis-server (or set REDIS_SERVER)';

export function redisServerAvailable(): boolean {
  return existsSync(REDIS_SERVER);
}

/** A redis-server of our own: a free port, a temporary directory, stopped by its PID. */
export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
  /** kill -9 (for outage tests); `restart()` starts it again on the same port and directory. */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

async function launch(port: number, dir: string, persistent: boolean): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', persistent ? 'yes' : 'no', '--appendfsync', 'always', '--protected-mode', 'no'];
  // Tethered: if the process that started it dies without stopping it (a crashed test worker), so does redis-server.
  const command = dieWithParent(REDIS_SERVER, args);
  const child = spawn(command.file, command.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new ClusterError('CLUSTER_UNREACHABLE', `redis-server did not start in 10 s: ${out.slice(-500)}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new ClusterError('CLUSTER_UNREACHABLE', `redis-server exited with ${String(code)}: ${out.slice(-500)}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** Starts redis-server on a free port with a temporary directory (`persistent`: append-only file, so a restart keeps the data). */
export async function startLocalRedis(options: { persistent?: boolean } = {}): Promise<LocalRedis> {
  if (!redisServerAvailable()) throw new ClusterError('CLUSTER_UNREACHABLE', REDIS_INSTALL_HINT);
  const dir = mkdtempSync(join(tmpdir(), 'mqc-redis-'));
  const port = await findFreePort();
  let child = await launch(port, dir, options.persistent === true);
  return {
    url: `redis://127.0.0.1:${String(port)}`,
    port,
    get pid() {
      return child.pid ?? -1;
    },
    async stop() {
      await stopChild(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await stopChild(child, 'SIGKILL');
    },
    async restart() {
      child = await launch(port, dir, options.persistent === true);
    },
  };
}
