import createDebug from 'debug';
import type { Packet } from '../codec/index.js';
import { toHex } from '../codec/index.js';

/** A Buffer field of a packet in trace form: spaced hex, plus the text when it is printable UTF-8. */
export interface TraceBytes {
  hex: string;
  utf8?: string;
}

/** A packet as it appears in a trace: the codec's model with every Buffer replaced by {@link TraceBytes}. */
export type TracePacket = { type: Packet['type'] } & Record<string, unknown>;

export type TraceEvent = 'connect' | 'close' | 'error' | 'end-sent' | 'decode-error';

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

export const TRACE_MEDIA_TYPE = 'application/vnd.mqtt-conformance.trace+json';

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

function toTraceValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return traceBytes(value);
  if (Array.isArray(value)) return value.map(toTraceValue);
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

/** Live wire log: `DEBUG=mqtt-conformance:wire` prints every trace line as it happens. */
const wire = createDebug('mqtt-conformance:wire');

/** Collects the trace of every client of one scenario, in time order. */
export class TraceRecorder {
  readonly entries: TraceEntry[] = [];
  private readonly start: number;

  constructor(start: number = performance.now()) {
    this.start = start;
  }

  record(entry: Omit<TraceEntry, 't'>): TraceEntry {
    const full: TraceEntry = { t: Math.round((performance.now() - this.start) * 1000) / 1000, ...entry };
    this.entries.push(full);
    if (wire.enabled) wire(formatTrace([full]));
    return full;
  }
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

/** The trace rendered one line per packet/event, with spaced hex under each packet. */
export function formatTrace(entries: readonly TraceEntry[]): string {
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
    .join('\n');
}
