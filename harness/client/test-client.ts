import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Packet, PacketOf, PacketType, ProtocolVersion } from '../codec/index.js';
import { DecodeError, PacketDecoder, encode } from '../codec/index.js';
import { ClientConnectError, ClientUsageError, ExpectationError, FloodError, TimeoutError } from './errors.js';
import type { PacketPattern } from './match.js';
import { mismatch } from './match.js';
import { TraceRecorder, describePacket, toTracePacket, traceHex } from './trace.js';
import { PacketReader, decodeRaw } from './packet-reader.js';
import type { BarrierWording, WaitOptions } from './packet-reader.js';

export type { WaitOptions, AbsenceProof } from './packet-reader.js';

export interface TestClientOptions {
  /** Logical name shown in the trace, e.g. "sub". */
  name: string;
  /** Protocol version used to encode packets (other than CONNECT) and decode the server's packets. */
  version: ProtocolVersion;
  /** Shared trace of the scenario; a private one is made when absent. */
  trace?: TraceRecorder;
  /** How to open the byte stream; by default chosen from the endpoint's protocol. */
  connector?: Connector;
  /** Bound on opening the connection (ms). Default 5000. */
  connectTimeoutMs?: number;
  /** Default bound of every expectation (ms). Default 2000. */
  timeoutMs?: number;
  /**
   * Received packets no expectation has consumed that the client holds; one more and it stops
   * reading, closes the connection and fails every wait with a {@link FloodError}. Default
   * {@link DEFAULT_MAX_PENDING}.
   */
  maxPending?: number;
  /** Bytes of unconsumed packets the client holds, with the same consequence as {@link maxPending}. Default {@link DEFAULT_MAX_PENDING_BYTES}. */
  maxPendingBytes?: number;
  /**
   * Largest packet the client reads (bytes); a larger one (MQTT allows 256 MB) stops the client
   * like a flood, as the harness's limit. Default {@link DEFAULT_MAX_PACKET_SIZE}.
   */
  maxPacketSize?: number;
  /**
   * Sees each received packet first (after it is recorded in `received` and the trace); returning
   * true consumes it, so no expectation sees it. For a layer that plays a well-behaved client on
   * top (the broker's tests acknowledge QoS flows, the robustness tests keep a session): the suite
   * never sets it, so the client answers nothing on its own there.
   */
  intercept?: (packet: Packet) => boolean;
  /**
   * Keep every packet sent and received in {@link TestClient.sent} and {@link TestClient.received}.
   * Default true; a long-running layer that consumes everything through {@link intercept} (a soak)
   * turns it off so that the client's memory stays flat.
   */
  keepHistory?: boolean;
}

/** Default bound of the bytes of received packets no expectation has consumed. */
export const DEFAULT_MAX_PENDING_BYTES = 16 * 1024 * 1024;
/** Default largest packet a client reads. */
export const DEFAULT_MAX_PACKET_SIZE = 16 * 1024 * 1024;

/** Default bound of the queue of received packets no expectation has consumed. */
export const DEFAULT_MAX_PENDING = 1000;
/** Packets described one by one in a failure's "Received" part; the rest are counted by type. */
const DESCRIBED_PACKETS = 10;

/** The packets in words: the first few described, the rest counted by type. */
export function describePackets(packets: readonly Packet[], pattern?: PacketPattern): string {
  const explain = (p: Packet): string => {
    if (!pattern || pattern.type !== p.type) return describePacket(p);
    const m = mismatch(pattern, p);
    return m === undefined ? describePacket(p) : `${describePacket(p)} (${m})`;
  };
  const shown = packets.slice(0, DESCRIBED_PACKETS).map(explain);
  if (packets.length > DESCRIBED_PACKETS) {
    const counts = new Map<string, number>();
    for (const p of packets.slice(DESCRIBED_PACKETS)) counts.set(p.type.toUpperCase(), (counts.get(p.type.toUpperCase()) ?? 0) + 1);
    shown.push(`and ${packets.length - DESCRIBED_PACKETS} more (${[...counts].map(([t, n]) => `${n} ${t}`).join(', ')})`);
  }
  return shown.join('; ');
}


/** Who ended the connection. `server` includes a reset or a close after our half-close. */
export type ClosedBy = 'server' | 'client';

/** What the server sent beyond the client's bounds: too many or too many bytes of unconsumed packets, or one packet too large. */
export type FloodKind = 'packets' | 'bytes' | 'packet-size';

/**
 * A scriptable raw MQTT client for conformance tests. It never answers anything on its own: every
 * packet it sends is one a step asked for, so the broker's behaviour is observed exactly.
 * Received packets queue up until an expectation consumes them.
 */
export class TestClient extends PacketReader {
  /** Every packet received on this connection, in order (consumed or not). */
  readonly received: Packet[] = [];
  /** Every packet sent on this connection that decodes (typed sends and decodable raw bytes). */
  readonly sent: Packet[] = [];
  version: ProtocolVersion;

  private readonly stream: Duplex;
  private readonly decoder: PacketDecoder;
  private readonly maxPending: number;
  private readonly maxPendingBytes: number;
  /** Wire size of each queued packet, and their sum. */
  private readonly sizes = new WeakMap<Packet, number>();
  private pendingBytes = 0;
  private floodState: { t: number; limit: number; kind: FloodKind; detail: string } | undefined;
  private closedState: { by: ClosedBy; t: number; error?: string } | undefined;
  private destroyedByUs = false;
  private decodeFailure: Error | undefined;
  private packetIdCounter = 0;
  private readonly intercept: ((packet: Packet) => boolean) | undefined;
  private readonly keepHistory: boolean;
  /** Packets received, kept in history or not. */
  private receivedCount = 0;

  private constructor(stream: Duplex, options: TestClientOptions, trace: TraceRecorder) {
    super(options.name, trace, options.timeoutMs ?? 2000);
    this.stream = stream;
    this.version = options.version;
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    this.maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    this.intercept = options.intercept;
    this.keepHistory = options.keepHistory ?? true;
    this.decoder = new PacketDecoder({ version: options.version, maxPacketSize: options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE });
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.trace.record({ client: this.name, dir: 'event', event: 'error', error: err.code ?? err.message });
    });
    stream.on('close', () => this.onClose());
    // A server FIN: with allowHalfOpen off the socket ends its side too and 'close' follows.
    stream.on('end', () => {
      if (!this.closedState) this.trace.record({ client: this.name, dir: 'event', event: 'close', note: 'server ended the stream' });
    });
  }

  /** Opens a connection (no MQTT packet is sent). Throws ClientConnectError when the target cannot be reached. */
  static async open(endpoint: ClientEndpoint, options: TestClientOptions): Promise<TestClient> {
    for (const key of ['maxPending', 'maxPendingBytes', 'maxPacketSize'] as const) {
      const max = options[key];
      if (max !== undefined && (!Number.isInteger(max) || max < (key === 'maxPacketSize' ? 2 : 1))) throw new ClientUsageError(`${key} must be a whole number >= ${key === 'maxPacketSize' ? 2 : 1}, got ${String(max)}`);
    }
    const trace = options.trace ?? new TraceRecorder();
    const connector = options.connector ?? connectorFor(endpoint);
    const stream = await connector(endpoint, options.connectTimeoutMs ?? 5000);
    trace.record({ client: options.name, dir: 'event', event: 'connect', note: endpoint.url });
    return new TestClient(stream, options, trace);
  }

  /** True once the connection has ended (either side). */
  get closed(): boolean {
    return this.closedState !== undefined;
  }

  get closedBy(): ClosedBy | undefined {
    return this.closedState?.by;
  }

  /** The error of the first bytes from the server that did not decode, if any. */
  get decodeError(): Error | undefined {
    return this.decodeFailure;
  }

  /** When the server sent more unconsumed packets than the client holds: the limit and when (ms into the trace). */
  get flooded(): { t: number; limit: number; kind: FloodKind } | undefined {
    return this.floodState;
  }

  /** A fresh non-zero packet identifier (1..65535, wrapping). */
  nextPacketId(): number {
    this.packetIdCounter = (this.packetIdCounter % 65535) + 1;
    return this.packetIdCounter;
  }

  /** Encodes and sends a packet. CONNECT is encoded with its own protocol version. */
  send(packet: Packet): void {
    const version = packet.type === 'connect' ? packet.protocolVersion : this.version;
    const bytes = encode(packet, version);
    if (packet.type === 'connect' && this.receivedCount === 0) {
      this.version = packet.protocolVersion;
      this.decoder.version = packet.protocolVersion;
    }
    this.write(bytes, packet, describePacket(packet));
    if (this.keepHistory) this.sent.push(packet);
  }

  /** Sends bytes as they are (malformed input on purpose). Recorded decoded when they decode. */
  sendRaw(bytes: Uint8Array): void {
    const buf = Buffer.from(bytes);
    const raw = decodeRaw(buf, this.version);
    this.write(buf, raw.packet, raw.packet ? describePacket(raw.packet) : 'raw bytes', raw.error);
    if (this.keepHistory) this.sent.push(...raw.decoded);
  }

  private write(bytes: Buffer, packet: Packet | undefined, what: string, error?: string): void {
    if (this.floodState) throw this.floodError(`to send ${what}`);
    if (this.closedState) {
      const by = this.closedState.by === 'server' ? 'the server' : 'the test';
      throw new ExpectationError({
        expected: `to send ${what} on an open connection`,
        received: `the connection had been closed by ${by} at ${this.closedState.t.toFixed(1)} ms${this.closedState.error ? ` (${this.closedState.error})` : ''}`,
        trace: this.trace.entries,
      });
    }
    this.recordOut(bytes, packet, error);
    this.stream.write(bytes);
  }

  private onData(chunk: Buffer): void {
    if (this.floodState) return;
    if (this.decodeFailure) {
      this.trace.record({ client: this.name, dir: 'in', hex: traceHex(chunk), error: 'after undecodable bytes' });
      return;
    }
    try {
      this.decoder.feed(chunk, (packet, raw) => {
        if (this.floodState) return; // the rest of a chunk that came after the limit
        this.receivedCount++;
        if (this.keepHistory) this.received.push(packet);
        const t = this.trace.record({ client: this.name, dir: 'in', hex: traceHex(raw), packet: toTracePacket(packet) }).t;
        if (this.intercept?.(packet)) return;
        this.inbox.push(packet);
        this.sizes.set(packet, raw.byteLength);
        this.pendingBytes += raw.byteLength;
        if (this.inbox.length > this.maxPending) this.onFlood(t, 'packets', `more than ${this.maxPending} unsolicited packets`, this.maxPending);
        else if (this.pendingBytes > this.maxPendingBytes) this.onFlood(t, 'bytes', `more than ${this.maxPendingBytes} bytes of unsolicited packets`, this.maxPendingBytes);
      });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const t = this.trace.record({ client: this.name, dir: 'in', hex: traceHex(chunk), error: `undecodable: ${err.message}` }).t;
      if (err instanceof DecodeError && err.code === 'DECODE_PACKET_TOO_LARGE') {
        this.onFlood(t, 'packet-size', `a packet larger than the ${this.decoder.maxPacketSize} bytes the test reads (${err.message})`, this.decoder.maxPacketSize);
      } else this.decodeFailure = err;
    }
    this.pump();
  }

  /**
   * More packets than the client holds arrived unconsumed: stop reading and close the connection,
   * so a broker that floods cannot grow the harness's memory. Every wait then fails with a FloodError.
   */
  private onFlood(t: number, kind: FloodKind, detail: string, limit: number): void {
    this.floodState = { t, limit, kind, detail };
    this.trace.record({
      client: this.name,
      dir: 'event',
      event: 'flood',
      note: `the server sent ${detail}${kind === 'packet-size' ? '' : ' (received packets no step consumed)'}: the test stopped reading and closed the connection`,
    });
    this.destroyedByUs = true;
    this.stream.destroy();
  }

  private floodError(expected: string): FloodError {
    const f = this.floodState ?? { t: 0, limit: this.maxPending, kind: 'packets' as const, detail: '' };
    const what = f.kind === 'packet-size' ? `the broker sent "${this.name}" ${f.detail}` : `the broker flooded "${this.name}" with ${f.detail} (packets no step consumed)`;
    return new FloodError({
      expected,
      received: `${what}, so the test stopped reading at ${f.t.toFixed(1)} ms${this.inbox.length > 0 ? `: ${describePackets(this.inbox)}` : ''}`,
      trace: this.trace.entries,
      limit: f.limit,
      client: this.name,
      kind: f.kind,
    });
  }

  /** Removes the queued packet at `i` (consumed by an expectation). */
  protected override consume(i: number): Packet | undefined {
    const p = super.consume(i);
    if (p !== undefined) this.pendingBytes -= this.sizes.get(p) ?? 0;
    return p;
  }

  private onClose(): void {
    if (this.closedState) return;
    const t = this.trace.record({
      client: this.name,
      dir: 'event',
      event: 'close',
      note: this.destroyedByUs ? 'closed by the test' : 'closed by the server',
    }).t;
    this.closedState = { by: this.destroyedByUs ? 'client' : 'server', t };
    this.pump();
  }

  private pump(): void {
    this.waiters.pump();
  }

  private wait<T>(timeoutMs: number, check: () => T | undefined, onTimeout: () => Error): Promise<T> {
    return this.waiters.wait(timeoutMs, check, onTimeout);
  }

  protected receivedText(pattern?: PacketPattern): string {
    const parts: string[] = [];
    if (this.inbox.length > 0) parts.push(describePackets(this.inbox, pattern));
    else parts.push('no packet');
    if (this.decodeFailure) parts.push(`then undecodable bytes (${this.decodeFailure.message})`);
    if (this.closedState) parts.push(this.closedState.by === 'server' ? 'then the server closed the connection' : 'the test closed the connection');
    return parts.join(', ');
  }

  protected failIfDead(expected: string, pattern?: PacketPattern): void {
    if (this.floodState) throw this.floodError(expected);
    if (this.decodeFailure || this.closedState) {
      throw new ExpectationError({ expected, received: this.receivedText(pattern), trace: this.trace.entries });
    }
  }

  protected barrierWording(barrier: string, forbidden: string, timeoutMs: number): BarrierWording {
    return {
      before: `before the barrier ${barrier}`,
      awaited: `the barrier ${barrier} (proving no ${forbidden})`,
      subject: `barrier ${barrier}`,
      expected: `the barrier ${barrier} within ${timeoutMs} ms (proving no ${forbidden})`,
    };
  }

  /** A flood fails a window of absence; a close does not end it (the window runs its time). */
  protected windowEnd(expected: string): Error | 'over' | undefined {
    return this.floodState ? this.floodError(expected) : undefined;
  }

  /** Waits until the server closes the connection (FIN or reset). */
  expectClosed(options: WaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const expected = 'the server closes the network connection';
    return this.wait(
      timeoutMs,
      () => {
        if (this.floodState) throw this.floodError(expected);
        if (!this.closedState) return undefined;
        if (this.closedState.by === 'client') throw new ClientUsageError(`${this.name}: the test itself closed the connection; cannot expect the server to close it`);
        return true;
      },
      () =>
        new TimeoutError(expected, timeoutMs, {
          expected: `${expected} within ${timeoutMs} ms`,
          received: `${this.inbox.length ? describePackets(this.inbox) : 'no packet'}, and the connection still open after ${timeoutMs} ms`,
          trace: this.trace.entries,
        }),
    ).then(() => undefined);
  }

  /** Waits until the connection has ended, whoever ended it (bounded); resolves false on timeout. */
  waitClosed(timeoutMs: number): Promise<boolean> {
    return this.wait(timeoutMs, () => (this.closedState ? true : undefined), () => new Error('open')).catch(() => false);
  }

  /**
   * Resolves true at the next packet received after the call, false when the connection ends (at
   * once if it already has: nothing more can arrive) or once `timeoutMs` passed. Consumes nothing:
   * for steps that gather packets from several clients with `take` and must wait for whichever
   * client hears next, without polling.
   */
  nextArrival(timeoutMs: number): Promise<boolean> {
    const seen = this.receivedCount;
    return this.wait(
      timeoutMs,
      () => (this.receivedCount > seen ? true : this.closedState || this.decodeFailure || this.floodState ? false : undefined),
      () => new Error('nothing arrived'),
    ).catch(() => false);
  }

  /** Removes and returns the queued packets matching the pattern. */
  take<T extends PacketType>(pattern: PacketPattern<T>): PacketOf<T>[] {
    const out: PacketOf<T>[] = [];
    for (let i = 0; i < this.inbox.length; ) {
      const p = this.inbox[i];
      if (p !== undefined && mismatch(pattern, p) === undefined) {
        out.push(p as PacketOf<T>);
        this.consume(i);
      } else i++;
    }
    return out;
  }

  /** Stops reading from the connection: the kernel's buffers fill and the server meets back-pressure. */
  pause(): void {
    this.stream.pause();
  }

  /** Reads again after {@link pause}. */
  resume(): void {
    this.stream.resume();
  }

  /** Half-closes: sends FIN (no DISCONNECT implied) and keeps reading until the server closes. */
  end(): void {
    if (this.closedState) return;
    this.trace.record({ client: this.name, dir: 'event', event: 'end-sent', note: 'the test half-closed the connection (FIN)' });
    this.stream.end();
  }

  /** Drops the connection at once (no DISCONNECT, no FIN handshake wait). */
  destroy(): void {
    if (this.closedState) return;
    this.destroyedByUs = true;
    this.stream.destroy();
  }

  /** Aborts the connection with a TCP reset (RST) where the transport allows, as a network failure would. */
  reset(): void {
    if (this.closedState) return;
    this.destroyedByUs = true;
    this.trace.record({ client: this.name, dir: 'event', event: 'end-sent', note: 'the test reset the connection (RST)' });
    const socket = this.stream as Duplex & { resetAndDestroy?: () => void };
    if (typeof socket.resetAndDestroy !== 'function') {
      this.stream.destroy();
      return;
    }
    try {
      socket.resetAndDestroy();
    } catch {
      // A TLS socket has no TCP handle of its own to reset (ERR_INVALID_HANDLE_TYPE): close it
      // abruptly instead, still without DISCONNECT or close_notify.
      this.stream.destroy();
    }
  }

  /** Destroys the connection and waits for it to be closed. */
  async close(): Promise<void> {
    if (this.closedState) return;
    this.destroy();
    await this.waitClosed(1000);
  }
}

// ---------------------------------------------------------------------------------------------
// Transports: the byte stream TestClient.open reads and writes (TCP, TLS, WebSocket, WSS).
// ---------------------------------------------------------------------------------------------

/**
 * Where to connect; the targets hand it on as their `Endpoint` (harness/targets/types.ts).
 * Serialisable: it crosses to cucumber worker processes as JSON.
 */
export interface ClientEndpoint {
  /** e.g. mqtt://127.0.0.1:40123 */
  url: string;
  protocol: 'mqtt' | 'mqtts' | 'ws' | 'wss';
  host: string;
  port: number;
  /** WebSocket path, default '/mqtt'. */
  path?: string;
  /** PEM text, for mqtts/wss. */
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean; servername?: string };
}

/** Opens a byte stream to the endpoint; resolves once it is open. The seam for other transports. */
export type Connector = (endpoint: ClientEndpoint, timeoutMs: number) => Promise<Duplex>;

function socketConnector(open: (done: () => void) => net.Socket): (endpoint: ClientEndpoint, timeoutMs: number) => Promise<Duplex> {
  return (endpoint, timeoutMs) =>
    new Promise<Duplex>((resolve, reject) => {
      let settled = false;
      const socket = open(() => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('error', onError);
        socket.setNoDelay(true);
        resolve(socket);
      });
      const onError = (err: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new ClientConnectError(endpoint.url, err.message, err));
      };
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(new ClientConnectError(endpoint.url, `no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', onError);
    });
}

function tcpConnector(endpoint: ClientEndpoint, timeoutMs: number): Promise<Duplex> {
  return socketConnector((done) => net.connect({ host: endpoint.host, port: endpoint.port }, done))(endpoint, timeoutMs);
}

function tlsConnector(endpoint: ClientEndpoint, timeoutMs: number): Promise<Duplex> {
  const t = endpoint.tls;
  return socketConnector((done) =>
    tls.connect(
      {
        host: endpoint.host,
        port: endpoint.port,
        servername: t?.servername ?? (net.isIP(endpoint.host) ? undefined : endpoint.host),
        ca: t?.ca,
        cert: t?.cert,
        key: t?.key,
        rejectUnauthorized: t?.rejectUnauthorized ?? true,
      },
      done,
    ),
  )(endpoint, timeoutMs);
}

let webSocketModule: Promise<typeof import('ws')> | undefined;

/**
 * The `ws` package, loaded at the first WebSocket connection of the process: loading it costs
 * 35-100 ms of CPU, and most cucumber workers of a run never open a WebSocket (6 of 554 scenarios).
 */
export function loadWebSocket(): Promise<typeof import('ws')> {
  webSocketModule ??= import('ws');
  return webSocketModule;
}

async function wsConnector(endpoint: ClientEndpoint, timeoutMs: number): Promise<Duplex> {
  const { WebSocket, createWebSocketStream } = await loadWebSocket();
  return new Promise<Duplex>((resolve, reject) => {
    const scheme = endpoint.protocol === 'wss' ? 'wss' : 'ws';
    const url = `${scheme}://${endpoint.host}:${endpoint.port}${endpoint.path ?? '/mqtt'}`;
    const t = endpoint.tls;
    const ws = new WebSocket(url, ['mqtt'], {
      handshakeTimeout: timeoutMs,
      ca: t?.ca,
      cert: t?.cert,
      key: t?.key,
      rejectUnauthorized: t?.rejectUnauthorized ?? true,
    });
    ws.binaryType = 'nodebuffer';
    const onError = (err: Error): void => reject(new ClientConnectError(endpoint.url, err.message, err));
    ws.once('error', onError);
    ws.once('open', () => {
      ws.off('error', onError);
      const stream = createWebSocketStream(ws);
      // ws keeps the duplex half open after the server closes (no 'close' until our side ends
      // too); a TCP socket closes fully on FIN, and the client relies on that 'close'.
      stream.once('end', () => stream.destroy());
      resolve(stream);
    });
  });
}

/** The connector for an endpoint's protocol. */
export function connectorFor(endpoint: ClientEndpoint): Connector {
  switch (endpoint.protocol) {
    case 'mqtt':
      return tcpConnector;
    case 'mqtts':
      return tlsConnector;
    case 'ws':
    case 'wss':
      return wsConnector;
  }
}
