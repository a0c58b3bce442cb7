import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadConfiguration, loadSupport } from '@cucumber/cucumber/api';
import { FEATURES_DIR, loadPickles } from '../../steps/support/pickles.js';
import { cucumberTreeRegexpPrototype, useNativeMatchIndices } from '../../steps/support/native-match-indices.js';

/*
 * steps/support/native-match-indices.ts replaces the polyfill cucumber-expressions uses for match
 * indices with the native `d` flag, for speed. It must change no match: here every step text of every
 * broker and client feature is matched against every step definition, with the polyfill and then
 * natively, and the definitions matched, argument values and argument offsets must be identical.
 */

interface GroupShape {
  value: string | undefined;
  start: number | undefined;
  end: number | undefined;
  children: GroupShape[];
}
interface ArgumentLike {
  group: { value: string | undefined; start: number | undefined; end: number | undefined; children?: unknown[] };
}
interface DefinitionLike {
  pattern: string | RegExp;
  expression: { match(text: string): readonly ArgumentLike[] | null };
}

function shape(group: ArgumentLike['group']): GroupShape {
  return {
    value: group.value,
    start: group.start,
    end: group.end,
    children: ((group.children ?? []) as ArgumentLike['group'][]).map(shape),
  };
}

async function stepTextsAndDefinitions(profile: string, featuresDir: string): Promise<{ texts: string[]; definitions: DefinitionLike[] }> {
  const { runConfiguration } = await loadConfiguration({ file: 'cucumber.mjs', profiles: [profile] });
  const texts = [...new Set(loadPickles(featuresDir).flatMap((p) => p.steps))];
  const library = await loadSupport(runConfiguration);
  return { texts, definitions: (library as unknown as { stepDefinitions: DefinitionLike[] }).stepDefinitions };
}

function matchTable(texts: readonly string[], definitions: readonly DefinitionLike[]): string[] {
  const rows: string[] = [];
  for (const text of texts) {
    for (const [i, d] of definitions.entries()) {
      const args = d.expression.match(text);
      if (args !== null) rows.push(JSON.stringify([text, i, args.map((a) => shape(a.group))]));
    }
  }
  return rows;
}

describe('native match indices for step matching', () => {
  it('finds cucumber-expressions in the layout the replacement was written for', () => {
    expect(cucumberTreeRegexpPrototype()).toBeDefined();
  });

  it('matches every feature step to the same definitions, with the same argument values and offsets', async () => {
    const { texts, definitions } = await stepTextsAndDefinitions('runner', FEATURES_DIR);
    const client = await stepTextsAndDefinitions('client', join(FEATURES_DIR, 'client'));
    // Meaningful only with a real vocabulary: hundreds of steps and definitions.
    expect(texts.length).toBeGreaterThan(300);
    expect(definitions.length).toBeGreaterThan(100);
    const before = [...matchTable(texts, definitions), ...matchTable(client.texts, client.definitions)];
    expect(useNativeMatchIndices()).toBe(true);
    const after = [...matchTable(texts, definitions), ...matchTable(client.texts, client.definitions)];
    expect(after).toEqual(before);
    // Every step of a passing suite matches some definition: the table covers all of them.
    expect(new Set(before.map((r) => (JSON.parse(r) as unknown[])[0])).size).toBe(new Set([...texts, ...client.texts]).size);
  }, 60_000);
});
