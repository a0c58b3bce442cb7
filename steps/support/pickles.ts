import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator, type Pickle } from '@cucumber/messages';
import { PACKAGE_ROOT } from '../../harness/targets/package-root.js';

export const FEATURES_DIR = join(PACKAGE_ROOT, 'features');

export interface ParsedPickle {
  uri: string;
  name: string;
  tags: string[];
  steps: string[];
}

/** Every pickle (scenario, or outline row) of the feature files, with its effective tags. */
export function loadPickles(dir: string = FEATURES_DIR): ParsedPickle[] {
  const out: ParsedPickle[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.feature')).sort()) {
    const uri = join('features', file);
    const newId = IdGenerator.incrementing();
    const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
    const doc = parser.parse(readFileSync(join(dir, file), 'utf8'));
    const pickles: readonly Pickle[] = compile(doc, uri, newId);
    for (const p of pickles) out.push({ uri, name: p.name, tags: p.tags.map((t) => t.name), steps: p.steps.map((s) => s.text) });
  }
  return out;
}
