import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { areaTitle, compareStatementIds } from './catalogue.js';
import { ReportError } from './errors.js';
import { countScenarios } from './model.js';
import { renderMatrixHtml } from './html/matrix.js';
import type {
  ProtocolTag,
  ReportJson,
  ScenarioCounts,
  ScenarioVerdict,
  SpecVersion,
  StatementVerdict,
  TargetInfo,
  ToolInfo,
  VersionVerdict,
} from './types.js';

/** One broker (one saved run) of the matrix. */
export interface MatrixColumn {
  /** Unique label: `mosquitto 2.0.11`, with ` #2` appended when two runs share one. */
  label: string;
  target: TargetInfo;
  tool: ToolInfo;
  startedAt: string;
  summary: ScenarioCounts;
  /** The run's declared exclusions, e.g. `retain (profile: …)`. */
  exclusions: string[];
}

export interface MatrixRow<V extends string> {
  /**
   * `3.1.1 MQTT-3.1.2-1` for statements; for scenarios the feature file and name (unique within a
   * feature, and stable when lines move between suite versions).
   */
  key: string;
  id: string;
  label: string;
  /** Statements: `MQTT 3.1.1 · 3.1`; scenarios: the feature name. */
  group: string;
  specVersion?: SpecVersion;
  optional: boolean;
  /** One cell per column; null when that run did not have the row (other suite version, tags filter). */
  cells: (V | null)[];
  /** The runs that have the row disagree. */
  differs: boolean;
}

export interface Matrix {
  columns: MatrixColumn[];
  versions: MatrixRow<VersionVerdict>[];
  statements: MatrixRow<StatementVerdict>[];
  scenarios: MatrixRow<ScenarioVerdict>[];
}

function uniqueLabels(reports: readonly ReportJson[]): string[] {
  const seen = new Map<string, number>();
  return reports.map((r) => {
    const base = `${r.target.name}${r.target.version !== undefined ? ` ${r.target.version}` : ''}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}

function differs(cells: readonly (string | null)[]): boolean {
  const present = new Set(cells.filter((c): c is string => c !== null));
  return present.size > 1;
}

/**
 * Several runs side by side: the verdict of each protocol version, statement and scenario per broker,
 * with the rows where brokers disagree marked. Statements no run covers are left out.
 */
export function buildMatrix(reports: readonly ReportJson[]): Matrix {
  if (reports.length === 0) throw new ReportError('REPORT_NO_INPUT', 'a matrix needs at least one report');
  const labels = uniqueLabels(reports);
  const columns: MatrixColumn[] = reports.map((r, i) => ({
    label: labels[i] ?? r.target.name,
    target: r.target,
    tool: r.tool,
    startedAt: r.run.startedAt,
    // Recounted from the scenarios with the one rule, so a report saved before the counts were
    // split (optional failures inside `failed`) still shows the same numbers as a new one.
    summary: countScenarios(r.scenarios),
    exclusions: (r.exclusions ?? []).map((e) => `${e.capability} (${e.source}: ${e.reason})`),
  }));

  const versionKeys: ProtocolTag[] = (['3.1', '3.1.1', '5'] as const).filter((v) => reports.some((r) => r.versions.some((x) => x.version === v)));
  const versions = versionKeys.map((v): MatrixRow<VersionVerdict> => {
    const cells = reports.map((r) => r.versions.find((x) => x.version === v)?.verdict ?? null);
    return { key: v, id: v, label: `MQTT ${v}`, group: 'Verdict', optional: false, cells, differs: differs(cells) };
  });

  const statementRows = new Map<string, MatrixRow<StatementVerdict>>();
  reports.forEach((r, col) => {
    for (const s of r.statements) {
      const key = `${s.specVersion} ${s.id}`;
      let row = statementRows.get(key);
      if (!row) {
        row = {
          key,
          id: s.id,
          label: s.summary,
          group: `MQTT ${s.specVersion} · ${areaTitle(s.specVersion, s.area)}`,
          specVersion: s.specVersion,
          optional: s.informational,
          cells: reports.map(() => null),
          differs: false,
        };
        statementRows.set(key, row);
      }
      row.cells[col] = s.verdict;
      row.optional &&= s.informational;
    }
  });
  const statements = [...statementRows.values()]
    .filter((row) => row.cells.some((c) => c !== null && c !== 'not-covered'))
    .sort((a, b) => ((a.specVersion ?? '') === (b.specVersion ?? '') ? compareStatementIds(a.id, b.id) : (a.specVersion ?? '') < (b.specVersion ?? '') ? -1 : 1));
  for (const row of statements) row.differs = differs(row.cells);

  const scenarioRows = new Map<string, MatrixRow<ScenarioVerdict>>();
  reports.forEach((r, col) => {
    for (const s of r.scenarios) {
      const key = `${s.uri} ${s.name}`;
      let row = scenarioRows.get(key);
      if (!row) {
        row = { key, id: s.id, label: s.name, group: s.feature, optional: s.optional, cells: reports.map(() => null), differs: false };
        scenarioRows.set(key, row);
      }
      row.cells[col] = s.verdict;
    }
  });
  const scenarios = [...scenarioRows.values()].sort((a, b) => {
    const [ua = '', la = '0'] = a.id.split(/:(?=\d+$)/);
    const [ub = '', lb = '0'] = b.id.split(/:(?=\d+$)/);
    return ua === ub ? Number(la) - Number(lb) : ua < ub ? -1 : 1;
  });
  for (const row of scenarios) row.differs = differs(row.cells);

  return { columns, versions, statements, scenarios };
}

/** Write matrix.json and matrix.html into `outDir`; returns the paths written. */
export async function writeMatrix(reports: readonly ReportJson[], outDir: string): Promise<string[]> {
  const matrix = buildMatrix(reports);
  await mkdir(outDir, { recursive: true });
  const jsonPath = join(outDir, 'matrix.json');
  const htmlPath = join(outDir, 'matrix.html');
  await writeFile(jsonPath, `${JSON.stringify(matrix, null, 2)}\n`, 'utf8');
  await writeFile(htmlPath, renderMatrixHtml(matrix), 'utf8');
  return [jsonPath, htmlPath];
}
