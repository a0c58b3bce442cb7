import { readFileSync } from 'node:fs';
import { reportsResource } from './resources.js';
import { ReportError } from './errors.js';
import type { Actor, CatalogueStatement, SpecVersion } from './types.js';

export const SPEC_VERSIONS: readonly SpecVersion[] = ['3.1.1', '5.0'];

const ACTORS: readonly Actor[] = ['server', 'client', 'both'];

/** Sections 3.1 to 3.14, one per control packet, titled alike in both standards (5.0 adds 3.15 AUTH). */
const CONTROL_PACKET_SECTIONS: Record<string, string> = {
  '3.1': 'CONNECT',
  '3.2': 'CONNACK',
  '3.3': 'PUBLISH',
  '3.4': 'PUBACK',
  '3.5': 'PUBREC',
  '3.6': 'PUBREL',
  '3.7': 'PUBCOMP',
  '3.8': 'SUBSCRIBE',
  '3.9': 'SUBACK',
  '3.10': 'UNSUBSCRIBE',
  '3.11': 'UNSUBACK',
  '3.12': 'PINGREQ',
  '3.13': 'PINGRESP',
  '3.14': 'DISCONNECT',
};

/** Headings of the standards' sections that statements sit under, for grouping (OASIS tables of contents). */
const SECTION_TITLES: Record<SpecVersion, Record<string, string>> = {
  '3.1.1': {
    '1.5': 'Data representations',
    '2.2': 'Fixed header',
    '2.3': 'Variable header',
    ...CONTROL_PACKET_SECTIONS,
    '4.1': 'Storing state',
    '4.3': 'Quality of Service levels and protocol flows',
    '4.4': 'Message delivery retry',
    '4.5': 'Message receipt',
    '4.6': 'Message ordering',
    '4.7': 'Topic Names and Topic Filters',
    '4.8': 'Handling errors',
    '6': 'Using WebSocket as a network transport',
    '7': 'Conformance',
  },
  '5.0': {
    '1.5': 'Data representation',
    '2.1': 'Structure of an MQTT Control Packet',
    '2.2': 'Variable Header',
    ...CONTROL_PACKET_SECTIONS,
    '3.15': 'AUTH',
    '4.1': 'Session State',
    '4.2': 'Network Connections',
    '4.3': 'Quality of Service levels and protocol flows',
    '4.4': 'Message delivery retry',
    '4.5': 'Message receipt',
    '4.6': 'Message ordering',
    '4.7': 'Topic Names and Topic Filters',
    '4.8': 'Subscriptions',
    '4.9': 'Flow Control',
    '4.10': 'Request / Response',
    '4.11': 'Server redirection',
    '4.12': 'Enhanced authentication',
    '4.13': 'Handling errors',
    '6': 'Using WebSocket as a network transport',
  },
};

/** The section group a statement is listed under: the first two numbers of its section (`3.1.2.4` -> `3.1`, `7.1` -> `7`). */
export function areaOf(section: string): string {
  const parts = section.split('.');
  const first = parts[0] ?? section;
  if (first === '6' || first === '7') return first;
  return parts.length >= 2 ? `${first}.${parts[1]}` : first;
}

/** `3.3 PUBLISH`; the number alone when the heading is not in the table. */
export function areaTitle(specVersion: SpecVersion, area: string): string {
  const title = SECTION_TITLES[specVersion][area];
  return title === undefined ? area : `${area} ${title}`;
}

/** Numeric order of dotted section numbers (`3.10` after `3.9`). */
export function compareSections(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** Order statement IDs `MQTT-3.1.2-10` by section then number. */
export function compareStatementIds(a: string, b: string): number {
  const ma = /^MQTT-([\d.]+)-(\d+)$/.exec(a);
  const mb = /^MQTT-([\d.]+)-(\d+)$/.exec(b);
  if (!ma || !mb) return a < b ? -1 : a > b ? 1 : 0;
  return compareSections(ma[1] ?? '', mb[1] ?? '') || Number(ma[2]) - Number(mb[2]);
}

function validate(raw: unknown, source: string): CatalogueStatement[] {
  if (!Array.isArray(raw)) throw new ReportError('REPORT_BAD_CATALOGUE', 'expected a JSON array of statements', source);
  return raw.map((entry: unknown, i): CatalogueStatement => {
    const where = `${source}[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new ReportError('REPORT_BAD_CATALOGUE', 'not an object', where);
    const e = entry as Record<string, unknown>;
    for (const key of ['id', 'section', 'topic', 'summary'] as const) {
      if (typeof e[key] !== 'string') throw new ReportError('REPORT_BAD_CATALOGUE', `field "${key}" must be a string`, where);
    }
    if (!ACTORS.includes(e['actor'] as Actor)) throw new ReportError('REPORT_BAD_CATALOGUE', 'field "actor" must be server, client or both', where);
    if (typeof e['wire_testable'] !== 'boolean') throw new ReportError('REPORT_BAD_CATALOGUE', 'field "wire_testable" must be a boolean', where);
    const statement: CatalogueStatement = {
      id: e['id'] as string,
      section: e['section'] as string,
      topic: e['topic'] as string,
      summary: e['summary'] as string,
      actor: e['actor'] as Actor,
      wire_testable: e['wire_testable'],
    };
    if (typeof e['note'] === 'string') statement.note = e['note'];
    return statement;
  });
}

export type Catalogues = Readonly<Record<SpecVersion, readonly CatalogueStatement[]>>;

let cached: Catalogues | undefined;

/** The committed catalogues in `reports/spec/`, read once. */
export function loadCatalogues(): Catalogues {
  if (cached) return cached;
  const load = (v: SpecVersion): CatalogueStatement[] => {
    const path = reportsResource('spec', `mqtt-v${v}-statements.json`);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ReportError('REPORT_BAD_CATALOGUE', `cannot read the catalogue: ${(err as Error).message}`, path);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ReportError('REPORT_BAD_CATALOGUE', `not JSON: ${(err as Error).message}`, path);
    }
    return validate(parsed, path);
  };
  cached = { '3.1.1': load('3.1.1'), '5.0': load('5.0') };
  return cached;
}
