import { BenchError } from '../errors.js';
import { connections } from './connections.js';
import { fanIn } from './fan-in.js';
import { fanOut } from './fan-out.js';
import { latency } from './latency.js';
import { retained } from './retained.js';
import type { Scenario } from './types.js';

export type { Scenario, ScenarioContext } from './types.js';
export { measurePhase, spread } from './measure.js';
export { fanIn } from './fan-in.js';
export { fanOut } from './fan-out.js';
export { latency } from './latency.js';
export { connections } from './connections.js';
export { retained } from './retained.js';

/** Every scenario, in the order a full run measures them. */
export function allScenarios(): Scenario[] {
  return [fanIn(0), fanIn(1), fanIn(2), fanOut(), latency(), connections(), retained()];
}

/** The names --scenario accepts (besides 'codec', handled by the runner). */
export function scenarioSelectors(): string[] {
  return [...new Set(allScenarios().flatMap((s) => s.selectors))];
}

/** Scenarios chosen by --scenario names (all when none). Unknown names are a usage error. */
export function selectScenarios(names: readonly string[]): Scenario[] {
  const all = allScenarios();
  if (names.length === 0) return all;
  const known = new Set(all.flatMap((s) => s.selectors));
  for (const n of names) {
    if (!known.has(n)) throw new BenchError('BENCH_USAGE', `--scenario ${n}: unknown (expected one of ${[...known, 'codec'].join(', ')})`);
  }
  return all.filter((s) => s.selectors.some((sel) => names.includes(sel)));
}
