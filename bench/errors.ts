/** Stable codes for everything the benchmark can refuse or fail at. Tests assert on `code`. */
export type BenchErrorCode =
  | 'BENCH_USAGE'
  | 'BENCH_EMPTY_SAMPLE'
  | 'BENCH_BROKER_UNAVAILABLE'
  | 'BENCH_BROKER_START'
  | 'BENCH_BROKER_DIED'
  | 'BENCH_CONNECT'
  | 'BENCH_WORKER'
  | 'BENCH_TIMEOUT'
  | 'BENCH_SUITE';

export class BenchError extends Error {
  readonly code: BenchErrorCode;
  /** What was being done or which broker/scenario, for the message reader. */
  readonly context: Record<string, unknown> | undefined;
  constructor(code: BenchErrorCode, message: string, context?: Record<string, unknown>) {
    super(message);
    this.name = 'BenchError';
    this.code = code;
    this.context = context;
  }
}
