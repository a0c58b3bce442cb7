/**
 * Input checks of `run` and `certify` that must pass before any broker starts, each a usage
 * mistake (exit 2, one line): a tag expression that does not parse (with the parser's message),
 * a selection (`--tags`, `--version`) that matches no scenario, a report directory that cannot be
 * created or written, an `--exclude` naming no excludable capability.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseTagExpression } from '@cucumber/tag-expressions';
import { EXCLUDABLE_CAPABILITIES, isExcludable, type DeclaredExclusion } from '../harness/targets/index.js';

import { loadFeaturePickles, type FeaturePickle } from './schedule.js';

/** A usage mistake found before anything started: the message is one line saying what to fix. */
export class PreflightError extends Error {
  readonly code = 'CLI_PREFLIGHT';
  constructor(message: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

/** One line of an error message (parsers may explain over several). */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Parses a cucumber tag expression; throws PreflightError with the parser's own message. */
export function checkTagExpression(expression: string, flag = '--tags'): void {
  try {
    parseTagExpression(expression);
  } catch (error) {
    throw new PreflightError(`${flag} ${JSON.stringify(expression)} is not a valid tag expression: ${oneLine((error as Error).message)}`);
  }
}

/** How many scenarios (pickles) of the suite the expression selects; all of them without one. */
export function selectedScenarios(expression: string | undefined, pickles: readonly Pick<FeaturePickle, 'tags'>[] = loadFeaturePickles()): number {
  if (expression === undefined) return pickles.length;
  const node = parseTagExpression(expression);
  return pickles.filter((p) => node.evaluate(p.tags)).length;
}

/**
 * Checks the selection: the user's `--tags` parses, and it (with `--version`, already folded into
 * `expression`) selects at least one scenario. A typo such as `@no-such-tag` must not run nothing
 * and exit 0.
 */
export function checkSelection(userTags: string | undefined, expression: string | undefined, what = '--tags/--version'): number {
  if (userTags !== undefined) checkTagExpression(userTags);
  if (expression !== undefined && userTags === undefined) checkTagExpression(expression, what);
  const n = selectedScenarios(expression);
  if (n === 0) throw new PreflightError(`${what} ${JSON.stringify(expression ?? '')} selects no scenario (list them with "mqtt-conformance list --tags ...")`);
  return n;
}

/** Creates the report directory and proves it writable (a file written and removed). */
export async function checkReportDir(dir: string, flag = '--report-dir'): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.mqtt-conformance-write-check-${randomBytes(4).toString('hex')}`);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new PreflightError(`${flag} ${dir} cannot be created or written: ${e.code ?? ''}${e.code !== undefined ? ' ' : ''}${oneLine(e.message.replace(/^[A-Z]+: /, ''))}`);
  }
}

/**
 * `--exclude CAP[=REASON]` values (repeatable, comma-separated) as declared exclusions. The
 * reason defaults to "excluded on the command line"; every report lists it.
 */
export function parseExclusions(values: readonly string[]): DeclaredExclusion[] {
  const out: DeclaredExclusion[] = [];
  for (const value of values) {
    const [head = '', ...rest] = value.split('=');
    const reason = rest.join('=').trim();
    const names = rest.length > 0 ? [head] : head.split(',');
    for (const raw of names) {
      const capability = raw.trim();
      if (!isExcludable(capability)) {
        throw new PreflightError(`--exclude ${JSON.stringify(capability)}: not an excludable capability (one of: ${EXCLUDABLE_CAPABILITIES.join(', ')})`);
      }
      if (out.some((e) => e.capability === capability)) continue;
      out.push({ capability, source: 'command line', reason: reason === '' ? 'excluded with --exclude on the command line' : reason });
    }
  }
  return out;
}
