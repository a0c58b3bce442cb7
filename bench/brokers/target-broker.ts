import { GC_DONE_MARKER, GC_REQUEST_SIGNAL, ProcessTarget, TargetError, type BrokerProfile, type ProcessSpec, type StartedTarget, type Target } from '../../harness/targets/index.js';
import { BenchError } from '../errors.js';
import type { BenchBroker } from './types.js';

/** How long a broker may take to start (Node brokers under tsx on a loaded machine need more than the suite's 10 s). */
const START_TIMEOUT_MS = 15_000;
/** How long a full GC may take before the reading goes ahead without it. */
const GC_TIMEOUT_MS = 5_000;
const GC_DONE = new RegExp(`^${GC_DONE_MARKER}$`);

/** The last lines of a target error's captured output (its first line is the `--- file output ---` heading). */
function outputTail(error: TargetError): string {
  const lines = (error.detail ?? '')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('--- '))
    .map((l) => l.replace(/^\[err\] /, ''));
  return lines.slice(-3).join(' | ');
}

/**
 * A started harness target seen by the benchmark: its endpoint is where the load goes, and its
 * optional `process` (a local process target) gives pid, CPU and RSS; without one (a URL) they are
 * not measured.
 */
export class TargetBenchBroker implements BenchBroker {
  readonly host: string;
  readonly port: number;
  readonly pid: number | undefined;
  constructor(
    readonly name: string,
    private readonly started: StartedTarget,
    private readonly answersGc: boolean,
  ) {
    this.host = started.endpoint.host;
    this.port = started.endpoint.port;
    this.pid = started.process?.pid;
  }
  cpuSeconds(): number | undefined {
    return this.started.process?.cpuSeconds();
  }
  rssBytes(): number | undefined {
    return this.started.process?.rssBytes();
  }
  /** Only our Node launchers answer the GC request; the signal would mean something else to another broker (Mosquitto dumps its subscriptions). */
  async collectGarbage(): Promise<void> {
    if (this.answersGc) await this.started.process?.ask(GC_REQUEST_SIGNAL, GC_DONE, GC_TIMEOUT_MS);
  }
  assertAlive(): void {
    const failure = this.started.failure?.();
    if (failure !== undefined) throw new BenchError('BENCH_BROKER_DIED', `${this.name}: ${failure.message}: ${outputTail(failure) || 'no output'}`, { broker: this.name });
  }
  stop(): Promise<void> {
    return this.started.stop();
  }
}

/**
 * Starts `target` for the benchmark; a target that does not start is a BENCH_BROKER_START naming
 * the broker. `answersGc`: it runs one of our Node launchers (launchers/args.ts answerGcRequests).
 */
export async function startTargetBroker(name: string, target: Target, answersGc = false): Promise<BenchBroker> {
  try {
    return new TargetBenchBroker(name, await target.start(), answersGc);
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    const tail = outputTail(error);
    throw new BenchError('BENCH_BROKER_START', `${name} did not start: ${error.message}${tail === '' ? '' : `: ${tail}`}`, { broker: name, code: error.code });
  }
}

/**
 * A broker process on this machine as the harness's process target: the profile is built here
 * (no file, no probe: the benchmark needs the endpoint and the process, not the capabilities).
 */
export function benchProcessTarget(name: string, host: string, spec: ProcessSpec): Target {
  const profile: BrokerProfile = { name: name.replace(/[^A-Za-z0-9._-]/g, '-'), probe: false, process: { startTimeoutMs: START_TIMEOUT_MS, ...spec } };
  return new ProcessTarget(profile, { host });
}

/**
 * A Node launcher script of a broker (`{launcher:PATH}` or node arguments), run by node itself with
 * --expose-gc (no tsx CLI wrapper: the pid, CPU and RSS are the broker's) and NODE_ENV=production;
 * it prints the port it bound on a line that `ready` matches (a named group `port`).
 */
export function nodeLauncherSpec(script: string[], args: string[], ready: string): ProcessSpec {
  return {
    command: ['{node}', '--expose-gc', ...script, ...args],
    env: { NODE_ENV: 'production' },
    port: 'printed',
    ready,
  };
}
