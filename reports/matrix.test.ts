import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildComplianceModel, buildMatrix, parseMessages, writeMatrix } from './index.js';
import type { Matrix, ReportJson, RunMeta } from './index.js';

const META: RunMeta = {
  tool: { name: 'mqtt-conformance', version: '0.1.0' },
  target: { name: 'mosquitto', version: '2.0.11', url: 'mqtt://127.0.0.1:1883', kind: 'process' },
  startedAt: '2026-11-25T14:00:00.000Z',
  durationMs: 1234,
  argv: ['run'],
};
const base = buildComplianceModel(parseMessages(readFileSync(new URL('./fixtures/suite/messages.ndjson', import.meta.url), 'utf8')), META);

function variant(name: string, edit: (r: ReportJson) => void): ReportJson {
  const r = structuredClone(base);
  r.target = { ...r.target, name, version: '1.0' };
  edit(r);
  return r;
}

const dir = mkdtempSync(join(tmpdir(), 'matrix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildMatrix', () => {
  const other = variant('aedes', (r) => {
    const st = r.statements.find((s) => s.specVersion === '3.1.1' && s.id === 'MQTT-3.1.2-1');
    if (st) st.verdict = 'met';
    const sc = r.scenarios.find((s) => s.id === 'features/connect.feature:10');
    if (sc) sc.verdict = 'passed';
    const v = r.versions.find((x) => x.version === '5');
    if (v) v.verdict = 'incomplete-coverage';
    r.scenarios = r.scenarios.filter((s) => s.id !== 'features/publish.feature:25');
  });
  const matrix: Matrix = buildMatrix([base, other]);

  it('has one column per run and one row per statement some run covers and per scenario', () => {
    expect(matrix.columns.map((c) => c.label)).toEqual(['mosquitto 2.0.11', 'aedes 1.0']);
    expect(matrix.statements.every((r) => r.cells.some((c) => c !== 'not-covered'))).toBe(true);
    expect(matrix.statements.map((r) => r.key)).toContain('5.0 MQTT-3.3.1-9');
    expect(matrix.scenarios).toHaveLength(base.scenarios.length);
    expect(matrix.statements.find((r) => r.key === '3.1.1 MQTT-3.1.0-1')?.group).toBe('MQTT 3.1.1 · 3.1 CONNECT');
  });

  it('marks exactly the rows where the runs disagree; a row missing from a run is null, not a difference', () => {
    expect(matrix.statements.filter((r) => r.differs).map((r) => r.key)).toEqual(['3.1.1 MQTT-3.1.2-1']);
    expect(matrix.scenarios.filter((r) => r.differs).map((r) => r.id)).toEqual(['features/connect.feature:10']);
    expect(matrix.versions.filter((r) => r.differs).map((r) => r.id)).toEqual(['5']);
    expect(matrix.scenarios.find((r) => r.id === 'features/publish.feature:25')).toMatchObject({ cells: ['passed', null], differs: false });
  });

  it('matches scenarios by feature file and name, so a run of a suite whose lines moved still lines up', () => {
    const moved = variant('emqx', (r) => {
      for (const s of r.scenarios) {
        s.line += 3;
        s.id = `${s.uri}:${s.line}`;
      }
    });
    const m = buildMatrix([base, moved]);
    expect(m.scenarios).toHaveLength(base.scenarios.length);
    expect(m.scenarios.every((row) => row.cells.every((c) => c !== null))).toBe(true);
  });

  it('labels two runs of the same broker apart', () => {
    expect(buildMatrix([base, base]).columns.map((c) => c.label)).toEqual(['mosquitto 2.0.11', 'mosquitto 2.0.11 #2']);
  });

  it('refuses an empty list with REPORT_NO_INPUT', () => {
    expect(() => buildMatrix([])).toThrow(expect.objectContaining({ code: 'REPORT_NO_INPUT' }));
  });

  it('writeMatrix writes matrix.json (the matrix) and a self-contained matrix.html', async () => {
    const paths = await writeMatrix([base, other], dir);
    expect(paths).toEqual([join(dir, 'matrix.json'), join(dir, 'matrix.html')]);
    expect(JSON.parse(readFileSync(join(dir, 'matrix.json'), 'utf8'))).toEqual(matrix);
    const html = readFileSync(join(dir, 'matrix.html'), 'utf8');
    expect(html).toContain('<tr data-kind="statement" data-group="statement MQTT 3.1.1 · 3.1 CONNECT" data-diff="1"');
    expect(html).not.toMatch(/\b(?:src|href)\s*=/i);
  });
});
