import { readFile } from 'node:fs/promises';
import { ReportError } from './errors.js';
import { countScenarios } from './model.js';
import type { ReportJson } from './types.js';

/** Serialise the model as report.json (stable key order: the model's). */
export function renderReportJson(model: ReportJson): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

function need(cond: boolean, what: string, source: string): asserts cond {
  if (!cond) throw new ReportError('REPORT_BAD_JSON', `not a mqtt-conformance report.json: ${what}`, source);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Read a saved report.json. Checks the shape this code relies on (the full contract is
 * `report.schema.json`, validated in tests) and throws `REPORT_BAD_JSON` naming the first problem.
 */
export function parseReportJson(text: string, source = 'report.json'): ReportJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ReportError('REPORT_BAD_JSON', `not JSON (${(err as Error).message})`, source);
  }
  need(isObject(value), 'the top level is not an object', source);
  need(value['schemaVersion'] === 1, `schemaVersion is ${JSON.stringify(value['schemaVersion'])}, expected 1`, source);
  for (const key of ['tool', 'target', 'run', 'summary'] as const) need(isObject(value[key]), `"${key}" is not an object`, source);
  for (const key of ['versions', 'coverage', 'statements', 'scenarios', 'unknownStatementTags'] as const) {
    need(Array.isArray(value[key]), `"${key}" is not an array`, source);
  }
  const target = value['target'] as Record<string, unknown>;
  need(typeof target['name'] === 'string' && typeof target['url'] === 'string', 'target needs a name and a url', source);
  (value['scenarios'] as unknown[]).forEach((s, i) => {
    need(isObject(s) && typeof s['id'] === 'string' && typeof s['name'] === 'string' && typeof s['verdict'] === 'string' && Array.isArray(s['tags']),
      `scenarios[${i}] needs id, name, verdict and tags`, source);
  });
  (value['statements'] as unknown[]).forEach((s, i) => {
    need(isObject(s) && typeof s['id'] === 'string' && typeof s['specVersion'] === 'string' && typeof s['verdict'] === 'string' && Array.isArray(s['scenarios']),
      `statements[${i}] needs id, specVersion, verdict and scenarios`, source);
  });
  return upgrade(value as unknown as ReportJson);
}

/**
 * A report saved before the counts were split (optional failures inside `failed`) or before
 * declared exclusions existed: recounted with the one rule, so re-rendering it or putting it in a
 * matrix shows the same numbers as a new report would.
 */
function upgrade(report: ReportJson): ReportJson {
  const r = report as ReportJson & { exclusions?: ReportJson['exclusions'] };
  if (r.exclusions === undefined) r.exclusions = [];
  if ((r.summary as Partial<ReportJson['summary']>).optionalNotShown === undefined) {
    r.summary = { ...countScenarios(r.scenarios), durationMs: r.summary.durationMs };
    for (const v of r.versions) {
      const mine = r.scenarios.filter((s) => s.versions.includes(v.version));
      v.scenarios = countScenarios(mine.filter((s) => !s.optional));
      v.optional = countScenarios(mine.filter((s) => s.optional));
    }
  }
  return r;
}

export async function readReportJson(path: string): Promise<ReportJson> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ReportError('REPORT_NO_INPUT', `cannot read: ${(err as Error).message}`, path);
  }
  return parseReportJson(text, path);
}
