/**
 * The committed expected-results files, checked without running any broker: valid, named after
 * their broker and version, no reason left "TODO", and every finding names the statement it breaks
 * and quotes it in the reason.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPECTED_DIR, loadExpectedFile } from './brokers.js';
import { isTodo } from './expected-results.js';

const files = readdirSync(EXPECTED_DIR).filter((f) => f.endsWith('.json'));

describe('test/expected/*.json', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${file} is valid, fully justified and named <broker>-<version>.json (client-<client>-<version>.json for a client library)`, () => {
      const results = loadExpectedFile(join(EXPECTED_DIR, file));
      const prefix = file.startsWith('client-') ? 'client-' : '';
      expect(file).toBe(`${prefix}${results.broker}-${results.version}.json`);
      expect(results.scenarios.filter(isTodo).map((e) => e.scenario)).toEqual([]);
      for (const e of results.scenarios) {
        if (e.kind === 'finding') {
          expect(e.verdict, e.scenario).toBe('failed');
          expect(e.statement, `${e.scenario}: a finding names its statement`).toMatch(/^MQTT-/);
          expect(e.reason, `${e.scenario}: the reason quotes a statement`).toMatch(/MQTT-\d/);
        }
        if (e.kind === 'choice') expect(e.reason, `${e.scenario}: a choice is an @optional scenario`).toMatch(/@optional|^Optional/);
        if (e.verdict === 'not-applicable') expect(e.kind, e.scenario).toBe('capability');
        if (e.intermittent) expect(e.reason, `${e.scenario}: an intermittent failure explains its race`).toMatch(/race|intermittent|some runs/i);
      }
    });
  }
});
