import type { TraceEntry } from './trace.js';
import { TRACE_TEXT_LINE_CHARS, clipText, fitTrace, formatTrace } from './trace.js';

/**
 * Stable codes of the test client's errors. Tests assert on these, never on message text.
 * EXPECTATION_* errors are broker verdicts (the scenario failed); CLIENT_CONNECT_FAILED means the
 * target could not be reached: an inconclusive scenario, never a broker verdict.
 */
export type ClientErrorCode =
  | 'EXPECTATION_FAILED'
  | 'EXPECTATION_TIMEOUT'
  | 'EXPECTATION_FLOOD'
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

/**
 * Characters of the rendered trace a failure message carries. The message is repeated in several
 * places of cucumber's output (message, exception, stack), so it stays short: the scenario's whole
 * (bounded) trace is attached beside it for the reports.
 */
export const MESSAGE_TRACE_CHARS = 3000;
/** Characters kept of the Expected and Received parts of a failure message. */
export const MESSAGE_PART_CHARS = 1200;

/** The first line's text after the statement ID: the rule's summary, else the headline. */
function summaryOf(detail: Pick<ExpectationDetail, 'rule' | 'headline'>): string {
  return detail.rule ? detail.rule.summary : (detail.headline ?? 'Expectation failed');
}

/** The failure in words: the rule (or headline), Expected and Received; no trace. */
function renderBrief(detail: ExpectationDetail): string {
  const head = detail.rule ? `[${detail.rule.id}] ${summaryOf(detail)}` : summaryOf(detail);
  return [head, `Expected: ${clipText(detail.expected, MESSAGE_PART_CHARS)}`, `Received: ${clipText(detail.received, MESSAGE_PART_CHARS)}`].join('\n');
}

function render(detail: ExpectationDetail): string {
  const brief = renderBrief(detail);
  if (!detail.trace || detail.trace.length === 0) return brief;
  return [brief, 'Trace:', formatTrace(fitTrace(detail.trace, MESSAGE_TRACE_CHARS, 'text'), TRACE_TEXT_LINE_CHARS)].join('\n');
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

  /** The rule's summary, else the headline: the first line of the message after the statement ID. */
  get summary(): string {
    return summaryOf(this);
  }

  /** The message without its rendering of the trace: rule (or headline), Expected and Received. */
  get brief(): string {
    return renderBrief(this);
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
        : this instanceof FloodError
          ? new FloodError({ ...detail, limit: this.limit, kind: this.kind, client: this.client })
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

export interface FloodDetail extends ExpectationDetail {
  /** The client's limit that was passed: packets or bytes held unconsumed, or the largest packet read (bytes). */
  limit: number;
  /** Which limit: unconsumed packets, their bytes, or one packet's size. */
  kind: 'packets' | 'bytes' | 'packet-size';
  /** Logical name of the flooded client. */
  client: string;
}

/**
 * The server sent a client more than its limit of packets (or bytes) no step consumed, or one
 * packet larger than it reads, so the client stopped reading and closed the connection. Whether that is a broker verdict depends on the packets: the
 * steps layer names the rule they break, or calls the scenario inconclusive when the scenario
 * allows them (the harness's own limit was reached). Code `EXPECTATION_FLOOD`.
 */
export class FloodError extends ExpectationError {
  readonly limit: number;
  readonly kind: FloodDetail['kind'];
  readonly client: string;
  constructor(detail: FloodDetail) {
    super(detail, 'EXPECTATION_FLOOD');
    this.limit = detail.limit;
    this.kind = detail.kind;
    this.client = detail.client;
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
