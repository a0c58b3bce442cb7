import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rule } from '../../harness/client/index.js';

interface Statement {
  id: string;
  summary: string;
  wire_testable: boolean;
  actor: string;
}

const SPEC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'reports', 'spec');

let cache: Map<string, Statement> | undefined;

/** The MQTT 3.1.1 statement catalogue (the copy under reports/spec/), by id. */
export function catalogue(): Map<string, Statement> {
  if (!cache) {
    const list = JSON.parse(readFileSync(join(SPEC_DIR, 'mqtt-v3.1.1-statements.json'), 'utf8')) as Statement[];
    cache = new Map(list.map((s) => [s.id, s]));
  }
  return cache;
}

/** The rule for a statement id: its catalogue summary (or a note that the id is unknown). */
export function ruleFor(id: string): Rule {
  const s = catalogue().get(id);
  return { id, summary: s ? s.summary : '(statement not in the MQTT 3.1.1 catalogue)' };
}
