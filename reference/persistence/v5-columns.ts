/**
 * MQTT 5.0 state in the SQLite stores: message properties, message expiry, delivery extras
 * (subscription identifiers, share) and subscription options, as JSON text columns added to the
 * version 1 schema (`migrateV5`), so a data directory written before 5.0 support still opens.
 */
import type { Properties } from '../../harness/codec/index.js';
import type { DeliveryExtras, SubscriptionGrant } from '../session/index.js';
import type { SqliteDatabase } from './database.js';

const COLUMNS: [table: string, column: string, type: string][] = [
  ['sessions', 'expiry_interval', 'INTEGER'],
  ['sessions', 'expires_at', 'INTEGER'],
  ['subscriptions', 'options', 'TEXT'],
  ['queue', 'props', 'TEXT'],
  ['queue', 'expires_at', 'INTEGER'],
  ['queue', 'extras', 'TEXT'],
  ['inflight', 'props', 'TEXT'],
  ['inflight', 'expires_at', 'INTEGER'],
  ['inflight', 'extras', 'TEXT'],
  ['retained', 'props', 'TEXT'],
  ['retained', 'expires_at', 'INTEGER'],
];

/** Adds the 5.0 columns a database lacks (idempotent). */
export function migrateV5(db: SqliteDatabase): void {
  for (const [table, column, type] of COLUMNS) {
    const present = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
    if (!present) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

interface PropsJson {
  pfi?: 0 | 1;
  ct?: string;
  rt?: string;
  cd?: string;
  up?: [string, string][];
}

export function propsToJson(p: Properties | undefined): string | null {
  if (!p) return null;
  const j: PropsJson = {};
  if (p.payloadFormatIndicator !== undefined) j.pfi = p.payloadFormatIndicator;
  if (p.contentType !== undefined) j.ct = p.contentType;
  if (p.responseTopic !== undefined) j.rt = p.responseTopic;
  if (p.correlationData !== undefined) j.cd = Buffer.from(p.correlationData).toString('base64');
  if (p.userProperties !== undefined) j.up = p.userProperties.map(([k, v]) => [k, v]);
  return JSON.stringify(j);
}

export function propsFromJson(text: string | null | undefined): Properties | undefined {
  if (!text) return undefined;
  const j = JSON.parse(text) as PropsJson;
  const p: Properties = {};
  if (j.pfi !== undefined) p.payloadFormatIndicator = j.pfi;
  if (j.ct !== undefined) p.contentType = j.ct;
  if (j.rt !== undefined) p.responseTopic = j.rt;
  if (j.cd !== undefined) p.correlationData = Buffer.from(j.cd, 'base64');
  if (j.up !== undefined) p.userProperties = j.up.map(([k, v]) => [k, v] as const);
  return p;
}

export function extrasToJson(e: DeliveryExtras | undefined): string | null {
  return e ? JSON.stringify({ ids: e.subscriptionIds, share: e.share }) : null;
}

export function extrasFromJson(text: string | null | undefined): DeliveryExtras | undefined {
  if (!text) return undefined;
  const j = JSON.parse(text) as { ids?: number[]; share?: string };
  return { subscriptionIds: j.ids, share: j.share };
}

export function optionsToJson(g: SubscriptionGrant): string | null {
  const { qos: _qos, ...rest } = g;
  return Object.keys(rest).length > 0 ? JSON.stringify(rest) : null;
}

export function grantFromRow(qos: 0 | 1 | 2, options: string | null | undefined): SubscriptionGrant {
  return options ? { ...(JSON.parse(options) as Omit<SubscriptionGrant, 'qos'>), qos } : { qos };
}
