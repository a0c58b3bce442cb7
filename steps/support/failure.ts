/**
 * The failure attachment (contract `MEDIA_TYPE.failure`): what a failed step knows (the statement,
 * the step, expected and received, where the trace is) written as data, so that the reports never
 * read it back out of the error's message text. Used by the hooks of broker runs (steps/hooks.ts)
 * and client runs (steps/client/hooks.ts): an AfterStep hook attaches the failure of the step that
 * threw (whatever threw it: a step, the World, or the harness directly), the After hook that of a
 * hook (a packet no step accounted for) or, as a last resort, of a failure no step attached.
 */
import type { GherkinDocument, PickleStep } from '@cucumber/messages';
import { ExpectationError, MESSAGE_PART_CHARS, clipText, type Rule, type TraceEntry } from '../../harness/client/index.js';
import { MEDIA_TYPE, type FailureAttachment } from '../../contract/index.js';

/** What the World knows of the scenario when a failure is attached. */
export interface FailureContext {
  /** The failed step with its keyword, or `After hook`; absent when unknown. */
  step?: string;
  /** The statement an expectation that names none is reported under (the World's `rule()`). */
  rule: Rule | undefined;
  /** The first line of an expectation in a scenario that names no statement (the World's `headline`). */
  headline: string | undefined;
  /** The scenario's trace so far. */
  trace: readonly TraceEntry[];
}

/** The step's text as the feature file writes it: keyword and text (`Then "c" receives PINGRESP`). */
export function stepText(document: GherkinDocument, step: PickleStep): string {
  const keywords = new Map<string, string>();
  const visit = (steps: readonly { id: string; keyword: string }[] | undefined): void => {
    for (const s of steps ?? []) keywords.set(s.id, s.keyword);
  };
  for (const child of document.feature?.children ?? []) {
    visit(child.background?.steps);
    visit(child.scenario?.steps);
    for (const ruleChild of child.rule?.children ?? []) {
      visit(ruleChild.background?.steps);
      visit(ruleChild.scenario?.steps);
    }
  }
  const keyword = step.astNodeIds.map((id) => keywords.get(id)).find((k) => k !== undefined) ?? '';
  return `${keyword.trim()} ${step.text}`.trim();
}

function errorType(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name;
  return typeof error;
}

function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The failure attachment of what a step or hook threw. An expectation the harness raised without a
 * statement (a step that waited on the client directly) is reported under the scenario's rule, as
 * the World's `check` would have; any other error is a failure with its message and no
 * expected/received.
 */
export function failureAttachment(error: unknown, context: FailureContext): FailureAttachment {
  const trace = context.trace;
  const last = trace[trace.length - 1];
  const where: Pick<FailureAttachment, 'step' | 'trace'> = {};
  if (context.step !== undefined) where.step = context.step;
  if (last !== undefined) where.trace = { mediaType: MEDIA_TYPE.trace, records: trace.length, lastMs: last.t };
  const code = errorCode(error);
  if (error instanceof ExpectationError) {
    const e = error.rule === undefined && error.headline === undefined ? error.withContext(context.rule, trace, context.headline) : error;
    const failure: FailureAttachment = {
      summary: e.summary,
      ...where,
      expected: clipText(e.expected, MESSAGE_PART_CHARS),
      received: clipText(e.received, MESSAGE_PART_CHARS),
      message: e.brief,
      error: { type: errorType(error), code: e.code },
    };
    if (e.rule) failure.statement = e.rule.id;
    return failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    summary: message.split('\n', 1)[0] ?? '',
    ...where,
    message,
    error: code === undefined ? { type: errorType(error) } : { type: errorType(error), code },
  };
}

/** The part of a World (broker runs' MqttWorld, client runs' ClientWorld) a failure is attached from. */
export interface FailureWorld {
  /** Set once the scenario attempt's failure is attached: only the first failure is the scenario's. */
  failureAttached: boolean;
  readonly hasSetup: boolean;
  rule(): Rule | undefined;
  readonly headline: string;
  readonly trace: { readonly entries: readonly TraceEntry[] };
  attach(data: string, mediaType: string): void | Promise<void>;
}

/** Attaches the failure of what a step (`step`: its text) or hook threw, unless one is attached already. */
export async function attachFailure(world: FailureWorld, error: unknown, step?: string): Promise<void> {
  if (world.failureAttached) return;
  world.failureAttached = true;
  const context: FailureContext = {
    rule: world.hasSetup ? world.rule() : undefined,
    headline: world.hasSetup ? world.headline : undefined,
    trace: world.trace.entries,
  };
  if (step !== undefined) context.step = step;
  await world.attach(JSON.stringify(failureAttachment(error, context)), MEDIA_TYPE.failure);
}

/**
 * What a failed scenario threw, for the After hook's last resort: the last step's error when
 * cucumber hands it over, else an error rebuilt from the recorded exception (a Before hook's, say).
 */
export function thrownOf(error: unknown, exception: { type: string; message?: string } | undefined, message: string | undefined): unknown {
  if (error !== undefined && error !== null && error !== false) return error;
  if (exception) return Object.assign(new Error(exception.message ?? ''), { name: exception.type });
  return new Error(message ?? 'the scenario failed without an error message');
}
