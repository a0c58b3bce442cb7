/**
 * The client under test: an adapter program around one MQTT client library, started per scenario
 * and driven over JSON lines. A client does only what its program tells it, so the adapter takes
 * instructions on stdin (connect with these options, publish this, subscribe to that) and prints
 * what happens on stdout (connected, a message arrived, an operation the library refused). The
 * protocol is described in harness/clients/adapters/README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TraceRecorder } from '../client/trace.js';
import { CommandLineError, splitCommandLine } from '../targets/command-line.js';

/** An instruction to the adapter (one JSON line on its stdin). */
export type AdapterCommand =
  | {
      op: 'connect';
      /** 4 = 3.1.1, 5 = 5.0. */
      version: 4 | 5;
      clientId: string;
      clean: boolean;
      keepalive: number;
      /** 5.0 CONNECT properties. */
      sessionExpiry?: number;
      receiveMaximum?: number;
      maximumPacketSize?: number;
      topicAliasMaximum?: number;
      username?: string;
      password?: string;
      will?: { topic: string; payload: string; qos: 0 | 1 | 2; retain: boolean };
      /** Reconnect after the connection is lost (the library's own reconnect). */
      reconnect: boolean;
      /** 5.0: an Authentication Method for enhanced authentication. */
      authMethod?: string;
    }
  | { op: 'publish'; topic: string; payload: string; qos: 0 | 1 | 2; retain: boolean; topicAlias?: number }
  | { op: 'subscribe'; topic: string; qos: 0 | 1 | 2 }
  | { op: 'unsubscribe'; topic: string }
  | { op: 'disconnect' };

/** What the adapter reports (one JSON line on its stdout). */
export type AdapterEvent =
  | { event: 'hello'; library: string; version: string }
  | { event: 'connected'; sessionPresent?: boolean }
  | { event: 'message'; topic: string; payload: string; qos: number; retain?: boolean }
  | { event: 'published'; topic: string }
  | { event: 'subscribed'; topic: string }
  | { event: 'refused'; op: string; reason: string }
  | { event: 'error'; message: string }
  | { event: 'closed'; reason?: string }
  | { event: 'auth'; reasonCode?: number }
  | { event: 'unsupported'; op: string; reason: string };

/** The adapter failed as a program (not as an MQTT client): the scenario is inconclusive. */
export class AdapterError extends Error {
  readonly code = 'ADAPTER_FAILED';
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'AdapterError';
  }
}

export interface ClientUnderTestOptions {
  /** The command line with `{host}` and `{port}` placeholders, e.g. `node adapter.mjs {host} {port}`. */
  command: string;
  host: string;
  port: number;
  /** The scenario's trace: commands and events are recorded as events of the `adapter` line. */
  trace?: TraceRecorder;
  /** Extra environment of the adapter. */
  env?: Record<string, string>;
}

/** The words of a client adapter's command (harness/targets/command-line.ts); an unclosed quote is the adapter's error. */
export function splitCommand(command: string): string[] {
  try {
    return splitCommandLine(command);
  } catch (e) {
    if (e instanceof CommandLineError) throw new AdapterError(`unterminated ${e.quote} quote in the client command: ${command}`);
    throw e;
  }
}

/** The command's words with `{host}` and `{port}` filled in; other `{name}`s are refused. */
export function fillCommand(command: string, values: { host: string; port: number }): string[] {
  const words = splitCommand(command);
  if (words.length === 0) throw new AdapterError('the client command is empty');
  return words.map((w) =>
    w.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
      if (name === 'host') return values.host;
      if (name === 'port') return String(values.port);
      throw new AdapterError(`unknown placeholder ${whole} in the client command (known: {host} {port})`);
    }),
  );
}

type Waiter = { check: () => boolean };

/** Lines of the adapter's stderr kept for an error message. */
const STDERR_LINES = 40;

/** One running adapter. */
export class ClientUnderTest {
  /** Every event the adapter reported, in order. */
  readonly events: AdapterEvent[] = [];
  private readonly child: ChildProcess;
  private readonly trace: TraceRecorder | undefined;
  private readonly stderr: string[] = [];
  private waiters: Waiter[] = [];
  private exitState: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly consumed = new Set<number>();

  private constructor(child: ChildProcess, trace: TraceRecorder | undefined) {
    this.child = child;
    this.trace = trace;
    const out = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    out.on('line', (line) => this.onLine(line));
    const err = createInterface({ input: child.stderr as NodeJS.ReadableStream });
    err.on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > STDERR_LINES) this.stderr.shift();
    });
    child.on('exit', (code, signal) => {
      this.exitState = { code, signal };
      this.trace?.record({ client: 'adapter', dir: 'event', event: 'adapter', note: `exited (${signal ?? `code ${String(code)}`})` });
      this.pump();
    });
  }

  /** Starts the adapter; fails with AdapterError when the program cannot be started. */
  static async start(options: ClientUnderTestOptions): Promise<ClientUnderTest> {
    const [program, ...args] = fillCommand(options.command, { host: options.host, port: options.port });
    const child = spawn(program as string, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (e) => reject(new AdapterError(`cannot start the client adapter "${program ?? ''}": ${e.message}`)));
    });
    options.trace?.record({ client: 'adapter', dir: 'event', event: 'adapter', note: `started ${[program, ...args].join(' ')} (pid ${String(child.pid)})` });
    return new ClientUnderTest(child, options.trace);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.exitState !== undefined;
  }

  /** The last lines the adapter wrote on stderr. */
  get stderrTail(): string {
    return this.stderr.join('\n');
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let event: AdapterEvent;
    try {
      event = JSON.parse(line) as AdapterEvent;
    } catch {
      this.stderr.push(`(stdout, not JSON) ${line}`);
      return;
    }
    this.events.push(event);
    this.trace?.record({ client: 'adapter', dir: 'event', event: 'adapter', note: `reported ${line.length > 300 ? `${line.slice(0, 300)}...` : line}` });
    this.pump();
  }

  private pump(): void {
    this.waiters = this.waiters.filter((w) => !w.check());
  }

  /** Sends an instruction to the adapter. */
  command(cmd: AdapterCommand): void {
    if (this.exitState) throw new AdapterError(`the client adapter exited (${this.exitState.signal ?? `code ${String(this.exitState.code)}`}) before "${cmd.op}"`, this.stderrTail);
    const line = JSON.stringify(cmd);
    this.trace?.record({ client: 'adapter', dir: 'event', event: 'adapter', note: `told ${line}` });
    this.child.stdin?.write(`${line}\n`);
  }

  /**
   * Waits for the first event (not consumed before) that satisfies `test`, consuming it. Resolves
   * undefined after `timeoutMs` or once the adapter exited without reporting it.
   */
  nextEvent(test: (e: AdapterEvent) => boolean, timeoutMs: number): Promise<AdapterEvent | undefined> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        check: () => {
          const i = this.events.findIndex((e, n) => !this.consumed.has(n) && test(e));
          if (i >= 0) {
            this.consumed.add(i);
            clearTimeout(timer);
            resolve(this.events[i]);
            return true;
          }
          if (this.exitState) {
            clearTimeout(timer);
            resolve(undefined);
            return true;
          }
          return false;
        },
      };
      if (waiter.check()) return;
      timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Stops the adapter by its own PID (SIGTERM, then SIGKILL after `graceMs`). */
  async stop(graceMs = 1000): Promise<void> {
    if (this.exitState || this.child.pid === undefined) return;
    this.child.stdin?.end();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
