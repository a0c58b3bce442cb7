import { describe, expect, it } from 'vitest';
import { compareWithExpected, parseExpectedResults, type ExpectedResults } from './expected-results.js';
import { TargetError } from './types.js';

const expected: ExpectedResults = {
  broker: 'b',
  version: '1',
  failures: [{ uri: 'f.feature', name: 'known bug', statement: 'MQTT-1-1', reason: 'it sends 0x00' }],
};

describe('expected results', () => {
  it('accepts a run matching the file', () => {
    expect(
      compareWithExpected(
        [
          { uri: 'f.feature', name: 'known bug', verdict: 'failed' },
          { uri: 'f.feature', name: 'fine', verdict: 'passed' },
          { uri: 'f.feature', name: 'n/a', verdict: 'not-applicable' },
        ],
        expected,
      ),
    ).toEqual([]);
  });

  it('reports each kind of drift', () => {
    const drifts = compareWithExpected(
      [
        { uri: 'f.feature', name: 'known bug', verdict: 'passed' },
        { uri: 'f.feature', name: 'new bug', verdict: 'failed', failure: { message: '[MQTT-2-2] x\nExpected: a\nReceived: b' } },
        { uri: 'f.feature', name: 'lost', verdict: 'inconclusive' },
      ],
      { ...expected, failures: [...expected.failures, { uri: 'g.feature', name: 'gone', statement: 'MQTT-3-3', reason: 'r' }] },
    );
    expect(drifts.map((d) => [d.kind, d.name])).toEqual([
      ['unexpected-pass', 'known bug'],
      ['unexpected-failure', 'new bug'],
      ['inconclusive', 'lost'],
      ['missing-scenario', 'gone'],
    ]);
    expect(drifts[1]?.detail).toContain('Received: b');
  });

  it('validates the file, naming the bad field', () => {
    const error = (() => {
      try {
        parseExpectedResults({ broker: 'b', version: '1', failures: [{ uri: 'f', name: 'n', statement: 's', reason: '' }] }, 'x.json');
      } catch (e) {
        return e as TargetError;
      }
      throw new Error('expected an error');
    })();
    expect(error.code).toBe('TARGET_CONFIG');
    expect(error.detail).toBe('failures[0].reason');
    expect(() => parseExpectedResults({ broker: 'b', version: '1', failures: [expected.failures[0], expected.failures[0]] }, 'x.json')).toThrow(/duplicate/);
  });
});
