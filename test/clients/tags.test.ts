/** Every statement tag of features/client names a catalogue statement that binds a client, and every scenario has exactly one version. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindsClient, loadCatalogues } from '../../reports/index.js';
import { FEATURES_DIR, loadPickles } from '../../steps/support/pickles.js';

const pickles = loadPickles(join(FEATURES_DIR, 'client'));
const catalogues = loadCatalogues();

describe('features/client tags', () => {
  it('has scenarios', () => expect(pickles.length).toBeGreaterThan(20));
  for (const p of pickles) {
    it(`${p.name}: one version tag, statements that bind a client`, () => {
      const versions = p.tags.filter((t) => t === '@v3.1.1' || t === '@v5');
      expect(versions).toHaveLength(1);
      const catalogue = catalogues[versions[0] === '@v5' ? '5.0' : '3.1.1'];
      for (const tag of p.tags.filter((t) => t.startsWith('@MQTT-'))) {
        const st = catalogue.find((s) => s.id === tag.slice(1));
        expect(st, `${tag} is not in the ${versions[0] === '@v5' ? '5.0' : '3.1.1'} catalogue`).toBeDefined();
        if (st) expect(bindsClient(st), `${tag} binds only the server`).toBe(true);
      }
    });
  }
});
