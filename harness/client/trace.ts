import { createRequire } from 'node:module';
import type { Packet } from '../codec/index.js';
import { toHex } from '../codec/index.js';
import { MEDIA_TYPE } from '../../contract/index.js';

/** A Buffer field of a packet in trace form: spaced hex, plus the text when it is printable UTF-8. */
export interface TraceBytes {
  hex: string;
  utf8?: string;
}

/** A packet as it appears in a trace: the codec's model with every Buffer replaced by {@link TraceBytes}. */
export type TracePacket = { type: Packet['type'] } & Record<string, unknown>;

export type TraceEvent = 'connect' | 'close' | 'error' | 'end-sent' | 'decode-error' | 'flood' | 'trace-cut' | 'adapter';

/**
 * One line of a scenario's packet trace. `t` is milliseconds since the scenario started.
 * `out`/`in` lines carry the exact bytes (`hex`) and the decoded packet, or `error` when the
 * bytes could not be decoded; `event` lines carry the event and a detail in `error`/`note`.
 * This is the JSON attached as `application/vnd.mqtt-conformance.trace+json`.
 */
export interface TraceEntry {
  client: string;
  t: number;
  dir: 'out' | 'in' | 'event';
  hex?: string;
  packet?: TracePacket;
  error?: string;
  event?: TraceEvent;
  note?: string;
}

export const TRACE_MEDIA_TYPE = MEDIA_TYPE.trace;

const PRINTABLE = /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}]*$/u;

/** Bytes kept in a trace line; beyond this the hex is cut and says how many bytes were left out. */
export const TRACE_MAX_BYTES = 512;

/** Spaced hex of the bytes, cut after {@link TRACE_MAX_BYTES} with a note of the rest. */
export function traceHex(bytes: Uint8Array): string {
  if (bytes.byteLength <= TRACE_MAX_BYTES) return toHex(bytes);
  return `${toHex(bytes.subarray(0, TRACE_MAX_BYTES))} ... (+${bytes.byteLength - TRACE_MAX_BYTES} bytes)`;
}

export function traceBytes(bytes: Uint8Array): TraceBytes {
  const out: TraceBytes = { hex: traceHex(bytes) };
  if (bytes.byteLength > TRACE_MAX_BYTES) return out;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (!text.includes('\uFFFD') && PRINTABLE.test(text)) out.utf8 = text;
  return out;
}

/** Characters kept of a string field of a traced packet (a topic may be 65535 bytes). */
export const TRACE_MAX_TEXT = 512;
/** Items kept of an array field of a traced packet (subscriptions, user properties, reason codes). */
export const TRACE_MAX_ITEMS = 32;

/** The text cut after `max` characters, saying how many were left out. */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (+${text.length - max} chars)`;
}

function toTraceValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return traceBytes(value);
  if (typeof value === 'string') return clipText(value, TRACE_MAX_TEXT);
  if (Array.isArray(value)) {
    const kept = value.slice(0, TRACE_MAX_ITEMS).map(toTraceValue);
    if (value.length > TRACE_MAX_ITEMS) kept.push(`... (+${value.length - TRACE_MAX_ITEMS} more)`);
    return kept;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toTraceValue(v);
    return out;
  }
  return value;
}

/** The packet with Buffers made JSON-friendly (copies: later mutation of the input does not show). */
export function toTracePacket(packet: Packet): TracePacket {
  return toTraceValue(packet) as TracePacket;
}

interface WireLog {
  (line: string): void;
  readonly enabled: boolean;
}

/**
 * Live wire log: `DEBUG=mqtt-conformance:wire` prints every trace line as it happens. The `debug`
 * package is loaded only when DEBUG is set (without it every namespace is off): loading it costs
 * ~30 ms of CPU, and each of a run's cucumber workers loads this module.
 */
const wire: WireLog = process.env['DEBUG']
  ? (createRequire(import.meta.url)('debug') as (namespace: string) => WireLog)('mqtt-conformance:wire')
  : Object.assign(() => undefined, { enabled: false });

/** Trace entries kept per client from the start of its trace (the rest of the middle is counted, not kept). */
export const TRACE_HEAD_ENTRIES = 200;
/** Trace entries kept per client from the end of its trace. */
export const TRACE_TAIL_ENTRIES = 200;

export interface TraceLimits {
  /** Entries kept per client from the start. */
  head: number;
  /** Entries kept per client from the end. */
  tail: number;
}

interface Numbered {
  seq: number;
  entry: TraceEntry;
}

/** One client's part of a trace: the first `head` entries, a ring of the last `tail`, and what fell between. */
class ClientTrace {
  readonly head: Numbered[] = [];
  private readonly ring: Numbered[] = [];
  private next = 0;
  dropped = 0;
  firstDropped: Numbered | undefined;

  constructor(private readonly limits: TraceLimits) {}

  add(n: Numbered): void {
    if (this.head.length < this.limits.head) {
      this.head.push(n);
      return;
    }
    if (this.limits.tail === 0) {
      this.drop(n);
      return;
    }
    if (this.ring.length < this.limits.tail) {
      this.ring.push(n);
      return;
    }
    const oldest = this.ring[this.next];
    if (oldest) this.drop(oldest);
    this.ring[this.next] = n;
    this.next = (this.next + 1) % this.limits.tail;
  }

  private drop(n: Numbered): void {
    this.dropped++;
    this.firstDropped ??= n;
  }

  /** Kept entries oldest first, with a `trace-cut` event where entries were left out. */
  kept(): Numbered[] {
    const tail = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    if (this.dropped === 0 || !this.firstDropped) return [...this.head, ...tail];
    const { seq, entry } = this.firstDropped;
    const marker: Numbered = { seq, entry: cutMarker(entry.client, entry.t, this.dropped, this.head.length, tail.length) };
    return [...this.head, marker, ...tail];
  }
}

function cutMarker(client: string, t: number, dropped: number, head: number, tail: number): TraceEntry {
  return {
    client,
    t,
    dir: 'event',
    event: 'trace-cut',
    note: `${dropped} trace entries of "${client}" left out here (the first ${head} and the last ${tail} are kept)`,
  };
}

/**
 * Collects the trace of every client of one scenario, in time order, within a bound: per client
 * the first {@link TRACE_HEAD_ENTRIES} and the last {@link TRACE_TAIL_ENTRIES} entries are kept and
 * the entries between are counted and stood for by one `trace-cut` event, so a broker that floods
 * a client cannot grow the trace without bound. Each entry is bounded too (byte fields cut at
 * {@link TRACE_MAX_BYTES}, strings at {@link TRACE_MAX_TEXT}, arrays at {@link TRACE_MAX_ITEMS}).
 */
export class TraceRecorder {
  private readonly start: number;
  private readonly limits: TraceLimits;
  private readonly clients = new Map<string, ClientTrace>();
  private seq = 0;
  private cache: TraceEntry[] | undefined;

  constructor(start: number = performance.now(), limits: TraceLimits = { head: TRACE_HEAD_ENTRIES, tail: TRACE_TAIL_ENTRIES }) {
    this.start = start;
    this.limits = limits;
  }

  /** The kept entries of every client in time order (a `trace-cut` event where some were left out). */
  get entries(): readonly TraceEntry[] {
    if (this.cache) return this.cache;
    const all: Numbered[] = [];
    for (const c of this.clients.values()) all.push(...c.kept());
    all.sort((a, b) => a.seq - b.seq);
    this.cache = all.map((n) => n.entry);
    return this.cache;
  }

  /** Entries recorded and not kept, over every client. */
  get dropped(): number {
    let n = 0;
    for (const c of this.clients.values()) n += c.dropped;
    return n;
  }

  record(entry: Omit<TraceEntry, 't'>): TraceEntry {
    const full: TraceEntry = { t: Math.round((performance.now() - this.start) * 1000) / 1000, ...entry };
    if (full.error !== undefined) full.error = clipText(full.error, TRACE_MAX_TEXT);
    if (full.note !== undefined) full.note = clipText(full.note, TRACE_MAX_TEXT);
    let c = this.clients.get(full.client);
    if (!c) {
      c = new ClientTrace(this.limits);
      this.clients.set(full.client, c);
    }
    c.add({ seq: this.seq++, entry: full });
    this.cache = undefined;
    if (wire.enabled) wire(formatTrace([full]));
    return full;
  }
}

/** How a trace is measured against a budget: its JSON (attachments) or its text rendering (messages). */
export type TraceMeasure = 'json' | 'text';

/** Characters of one line of a trace rendered for a failure message (see {@link fitTrace}). */
export const TRACE_TEXT_LINE_CHARS = 200;

function measure(entries: readonly TraceEntry[], how: TraceMeasure): number {
  return how === 'json' ? JSON.stringify(entries).length : formatTrace(entries, TRACE_TEXT_LINE_CHARS).length;
}

/** Per client, the first `keep` and the last `keep` entries, with a `trace-cut` event for the rest. */
function keepEnds(entries: readonly TraceEntry[], keep: number): TraceEntry[] {
  const byClient = new Map<string, number[]>();
  entries.forEach((e, i) => {
    const list = byClient.get(e.client);
    if (list) list.push(i);
    else byClient.set(e.client, [i]);
  });
  const out: { at: number; entry: TraceEntry }[] = [];
  for (const [client, idx] of byClient) {
    if (idx.length <= 2 * keep) {
      for (const i of idx) out.push({ at: i, entry: entries[i] as TraceEntry });
      continue;
    }
    const head = idx.slice(0, keep);
    const tail = idx.slice(idx.length - keep);
    const between = idx.slice(keep, idx.length - keep);
    // Entries already standing for a cut count for what they stand for.
    let dropped = 0;
    for (const i of between) {
      const e = entries[i] as TraceEntry;
      const m = e.event === 'trace-cut' ? /^(\d+) /.exec(e.note ?? '') : null;
      dropped += m ? Number(m[1]) : 1;
    }
    for (const i of head) out.push({ at: i, entry: entries[i] as TraceEntry });
    const first = entries[between[0] as number] as TraceEntry;
    out.push({ at: between[0] as number, entry: cutMarker(client, first.t, dropped, keep, keep) });
    for (const i of tail) out.push({ at: i, entry: entries[i] as TraceEntry });
  }
  return out.sort((a, b) => a.at - b.at).map((x) => x.entry);
}

/** The entry without its decoded packet and with its bytes cut short (the last resort of {@link fitTrace}). */
function slim(e: TraceEntry): TraceEntry {
  const out: TraceEntry = { client: e.client, t: e.t, dir: e.dir };
  if (e.hex !== undefined) out.hex = clipText(e.hex, 48);
  if (e.packet !== undefined) out.note = clipText(describeTracePacket(e.packet), 120);
  if (e.error !== undefined) out.error = clipText(e.error, 120);
  if (e.event !== undefined) out.event = e.event;
  if (e.note !== undefined) out.note = clipText(e.note, 200);
  return out;
}

/**
 * The trace cut to fit `maxChars` (measured as JSON, or as rendered by `formatTrace` with lines of
 * at most {@link TRACE_TEXT_LINE_CHARS}): fewer entries kept at
 * each end of every client's part (halving) with a `trace-cut` event standing for the rest, then
 * slimmed entries, then only the last entries that fit. Returned unchanged when it already fits.
 */
export function fitTrace(entries: readonly TraceEntry[], maxChars: number, how: TraceMeasure = 'json'): readonly TraceEntry[] {
  if (measure(entries, how) <= maxChars) return entries;
  let keep = Math.max(1, Math.floor(entries.length / 2));
  let cut = keepEnds(entries, keep);
  while (keep > 1 && measure(cut, how) > maxChars) {
    keep = Math.max(1, Math.floor(keep / 2));
    cut = keepEnds(entries, keep);
  }
  if (measure(cut, how) <= maxChars) return cut;
  const slimmed = cut.map(slim);
  // Last resort: the newest slimmed entries that fit (where the scenario failed).
  const out: TraceEntry[] = [];
  let size = 2;
  for (let i = slimmed.length - 1; i >= 0; i--) {
    const e = slimmed[i] as TraceEntry;
    const n = measure([e], how) + 1;
    if (size + n > maxChars) break;
    out.unshift(e);
    size += n;
  }
  return out;
}

const PACKET_NAMES: Record<Packet['type'], string> = {
  connect: 'CONNECT',
  connack: 'CONNACK',
  publish: 'PUBLISH',
  puback: 'PUBACK',
  pubrec: 'PUBREC',
  pubrel: 'PUBREL',
  pubcomp: 'PUBCOMP',
  subscribe: 'SUBSCRIBE',
  suback: 'SUBACK',
  unsubscribe: 'UNSUBSCRIBE',
  unsuback: 'UNSUBACK',
  pingreq: 'PINGREQ',
  pingresp: 'PINGRESP',
  disconnect: 'DISCONNECT',
  auth: 'AUTH',
};

export function packetName(type: Packet['type']): string {
  return PACKET_NAMES[type];
}

function hexByte(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

function bytesText(b: Uint8Array): string {
  const t = traceBytes(b);
  const shown = t.utf8 !== undefined ? JSON.stringify(t.utf8) : `<${t.hex}>`;
  return shown.length > 60 ? `${shown.slice(0, 57)}... (${b.byteLength} bytes)` : shown;
}

/** One-line human description of a packet, e.g. `PUBLISH topic="a/b" qos=1 id=3 retain=0 dup=0 payload="hi"`. */
export function describePacket(p: Packet): string {
  const name = packetName(p.type);
  switch (p.type) {
    case 'connect': {
      const parts = [
        `protocol=${JSON.stringify(p.protocolName)}/${p.protocolVersion}`,
        `clientId=${JSON.stringify(p.clientId)}`,
        `clean=${p.clean ? 1 : 0}`,
        `keepalive=${p.keepalive}`,
      ];
      if (p.will) parts.push(`will={topic=${JSON.stringify(p.will.topic)} qos=${p.will.qos} retain=${p.will.retain ? 1 : 0}}`);
      if (p.username !== undefined) parts.push(`username=${JSON.stringify(p.username)}`);
      if (p.password !== undefined) parts.push('password=<set>');
      return `${name} ${parts.join(' ')}`;
    }
    case 'connack':
      return `${name} sessionPresent=${p.sessionPresent ? 1 : 0} returnCode=${hexByte(p.reasonCode)}`;
    case 'publish': {
      const id = p.packetId !== undefined ? ` id=${p.packetId}` : '';
      return `${name} topic=${JSON.stringify(p.topic)} qos=${p.qos}${id} retain=${p.retain ? 1 : 0} dup=${p.dup ? 1 : 0} payload=${bytesText(p.payload)}`;
    }
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return `${name} id=${p.packetId}${p.reasonCode !== undefined ? ` reasonCode=${hexByte(p.reasonCode)}` : ''}`;
    case 'subscribe':
      return `${name} id=${p.packetId} ${p.subscriptions.map((s) => `${JSON.stringify(s.topicFilter)}@${s.qos}`).join(' ')}`;
    case 'suback':
      return `${name} id=${p.packetId} returnCodes=[${p.reasonCodes.map(hexByte).join(', ')}]`;
    case 'unsubscribe':
      return `${name} id=${p.packetId} ${p.topicFilters.map((f) => JSON.stringify(f)).join(' ')}`;
    case 'unsuback':
      return `${name} id=${p.packetId}`;
    case 'disconnect':
    case 'auth':
      return p.reasonCode !== undefined ? `${name} reasonCode=${hexByte(p.reasonCode)}` : name;
    case 'pingreq':
    case 'pingresp':
      return name;
  }
}

function describeTracePacket(p: TracePacket): string {
  // Trace packets have Buffers replaced; render the same essentials without re-decoding.
  const fields = Object.entries(p)
    .filter(([k]) => k !== 'type')
    .map(([k, v]) => {
      if (v !== null && typeof v === 'object' && 'hex' in v) {
        const b = v as TraceBytes;
        return `${k}=${b.utf8 !== undefined ? JSON.stringify(b.utf8) : `<${b.hex}>`}`;
      }
      return `${k}=${typeof v === 'boolean' ? (v ? 1 : 0) : JSON.stringify(v)}`;
    });
  return [packetName(p.type), ...fields].join(' ');
}

/** The trace rendered one line per packet/event, with spaced hex under each packet; lines cut at `maxLineChars`. */
export function formatTrace(entries: readonly TraceEntry[], maxLineChars = Infinity): string {
  const width = Math.max(3, ...entries.map((e) => e.client.length));
  return entries
    .map((e) => {
      const t = `${e.t.toFixed(1).padStart(8)}ms`;
      const who = e.client.padEnd(width);
      if (e.dir === 'event') {
        const extra = [e.note, e.error].filter((s) => s !== undefined).join(': ');
        return `${t} ${who} ** ${e.event ?? 'event'}${extra ? ` ${extra}` : ''}`;
      }
      const arrow = e.dir === 'out' ? '->' : '<-';
      const what = e.packet ? describeTracePacket(e.packet) : `undecodable: ${e.error ?? '?'}`;
      const hex = e.hex !== undefined ? `\n${' '.repeat(t.length + width + 5)}${e.hex}` : '';
      return `${t} ${who} ${arrow} ${what}${hex}`;
    })
    .join('\n')
    .split('\n')
    .map((line) => (line.length > maxLineChars ? `${line.slice(0, maxLineChars - 3)}...` : line))
    .join('\n');
}
