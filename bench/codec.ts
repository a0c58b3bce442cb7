/**
 * Codec throughput: encode and decode of PUBLISH (16 B, 256 B, 64 KiB payloads), SUBSCRIBE and
 * CONNECT, ours (harness/codec) against mqtt-packet in the same process and run.
 *
 *   npx tsx bench/codec.ts [--ms 500]
 *
 * Each case warms both implementations up, then runs them alternately in 5 slices and reports
 * the median packets/s and MB/s (packet bytes, fixed header included), so load from other
 * processes hits both sides alike. Decode feeds one packet per chunk
 * (the per-packet overhead a broker pays on small reads) into a long-lived decoder/parser;
 * encode produces one Buffer per packet (`encode` vs `mqtt-packet.generate`).
 */
import { fileURLToPath } from 'node:url';
import mqttPacket from 'mqtt-packet';
import { encode, PacketDecoder, type Packet, type ProtocolVersion } from '../harness/codec/index.js';

export interface Row {
  /** e.g. 'PUBLISH 16 B' */
  case: string;
  version: ProtocolVersion;
  op: 'encode' | 'decode';
  /** Encoded packet size in bytes. */
  packetBytes: number;
  ours: { packetsPerSec: number; mbPerSec: number };
  mqttPacket: { packetsPerSec: number; mbPerSec: number };
  /** ours / mqtt-packet packets per second. */
  ratio: number;
}

/** The rows, with the printed table attached as `table` (ignored by JSON.stringify). */
export type CodecBenchResult = Row[] & { table: string };

export interface CodecBenchOptions {
  /** Measured time per operation and implementation (default 500 ms, plus a quarter of it as warm-up). */
  ms?: number;
}

interface Case {
  name: string;
  version: ProtocolVersion;
  packet: Packet;
  theirs: mqttPacket.Packet;
}

const payload = (n: number): Buffer => Buffer.alloc(n, 0x61);

function cases(): Case[] {
  const publish = (name: string, n: number, version: ProtocolVersion): Case => ({
    name,
    version,
    packet: { type: 'publish', topic: 'sensors/room-1/temperature', payload: payload(n), qos: 1, packetId: 42, retain: false, dup: false },
    theirs: { cmd: 'publish', topic: 'sensors/room-1/temperature', payload: payload(n), qos: 1, messageId: 42, retain: false, dup: false },
  });
  return [
    publish('PUBLISH 16 B', 16, 4),
    publish('PUBLISH 256 B', 256, 4),
    publish('PUBLISH 64 KiB', 64 * 1024, 4),
    publish('PUBLISH 16 B', 16, 5),
    {
      name: 'SUBSCRIBE 3 filters',
      version: 4,
      packet: {
        type: 'subscribe',
        packetId: 7,
        subscriptions: [
          { topicFilter: 'sensors/+/temperature', qos: 1 },
          { topicFilter: 'alerts/#', qos: 2 },
          { topicFilter: 'status', qos: 0 },
        ],
      },
      theirs: {
        cmd: 'subscribe',
        messageId: 7,
        subscriptions: [
          { topic: 'sensors/+/temperature', qos: 1 },
          { topic: 'alerts/#', qos: 2 },
          { topic: 'status', qos: 0 },
        ],
      },
    },
    {
      name: 'CONNECT will+auth',
      version: 4,
      packet: {
        type: 'connect',
        protocolName: 'MQTT',
        protocolVersion: 4,
        clean: true,
        keepalive: 60,
        clientId: 'bench-client-0001',
        will: { topic: 'clients/bench-client-0001/status', payload: Buffer.from('offline'), qos: 1, retain: true },
        username: 'user',
        password: Buffer.from('secret'),
      },
      theirs: {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        keepalive: 60,
        clientId: 'bench-client-0001',
        will: { topic: 'clients/bench-client-0001/status', payload: Buffer.from('offline'), qos: 1, retain: true },
        username: 'user',
        password: Buffer.from('secret'),
      },
    },
  ];
}

/** Runs `op` in batches of 64 for `budgetMs`; returns operations per second. */
function timed(op: () => number, budgetMs: number, sink: { n: number }): number {
  const t0 = performance.now();
  const end = t0 + budgetMs;
  let n = 0;
  let now = t0;
  while (now < end) {
    for (let i = 0; i < 64; i++) sink.n += op();
    n += 64;
    now = performance.now();
  }
  return (n * 1000) / (now - t0);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

/**
 * Measures two operations fairly on a shared, noisy machine: after a warm-up of both, they run
 * alternately in ROUNDS slices of ms / ROUNDS each; each rate is the median of its slices.
 */
const ROUNDS = 5;
async function measurePair(ours: () => number, theirs: () => number, ms: number): Promise<[number, number]> {
  const sink = { n: 0 };
  timed(ours, ms / 4, sink);
  timed(theirs, ms / 4, sink);
  const o: number[] = [];
  const t: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    o.push(timed(ours, ms / ROUNDS, sink));
    t.push(timed(theirs, ms / ROUNDS, sink));
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (sink.n === -1) console.log('unreachable');
  return [median(o), median(t)];
}

function oursDecode(bytes: Buffer, version: ProtocolVersion): () => number {
  const decoder = new PacketDecoder({ version });
  let got = 0;
  const onPacket = (): void => {
    got++;
  };
  return () => {
    decoder.feed(bytes, onPacket);
    return got;
  };
}

function theirsDecode(bytes: Buffer, version: ProtocolVersion): () => number {
  const parser = mqttPacket.parser({ protocolVersion: version });
  let got = 0;
  parser.on('packet', () => {
    got++;
  });
  parser.on('error', (e: Error) => {
    throw e;
  });
  return () => {
    parser.parse(bytes);
    return got;
  };
}

/** Runs the codec benchmark and returns one row per case and operation. */
export async function runCodecBench(options: CodecBenchOptions = {}): Promise<CodecBenchResult> {
  const ms = options.ms ?? 500;
  const rows: Row[] = [];
  for (const c of cases()) {
    const bytes = encode(c.packet, c.version);
    const theirBytes = mqttPacket.generate(c.theirs, { protocolVersion: c.version });
    if (!bytes.equals(theirBytes)) throw new Error(`${c.name}: ours and mqtt-packet encode different bytes`);
    const size = bytes.length;
    const opts = { protocolVersion: c.version };
    const pairs: [Row['op'], () => number, () => number][] = [
      ['encode', () => encode(c.packet, c.version).length, () => mqttPacket.generate(c.theirs, opts).length],
      ['decode', oursDecode(bytes, c.version), theirsDecode(bytes, c.version)],
    ];
    for (const [op, ours, theirs] of pairs) {
      const [o, t] = await measurePair(ours, theirs, ms);
      rows.push({
        case: c.name,
        version: c.version,
        op,
        packetBytes: size,
        ours: { packetsPerSec: o, mbPerSec: (o * size) / 1e6 },
        mqttPacket: { packetsPerSec: t, mbPerSec: (t * size) / 1e6 },
        ratio: o / t,
      });
    }
  }
  return Object.assign(rows, { table: formatTable(rows) });
}

const fmtRate = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0);
const fmtMb = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** A Markdown table of the rows. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['case', 'ver', 'op', 'bytes', 'ours pkt/s', 'ours MB/s', 'mqtt-packet pkt/s', 'mqtt-packet MB/s', 'ratio'];
  const lines = rows.map((r) => [
    r.case,
    r.version === 5 ? '5.0' : r.version === 4 ? '3.1.1' : '3.1',
    r.op,
    String(r.packetBytes),
    fmtRate(r.ours.packetsPerSec),
    fmtMb(r.ours.mbPerSec),
    fmtRate(r.mqttPacket.packetsPerSec),
    fmtMb(r.mqttPacket.mbPerSec),
    `${r.ratio.toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [row(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(row)].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--ms');
  const ms = i > 0 ? Number(process.argv[i + 1]) : undefined;
  if (ms !== undefined && !(ms > 0)) {
    console.error('usage: npx tsx bench/codec.ts [--ms <milliseconds per measurement>]');
    process.exit(2);
  }
  const result = await runCodecBench(ms === undefined ? {} : { ms });
  console.log(`node ${process.version}, mqtt-packet ${(await import('mqtt-packet/package.json', { with: { type: 'json' } })).default.version}`);
  console.log(result.table);
}
