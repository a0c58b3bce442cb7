import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rule } from '../../harness/client/index.js';
import { PACKAGE_ROOT } from '../../harness/targets/package-root.js';

interface Statement {
  id: string;
  summary: string;
  wire_testable: boolean;
  actor: string;
}

const SPEC_DIR = join(PACKAGE_ROOT, 'reports', 'spec');

let cache: Map<string, Statement> | undefined;
let cacheV5: Map<string, Statement> | undefined;

/** The MQTT 5.0 statement catalogue (the copy under reports/spec/), by id. */
export function catalogueV5(): Map<string, Statement> {
  if (!cacheV5) {
    const list = JSON.parse(readFileSync(join(SPEC_DIR, 'mqtt-v5.0-statements.json'), 'utf8')) as Statement[];
    cacheV5 = new Map(list.map((s) => [s.id, s]));
  }
  return cacheV5;
}

/** The MQTT 3.1.1 statement catalogue (the copy under reports/spec/), by id. */
export function catalogue(): Map<string, Statement> {
  if (!cache) {
    const list = JSON.parse(readFileSync(join(SPEC_DIR, 'mqtt-v3.1.1-statements.json'), 'utf8')) as Statement[];
    cache = new Map(list.map((s) => [s.id, s]));
  }
  return cache;
}

/**
 * The rule for a statement id: its catalogue summary (or a note that the id is unknown). A
 * scenario tagged only @v5 names MQTT 5.0 statements (`spec` '5.0'); any other names 3.1.1 ones.
 */
export function ruleFor(id: string, spec: '3.1.1' | '5.0' = '3.1.1'): Rule {
  const s = (spec === '5.0' ? catalogueV5() : catalogue()).get(id);
  return { id, summary: s ? s.summary : `(statement not in the MQTT ${spec} catalogue)` };
}
