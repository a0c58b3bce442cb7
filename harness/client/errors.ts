import type { TraceEntry } from './trace.js';
import { formatTrace } from './trace.js';

/**
 * Stable codes of the test client's errors. Tests assert on these, never on message text.
 * EXPECTATION_* errors are broker verdicts (the scenario failed); CLIENT_CONNECT_FAILED means the
 * target could not be reached: an inconclusive scenario, never a broker verdict.
 */
export type ClientErrorCode =
  | 'EXPECTATION_FAILED'
  | 'EXPECTATION_TIMEOUT'
  | 'CLIENT_CONNECT_FAILED'
  | 'CLIENT_USAGE';

/** The normative statement an expectation checks: id and the catalogue's one-line summary. */
export interface Rule {
  id: string;
  summary: string;
}

export interface ExpectationDetail {
  /** What the step expected, in words, e.g. `CONNACK {reasonCode: 0x00}`. */
  expected: string;
  /** What arrived instead, in words (packets described one per line), or `nothing`. */
  received: string;
  /** The scenario's packet trace at the time of failure. */
  trace?: readonly TraceEntry[];
  /** The statement broken; the steps layer fills it in from the scenario's tags when the client cannot know it. */
  rule?: Rule;
  /** First line when there is no rule (a scenario checking optional behaviour names no statement). */
  headline?: string;
}

function render(detail: ExpectationDetail): string {
  const head = detail.rule ? `[${detail.rule.id}] ${detail.rule.summary}` : (detail.headline ?? 'Expectation failed');
  const lines = [head, `Expected: ${detail.expected}`, `Received: ${detail.received}`];
  if (detail.trace && detail.trace.length > 0) lines.push('Trace:', formatTrace(detail.trace));
  return lines.join('\n');
}

/** The broker did something the scenario does not allow. Its message starts with the rule. */
export class ExpectationError extends Error {
  readonly code: ClientErrorCode;
  readonly expected: string;
  readonly received: string;
  readonly trace: readonly TraceEntry[];
  readonly rule: Rule | undefined;
  readonly headline: string | undefined;

  constructor(detail: ExpectationDetail, code: ClientErrorCode = 'EXPECTATION_FAILED') {
    super(render(detail));
    this.name = new.target.name;
    this.code = code;
    this.expected = detail.expected;
    this.received = detail.received;
    this.trace = detail.trace ?? [];
    this.rule = detail.rule;
    this.headline = detail.headline;
  }

  /** The same failure attributed to a rule (or, without one, a headline) and carrying a (fuller) trace. */
  withContext(rule: Rule | undefined, trace: readonly TraceEntry[], headline?: string): ExpectationError {
    const detail: ExpectationDetail = {
      expected: this.expected,
      received: this.received,
      trace,
    };
    const r = this.rule ?? rule;
    if (r) detail.rule = r;
    const h = this.headline ?? headline;
    if (h !== undefined) detail.headline = h;
    const copy =
      this instanceof TimeoutError
        ? new TimeoutError(this.awaited, this.timeoutMs, detail)
        : new ExpectationError(detail, this.code);
    return copy;
  }
}

/** A bounded wait ran out: says what was awaited and for how long. A broker verdict (it did not answer). */
export class TimeoutError extends ExpectationError {
  readonly awaited: string;
  readonly timeoutMs: number;
  constructor(awaited: string, timeoutMs: number, detail: ExpectationDetail) {
    super(detail, 'EXPECTATION_TIMEOUT');
    this.awaited = awaited;
    this.timeoutMs = timeoutMs;
  }
}

/** The connection to the target could not be opened: inconclusive, never a broker verdict. */
export class ClientConnectError extends Error {
  readonly code: ClientErrorCode = 'CLIENT_CONNECT_FAILED';
  readonly url: string;
  override readonly cause: unknown;
  constructor(url: string, reason: string, cause?: unknown) {
    super(`cannot reach the broker at ${url}: ${reason}`);
    this.name = 'ClientConnectError';
    this.url = url;
    this.cause = cause;
  }
}

/** The client was used wrongly by a step (a harness bug, not a broker verdict). */
export class ClientUsageError extends Error {
  readonly code: ClientErrorCode = 'CLIENT_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'ClientUsageError';
  }
}
