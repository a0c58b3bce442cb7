import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator, type GherkinDocument, type Pickle } from '@cucumber/messages';
import { describe, expect, it } from 'vitest';
import { stepText } from '../steps/support/failure.js';
import { documentForPickle, installLeanWorkMessages } from './lean-work-messages.js';

const ROOT = join(import.meta.dirname, '..');

function parseAll(dir: string, recursive: boolean): { document: GherkinDocument; pickles: readonly Pickle[] }[] {
  const out: { document: GherkinDocument; pickles: readonly Pickle[] }[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive })) {
    if (!entry.isFile() || !entry.name.endsWith('.feature')) continue;
    const uri = join(entry.parentPath, entry.name).slice(ROOT.length + 1);
    const newId = IdGenerator.incrementing();
    const document = { ...new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(join(ROOT, uri), 'utf8')), uri };
    out.push({ document, pickles: compile(document, uri, newId) });
  }
  return out;
}

const suite = [...parseAll('features', false), ...parseAll('features/client', true)];

/** Every scenario id on the document's children, rules included. */
function scenarioIds(document: GherkinDocument): string[] {
  return (document.feature?.children ?? []).flatMap((c) => [c.scenario?.id, ...(c.rule?.children ?? []).map((r) => r.scenario?.id)]).filter((id): id is string => id !== undefined);
}

describe('the lean document a worker gets with a scenario', () => {
  it('gives every step of every scenario of the suite the keyword and text of the whole document', () => {
    let steps = 0;
    for (const { document, pickles } of suite) {
      for (const pickle of pickles) {
        const lean = documentForPickle(document, pickle);
        for (const step of pickle.steps) {
          expect(stepText(lean, step), `${pickle.uri}: ${pickle.name}`).toBe(stepText(document, step));
          steps++;
        }
      }
    }
    expect(steps).toBeGreaterThan(3000);
  });

  it('holds the scenario itself, the feature header and its backgrounds, and no other scenario', () => {
    let leaner = 0;
    for (const { document, pickles } of suite) {
      const backgrounds = (document.feature?.children ?? []).filter((c) => c.background !== undefined).length;
      for (const pickle of pickles) {
        const lean = documentForPickle(document, pickle);
        const kept = scenarioIds(lean);
        expect(kept).toHaveLength(1);
        expect(pickle.astNodeIds).toContain(kept[0]);
        expect(lean.uri).toBe(document.uri);
        expect({ ...lean.feature, children: [] }).toEqual({ ...document.feature, children: [] });
        expect((lean.feature?.children ?? []).filter((c) => c.background !== undefined)).toHaveLength(backgrounds);
        if (lean !== document) leaner++;
      }
    }
    expect(leaner).toBeGreaterThan(500);
  });

  it('keeps a Rule with its Background around the scenario, without the Rule\'s other scenarios', () => {
    // (A Scenario after a Rule belongs to it: the feature-level one comes first.)
    const text = ['Feature: f', '  Background:', '    Given a', '  Scenario: zero', '    Then e', '  Rule: r', '    Background:', '      Given b', '    Scenario: one', '      Then c', '    Scenario: two', '      Then d', ''].join('\n');
    const newId = IdGenerator.incrementing();
    const document = { ...new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(text), uri: 'f.feature' };
    const [, one] = compile(document, 'f.feature', newId);
    if (!one) throw new Error('no pickle');
    const lean = documentForPickle(document, one);
    expect(lean.feature?.children.map((c) => (c.background ? 'background' : c.rule ? `rule ${c.rule.children.map((r) => r.background ? 'background' : r.scenario?.name).join(',')}` : c.scenario?.name))).toEqual(['background', 'rule background,one']);
    expect(one.steps.map((s) => stepText(lean, s))).toEqual(['Given a', 'Given b', 'Then c']);
  });

  it("installs on this cucumber's parallel coordinator", () => {
    expect(installLeanWorkMessages()).toBe(true);
    expect(installLeanWorkMessages()).toBe(true);
  });
});
