import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CITED_STATEMENTS } from './statements.js';

const ids = (file: string): Set<string> =>
  new Set((JSON.parse(readFileSync(new URL(`../../reports/spec/${file}`, import.meta.url), 'utf8')) as { id: string }[]).map((s) => s.id));

describe('statement IDs the decoder cites', () => {
  it('exist in the MQTT 3.1.1 catalogue', () => {
    const known = ids('mqtt-v3.1.1-statements.json');
    expect(CITED_STATEMENTS.v311.filter((id) => !known.has(id))).toEqual([]);
  });
  it('exist in the MQTT 5.0 catalogue', () => {
    const known = ids('mqtt-v5.0-statements.json');
    expect(CITED_STATEMENTS.v5.filter((id) => !known.has(id))).toEqual([]);
  });
});
