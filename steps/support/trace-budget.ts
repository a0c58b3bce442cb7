import { fitTrace, type TraceEntry } from '../../harness/client/index.js';

/** Characters of trace JSON one scenario attaches at most. */
export const TRACE_ATTACHMENT_CHARS = 64_000;
/**
 * Characters of trace JSON a worker process attaches over the whole run before it cuts every
 * further trace to {@link TRACE_ATTACHMENT_FLOOR}: against a broker that fails every scenario (a
 * flood, garbage) the first failures carry full traces and the reports stay a few MB.
 */
export const TRACE_WORKER_BUDGET = 256_000;
/** Characters of trace JSON every failed scenario may attach, however much was spent before. */
export const TRACE_ATTACHMENT_FLOOR = 4_000;

/** Spends the budget of one worker process: a scenario gets what remains, within its own bound and the floor. */
export class TraceBudget {
  private spent = 0;
  constructor(
    readonly total: number = TRACE_WORKER_BUDGET,
    readonly perScenario: number = TRACE_ATTACHMENT_CHARS,
    readonly floor: number = TRACE_ATTACHMENT_FLOOR,
  ) {}

  /** The trace as attachment JSON, cut to this scenario's allowance (see `fitTrace`). */
  attachment(entries: readonly TraceEntry[]): string {
    const allowance = Math.max(this.floor, Math.min(this.perScenario, this.total - this.spent));
    const json = JSON.stringify(fitTrace(entries, allowance, 'json'));
    this.spent += json.length;
    return json;
  }

  get used(): number {
    return this.spent;
  }
}

/** The budget of this process (each cucumber worker is a process of its own). */
export const workerTraceBudget = new TraceBudget();
