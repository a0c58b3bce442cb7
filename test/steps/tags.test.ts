import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAPABILITY_CHECKS, VERSION_TAGS } from '../../steps/support/applicability.js';
import { loadPickles } from '../../steps/support/pickles.js';

interface Statement {
  id: string;
}

function catalogueIds(file: string): Set<string> {
  const list = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'reports', 'spec', file), 'utf8')) as Statement[];
  return new Set(list.map((s) => s.id));
}

const V311 = catalogueIds('mqtt-v3.1.1-statements.json');
const V5 = catalogueIds('mqtt-v5.0-statements.json');
const pickles = loadPickles();
const KNOWN_TAGS = new Set(['@cluster', '@optional', '@serial']);

describe('feature tags (meta-test)', () => {
  it('finds the feature files', () => {
    expect(pickles.length).toBeGreaterThan(0);
  });

  it('every scenario has at least one version tag', () => {
    const missing = pickles.filter((p) => !p.tags.some((t) => t in VERSION_TAGS)).map((p) => `${p.uri}: ${p.name}`);
    expect(missing).toEqual([]);
  });

  it('every @MQTT- tag of a 3.1/3.1.1 scenario is in the 3.1.1 catalogue, of a 5.0 scenario in the 5.0 catalogue', () => {
    const bad: string[] = [];
    for (const p of pickles) {
      const v5Only = p.tags.includes('@v5') && !p.tags.includes('@v3.1.1') && !p.tags.includes('@v3.1');
      for (const t of p.tags.filter((x) => x.startsWith('@MQTT-'))) {
        const id = t.slice(1);
        if (!(v5Only ? V5 : V311).has(id)) bad.push(`${p.uri}: ${p.name}: ${t}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('every scenario that is not @optional checks at least one statement', () => {
    const bare = pickles.filter((p) => !p.tags.includes('@optional') && !p.tags.some((t) => t.startsWith('@MQTT-'))).map((p) => `${p.uri}: ${p.name}`);
    expect(bare).toEqual([]);
  });

  it('every other tag is a known one (@needs:<capability>, @optional, @serial)', () => {
    const unknown: string[] = [];
    for (const p of pickles) {
      for (const t of p.tags) {
        if (t in VERSION_TAGS || t.startsWith('@MQTT-') || KNOWN_TAGS.has(t)) continue;
        if (t.startsWith('@needs:') && t.slice('@needs:'.length) in CAPABILITY_CHECKS) continue;
        unknown.push(`${p.uri}: ${p.name}: ${t}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('scenario names are unique within a feature (reports key on them)', () => {
    const seen = new Set<string>();
    const dup: string[] = [];
    for (const p of pickles) {
      const key = `${p.uri}\u0000${p.name}`;
      if (seen.has(key)) dup.push(`${p.uri}: ${p.name}`);
      seen.add(key);
    }
    expect(dup).toEqual([]);
  });
});
