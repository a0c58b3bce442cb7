import type { TraceEntry } from './types.js';

/** A `Buffer` as JSON.stringify leaves it. */
function bufferBytes(value: unknown): number[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v['type'] === 'Buffer' && Array.isArray(v['data']) && v['data'].every((b) => typeof b === 'number')) return v['data'];
  return undefined;
}

/** A Buffer as the harness traces it: `{hex: '68 69', utf8?: 'hi'}` (utf8 only when printable). */
function traceBytes(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  if (typeof v['hex'] !== 'string' || !keys.every((k) => k === 'hex' || k === 'utf8')) return undefined;
  if (typeof v['utf8'] === 'string') return JSON.stringify(v['utf8']);
  const hex = v['hex'];
  return hex === '' ? '<empty>' : `<${hex.length > 192 ? `${hex.slice(0, 192)} … (${Math.round((hex.length + 1) / 3)} bytes)` : hex}>`;
}

function bytesText(bytes: readonly number[]): string {
  const text = Buffer.from(bytes).toString('utf8');
  const printable = !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/.test(text);
  if (printable) return JSON.stringify(text);
  const hex = bytes.slice(0, 64).map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `<${hex}${bytes.length > 64 ? ` … (${bytes.length} bytes)` : ''}>`;
}

/** A decoded field's value as one short line: strings quoted, buffers as text or hex, arrays and objects inline. */
export function formatValue(value: unknown, depth = 0): string {
  const bytes = bufferBytes(value);
  if (bytes) return bytesText(bytes);
  const traced = traceBytes(value);
  if (traced !== undefined) return traced;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  if (depth > 3) return '…';
  if (Array.isArray(value)) return `[${value.map((v) => formatValue(v, depth + 1)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${k}: ${formatValue(v, depth + 1)}`).join(', ')}}`;
}

/** The packet's fields other than `type`, formatted: `[['topic', '"t/a"'], ['qos', '1']]`. */
export function packetFields(packet: Record<string, unknown>): [string, string][] {
  return Object.entries(packet)
    .filter(([k, v]) => k !== 'type' && v !== undefined)
    .map(([k, v]) => [k, formatValue(v)]);
}

/** Fields that identify a packet at a glance, in order, per packet type. */
const KEY_FIELDS: Record<string, readonly string[]> = {
  connect: ['protocolName', 'protocolVersion', 'clientId', 'clean', 'keepalive', 'will', 'username'],
  connack: ['sessionPresent', 'reasonCode'],
  publish: ['topic', 'qos', 'retain', 'dup', 'packetId', 'payload'],
  puback: ['packetId', 'reasonCode'],
  pubrec: ['packetId', 'reasonCode'],
  pubrel: ['packetId', 'reasonCode'],
  pubcomp: ['packetId', 'reasonCode'],
  subscribe: ['packetId', 'subscriptions'],
  suback: ['packetId', 'reasonCodes'],
  unsubscribe: ['packetId', 'topicFilters'],
  unsuback: ['packetId', 'reasonCodes'],
  disconnect: ['reasonCode'],
  auth: ['reasonCode'],
};

/** `PUBLISH topic="t/a" qos=1 retain=true packetId=1 payload="hello"` */
export function summarizePacket(packet: Record<string, unknown>): string {
  const type = (typeof packet['type'] === 'string' ? packet['type'] : '?').toUpperCase();
  const keys = KEY_FIELDS[String(packet['type'])] ?? [];
  const parts = keys.filter((k) => packet[k] !== undefined).map((k) => {
    const text = formatValue(packet[k]);
    return `${k}=${text.length > 60 ? `${text.slice(0, 57)}…` : text}`;
  });
  return [type, ...parts].join(' ');
}

/** What one trace record says, without time and client. */
export function describeEntry(e: TraceEntry): string {
  if (e.dir === 'event') return [e.event ?? 'event', e.note, e.error].filter((x) => x !== undefined && x !== '').join(': ');
  if (e.packet) return summarizePacket(e.packet);
  if (e.error !== undefined) {
    // The harness writes "raw bytes (why they do not decode)" for deliberately malformed bytes it sends,
    // "undecodable: ..." for bytes from the broker that did not decode.
    if (/^(raw|undecodable|after undecodable)/.test(e.error)) return e.error;
    return e.dir === 'out' ? `raw bytes: ${e.error}` : `undecodable: ${e.error}`;
  }
  return 'bytes';
}

/** The trace, one line per record: `+   1.900 ms  c       <-  CONNACK sessionPresent=false reasonCode=1  [20 02 00 01]`. */
export function traceText(trace: readonly TraceEntry[]): string {
  const width = Math.max(6, ...trace.map((e) => e.client.length));
  return trace
    .map((e) => {
      const arrow = e.dir === 'out' ? '->' : e.dir === 'in' ? '<-' : '**';
      const hex = e.hex !== undefined ? `  [${e.hex}]` : '';
      return `+${e.t.toFixed(3).padStart(10)} ms  ${e.client.padEnd(width)}  ${arrow}  ${describeEntry(e)}${hex}`;
    })
    .join('\n');
}
