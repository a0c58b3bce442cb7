import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildComplianceModel, parseMessages, parseReportJson, renderReportJson } from './index.js';
import type { RunMeta } from './index.js';
import { SYNTHETIC_META, syntheticEnvelopes } from './synthetic.js';

const schema = JSON.parse(readFileSync(new URL('./report.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  formats: { 'date-time': (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)) },
});
const validate = ajv.compile(schema);

const META: RunMeta = {
  tool: { name: 'mqtt-conformance', version: '0.1.0' },
  target: { name: 'reference', url: 'mqtt://127.0.0.1:40000', kind: 'reference' },
  startedAt: '2026-11-25T14:00:00.000Z',
  durationMs: 900,
  argv: ['run'],
};

function errors(): string {
  return ajv.errorsText(validate.errors, { separator: '\n' });
}

describe('report.json against reports/report.schema.json', () => {
  it('validates the report of the captured fixture run', () => {
    const model = buildComplianceModel(parseMessages(readFileSync(new URL('./fixtures/suite/messages.ndjson', import.meta.url), 'utf8')), META);
    const json: unknown = JSON.parse(renderReportJson(model));
    expect(validate(json), errors()).toBe(true);
  });

  it('validates a full-size synthetic report (every verdict kind, traces)', () => {
    const model = buildComplianceModel(syntheticEnvelopes({ scenarios: 300 }), SYNTHETIC_META);
    expect(validate(JSON.parse(renderReportJson(model))), errors()).toBe(true);
  });

  it('validates the report of an empty run', () => {
    expect(validate(JSON.parse(renderReportJson(buildComplianceModel([], META)))), errors()).toBe(true);
  });

  it('rejects a report missing a field issue 4 requires, or with an unknown verdict', () => {
    const model = JSON.parse(renderReportJson(buildComplianceModel(syntheticEnvelopes({ scenarios: 20 }), SYNTHETIC_META))) as Record<string, unknown>;
    const { coverage: _dropped, ...withoutCoverage } = model;
    expect(validate(withoutCoverage)).toBe(false);
    const scenarios = structuredClone(model['scenarios']) as Record<string, unknown>[];
    (scenarios[0] as Record<string, unknown>)['verdict'] = 'skipped';
    expect(validate({ ...model, scenarios })).toBe(false);
  });

  it('round-trips through parseReportJson', () => {
    const model = buildComplianceModel(syntheticEnvelopes({ scenarios: 30 }), SYNTHETIC_META);
    expect(parseReportJson(renderReportJson(model))).toEqual(model);
  });

  it('parseReportJson names what is wrong with a file that is not a report', () => {
    expect(() => parseReportJson('{"schemaVersion": 2}', 'x/report.json')).toThrow(/x\/report.json: .*schemaVersion is 2/);
    expect(() => parseReportJson('nope')).toThrow(expect.objectContaining({ code: 'REPORT_BAD_JSON' }));
  });
});
