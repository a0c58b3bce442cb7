/**
 * Which wire-testable statements of each catalogue the suite's scenarios check, by the tags: a
 * scenario tagged only `@v5` names MQTT 5.0 statement IDs, any other the 3.1.1 ones (the rule of
 * the reports and of the tag meta-test). `list --statements` and the generated "not covered"
 * tables of features/README.md (scripts/uncovered.ts) both read it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../harness/targets/index.js';
import type { ParsedPickle } from '../steps/support/pickles.js';

export type SpecVersion = '3.1.1' | '5.0';
export const SPEC_VERSIONS: readonly SpecVersion[] = ['3.1.1', '5.0'];

export interface CatalogueEntry {
  id: string;
  summary: string;
  wire_testable: boolean;
}

export interface StatementCoverage {
  id: string;
  summary: string;
  /** `uri: name` of each scenario checking it. */
  scenarios: string[];
}

export function loadCatalogue(spec: SpecVersion): CatalogueEntry[] {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'reports', 'spec', `mqtt-v${spec}-statements.json`), 'utf8')) as CatalogueEntry[];
}

/** The catalogue a pickle's statement tags name. */
export function catalogueOfTags(tags: readonly string[]): SpecVersion {
  const versions = tags.filter((t) => t === '@v3.1' || t === '@v3.1.1' || t === '@v5');
  return versions.length > 0 && versions.every((t) => t === '@v5') ? '5.0' : '3.1.1';
}

/** The protocol versions (`--version` values) whose scenarios use a catalogue. */
export function specOfVersion(version: string): SpecVersion {
  return version === '5' ? '5.0' : '3.1.1';
}

/** Every wire-testable statement of `spec` with the scenarios (of that catalogue) that check it. */
export function statementCoverage(spec: SpecVersion, pickles: readonly ParsedPickle[], catalogue: readonly CatalogueEntry[] = loadCatalogue(spec)): StatementCoverage[] {
  const mine = pickles.filter((p) => catalogueOfTags(p.tags) === spec);
  return catalogue
    .filter((s) => s.wire_testable)
    .map((s) => ({ id: s.id, summary: s.summary, scenarios: mine.filter((p) => p.tags.includes(`@${s.id}`)).map((p) => `${p.uri}: ${p.name}`) }));
}
