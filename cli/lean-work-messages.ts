import { createRequire } from 'node:module';
import type { FeatureChild, GherkinDocument, Pickle, RuleChild } from '@cucumber/messages';

/*
 * Why this exists: cucumber's parallel coordinator hands each scenario to a worker as one IPC
 * message holding the scenario's pickle, its test case and the whole GherkinDocument of its feature
 * file. A worker needs the document only to pass it to hooks (ours read a step's keyword from it),
 * yet for a whole suite run the documents are 12.8 MB of the 15.3 MB sent: every scenario of a
 * feature file carries every other scenario of that file, and each copy is serialized by the
 * coordinator (which also runs the embedded reference broker) and parsed by a worker. Sent instead:
 * the document with only the parts on the scenario's own path (the feature's header, its
 * Backgrounds, the Rule holding the scenario and that Rule's Background, the scenario itself).
 * A test (cli/lean-work-messages.test.ts) checks, for every scenario of the suite, that the lean
 * document gives every step the same keyword and text as the whole one. Anything unexpected
 * (another cucumber layout) leaves the messages as they were.
 */

/** The scenario's own path through DOCUMENT (see above); the document itself when nothing can be left out. */
export function documentForPickle(document: GherkinDocument, pickle: Pickle): GherkinDocument {
  const feature = document.feature;
  if (!feature) return document;
  const ids = new Set(pickle.astNodeIds);
  const onPath = (child: FeatureChild | RuleChild): boolean => child.background !== undefined || (child.scenario !== undefined && ids.has(child.scenario.id));
  const children: FeatureChild[] = [];
  for (const child of feature.children) {
    if (child.rule) {
      const ruleChildren = child.rule.children.filter(onPath);
      if (ruleChildren.some((c) => c.scenario !== undefined)) children.push({ rule: { ...child.rule, children: ruleChildren } });
    } else if (onPath(child)) children.push(child);
  }
  if (children.length === feature.children.length) return document;
  // Comments hold no step: the whole file's are left out with the other scenarios.
  return { ...document, comments: [], feature: { ...feature, children } };
}

interface AssembledTestCaseLike {
  gherkinDocument: GherkinDocument;
  pickle: Pickle;
}
interface AdapterPrototype {
  // A function-valued property (not a method): it is taken off the prototype and called with its `this`.
  run: (this: unknown, assembledTestCases: Iterable<AssembledTestCaseLike>) => Promise<boolean>;
}

let installed = false;

/**
 * Makes cucumber's parallel coordinator (ChildProcessAdapter, reached through cucumber's own
 * CommonJS copy) send the lean documents. Idempotent; returns whether it is in place.
 */
export function installLeanWorkMessages(): boolean {
  if (installed) return true;
  let proto: AdapterPrototype | undefined;
  try {
    const fromCucumber = createRequire(createRequire(import.meta.url).resolve('@cucumber/cucumber'));
    const adapter = fromCucumber('./runtime/parallel/adapter') as { ChildProcessAdapter?: { prototype?: Partial<AdapterPrototype> } };
    const candidate = adapter.ChildProcessAdapter?.prototype;
    if (candidate && typeof candidate.run === 'function') proto = candidate as AdapterPrototype;
  } catch {
    proto = undefined;
  }
  if (!proto) return false;
  const run = proto.run;
  proto.run = function (this: unknown, assembledTestCases: Iterable<AssembledTestCaseLike>): Promise<boolean> {
    const lean = Array.from(assembledTestCases, (item) => {
      if (!item || typeof item !== 'object' || !item.gherkinDocument || !item.pickle) return item;
      return { ...item, gherkinDocument: documentForPickle(item.gherkinDocument, item.pickle) };
    });
    return run.call(this, lean);
  };
  installed = true;
  return true;
}
