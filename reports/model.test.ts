import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import type { Envelope } from '@cucumber/messages';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildComplianceModel,
  loadCatalogues,
  legacyFailureFromMessage,
  parseMessages,
  ReportError,
  runMetaFromMessages,
  statementVerdict,
} from './index.js';
import type { ComplianceModel, RunMeta, ScenarioResult, ScenarioVerdict } from './index.js';
import { SYNTHETIC_META, syntheticEnvelopes } from './synthetic.js';

const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/suite/', import.meta.url));
const fixtureText = readFileSync(`${FIXTURE_DIR}messages.ndjson`, 'utf8');
/** The same fixture suite captured before the steps attached failures as data: what an old saved run holds. */
const legacyText = readFileSync(fileURLToPath(new URL('./fixtures/legacy-run/messages.ndjson', import.meta.url)), 'utf8');

const META: RunMeta = {
  tool: { name: 'mqtt-conformance', version: '0.1.0' },
  target: { name: 'mosquitto', version: '2.0.11', url: 'mqtt://127.0.0.1:1883', kind: 'process' },
  startedAt: '2026-11-25T14:00:00.000Z',
  durationMs: 1234,
  tags: 'not @wip',
  argv: ['run', '--broker', 'mqtt://127.0.0.1:1883'],
};

function byName(model: ComplianceModel, name: string): ScenarioResult {
  const s = model.scenarios.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario "${name}" in the model`);
  return s;
}

function statement(model: ComplianceModel, specVersion: string, id: string) {
  const s = model.statements.find((x) => x.specVersion === specVersion && x.id === id);
  if (!s) throw new Error(`no statement ${specVersion} ${id}`);
  return s;
}

describe('buildComplianceModel from a captured cucumber run', () => {
  const model = buildComplianceModel(parseMessages(fixtureText), META);

  it('gives each scenario its verdict per the contract', () => {
    const verdicts = Object.fromEntries(model.scenarios.map((s) => [s.name, s.verdict]));
    expect(verdicts).toEqual({
      'The server answers CONNECT with CONNACK': 'passed',
      'A wrong protocol name closes the connection': 'failed',
      'TLS listener accepts a connection': 'not-applicable',
      'Keep-alive expiry closes the connection': 'inconclusive',
      'A statement that is not in the catalogue': 'passed',
      'A message delivered on an established subscription has RETAIN clear': 'failed',
      '$SYS clients count moves at QoS 0': 'passed',
      '$SYS clients count moves at QoS 1': 'failed',
      'An undefined step is inconclusive': 'inconclusive',
      'A scenario that passes when retried': 'passed',
      'Retain Handling 0 sends the retained message at subscribe': 'passed',
    });
    expect(model.summary).toEqual({ scenarios: 11, passed: 5, failed: 2, optionalNotShown: 1, notApplicable: 1, inconclusive: 2, durationMs: 1234 });
  });

  it('takes the reason of a verdict attachment', () => {
    expect(byName(model, 'TLS listener accepts a connection').reason).toBe('the target does not declare capability "tls"');
    expect(byName(model, 'Keep-alive expiry closes the connection').reason).toMatch(/^TARGET_DIED/);
    expect(byName(model, 'An undefined step is inconclusive').reason).toBe('a step has no definition: Given a step nobody wrote');
  });

  it('reads the rule, expected, received, the failed step and the trace of a failure from its attachment', () => {
    const s = byName(model, 'A wrong protocol name closes the connection');
    expect(s.failure).toMatchObject({
      statement: 'MQTT-3.1.2-1',
      summary: 'A protocol name other than "MQTT" must make the server close the connection',
      expected: 'the server closes the connection of "c" within 1000 ms',
      received: 'CONNACK return code 1 (unacceptable protocol version), connection left open',
      step: 'Then the server closes the connection of "c"',
    });
    expect(s.failure?.message).not.toMatch(/\bat World\b/);
    expect(s.failure?.trace?.map((e) => e.dir)).toEqual(['event', 'out', 'in', 'event']);
    expect(s.failure?.trace?.[2]).toMatchObject({ client: 'c', hex: '20 02 00 01', packet: { type: 'connack', reasonCode: 1 } });
    const multi = byName(model, 'A message delivered on an established subscription has RETAIN clear').failure?.trace ?? [];
    expect(new Set(multi.map((e) => e.client))).toEqual(new Set(['sub', 'pub']));
    expect(multi.find((e) => e.error !== undefined)?.error).toMatch(/^DECODE_RESERVED_TYPE/);
  });

  it('takes the failure from the attachment, never from the error text', () => {
    // The step threw "the count did not move": statement, expected and received are only in the attachment.
    expect(byName(model, '$SYS clients count moves at QoS 1').failure).toEqual({
      statement: 'MQTT-3.3.1-9',
      summary: '$SYS/broker/clients/connected did not move',
      step: 'Then $SYS reports wrong',
      expected: '2',
      received: '1',
      message: '[MQTT-3.3.1-9] $SYS/broker/clients/connected did not move\nExpected: 2\nReceived: 1',
    });
    expect(fixtureText).toContain('the count did not move');
  });

  it('reads tags: versions, statements, optional, serial, needs', () => {
    const s = byName(model, 'The server answers CONNECT with CONNACK');
    expect(s.versions).toEqual(['3.1', '3.1.1']);
    expect(s.statements).toEqual(['MQTT-3.1.0-1', 'MQTT-3.2.0-1']);
    expect(s.id).toBe('features/connect.feature:5');
    expect(s.feature).toBe('CONNECT');
    const sys = byName(model, '$SYS clients count moves at QoS 1');
    expect(sys).toMatchObject({ optional: true, serial: true, id: 'features/publish.feature:18' });
    expect(byName(model, 'TLS listener accepts a connection').needs).toEqual(['tls']);
  });

  it('uses the last attempt of a retried scenario', () => {
    const s = byName(model, 'A scenario that passes when retried');
    expect(s.verdict).toBe('passed');
    expect(s.failure).toBeUndefined();
  });

  it('derives statement verdicts, per catalogue, from the scenarios tagged with them', () => {
    expect(statement(model, '3.1.1', 'MQTT-3.1.0-1').verdict).toBe('met');
    expect(statement(model, '3.1.1', 'MQTT-3.1.2-1').verdict).toBe('violated');
    expect(statement(model, '3.1.1', 'MQTT-3.1.2-24').verdict).toBe('inconclusive');
    // An optional failure does not violate what a required scenario met... but here a required one failed too.
    expect(statement(model, '3.1.1', 'MQTT-3.3.1-9')).toMatchObject({ verdict: 'violated', informational: false });
    // A v5-only scenario names 5.0 statements (same ID, different rule); one that also runs as 3.1.1 names 3.1.1 ones.
    expect(statement(model, '5.0', 'MQTT-3.3.1-9')).toMatchObject({ verdict: 'met', scenarios: ['features/publish.feature:30'] });
    expect(statement(model, '3.1.1', 'MQTT-3.3.1-9').scenarios).toContain('features/publish.feature:5');
    expect(statement(model, '3.1.1', 'MQTT-3.1.3-1').verdict).toBe('not-covered');
    // Statements neither wire-testable nor tagged are not listed.
    const clientOnly = loadCatalogues()['3.1.1'].find((s) => !s.wire_testable);
    expect(model.statements.some((s) => s.specVersion === '3.1.1' && s.id === clientOnly?.id)).toBe(false);
  });

  it('reports tags that name no catalogue statement', () => {
    expect(model.unknownStatementTags.map((u) => `${u.specVersion} ${u.tag}`).sort()).toEqual(['3.1.1 @MQTT-4.2.0-1', '3.1.1 @MQTT-9.9.9-9']);
  });

  it('counts coverage against the catalogues', () => {
    const wire = (v: '3.1.1' | '5.0') => loadCatalogues()[v].filter((s) => s.wire_testable).length;
    expect(model.coverage).toEqual([
      { specVersion: '3.1.1', wireTestable: wire('3.1.1'), covered: 7, met: 2, total: 141 },
      { specVersion: '5.0', wireTestable: wire('5.0'), covered: 1, met: 1, total: 251 },
    ]);
    expect(wire('3.1.1')).toBe(124);
  });

  it('gives a verdict per protocol version', () => {
    const v = Object.fromEntries(model.versions.map((x) => [x.version, x]));
    expect(v['3.1.1']?.verdict).toBe('not-compliant');
    expect(v['3.1.1']?.scenarios.failed).toBe(2);
    expect(v['3.1.1']?.optional).toMatchObject({ scenarios: 2, failed: 0, optionalNotShown: 1 });
    expect(v['5']?.verdict).toBe('not-compliant');
    expect(v['3.1']).toMatchObject({ verdict: 'compliant', scenarios: { scenarios: 1, passed: 1 } });
    expect(v['3.1']?.statements).toBeUndefined();
  });

  it('carries the run metadata and cucumber environment', () => {
    expect(model.tool).toEqual(META.tool);
    expect(model.target).toEqual(META.target);
    expect(model.run).toMatchObject({ startedAt: META.startedAt, durationMs: 1234, tags: 'not @wip', argv: META.argv });
    expect(model.run.cucumber).toMatch(/^cucumber-js \d+/);
  });

  it('rejects incomplete run metadata with REPORT_BAD_META', () => {
    const bad = { ...META, target: { ...META.target, kind: 'docker' } } as unknown as RunMeta;
    expect(() => buildComplianceModel([], bad)).toThrow(expect.objectContaining({ code: 'REPORT_BAD_META' }));
    expect(() => buildComplianceModel([], { ...META, startedAt: 'yesterday' })).toThrow(ReportError);
  });

  it('recovers start and duration from the stream when only messages are saved', () => {
    const meta = runMetaFromMessages(parseMessages(fixtureText), { tool: META.tool });
    expect(Date.parse(meta.startedAt)).toBeGreaterThan(Date.parse('2020-01-01'));
    expect(meta.durationMs).toBeGreaterThanOrEqual(0);
    expect(meta.target.name).toBe('unknown target');
  });
});

describe('buildComplianceModel on damaged or unusual streams', () => {
  const envelopes = parseMessages(fixtureText);
  const caseOf = (name: string): string => {
    const pickle = envelopes.find((e) => e.pickle?.name === name)?.pickle;
    const testCase = envelopes.find((e) => e.testCase?.pickleId === pickle?.id)?.testCase;
    if (!testCase) throw new Error(`no test case for ${name}`);
    return testCase.id;
  };

  it('calls a scenario the run never started inconclusive, not passed', () => {
    const id = caseOf('The server answers CONNECT with CONNACK');
    const started = envelopes.find((e) => e.testCaseStarted?.testCaseId === id)?.testCaseStarted?.id;
    const cut = envelopes.filter((e) => e.testCaseStarted?.testCaseId !== id && e.testStepFinished?.testCaseStartedId !== started && e.testCaseFinished?.testCaseStartedId !== started);
    const s = byName(buildComplianceModel(cut, META), 'The server answers CONNECT with CONNACK');
    expect(s).toMatchObject({ verdict: 'inconclusive', reason: 'not run: the run ended before this scenario started' });
  });

  it('reads BASE64 attachments, and turns a malformed verdict attachment into inconclusive with the reason', () => {
    const edited = envelopes.map((e) => {
      const a = e.attachment;
      if (!a || a.mediaType !== 'application/vnd.mqtt-conformance.verdict+json') return e;
      const body = a.body.includes('tls') ? Buffer.from(a.body).toString('base64') : '{"verdict":"maybe"}';
      return { attachment: { ...a, body, contentEncoding: a.body.includes('tls') ? 'BASE64' : a.contentEncoding } } as unknown as Envelope;
    });
    const model = buildComplianceModel(edited, META);
    expect(byName(model, 'TLS listener accepts a connection')).toMatchObject({ verdict: 'not-applicable', reason: 'the target does not declare capability "tls"' });
    expect(byName(model, 'Keep-alive expiry closes the connection')).toMatchObject({ verdict: 'inconclusive', reason: expect.stringMatching(/^malformed verdict attachment/) });
  });

  it('counts a statement only optional scenarios check, and they failed, as informational: never a violation of the version', () => {
    const edited = envelopes.map((e) => {
      if (e.pickle?.name !== 'A message delivered on an established subscription has RETAIN clear') return e;
      return { pickle: { ...e.pickle, tags: e.pickle.tags.filter((t) => t.name !== '@MQTT-3.3.1-9') } };
    });
    const model = buildComplianceModel(edited, META);
    expect(statement(model, '3.1.1', 'MQTT-3.3.1-9')).toMatchObject({ verdict: 'violated', informational: true });
    const v = model.versions.find((x) => x.version === '3.1.1');
    expect(v?.statements).toMatchObject({ violated: 2, notApplicable: 1 });
    expect(v?.reason).toBe('2 required scenarios failed, 2 statements violated');
  });

  it('keeps the well-formed records of a trace and says how many were dropped', () => {
    const edited = envelopes.map((e) => {
      const a = e.attachment;
      if (!a || a.mediaType !== 'application/vnd.mqtt-conformance.trace+json' || !a.body.includes('MQTX')) return e;
      const trace = [...(JSON.parse(a.body) as unknown[]), { client: 3, t: 'x' }, null];
      return { attachment: { ...a, body: JSON.stringify(trace) } };
    });
    const f = byName(buildComplianceModel(edited, META), 'A wrong protocol name closes the connection').failure;
    expect(f?.trace).toHaveLength(4);
    expect(f?.message).toMatch(/\(2 malformed trace record\(s\) dropped\)$/);
  });
});

describe('a live cucumber run of the fixture suite', () => {
  it('yields the same verdicts as the committed capture (guards against cucumber message drift)', async () => {
    const envelopes: Envelope[] = [];
    const stdout = new PassThrough();
    stdout.resume();
    const environment = { cwd: FIXTURE_DIR, stdout, stderr: stdout, env: {} };
    // file: false, so that cucumber.json's message formatter does not overwrite the committed capture.
    const { runConfiguration } = await loadConfiguration(
      { file: false, provided: { paths: ['features/'], import: ['steps/*.mjs'], retry: 1, retryTagFilter: '@flaky', format: [] } },
      environment,
    );
    await runCucumber(runConfiguration, environment, (e) => envelopes.push(e));
    const live = buildComplianceModel(envelopes, META);
    const captured = buildComplianceModel(parseMessages(fixtureText), META);
    const shape = (m: ComplianceModel) => m.scenarios.map((s) => [s.id, s.verdict, s.failure?.statement, s.failure?.trace?.length, s.reason]);
    expect(shape(live)).toEqual(shape(captured));
    expect(live.statements.map((s) => s.verdict)).toEqual(captured.statements.map((s) => s.verdict));
  });
});

describe('parseMessages', () => {
  it('names the line that is not JSON', () => {
    expect(() => parseMessages('{"meta":{}}\n{oops\n', 'run/messages.ndjson')).toThrow(/run\/messages.ndjson: line 2 is not JSON/);
    expect(() => parseMessages('[1,2]')).toThrow(expect.objectContaining({ code: 'REPORT_BAD_MESSAGES' }));
  });
  it('ignores blank lines', () => {
    expect(parseMessages('\n{"meta":{}}\n\n')).toHaveLength(1);
  });
});

describe('legacyFailureFromMessage (saved runs from before the failure attachment)', () => {
  const of = (message: string) => legacyFailureFromMessage({ exception: { type: 'ExpectationError', message } });
  it('splits rule, summary, expected and received, each possibly over several lines', () => {
    expect(of('[MQTT-4.7.1-2] wildcard must match\nExpected: PUBLISH on "a/b"\n  or on "a/c"\nReceived: nothing within 500 ms\n\nNote follows')).toEqual({
      statement: 'MQTT-4.7.1-2',
      summary: 'wildcard must match',
      expected: 'PUBLISH on "a/b"\n  or on "a/c"',
      received: 'nothing within 500 ms',
      message: '[MQTT-4.7.1-2] wildcard must match\nExpected: PUBLISH on "a/b"\n  or on "a/c"\nReceived: nothing within 500 ms\n\nNote follows',
    });
  });
  it('keeps a message that names no rule as its summary', () => {
    expect(of('TypeError: x is undefined')).toEqual({ summary: 'TypeError: x is undefined', message: 'TypeError: x is undefined' });
  });
  it('drops the rendered trace and, without a recorded exception, the error prefix and the stack', () => {
    expect(of('[MQTT-3.1.0-1] first packet\nExpected: CONNACK\nReceived: nothing\nTrace:\n  c  0.0 ms  -> CONNECT').message).toBe('[MQTT-3.1.0-1] first packet\nExpected: CONNACK\nReceived: nothing');
    expect(legacyFailureFromMessage({ message: 'ExpectationError: [MQTT-3.1.0-1] first packet\nExpected: CONNACK\nReceived: nothing\n    at World.<anonymous> (steps/expect.ts:1:1)' })).toEqual({
      statement: 'MQTT-3.1.0-1', summary: 'first packet', expected: 'CONNACK', received: 'nothing', message: '[MQTT-3.1.0-1] first packet\nExpected: CONNACK\nReceived: nothing',
    });
  });
  it('gives an old saved run (no failure attachments) the same failures as the attachments give today', () => {
    expect(legacyText).not.toContain('failure+json');
    const legacy = buildComplianceModel(parseMessages(legacyText), META);
    const today = buildComplianceModel(parseMessages(fixtureText), META);
    const failures = (m: ComplianceModel) => m.scenarios.filter((s) => s.failure).map((s) => ({ ...s.failure, trace: s.failure?.trace?.length }));
    expect(failures(legacy)).toEqual(failures(today));
    expect(failures(legacy).map((f) => f.statement)).toEqual(['MQTT-3.1.2-1', 'MQTT-3.3.1-9', 'MQTT-3.3.1-9']);
  });
});

describe('a damaged failure attachment', () => {
  it('is reported as unreadable, never parsed out of the message instead', () => {
    const edited = parseMessages(fixtureText).map((e) => {
      const a = e.attachment;
      if (!a || a.mediaType !== 'application/vnd.mqtt-conformance.failure+json' || !a.body.includes('did not move')) return e;
      return { attachment: { ...a, body: '{"statement":' } };
    });
    const f = byName(buildComplianceModel(edited, META), '$SYS clients count moves at QoS 1').failure;
    expect(f).toMatchObject({ summary: 'unreadable failure attachment', step: 'Then $SYS reports wrong' });
    expect(f?.statement).toBeUndefined();
    expect(f?.message).toMatch(/^failure attachment is not JSON/);
  });
});

describe('statementVerdict (properties)', () => {
  const verdict = fc.constantFrom<ScenarioVerdict>('passed', 'failed', 'not-applicable', 'inconclusive');
  const scenario = fc.record({ verdict, optional: fc.boolean() }).map(
    (r, ): ScenarioResult => ({
      id: 'x', name: 'x', feature: 'f', uri: 'u', line: 1, tags: [], versions: ['3.1.1'], statements: [], needs: [],
      serial: false, durationMs: 0, verdict: r.verdict, optional: r.optional,
    }),
  );
  it('is violated exactly when a counted scenario failed, and informational exactly when all are optional', () => {
    fc.assert(
      fc.property(fc.array(scenario, { maxLength: 8 }), (list) => {
        const { verdict: v, informational } = statementVerdict(list);
        if (list.length === 0) return v === 'not-covered' && !informational;
        const required = list.filter((s) => !s.optional);
        const counted = required.length > 0 ? required : list;
        expect(informational).toBe(required.length === 0);
        expect(v === 'violated').toBe(counted.some((s) => s.verdict === 'failed'));
        if (v === 'met') expect(counted.every((s) => s.verdict === 'passed' || s.verdict === 'not-applicable')).toBe(true);
        return true;
      }),
    );
  });
  it('never lets an optional failure violate a statement that a required scenario checks', () => {
    fc.assert(
      fc.property(fc.array(scenario, { minLength: 1, maxLength: 8 }), (list) => {
        const required = list.filter((s) => !s.optional);
        fc.pre(required.length > 0 && required.every((s) => s.verdict === 'passed'));
        return statementVerdict(list).verdict === 'met';
      }),
    );
  });
});

describe('a full-size synthetic run', () => {
  it('keeps the summary consistent with the scenarios and every statement consistent with its scenarios', () => {
    const model = buildComplianceModel(syntheticEnvelopes({ scenarios: 300 }), SYNTHETIC_META);
    expect(model.summary.scenarios).toBe(300);
    const s = model.summary;
    expect(s.passed + s.failed + s.optionalNotShown + s.notApplicable + s.inconclusive).toBe(300);
    const index = new Map(model.scenarios.map((x) => [x.id, x]));
    for (const st of model.statements) {
      const list = st.scenarios.map((id) => index.get(id)).filter((x): x is ScenarioResult => x !== undefined);
      expect(list).toHaveLength(st.scenarios.length);
      expect(statementVerdict(list).verdict).toBe(st.verdict);
    }
    const v311 = model.versions.find((v) => v.version === '3.1.1');
    expect(v311?.verdict).toBe('not-compliant');
    expect(v311?.statements?.wireTestable).toBe(124);
    expect(model.coverage[0]?.covered).toBe(124);
  });
});
