import { createRequire } from 'node:module';

/*
 * Why this exists: cucumber-expressions matches every step against its step definitions through
 * `regexp-match-indices`, a polyfill for a RegExp match's group indices. Its feature probe runs a
 * RegExp without the `d` flag, so it never sees that Node has native indices and falls back to its
 * own implementation, which re-parses each step definition's RegExp with `regexp-tree` the first
 * time it matches. That costs about half a second of CPU in every cucumber worker (profiled: 0.5 of
 * 1.1 s per worker for a whole suite run), paid once per worker per run. Native `d`-flag indices
 * give the same numbers (the same capture groups, numbered the same way), so matching through a
 * `d`-flagged copy of the definition's RegExp changes no step's match, only its cost. A test
 * (test/steps/native-match-indices.test.ts) checks that every step of every feature matches the
 * same definitions with the same argument values and offsets either way.
 *
 * The class is reached through cucumber's own copy of cucumber-expressions (the CommonJS build it
 * requires), never through an import of ours, which could resolve to the ESM build: a different
 * class. Anything unexpected (another cucumber-expressions layout) leaves matching as it was.
 */

interface GroupBuilderLike {
  build(match: RegExpExecArray, nextGroupIndex: () => number): unknown;
}
interface TreeRegexpLike {
  readonly regexp: RegExp;
  readonly groupBuilder: GroupBuilderLike;
  match(text: string): unknown;
}
interface TreeRegexpPrototype {
  match(this: TreeRegexpLike, text: string): unknown;
}

const withIndices = new WeakMap<RegExp, RegExp>();

function indexedCopy(regexp: RegExp): RegExp {
  let copy = withIndices.get(regexp);
  if (copy === undefined) {
    copy = regexp.hasIndices ? regexp : new RegExp(regexp.source, `${regexp.flags}d`);
    withIndices.set(regexp, copy);
  }
  return copy;
}

/** The same result as cucumber-expressions' TreeRegexp#match, from native match indices. */
export function nativeTreeMatch(tree: TreeRegexpLike, text: string): unknown {
  const regexp = indexedCopy(tree.regexp);
  // A stateful (g / y) RegExp would carry lastIndex between steps; step definitions have neither,
  // but a copy starts where the original stands, as the polyfill's exec did.
  regexp.lastIndex = tree.regexp.lastIndex;
  const match = regexp.exec(text);
  if (match === null) return null;
  let groupIndex = 0;
  return tree.groupBuilder.build(match, () => groupIndex++);
}

/** cucumber's TreeRegexp prototype, or undefined when its layout is not the one this was written for. */
export function cucumberTreeRegexpPrototype(): TreeRegexpPrototype | undefined {
  try {
    const fromHere = createRequire(import.meta.url);
    const fromCucumber = createRequire(fromHere.resolve('@cucumber/cucumber'));
    const expressions = fromCucumber('@cucumber/cucumber-expressions') as {
      RegularExpression?: new (regexp: RegExp, registry: unknown) => { treeRegexp?: unknown };
      ParameterTypeRegistry?: new () => unknown;
    };
    if (expressions.RegularExpression === undefined || expressions.ParameterTypeRegistry === undefined) return undefined;
    const sample = new expressions.RegularExpression(/(a)/, new expressions.ParameterTypeRegistry()).treeRegexp;
    if (typeof sample !== 'object' || sample === null) return undefined;
    const proto = Object.getPrototypeOf(sample) as Partial<TreeRegexpPrototype> | null;
    const tree = sample as Partial<TreeRegexpLike>;
    if (proto === null || typeof proto.match !== 'function' || !(tree.regexp instanceof RegExp) || typeof tree.groupBuilder?.build !== 'function') {
      return undefined;
    }
    return proto as TreeRegexpPrototype;
  } catch {
    return undefined;
  }
}

let installed = false;

/** Makes cucumber match steps with native RegExp indices (see the comment at the top). Idempotent. */
export function useNativeMatchIndices(): boolean {
  if (installed) return true;
  const proto = cucumberTreeRegexpPrototype();
  if (proto === undefined || !('hasIndices' in RegExp.prototype)) return false;
  proto.match = function match(this: TreeRegexpLike, text: string): unknown {
    return nativeTreeMatch(this, text);
  };
  installed = true;
  return true;
}
