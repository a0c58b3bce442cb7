/** The reference broker in a child process (child-broker.ts), so a test can SIGKILL it at any instant. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrokerOptions, StatsSnapshot } from '../../reference/index.js';
import type { Edit } from '../../scripts/mutation/mutants.js';
import { applyEdit } from '../../scripts/mutation/workspace.js';
import { brokerVariant, type BrokerVariant } from './broker-variants.js';

const ENTRY = fileURLToPath(new URL('./child-broker.ts', import.meta.url));
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/mqtt-conformance/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * Started through sh to raise the child's open-file soft limit to its hard limit first (Node has
 * no setrlimit): a broker holding 10,000 connections needs more than the common 1,024.
 */
const RAISE_FD_LIMIT = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';

const built = new Map<string, Promise<string[]>>();

/**
 * The child's command line. Tests restart the broker many times, so the entry is bundled once
 * with esbuild (tsx's own compiler) into node_modules/.cache (where the external packages resolve):
 * a start then costs ~0.1 s instead of ~0.4 s under tsx. The file is named by its content's hash
 * and written by rename, so test files running in parallel never start a half-written bundle.
 * A broken variant (broker-variants.ts) is bundled the same way with its edits applied to the
 * sources as esbuild loads them. Falls back to tsx when esbuild is not available (no variants then).
 */
async function childArgs(variant: BrokerVariant | undefined): Promise<string[]> {
  const key = variant?.name ?? '';
  let args = built.get(key);
  if (!args) {
    args = bundle(variant);
    built.set(key, args);
  }
  return await args;
}

async function bundle(variant: BrokerVariant | undefined): Promise<string[]> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    if (variant) throw new BrokerProcessError(`broker variant ${variant.name} needs esbuild: ${String(error)}`, '');
    return ['--import', 'tsx', ENTRY];
  }
  const edited = new Map<string, Edit[]>();
  for (const e of variant?.edits ?? []) edited.set(join(ROOT, e.file), [...(edited.get(join(ROOT, e.file)) ?? []), e]);
  const plugins: import('esbuild').Plugin[] = variant
    ? [
        {
          name: 'broker-variant',
          setup(b) {
            b.onLoad({ filter: /\.ts$/ }, (args) => {
              const edits = edited.get(args.path);
              if (!edits) return undefined;
              let text = readFileSync(args.path, 'utf8');
              for (const e of edits) text = applyEdit(variant.name, text, e);
              edited.delete(args.path);
              return { contents: text, loader: 'ts' };
            });
          },
        },
      ]
    : [];
  const out = await esbuild.build({ entryPoints: [ENTRY], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, logLevel: 'warning', plugins });
  // Every edit must have found its file in the bundle: a variant that changes nothing proves nothing.
  if (edited.size > 0) throw new BrokerProcessError(`broker variant ${variant?.name ?? ''}: files not in the bundle: ${[...edited.keys()].join(', ')}`, '');
  const code = out.outputFiles[0]?.contents;
  if (!code) throw new BrokerProcessError('esbuild produced no output', '');
  const file = join(CACHE, `child-broker-${variant ? `${variant.name}-` : ''}${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${file}.${String(process.pid)}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  return [file];
}

/**
 * The variant a test run asks for: `variant` when given (null: the unchanged broker, whatever the
 * environment says), else BROKER_VARIANT from the environment (how a whole test file is run
 * against a broken broker), else none.
 */
export function selectedVariant(variant?: string | null): BrokerVariant | undefined {
  if (variant === null) return undefined;
  const name = variant ?? process.env.BROKER_VARIANT;
  return name ? brokerVariant(name) : undefined;
}

export interface StartOptions {
  /** Bound on the start (default 15 s). */
  timeoutMs?: number;
  /** Arguments for node before the entry (e.g. --expose-gc). */
  nodeArgs?: string[];
  /** A broken variant's name (broker-variants.ts); null: the unchanged broker even when BROKER_VARIANT is set. */
  variant?: string | null;
}

/** What the child answers to SIGUSR2. */
export interface ChildReport {
  memory: NodeJS.MemoryUsage;
  clients: number;
  listeners: { protocol: string; port: number }[];
  /** The broker's own counters and gauges (RunningBroker.stats()). */
  stats: StatsSnapshot;
  /** Event-loop delay in the broker process (ms): since start, and since the previous report. */
  eventLoop: { total: LoopDelay; window: LoopDelay };
}

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
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
    /** The broken variant running, if any. */
    readonly variant: string | undefined,
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
  static async start(options: BrokerOptions, start: StartOptions = {}): Promise<BrokerProcess> {
    const timeoutMs = start.timeoutMs ?? 15_000;
    const variant = selectedVariant(start.variant);
    const args = [...(start.nodeArgs ?? []), ...(await childArgs(variant)), JSON.stringify({ logLevel: 'error', ...options })];
    const child = spawn('/bin/sh', ['-c', RAISE_FD_LIMIT, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    return new BrokerProcess(child, port, variant?.name);
  }

  /** Every listener of the child (protocol and port). */
  async listenerPorts(): Promise<{ protocol: string; port: number }[]> {
    return (await this.report()).listeners;
  }

  private asking: Promise<unknown> = Promise.resolve();

  /** Asks the child for a report (SIGUSR2, answered with one JSON line); one question at a time. */
  async report(): Promise<ChildReport> {
    const next = this.asking.then(async () => await this.askOnce());
    this.asking = next.catch(() => undefined);
    return await next;
  }

  private async askOnce(): Promise<ChildReport> {
    const stdout = this.child.stdout;
    if (!stdout) throw new Error('no stdout');
    const line = new Promise<string>((resolve, reject) => {
      let buf = '';
      const onData = (chunk: Buffer): void => {
        buf += chunk.toString();
        if (buf.includes('\n')) {
          stdout.off('data', onData);
          resolve(buf.split('\n')[0] ?? '');
        }
      };
      stdout.on('data', onData);
      void this.exited.then(() => reject(new BrokerProcessError('broker child exited before answering', this.stderr.slice(-2000))));
    });
    this.child.kill('SIGUSR2');
    return JSON.parse(await line) as ChildReport;
  }

  /** The child's memory (after a GC when started with --expose-gc) and connected client count. */
  async memory(): Promise<{ memory: NodeJS.MemoryUsage; clients: number }> {
    return await this.report();
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
