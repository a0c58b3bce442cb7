import { BenchError } from './errors.js';

/** Median, minimum and maximum of a sample, plus its size. */
export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

function sortedCopy(values: readonly number[], what: string): number[] {
  if (values.length === 0) throw new BenchError('BENCH_EMPTY_SAMPLE', `${what} of an empty sample`);
  for (const v of values) {
    if (!Number.isFinite(v)) throw new BenchError('BENCH_EMPTY_SAMPLE', `${what}: sample holds a non-finite value (${v})`);
  }
  return [...values].sort((a, b) => a - b);
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  const s = sortedCopy(values, 'median');
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * The p-th percentile (0 < p <= 100) by the nearest-rank method: the smallest value such that at
 * least p% of the sample is at or below it. Always a value that was observed, so p100 is the max
 * and a latency p99 is a latency that really happened.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new BenchError('BENCH_USAGE', `percentile must be in (0, 100], got ${p}`);
  const s = sortedCopy(values, `p${p}`);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.max(0, rank - 1)] as number;
}

/** Several percentiles from one sort (latency samples can be large). */
export function percentiles(values: readonly number[], ps: readonly number[]): number[] {
  const s = sortedCopy(values, 'percentiles');
  return ps.map((p) => {
    if (!(p > 0 && p <= 100)) throw new BenchError('BENCH_USAGE', `percentile must be in (0, 100], got ${p}`);
    return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] as number;
  });
}

export function summarize(values: readonly number[]): Summary {
  const s = sortedCopy(values, 'summary');
  return { n: s.length, median: median(s), min: s[0] as number, max: s[s.length - 1] as number };
}
