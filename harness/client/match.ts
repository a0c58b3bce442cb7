import type { Packet, PacketOf, PacketType } from '../codec/index.js';
import { packetName } from './trace.js';

const MATCHER = Symbol('mqtt-conformance.matcher');

/** A predicate usable anywhere in a pattern, with a description for failure messages. */
export interface Matcher<T = unknown> {
  readonly [MATCHER]: true;
  readonly description: string;
  test(value: T): boolean;
}

/** Makes a predicate usable in a pattern: `matcher('one of 0x00, 0x02', (v) => v === 0 || v === 2)`. */
export function matcher<T>(description: string, test: (value: T) => boolean): Matcher<T> {
  return { [MATCHER]: true, description, test };
}

/** A value equal to one of the given ones (used where the spec allows several outcomes). */
export function oneOf<T>(...values: T[]): Matcher<T> {
  return matcher(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, (v) => values.includes(v));
}

function isMatcher(v: unknown): v is Matcher {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[MATCHER] === true;
}

/**
 * A deep partial pattern of a value: objects match when every listed field matches; arrays match
 * element-wise with the same length; Buffers compare by bytes and may be given as a string
 * (UTF-8); any position may hold a {@link Matcher}.
 */
export type Pattern<T> =
  | Matcher<T>
  | (T extends Buffer
      ? Buffer | Uint8Array | string
      : T extends readonly (infer U)[]
        ? readonly Pattern<U>[]
        : T extends object
          ? { [K in keyof T]?: Pattern<T[K]> }
          : T);

/** A partial pattern of one packet type: `{ type: 'connack', reasonCode: 0 }`. */
export type PacketPattern<T extends PacketType = PacketType> = T extends PacketType
  ? { type: T } & { [K in Exclude<keyof PacketOf<T>, 'type'>]?: Pattern<PacketOf<T>[K]> }
  : never;

function show(v: unknown): string {
  if (isMatcher(v)) return v.description;
  if (v instanceof Uint8Array) {
    const text = Buffer.from(v).toString('utf8');
    return text.includes('\uFFFD') ? `<${Buffer.from(v).toString('hex')}>` : JSON.stringify(text);
  }
  if (typeof v === 'number') return String(v);
  if (v === undefined) return 'absent';
  try {
    return JSON.stringify(v, (_k, x: unknown) => (isMatcher(x) ? x.description : x));
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- last resort when JSON.stringify throws (a BigInt, a circular value)
    return String(v);
  }
}

/** Where `value` departs from `pattern`, as `path: expected X, got Y`; undefined when it matches. */
export function mismatch(pattern: unknown, value: unknown, path = ''): string | undefined {
  const at = path === '' ? '' : `${path}: `;
  if (isMatcher(pattern)) return pattern.test(value) ? undefined : `${at}expected ${pattern.description}, got ${show(value)}`;
  if (pattern instanceof Uint8Array || (typeof pattern === 'string' && value instanceof Uint8Array)) {
    const want = typeof pattern === 'string' ? Buffer.from(pattern, 'utf8') : Buffer.from(pattern);
    if (!(value instanceof Uint8Array)) return `${at}expected bytes ${show(want)}, got ${show(value)}`;
    return Buffer.from(value).equals(want) ? undefined : `${at}expected ${show(want)}, got ${show(value)}`;
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value)) return `${at}expected ${show(pattern)}, got ${show(value)}`;
    if (value.length !== pattern.length) return `${at}expected ${show(pattern)}, got ${show(value)}`;
    for (let i = 0; i < pattern.length; i++) {
      const m = mismatch(pattern[i], value[i], `${path}[${i}]`);
      if (m !== undefined) return m;
    }
    return undefined;
  }
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object') return `${at}expected ${show(pattern)}, got ${show(value)}`;
    for (const [k, p] of Object.entries(pattern)) {
      if (p === undefined) continue;
      const m = mismatch(p, (value as Record<string, unknown>)[k], path === '' ? k : `${path}.${k}`);
      if (m !== undefined) return m;
    }
    return undefined;
  }
  return Object.is(pattern, value) ? undefined : `${at}expected ${show(pattern)}, got ${show(value)}`;
}

export function matches<T extends PacketType>(pattern: PacketPattern<T>, packet: Packet): packet is PacketOf<T> {
  return mismatch(pattern, packet) === undefined;
}

/** `CONNACK {reasonCode: 0, sessionPresent: false}` */
export function describePattern(pattern: PacketPattern): string {
  const fields = Object.entries(pattern)
    .filter(([k, v]) => k !== 'type' && v !== undefined)
    .map(([k, v]) => `${k}: ${show(v)}`);
  return fields.length ? `${packetName(pattern.type)} {${fields.join(', ')}}` : packetName(pattern.type);
}
