/**
 * `mqtt-conformance list`: the scenarios a run would execute (with the statements each checks),
 * or with `--statements` the catalogue's wire-testable statements and the scenarios covering each.
 */
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import parseTagExpression from '@cucumber/tag-expressions';
import { loadPickles, type ParsedPickle } from '../steps/support/pickles.js';
import { PACKAGE_ROOT } from '../harness/targets/index.js';
import { SPEC_VERSIONS, specOfVersion, statementCoverage } from './statements.js';

export const LIST_USAGE = `Usage: mqtt-conformance list [options]

Lists the scenarios of the suite with the statements each checks.

Options:
  --tags EXPR      only scenarios matching the cucumber tag expression
  --version V      only scenarios of protocol version V (3.1.1, 3.1 or 5)
  --statements     list the wire-testable statements of each catalogue (MQTT 3.1.1, 5.0;
                   with --version only its own) instead, each with the scenarios of that
                   version that check it (or "not covered")
  --json           machine-readable output
  -h, --help       this help`;

export interface ListOptions {
  tags?: string;
  version?: string;
  statements: boolean;
  json: boolean;
}

/** Parses `list` arguments; throws an Error naming what is wrong; undefined means --help. */
export function parseListArgs(argv: string[]): ListOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      tags: { type: 'string' },
      version: { type: 'string' },
      statements: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const o: ListOptions = { statements: values.statements ?? false, json: values.json ?? false };
  if (values.tags !== undefined) o.tags = values.tags;
  if (values.version !== undefined) {
    const v = values.version.replace(/^v/, '');
    if (!['3.1', '3.1.1', '5'].includes(v)) throw new Error(`--version must be one of 3.1, 3.1.1, 5, got ${JSON.stringify(values.version)}`);
    o.version = v;
  }
  return o;
}

/** The pickles selected by the options' tag expression and version. */
export function selectPickles(pickles: ParsedPickle[], options: Pick<ListOptions, 'tags' | 'version'>): ParsedPickle[] {
  const parts: string[] = [];
  if (options.tags !== undefined) parts.push(`(${options.tags})`);
  if (options.version !== undefined) parts.push(`@v${options.version}`);
  if (parts.length === 0) return pickles;
  const expr = parseTagExpression(parts.join(' and '));
  return pickles.filter((p) => expr.evaluate(p.tags));
}

export async function main(argv: string[]): Promise<number> {
  let options: ListOptions | undefined;
  try {
    options = parseListArgs(argv);
  } catch (e) {
    process.stderr.write(`mqtt-conformance list: ${(e as Error).message}\nRun "mqtt-conformance list --help" for the options.\n`);
    return 2;
  }
  if (!options) {
    process.stdout.write(`${LIST_USAGE}\n`);
    return 0;
  }
  let pickles: ParsedPickle[];
  try {
    pickles = selectPickles(loadPickles(join(PACKAGE_ROOT, 'features')), options);
  } catch (e) {
    process.stderr.write(`mqtt-conformance list: ${(e as Error).message}\n`);
    return 2;
  }
  if (options.statements) {
    // Each catalogue counted on its own scenarios: @v5-only scenarios name 5.0 IDs, the others 3.1.1 IDs.
    const specs = options.version !== undefined ? [specOfVersion(options.version)] : SPEC_VERSIONS;
    const tables = specs.map((spec) => ({ spec, statements: statementCoverage(spec, pickles) }));
    if (options.json) process.stdout.write(`${JSON.stringify(tables, null, 2)}\n`);
    else {
      for (const { spec, statements } of tables) {
        process.stdout.write(`MQTT ${spec} wire-testable statements\n`);
        for (const r of statements) process.stdout.write(`${r.id.padEnd(15)} ${r.scenarios.length > 0 ? `${r.scenarios.length} scenario(s)` : 'not covered'}  ${r.summary}\n`);
        const covered = statements.filter((r) => r.scenarios.length > 0).length;
        process.stdout.write(`\n${covered}/${statements.length} wire-testable MQTT ${spec} statements covered (${((100 * covered) / statements.length).toFixed(0)}%)\n\n`);
      }
    }
    return 0;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(pickles, null, 2)}\n`);
    return 0;
  }
  for (const p of pickles) {
    process.stdout.write(`${relative(PACKAGE_ROOT, join(PACKAGE_ROOT, p.uri))}  ${p.name}\n    ${p.tags.join(' ')}\n`);
  }
  process.stdout.write(`\n${pickles.length} scenarios\n`);
  return 0;
}
