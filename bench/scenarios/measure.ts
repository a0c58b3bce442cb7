import { cpus } from 'node:os';
import createDebug from 'debug';
import type { BenchBroker } from '../brokers/index.js';
import type { WorkerPool } from '../load/index.js';
import type { ClientResult, IdleResult, PublisherResult, SubscriberResult, WorkerResult } from '../load/index.js';
import type { Measurement } from '../results.js';
import { monoMs, readMachineCpu } from '../proc.js';

const trace = createDebug('mqtt-conformance:bench');

export interface Phase {
  workers: WorkerResult[];
  /** Monotonic ms: the earliest `go` any worker saw. */
  goAt: number;
  wallMs: number;
  /** % of one core. */
  brokerCpu: number | undefined;
  /** CPU seconds the broker process used over the phase. */
  brokerCpuSeconds: number | undefined;
  loadCpu: number;
  loadCpuMaxWorker: number;
  machineCpu: number;
  cutShort: boolean;
}

/** Runs the measured phase: broker CPU from /proc and each worker's own CPU over the same interval. */
export async function measurePhase(pool: WorkerPool, broker: BenchBroker, timeoutMs: number): Promise<Phase> {
  const cpu0 = broker.cpuSeconds();
  const m0 = readMachineCpu();
  const t0 = monoMs();
  const workers = await pool.go(timeoutMs);
  const wallMs = monoMs() - t0;
  if (trace.enabled) {
    trace('phase %d ms: %j', Math.round(wallMs), workers.map((w) => ({ cutShort: w.cutShort, cpuMicros: w.cpuMicros, clients: w.clients.map((c) => ({ ...c, latencies: undefined })) })));
  }
  const cpu1 = broker.cpuSeconds();
  const m1 = readMachineCpu();
  broker.assertAlive();
  const pct = (seconds: number): number => (100 * seconds * 1000) / Math.max(wallMs, 1);
  const perWorker = workers.map((w) => pct(w.cpuMicros / 1e6));
  return {
    workers,
    goAt: Math.min(...workers.map((w) => w.goAt)),
    wallMs,
    brokerCpu: cpu0 !== undefined && cpu1 !== undefined ? pct(cpu1 - cpu0) : undefined,
    brokerCpuSeconds: cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined,
    loadCpu: perWorker.reduce((a, b) => a + b, 0),
    loadCpuMaxWorker: Math.max(0, ...perWorker),
    machineCpu: (100 * coreCount() * (m1.busy - m0.busy)) / Math.max(1, m1.total - m0.total),
    cutShort: workers.some((w) => w.cutShort),
  };
}

function coreCount(): number {
  return cpus().length;
}

function all(phase: Phase): ClientResult[] {
  return phase.workers.flatMap((w) => w.clients);
}

export function publishers(phase: Phase): PublisherResult[] {
  return all(phase).filter((c): c is PublisherResult => c.role !== 'subscriber' && c.role !== 'idle');
}

export function subscribers(phase: Phase): SubscriberResult[] {
  return all(phase).filter((c): c is SubscriberResult => c.role === 'subscriber');
}

export function idles(phase: Phase): IdleResult[] {
  return all(phase).filter((c): c is IdleResult => c.role === 'idle');
}

/** Client errors, one note each (deduplicated). */
export function clientErrors(phase: Phase): string[] {
  return [...new Set(all(phase).flatMap((c) => (c.error ? [`${c.clientId}: ${c.error}`] : [])))].slice(0, 5);
}

/** Worker `w` of `n` for item `i` of a list spread round-robin starting at worker `first`. */
export function spread<T>(items: readonly T[], workers: number, first = 0): T[][] {
  const out: T[][] = Array.from({ length: workers }, () => []);
  items.forEach((item, i) => out[(first + i) % workers]?.push(item));
  return out;
}

/** A note when the busiest generator worker was near a full core: the figure may be the generator's limit. */
export function saturationNote(phase: Phase): string[] {
  return phase.loadCpuMaxWorker >= 90
    ? [`a load worker used ${Math.round(phase.loadCpuMaxWorker)}% of a core: the generator may have limited this figure`]
    : [];
}

/** The CPU fields of a Measurement from a phase. */
export function cpuFields(phase: Phase): Pick<Measurement, 'loadCpu' | 'loadCpuMaxWorker' | 'machineCpu' | 'brokerCpu' | 'brokerCpuSeconds'> {
  const f: Pick<Measurement, 'loadCpu' | 'loadCpuMaxWorker' | 'machineCpu' | 'brokerCpu' | 'brokerCpuSeconds'> = {
    loadCpu: phase.loadCpu,
    loadCpuMaxWorker: phase.loadCpuMaxWorker,
    machineCpu: phase.machineCpu,
  };
  if (phase.brokerCpu !== undefined) f.brokerCpu = phase.brokerCpu;
  if (phase.brokerCpuSeconds !== undefined) f.brokerCpuSeconds = phase.brokerCpuSeconds;
  return f;
}
