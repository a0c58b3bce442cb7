/**
 * Robustness (issue 8 item 6, issue 19 item 1): a fast-check fuzzer sends hostile client streams
 * (fuzz-arbitraries.ts) to a live broker in its own process, over TCP and over WebSocket, while a
 * bystander keeps exchanging QoS 1 messages with it. Checked on every connection: a stream with a
 * structure-aware offence is closed by the broker; a well-formed one is not (its last PINGREQ gets
 * its PINGRESP). Checked per run: the broker's own count of decoded packets reaches the number of
 * well-formed packets sent before each offence, the WebSocket part sent and was answered, the
 * bystander got every message in order, the broker lived. FUZZ_PACKETS sets the volume (default
 * 30,000 packets over TCP, about 13,000 connections since every offence ends its stream; a tenth
 * more over WebSocket). FUZZ_SEED replays a run.
 */
import type { Duplex } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../harness/codec/index.js';
import { connectorFor, type ClientEndpoint } from '../../harness/client/index.js';
import { BrokerProcess } from './broker-process.js';
import { fuzzStream, type FuzzStream } from './fuzz-arbitraries.js';
import { RawClient } from '../support/reference/raw-client.js';

const TARGET = Number(process.env.FUZZ_PACKETS ?? 30_000);
const WS_TARGET = Math.ceil(TARGET / 10);
/** Well-formed packets at most in an open stream. */
const OPEN_PACKETS = 8;
/** How long the broker has to close an offending connection, or to answer the last PINGREQ. */
const VERDICT_MS = 3000;
const EITHER_MS = 1000;
/** Streams in flight at once. */
const CONCURRENCY = 32;
let broker: BrokerProcess;
let died: string | undefined;
let wsPort: number;

beforeAll(async () => {
  broker = await BrokerProcess.start({ logLevel: 'silent', listeners: [{ protocol: 'mqtt' }, { protocol: 'ws', port: 0 }] });
  const ws = (await broker.listenerPorts()).find((l) => l.protocol === 'ws');
  if (!ws) throw new Error('no ws listener');
  wsPort = ws.port;
  void broker.exited.then(() => (died = `broker exited: ${broker.stderr.slice(-2000)}`));
});
afterAll(async () => {
  await broker?.kill();
});

type Result = 'closed-by-broker' | 'answered' | 'silent';

const endpoint = (protocol: 'mqtt' | 'ws', port: number): ClientEndpoint => ({ url: `${protocol}://127.0.0.1:${String(port)}`, protocol, host: '127.0.0.1', port, path: '/mqtt' });

/**
 * Sends one stream (every chunk its own write: over WebSocket its own binary frame) and waits for
 * the verdict: the broker closes the connection, or its PINGRESP answers the stream's last PINGREQ,
 * or neither within VERDICT_MS. The connection is ours to close only after that.
 */
async function send(to: ClientEndpoint, s: FuzzStream): Promise<Result> {
  const stream: Duplex = await connectorFor(to)(to, 5000);
  const decoder = new PacketDecoder({ version: s.version });
  let settle: (r: Result) => void = () => undefined;
  const verdict = new Promise<Result>((resolve) => (settle = resolve));
  // A damaged stream may legitimately leave a packet half-sent (the broker waits for the rest): a shorter wait.
  const timer = setTimeout(() => settle('silent'), s.outcome === 'either' ? EITHER_MS : VERDICT_MS);
  stream.on('error', () => undefined);
  stream.on('close', () => settle('closed-by-broker'));
  let pingresps = 0;
  stream.on('data', (chunk: Buffer) => {
    try {
      decoder.feed(chunk, (p) => {
        // The answer to the stream's last PINGREQ ('close' streams wait for the close alone).
        if (p.type === 'pingresp' && ++pingresps === s.pings && s.outcome !== 'close') settle('answered');
      });
    } catch {
      // Whatever the broker sends a hostile client is not under test here.
    }
  });
  for (const c of s.chunks) if (!stream.destroyed) stream.write(c);
  const result = await verdict;
  clearTimeout(timer);
  stream.removeAllListeners('close');
  stream.destroy();
  return result;
}

interface Tally {
  streams: number;
  packets: number;
  structured: number;
  damaged: number;
  wellFormed: number;
  closedByBroker: number;
  openAnswered: number;
  either: { closed: number; answered: number; silent: number };
  failures: string[];
}
const tally = (): Tally => ({ streams: 0, packets: 0, structured: 0, damaged: 0, wellFormed: 0, closedByBroker: 0, openAnswered: 0, either: { closed: 0, answered: 0, silent: 0 }, failures: [] });

/** The verdict the specification requires, checked for one stream. */
function judge(t: Tally, s: FuzzStream, r: Result, over: string): void {
  t.streams++;
  t.structured += s.structured;
  t.damaged += s.damaged;
  t.wellFormed += s.wellFormed;
  if (r === 'closed-by-broker') t.closedByBroker++;
  const v = `v${String(s.version === 5 ? '5.0' : '3.1.1')} over ${over}`;
  if (s.outcome === 'close' && r !== 'closed-by-broker') t.failures.push(`${v}: ${s.offence ?? ''}: the broker did not close the connection (${r}): ${Buffer.concat(s.chunks).toString('hex').slice(0, 200)}`);
  if (s.outcome === 'open') {
    if (r === 'answered') t.openAnswered++;
    else t.failures.push(`${v}: a well-formed stream of ${String(s.packets)} packets was ${r === 'closed-by-broker' ? 'closed by the broker' : 'not answered'}: ${Buffer.concat(s.chunks).toString('hex').slice(0, 200)}`);
  }
  if (s.outcome === 'either') t.either[r === 'closed-by-broker' ? 'closed' : r]++;
}

describe('fuzzing the live broker', () => {
  it(`closes every offending connection and no well-formed one over ${String(TARGET)} packets; decodes what it must; a bystander gets every message`, async () => {
    const before = (await broker.report()).stats;
    const tcp = endpoint('mqtt', broker.port);
    const token = Math.random().toString(36).slice(2);
    const { client: sub } = await RawClient.connected(broker.port, `bystander-sub-${token}`);
    await sub.subscribe([[`bystander/${token}`, 1]]);
    sub.autoAck = true;
    const { client: pub } = await RawClient.connected(broker.port, `bystander-pub-${token}`);
    const t = tally();
    const ws = tally();
    let seq = 0;
    const started = Date.now();
    // Seeded (FUZZ_SEED replays a run): a failure names the stream's bytes and what was broken.
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const arbitrary = fuzzStream(OPEN_PACKETS);
    let round = 0;
    const sample = (): FuzzStream => {
      const [one] = fc.sample(arbitrary, { numRuns: 1, seed: seed + round++ });
      if (!one) throw new Error('fast-check sampled nothing');
      return one;
    };
    // CONCURRENCY connections at a time until the packet target is met; one that waits for its
    // verdict does not hold the others up.
    const fuzz = async (to: ClientEndpoint, tl: Tally, over: string, target: number): Promise<void> => {
      const failed = (): boolean => tl.failures.length > 0 || died !== undefined;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (tl.packets < target && !failed()) {
            const s = sample();
            tl.packets += s.packets; // claimed now, so the workers stop at the target
            judge(tl, s, await send(to, s), over);
          }
        }),
      );
    };
    // The bystander's round trips, all along, through everything the fuzzers do.
    let fuzzing = true;
    const bystander = (async () => {
      while (fuzzing) {
        const n = seq++;
        await pub.publish(`bystander/${token}`, String(n), 1, false, (n % 65535) + 1).catch((e: unknown) => {
          throw new Error(`${String(e)}; broker: ${died ?? 'alive'}`);
        });
        expect((await sub.expect('publish', 5000)).payload.toString()).toBe(String(n));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await fuzz(tcp, t, 'TCP', TARGET);
      expect(t.failures, `seed ${String(seed)}`).toEqual([]);
      // Over WebSocket: the same streams and verdicts, every chunk its own binary frame.
      await fuzz(endpoint('ws', wsPort), ws, 'WebSocket', WS_TARGET);
      expect(ws.failures, `seed ${String(seed)}`).toEqual([]);
    } finally {
      fuzzing = false;
    }
    await bystander;
    expect(ws.streams).toBeGreaterThan(0);
    expect(ws.openAnswered + ws.either.answered).toBeGreaterThan(0); // the WebSocket listener really served MQTT

    await pub.publish(`bystander/${token}`, 'last', 1, false, 1);
    expect((await sub.expect('publish', 5000)).payload.toString()).toBe('last');
    sub.destroy();
    pub.destroy();
    expect(died).toBeUndefined();

    // The broker's own counters: at least every well-formed packet sent before an offence was
    // decoded (the bystander's packets only add to the count).
    const after = (await broker.report()).stats;
    const decoded = after.packetsReceived - before.packetsReceived;
    const malformed = after.malformedPackets - before.malformedPackets;
    const violations = after.protocolViolations - before.protocolViolations + after.connectionsRefused - before.connectionsRefused;
    const packets = t.packets + ws.packets;
    const structured = t.structured + ws.structured;
    console.log(
      `fuzz: sent ${String(t.packets)} packets over TCP in ${String(t.streams)} connections and ${String(ws.packets)} over WebSocket in ${String(ws.streams)}; ` +
        `${String(structured)} structure-aware offences (${((structured / packets) * 100).toFixed(1)} % of packets), ${String(t.damaged + ws.damaged)} damaged byte-wise; ` +
        `broker decoded ${String(decoded)} packets (floor: ${String(t.wellFormed + ws.wellFormed)} well-formed sent before an offence), counted ${String(malformed)} malformed and ${String(violations)} violations or refusals; ` +
        `connections closed by the broker: ${String(t.closedByBroker + ws.closedByBroker)} (every one of the ${String(structured)} offending, none of the ${String(t.openAnswered + ws.openAnswered)} well-formed); ` +
        `damaged streams: ${JSON.stringify({ tcp: t.either, ws: ws.either })}; ${String(seq)} bystander round trips; seed ${String(seed)}; ${String(Date.now() - started)} ms`,
    );
    expect(t.packets).toBeGreaterThanOrEqual(TARGET);
    expect(structured / packets).toBeGreaterThanOrEqual(1 / 3);
    expect(decoded).toBeGreaterThanOrEqual(t.wellFormed + ws.wellFormed);
    expect(malformed + violations).toBeGreaterThanOrEqual(structured);
  }, 900_000);
});
