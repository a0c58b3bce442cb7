/**
 * `npm run mutation -- --check` inside `npm test` (issue 16 item 6): every mutant of the campaign
 * must still apply to the broker's sources as they are. A refactor that moves or rewrites the text a
 * mutant edits fails here, naming the mutant, instead of leaving the campaign to find it stale months
 * later. Each mutant is checked against the working tree, so the check follows uncommitted edits too.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../../scripts/mutation/mutants.js';
import { StaleMutantError, checkMutant } from '../../scripts/mutation/workspace.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('every mutation-campaign mutant applies to the current broker sources', () => {
  it('there are mutants to check, with unique names', () => {
    expect(MUTANTS.length).toBeGreaterThan(100);
    expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
  });

  it.each(MUTANTS.map((m) => [m.name, m] as const))('%s', (_name, mutant) => {
    try {
      checkMutant(ROOT, mutant, 'worktree');
    } catch (error) {
      if (error instanceof StaleMutantError) expect.fail(`${error.message}\nRe-derive its edit in scripts/mutation/mutants.ts from the current source.`);
      throw error;
    }
  });

  it('a mutant whose text is gone is reported stale, naming it and the file', () => {
    const stale = { ...MUTANTS[0]!, name: 'stale-probe', edits: [{ file: MUTANTS[0]!.edits[0]!.file, find: 'text that is in no source file \u0000', replace: '' }] };
    expect(() => checkMutant(ROOT, stale, 'worktree')).toThrow(/stale-probe: .* 0 times/);
  });
});
