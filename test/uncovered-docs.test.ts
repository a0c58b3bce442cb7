import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, readReasons, renderUncovered } from '../scripts/uncovered.js';

describe('the "not covered" tables of features/README.md', () => {
  it('are generated from the catalogues and the tags, and not stale (npm run docs:uncovered)', () => {
    const readme = readFileSync(README, 'utf8');
    const { text, problems } = renderUncovered(readme, readReasons());
    expect(problems).toEqual([]);
    expect(text === readme, 'features/README.md is stale: run npm run docs:uncovered').toBe(true);
  });

  it('is not vacuous: a reason for a covered statement, a missing reason and a stale table are each caught', () => {
    const readme = readFileSync(README, 'utf8');
    const reasons = readReasons();
    const extra = { ...reasons, '3.1.1': { ...reasons['3.1.1'], 'MQTT-3.1.0-1': { topic: 'x', why: 'y' } } };
    expect(renderUncovered(readme, extra).problems.join('\n')).toMatch(/MQTT-3.1.0-1 has a reason .* but is covered/);
    const { 'MQTT-3.2.2-6': _gone, ...rest } = reasons['3.1.1'];
    expect(renderUncovered(readme, { ...reasons, '3.1.1': rest }).problems.join('\n')).toMatch(/MQTT-3.2.2-6 is not covered and has no reason/);
    const stale = readme.replace(/\| MQTT-3\.2\.2-6 [^\n]*\n/, '');
    expect(renderUncovered(stale, reasons).text).not.toBe(stale);
  });
});
