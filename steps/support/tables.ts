import type { DataTable } from './cucumber.js';
import type { QoS } from '../../harness/codec/index.js';
import type { ConnectOptions, MqttWorld } from './world.js';

function flag(text: string, field: string): boolean {
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  throw new Error(`${field}: expected 0 or 1, got ${JSON.stringify(text)}`);
}

function qos(text: string, field: string): QoS {
  if (text === '0' || text === '1' || text === '2') return Number(text) as QoS;
  throw new Error(`${field}: expected 0, 1 or 2, got ${JSON.stringify(text)}`);
}

/**
 * CONNECT fields from a two-column table (field | value). Fields: CleanSession, Keep Alive,
 * client identifier (literal; `<empty>` for none), will topic, will message, will QoS,
 * will retain, user name, password.
 */
export function connectOptionsFromTable(world: MqttWorld, table: DataTable): ConnectOptions {
  const o: ConnectOptions = {};
  const will: { topic?: string; payload?: string; qos?: QoS; retain?: boolean } = {};
  for (const [rawKey, value] of table.raw()) {
    if (rawKey === undefined || value === undefined) continue;
    const key = rawKey.trim().toLowerCase();
    switch (key) {
      case 'cleansession':
      case 'clean session':
        o.clean = flag(value, rawKey);
        break;
      case 'keep alive':
        o.keepalive = Number(value);
        break;
      case 'client identifier':
        o.clientId = value === '<empty>' ? '' : value;
        break;
      case 'will topic':
        will.topic = world.topic(value);
        break;
      case 'will message':
        will.payload = value;
        break;
      case 'will qos':
        will.qos = qos(value, rawKey);
        break;
      case 'will retain':
        will.retain = flag(value, rawKey);
        break;
      case 'user name':
        o.username = value;
        break;
      case 'password':
        o.password = Buffer.from(value);
        break;
      default:
        throw new Error(`unknown CONNECT field ${JSON.stringify(rawKey)} (known: CleanSession, Keep Alive, client identifier, will topic, will message, will QoS, will retain, user name, password)`);
    }
  }
  if (will.topic !== undefined) {
    o.will = { topic: will.topic, payload: Buffer.from(will.payload ?? ''), qos: will.qos ?? 0, retain: will.retain ?? false };
  }
  return o;
}

/** Subscriptions from a table with columns `filter | qos` (header row required). */
export function subscriptionsFromTable(world: MqttWorld, table: DataTable): { topicFilter: string; qos: QoS }[] {
  return table.hashes().map((row, i) => {
    const filter = row['filter'];
    const q = row['qos'];
    if (filter === undefined || q === undefined) throw new Error(`row ${i + 1}: the table needs the columns "filter" and "qos"`);
    return { topicFilter: world.topic(filter), qos: qos(q, `row ${i + 1} qos`) };
  });
}
