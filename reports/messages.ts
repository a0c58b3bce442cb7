import type { Envelope } from '@cucumber/messages';
import { ReportError } from './errors.js';

/** The envelope keys cucumber's message protocol defines (one per line of messages.ndjson). */
const ENVELOPE_KEYS = new Set([
  'attachment', 'externalAttachment', 'gherkinDocument', 'hook', 'meta', 'parameterType', 'parseError',
  'pickle', 'suggestion', 'source', 'stepDefinition', 'testCase', 'testCaseFinished', 'testCaseStarted',
  'testRunFinished', 'testRunStarted', 'testStepFinished', 'testStepStarted', 'testRunHookStarted',
  'testRunHookFinished', 'undefinedParameterType',
]);

/**
 * Parse the NDJSON written by cucumber's `message` formatter. Blank lines are ignored; a line that is
 * not JSON or not an envelope throws `REPORT_BAD_MESSAGES` naming the line. Unknown envelope kinds
 * from a newer cucumber are kept (the model ignores what it does not use).
 */
export function parseMessages(ndjson: string, source = 'messages.ndjson'): Envelope[] {
  const out: Envelope[] = [];
  const lines = ndjson.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new ReportError('REPORT_BAD_MESSAGES', `line ${i + 1} is not JSON (${(err as Error).message})`, source);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ReportError('REPORT_BAD_MESSAGES', `line ${i + 1} is not a cucumber message envelope (expected an object)`, source);
    }
    const keys = Object.keys(value);
    if (keys.length === 0 || !keys.some((k) => ENVELOPE_KEYS.has(k) || /^[a-z][A-Za-z]+$/.test(k))) {
      throw new ReportError('REPORT_BAD_MESSAGES', `line ${i + 1} is not a cucumber message envelope (keys: ${keys.join(', ') || 'none'})`, source);
    }
    out.push(value);
  }
  return out;
}
