/**
 * A synthetic cucumber message stream of a full-size run, shaped like the suite's (features per
 * area, statement and version tags, verdict and trace attachments, rule-first failure messages).
 * For tests and the HTML benchmark; deterministic for a given seed.
 */
import type { Envelope } from '@cucumber/messages';
import { loadCatalogues } from './catalogue.js';
import type { RunMeta } from './types.js';
import { MEDIA_TYPE, type FailureAttachment } from '../contract/index.js';

export interface SyntheticOptions {
  scenarios: number;
  seed?: number;
  /** Every n-th scenario fails (0: none). */
  failEvery?: number;
  /** Trace records per failed scenario. */
  traceLength?: number;
}

const AREAS = ['connect', 'client-id', 'clean-session', 'will', 'retain', 'qos0', 'qos1', 'qos2', 'subscribe', 'wildcards', 'unsubscribe', 'keepalive', 'sys', 'malformed', 'ordering'];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function ts(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) };
}

function hexOf(text: string): string {
  return Buffer.from(text).toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

export const SYNTHETIC_META: RunMeta = {
  tool: { name: 'mqtt-conformance', version: '0.1.0' },
  target: { name: 'mosquitto', version: '2.0.11', url: 'mqtt://127.0.0.1:41883', kind: 'process' },
  startedAt: '2026-11-25T12:00:00.000Z',
  durationMs: 18_400,
  argv: ['run', '--broker', 'mqtt://127.0.0.1:41883'],
};

function trace(n: number, topic: string): unknown[] {
  const out: unknown[] = [];
  const clients = ['sub', 'pub', 'observer'];
  let t = 0;
  for (let i = 0; i < n; i++) {
    const client = clients[i % clients.length] ?? 'c';
    t += 0.37 + (i % 5) * 0.21;
    const t3 = Math.round(t * 1000) / 1000;
    if (i % 9 === 8) {
      out.push({ client, t: t3, dir: 'event', event: 'close', note: 'closed by the server' });
    } else if (i % 2 === 0) {
      const payload = `message ${i} for ${topic}`;
      out.push({
        client, t: t3, dir: 'out', hex: `32 ${(payload.length + topic.length + 4).toString(16).padStart(2, '0')} ${hexOf(topic)} 00 ${(i % 255).toString(16).padStart(2, '0')} ${hexOf(payload)}`,
        packet: { type: 'publish', topic, qos: 1, retain: false, dup: false, packetId: i + 1, payload: { hex: hexOf(payload), utf8: payload } },
      });
    } else {
      out.push({ client, t: t3, dir: 'in', hex: `40 02 00 ${(i % 255).toString(16).padStart(2, '0')}`, packet: { type: 'puback', packetId: i } });
    }
  }
  return out;
}

/** The envelopes of a run of `scenarios` scenarios spread over the suite's areas. */
export function syntheticEnvelopes(options: SyntheticOptions): Envelope[] {
  const random = rng(options.seed ?? 7);
  const failEvery = options.failEvery ?? 10;
  const traceLength = options.traceLength ?? 24;
  const statements = loadCatalogues()['3.1.1'].filter((s) => s.wire_testable).map((s) => s.id);
  const v5 = new Set(loadCatalogues()['5.0'].map((s) => s.id));
  const env: Record<string, unknown>[] = [];
  env.push({ meta: { protocolVersion: '32.2.0', implementation: { name: 'cucumber-js', version: '12.9.0' }, runtime: { name: 'node.js', version: '20.20.2' }, os: { name: 'linux' }, cpu: { name: 'x64' } } });
  const perArea = Math.ceil(options.scenarios / AREAS.length);
  let clock = Date.parse(SYNTHETIC_META.startedAt);
  const runId = 'run-1';
  const cases: { pickleId: string; caseId: string; steps: string[]; index: number; tags: string[] }[] = [];
  let n = 0;
  for (const area of AREAS) {
    const uri = `features/${area}.feature`;
    const children: unknown[] = [];
    const pickles: Record<string, unknown>[] = [];
    for (let k = 0; k < perArea && n < options.scenarios; k++, n++) {
      const line = 4 + k * 7;
      const sid = `s-${n}`;
      const stmt = [statements[n % statements.length], statements[(n * 7 + 3) % statements.length]].filter((s): s is string => s !== undefined);
      const tags = ['@v3.1.1', ...(n % 4 === 0 ? ['@v3.1'] : []), ...(n % 6 === 0 && stmt.every((s) => v5.has(s)) ? ['@v5'] : []), ...stmt.map((s) => `@${s}`)];
      if (area === 'sys') tags.push('@optional', '@serial');
      if (n % 31 === 5) tags.push('@needs:tls');
      const stepTexts = [`"sub" is connected and subscribed to "${area}/${n}" at QoS 1`, '"pub" is connected', `"pub" publishes "m${n}" to "${area}/${n}" at QoS 1`, `"sub" receives a PUBLISH on "${area}/${n}" with payload "m${n}"`];
      const keywords = ['Given ', 'And ', 'When ', 'Then '];
      children.push({
        scenario: {
          id: sid, keyword: 'Scenario', name: `Scenario ${n} of ${area}: delivery keeps its rule ${stmt.join(', ')}`, description: '', location: { line, column: 3 }, examples: [],
          tags: tags.map((t, i) => ({ name: t, id: `${sid}-t${i}`, location: { line: line - 1, column: 3 } })),
          steps: stepTexts.map((text, i) => ({ id: `${sid}-g${i}`, keyword: keywords[i], keywordType: 'Context', text, location: { line: line + 1 + i, column: 5 } })),
        },
      });
      pickles.push({
        id: `p-${n}`, uri, name: `Scenario ${n} of ${area}: delivery keeps its rule ${stmt.join(', ')}`, language: 'en', location: { line, column: 3 }, astNodeIds: [sid],
        tags: tags.map((t, i) => ({ name: t, astNodeId: `${sid}-t${i}` })),
        steps: stepTexts.map((text, i) => ({ id: `p-${n}-s${i}`, text, type: 'Context', astNodeIds: [`${sid}-g${i}`] })),
      });
      cases.push({ pickleId: `p-${n}`, caseId: `tc-${n}`, steps: stepTexts.map((_, i) => `p-${n}-s${i}`), index: n, tags });
    }
    env.push({ gherkinDocument: { uri, comments: [], feature: { name: area.toUpperCase(), keyword: 'Feature', language: 'en', description: '', tags: [], location: { line: 1, column: 1 }, children } } });
    for (const p of pickles) env.push({ pickle: p });
  }
  env.push({ hook: { id: 'h-before', type: 'BEFORE_TEST_CASE', sourceReference: { uri: 'steps/hooks.ts', location: { line: 10 } } } });
  env.push({ testRunStarted: { id: runId, timestamp: ts(clock) } });
  for (const c of cases) {
    env.push({ testCase: { id: c.caseId, pickleId: c.pickleId, testRunStartedId: runId, testSteps: [{ id: `${c.caseId}-hook`, hookId: 'h-before' }, ...c.steps.map((ps, i) => ({ id: `${c.caseId}-st${i}`, pickleStepId: ps, stepDefinitionIds: ['d'], stepMatchArgumentsLists: [] }))] } });
  }
  for (const c of cases) {
    const started = `tcs-${c.index}`;
    env.push({ testCaseStarted: { id: started, testCaseId: c.caseId, attempt: 0, timestamp: ts(clock) } });
    const notApplicable = c.tags.includes('@needs:tls');
    const inconclusive = c.index % 97 === 40;
    const fails = !notApplicable && !inconclusive && failEvery > 0 && c.index % failEvery === failEvery - 1;
    const hookStatus = notApplicable || inconclusive ? 'SKIPPED' : 'PASSED';
    if (notApplicable) {
      env.push({ attachment: { testCaseStartedId: started, testStepId: `${c.caseId}-hook`, mediaType: MEDIA_TYPE.verdict, contentEncoding: 'IDENTITY', body: JSON.stringify({ verdict: 'not-applicable', reason: 'the target does not declare capability "tls"' }) } });
    }
    if (inconclusive) {
      env.push({ attachment: { testCaseStartedId: started, testStepId: `${c.caseId}-hook`, mediaType: MEDIA_TYPE.verdict, contentEncoding: 'IDENTITY', body: JSON.stringify({ verdict: 'inconclusive', reason: 'TARGET_UNREACHABLE: connection refused' }) } });
    }
    env.push({ testStepFinished: { testCaseStartedId: started, testStepId: `${c.caseId}-hook`, testStepResult: { status: hookStatus, duration: ts(0.2) }, timestamp: ts(clock) } });
    c.steps.forEach((_, i) => {
      const dur = 0.5 + random() * 8;
      clock += dur;
      const last = i === c.steps.length - 1;
      let status = hookStatus === 'SKIPPED' ? 'SKIPPED' : 'PASSED';
      let failure: Record<string, unknown> = {};
      if (fails && last) {
        status = 'FAILED';
        const stmt = c.tags.find((t) => t.startsWith('@MQTT-'))?.slice(1) ?? 'MQTT-3.3.1-9';
        const summary = `the broker broke the rule in scenario ${c.index}`;
        const expected = `PUBLISH on "t/${c.index}" with retain=false`;
        const received = `PUBLISH on "t/${c.index}" with retain=true`;
        const message = `[${stmt}] ${summary}\nExpected: ${expected}\nReceived: ${received}`;
        failure = { message: `Error: ${message}\n    at World.<anonymous> (steps/expect.ts:42:11)`, exception: { type: 'ExpectationError', message } };
        const records = trace(traceLength, `t/${c.index}`);
        const lastRecord = records[records.length - 1] as { t: number } | undefined;
        const attached: FailureAttachment = {
          statement: stmt, summary, expected, received, message,
          error: { type: 'ExpectationError', code: 'EXPECTATION_FAILED' },
          ...(lastRecord ? { trace: { mediaType: MEDIA_TYPE.trace, records: records.length, lastMs: lastRecord.t } } : {}),
        };
        env.push({ attachment: { testCaseStartedId: started, testStepId: `${c.caseId}-st${i}`, mediaType: MEDIA_TYPE.failure, contentEncoding: 'IDENTITY', body: JSON.stringify(attached) } });
        env.push({ attachment: { testCaseStartedId: started, testStepId: `${c.caseId}-st${i}`, mediaType: MEDIA_TYPE.trace, contentEncoding: 'IDENTITY', body: JSON.stringify(records) } });
      }
      env.push({ testStepFinished: { testCaseStartedId: started, testStepId: `${c.caseId}-st${i}`, testStepResult: { status, duration: ts(dur), ...failure }, timestamp: ts(clock) } });
    });
    env.push({ testCaseFinished: { testCaseStartedId: started, timestamp: ts(clock), willBeRetried: false } });
  }
  env.push({ testRunFinished: { testRunStartedId: runId, timestamp: ts(clock), success: false } });
  return env;
}
