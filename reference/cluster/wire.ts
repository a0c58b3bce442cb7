import type { Properties, QoS, Will } from '../../harness/codec/index.js';
import type { DeliveryExtras, InflightMessage, StoredMessage, SubscriptionGrant } from '../session/index.js';

/*
 * What the cluster keeps in Redis, as JSON strings: messages (in the shared log, the retained hash,
 * in-flight entries), subscriptions, wills. Payloads travel as base64; the one Buffer a forwarded
 * property can hold (Correlation Data) as { type: 'Buffer', data } (JSON.stringify's own form).
 */

/** A message as stored: topic, payload, QoS, retain flag, 5.0 properties and expiry, its publisher (for No Local). */
interface WireMessage {
  t: string;
  p: string;
  q: QoS;
  r?: 1;
  x?: number;
  f?: string;
  P?: Properties;
}

function revive(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data);
  }
  return value;
}

function toWire(message: Omit<StoredMessage, 'origin'>, publisher?: string): WireMessage {
  const w: WireMessage = { t: message.topic, p: message.payload.toString('base64'), q: message.qos };
  if (message.retain) w.r = 1;
  if (message.expiresAt !== undefined) w.x = message.expiresAt;
  if (publisher !== undefined) w.f = publisher;
  if (message.properties !== undefined) w.P = message.properties;
  return w;
}

function fromWire(w: WireMessage, origin?: string): StoredMessage {
  const m: { -readonly [K in keyof StoredMessage]: StoredMessage[K] } = { topic: w.t, payload: Buffer.from(w.p, 'base64'), qos: w.q, retain: w.r === 1 };
  if (w.P !== undefined) m.properties = w.P;
  if (w.x !== undefined) m.expiresAt = w.x;
  if (origin !== undefined) m.origin = origin;
  return m;
}

/** A message for the shared log or the retained hash. */
export function encodeMessage(message: Omit<StoredMessage, 'origin'>, publisher?: string): string {
  return JSON.stringify(toWire(message, publisher));
}

/** A message read back; `origin` is its log id. */
export function decodeMessage(json: string, origin?: string): { message: StoredMessage; publisher: string | undefined } {
  const w = JSON.parse(json, revive) as WireMessage;
  return { message: fromWire(w, origin), publisher: w.f };
}

/** An outgoing QoS 1/2 delivery not yet complete, with the order it was sent in (`k`). */
interface WireInflight {
  k: number;
  q: 1 | 2;
  s: 'publish' | 'pubrel';
  m: WireMessage;
  o?: string;
  e?: DeliveryExtras;
}

export function encodeInflight(entry: InflightMessage, order: number): string {
  const w: WireInflight = { k: order, q: entry.qos, s: entry.state, m: toWire(entry.message) };
  if (entry.message.origin !== undefined) w.o = entry.message.origin;
  if (entry.extras !== undefined) w.e = entry.extras;
  return JSON.stringify(w);
}

export function decodeInflight(packetId: number, json: string): { entry: InflightMessage; order: number } {
  const w = JSON.parse(json, revive) as WireInflight;
  const message = fromWire(w.m, w.o);
  const entry: InflightMessage = w.e !== undefined ? { packetId, message, qos: w.q, state: w.s, extras: w.e } : { packetId, message, qos: w.q, state: w.s };
  return { entry, order: w.k };
}

/** A subscription with the log position it started after: a resumed session is not sent older messages for it. */
export interface StoredSubscription {
  grant: SubscriptionGrant;
  since: string;
}

export function encodeSubscription(grant: SubscriptionGrant, since: string): string {
  return JSON.stringify({ g: grant, s: since });
}

export function decodeSubscription(json: string): StoredSubscription {
  const w = JSON.parse(json) as { g: SubscriptionGrant; s: string };
  return { grant: w.g, since: w.s };
}

export function encodeWill(will: Will): string {
  return JSON.stringify(toWire({ topic: will.topic, payload: will.payload, qos: will.qos, retain: will.retain, properties: will.properties }));
}

export function decodeWill(json: string): Will {
  const m = fromWire(JSON.parse(json, revive) as WireMessage);
  return m.properties !== undefined ? { topic: m.topic, payload: m.payload, qos: m.qos, retain: m.retain, properties: m.properties } : { topic: m.topic, payload: m.payload, qos: m.qos, retain: m.retain };
}

/** Compares two Redis stream ids (`ms-seq`). */
export function compareIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const dm = Number(am) - Number(bm);
  if (dm !== 0) return dm;
  return Number(as) - Number(bs);
}
