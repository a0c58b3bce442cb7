/** The reference broker in a child process (child-broker.ts), so a test can SIGKILL it at any instant. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrokerOptions } from '../../reference/index.js';

const ENTRY = fileURLToPath(new URL('./child-broker.ts', import.meta.url));
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/mqtt-conformance/', import.meta.url));

let built: Promise<string[]> | undefined;

/**
 * The child's command line. Tests restart the broker many times, so the entry is bundled once
 * with esbuild (tsx's own compiler) into node_modules/.cache (where the external packages resolve):
 * a start then costs ~0.1 s instead of ~0.4 s under tsx. The file is named by its content's hash
 * and written by rename, so test files running in parallel never start a half-written bundle.
 * Falls back to tsx when esbuild is not available.
 */
async function childArgs(): Promise<string[]> {
  built ??= (async () => {
    try {
      const esbuild = await import('esbuild');
      const out = await esbuild.build({ entryPoints: [ENTRY], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, logLevel: 'warning' });
      const code = out.outputFiles[0]?.contents;
      if (!code) throw new Error('esbuild produced no output');
      const file = join(CACHE, `child-broker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
      if (!existsSync(file)) {
        mkdirSync(CACHE, { recursive: true });
        const tmp = `${file}.${String(process.pid)}.tmp`;
        writeFileSync(tmp, code);
        renameSync(tmp, file);
      }
      return [file];
    } catch {
      return ['--import', 'tsx', ENTRY];
    }
  })();
  return await built;
}

export class BrokerProcessError extends Error {
  readonly code = 'BROKER_PROCESS_START';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(`${message}${stderr ? `\n${stderr}` : ''}`);
    this.name = 'BrokerProcessError';
  }
}

export class BrokerProcess {
  /** Resolves when the process has exited (for any reason). */
  readonly exited: Promise<void>;
  stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
  }

  /** Spawns the broker and resolves once it is listening (bounded by `timeoutMs`). */
  static async start(options: BrokerOptions, timeoutMs = 15_000, nodeArgs: string[] = []): Promise<BrokerProcess> {
    const child = spawn(process.execPath, [...nodeArgs, ...(await childArgs()), JSON.stringify({ logLevel: 'error', ...options })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new BrokerProcessError(`broker child not listening within ${String(timeoutMs)} ms`, stderr));
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line !== undefined) {
          clearTimeout(timer);
          try {
            resolve((JSON.parse(line) as { port: number }).port);
          } catch {
            reject(new BrokerProcessError(`unexpected output from the broker child: ${line}`, stderr));
          }
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new BrokerProcessError(`broker child exited (code ${String(code)}, signal ${String(signal)}) before listening`, stderr));
      });
    });
    return new BrokerProcess(child, port);
  }

  /** Every listener of the child (protocol and port); the child answers SIGUSR2 with one JSON line. */
  async listenerPorts(): Promise<{ protocol: string; port: number }[]> {
    return (await this.ask('SIGUSR2')).listeners;
  }

  private async ask(signal: NodeJS.Signals): Promise<{ memory: NodeJS.MemoryUsage; clients: number; listeners: { protocol: string; port: number }[] }> {
    const stdout = this.child.stdout;
    if (!stdout) throw new Error('no stdout');
    const line = new Promise<string>((resolve) => {
      let buf = '';
      const onData = (chunk: Buffer): void => {
        buf += chunk.toString();
        if (buf.includes('\n')) {
          stdout.off('data', onData);
          resolve(buf.split('\n')[0] ?? '');
        }
      };
      stdout.on('data', onData);
    });
    this.child.kill(signal);
    return JSON.parse(await line) as { memory: NodeJS.MemoryUsage; clients: number; listeners: { protocol: string; port: number }[] };
  }

  /** The child's memory (after a GC when started with --expose-gc) and connected client count. */
  async memory(): Promise<{ memory: NodeJS.MemoryUsage; clients: number }> {
    return await this.ask('SIGUSR2');
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** kill -9, resolved once the process is gone. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A graceful stop (SIGTERM: the broker closes its stores). */
  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
