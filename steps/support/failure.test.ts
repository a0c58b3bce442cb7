import { describe, expect, it } from 'vitest';
import { ClientConnectError, ExpectationError, TimeoutError, type TraceEntry } from '../../harness/client/index.js';
import { MEDIA_TYPE } from '../../contract/index.js';
import { attachFailure, failureAttachment, thrownOf, type FailureWorld } from './failure.js';

const trace: TraceEntry[] = [
  { client: 'c', t: 0, dir: 'event', event: 'connect' },
  { client: 'c', t: 1.5, dir: 'in', hex: '20 02 01 00' },
];
const rule = { id: 'MQTT-3.2.2-1', summary: 'Session Present 0 after CleanSession 1' };

describe('failureAttachment', () => {
  it('reports an expectation the harness raised without a statement under the scenario rule', () => {
    const raw = new TimeoutError('CONNACK', 500, { expected: 'CONNACK', received: 'nothing within 500 ms' });
    expect(failureAttachment(raw, { step: 'Then "c" receives CONNACK', rule, headline: 'unused', trace })).toEqual({
      statement: 'MQTT-3.2.2-1',
      summary: rule.summary,
      step: 'Then "c" receives CONNACK',
      expected: 'CONNACK',
      received: 'nothing within 500 ms',
      message: `[MQTT-3.2.2-1] ${rule.summary}\nExpected: CONNACK\nReceived: nothing within 500 ms`,
      error: { type: 'TimeoutError', code: 'EXPECTATION_TIMEOUT' },
      trace: { mediaType: MEDIA_TYPE.trace, records: 2, lastMs: 1.5 },
    });
  });

  it('keeps the statement the step named, and a headline when the scenario names none', () => {
    const named = new ExpectationError({ expected: 'a', received: 'b', rule: { id: 'MQTT-3.1.0-1', summary: 'CONNECT first' } });
    expect(failureAttachment(named, { rule, headline: 'h', trace: [] })).toMatchObject({ statement: 'MQTT-3.1.0-1', summary: 'CONNECT first' });
    const none = failureAttachment(new ExpectationError({ expected: 'a', received: 'b' }), { rule: undefined, headline: 'Optional behaviour not shown (no statement): x', trace: [] });
    expect(none.statement).toBeUndefined();
    expect(none.summary).toBe('Optional behaviour not shown (no statement): x');
    expect(none.trace).toBeUndefined();
  });

  it('gives any other error its message, class and code, with no expected or received', () => {
    const f = failureAttachment(new ClientConnectError('mqtt://127.0.0.1:1', 'ECONNREFUSED'), { rule, headline: 'h', trace: [] });
    expect(f).toEqual({ summary: 'cannot reach the broker at mqtt://127.0.0.1:1: ECONNREFUSED', message: 'cannot reach the broker at mqtt://127.0.0.1:1: ECONNREFUSED', error: { type: 'ClientConnectError', code: 'CLIENT_CONNECT_FAILED' } });
  });
});

describe('attachFailure', () => {
  it('attaches once per scenario: the first failure is the scenario\'s', async () => {
    const attached: { data: string; mediaType: string }[] = [];
    const world: FailureWorld = {
      failureAttached: false, hasSetup: true, rule: () => rule, headline: 'h', trace: { entries: trace },
      attach: (data, mediaType) => void attached.push({ data, mediaType }),
    };
    await attachFailure(world, new Error('first'), 'When x');
    await attachFailure(world, thrownOf(undefined, { type: 'Error', message: 'second' }, undefined));
    expect(attached.map((a) => a.mediaType)).toEqual([MEDIA_TYPE.failure]);
    expect(JSON.parse(attached[0]?.data ?? '{}')).toMatchObject({ summary: 'first', step: 'When x' });
  });

  it('rebuilds what a hook threw from the recorded exception when cucumber hands over no error', () => {
    const e = thrownOf(undefined, { type: 'AdapterError', message: 'the client adapter did not start' }, undefined);
    expect(failureAttachment(e, { rule, headline: 'h', trace: [] }).error).toEqual({ type: 'AdapterError' });
  });
});
