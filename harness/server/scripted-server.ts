/**
 * The scripted server: the harness turned around to judge a client. It listens on an ephemeral
 * port, accepts the client's connections and answers nothing on its own: every packet it sends is
 * one a step asked for, so the client's behaviour is observed exactly. Packets are decoded by the
 * codec (the first CONNECT sets the connection's protocol version); the server does no parsing of
 * its own. Every connection records into one packet trace.
 */
import net from 'node:net';
import type { Packet, ProtocolVersion } from '../codec/index.js';
import { PacketDecoder, encode } from '../codec/index.js';
import { ClientUsageError, ExpectationError, TimeoutError } from '../client/errors.js';
import type { PacketPattern } from '../client/match.js';
import { describePackets } from '../client/test-client.js';
import { TraceRecorder, describePacket, toTracePacket, traceHex } from '../client/trace.js';
import { Waiters } from '../client/waiters.js';
import { PacketReader, decodeRaw } from '../client/packet-reader.js';
import type { AbsenceProof, BarrierWording } from '../client/packet-reader.js';

export interface ScriptedServerOptions {
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Shared trace of the scenario; a private one is made when absent. */
  trace?: TraceRecorder;
  /** Default bound of every expectation (ms). Default 3000. */
  timeoutMs?: number;
  /** Largest packet read from the client (bytes). Default 16 MiB. */
  maxPacketSize?: number;
}

/** How absence is proven on a connection: a barrier packet that must arrive first, or (where none exists) a time window. */
export type PeerAbsenceProof = AbsenceProof;

/** Who ended a connection: `client` is the peer (FIN or reset), `server` is this scripted server. */
export type PeerClosedBy = 'client' | 'server';

/**
 * One network connection the client under test opened to the scripted server. Received packets
 * queue up until an expectation consumes them.
 */
/** The connection's trace name is e.g. `client#1` for the first connection. */
export class PeerConnection extends PacketReader {
  /** Every packet received on this connection, in order (consumed or not). */
  readonly received: Packet[] = [];
  /** Every packet the server sent that decodes. */
  readonly sent: Packet[] = [];
  /** When the connection was accepted (ms into the trace). */
  readonly acceptedAt: number;
  /** Trace time of each received packet, by packet. */
  readonly receivedAt = new WeakMap<Packet, number>();
  private readonly socket: net.Socket;
  private readonly decoder: PacketDecoder;
  private closedState: { by: PeerClosedBy; t: number } | undefined;
  private closingByUs = false;
  private decodeFailure: Error | undefined;

  constructor(socket: net.Socket, name: string, trace: TraceRecorder, timeoutMs: number, maxPacketSize: number) {
    super(name, trace, timeoutMs);
    this.socket = socket;
    this.decoder = new PacketDecoder({ maxPacketSize });
    socket.setNoDelay(true);
    this.acceptedAt = trace.record({ client: name, dir: 'event', event: 'connect', note: `the client connected from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}` }).t;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      trace.record({ client: name, dir: 'event', event: 'error', error: err.code ?? err.message });
    });
    socket.on('close', () => this.onClose());
  }

  /** The protocol version of the connection: from the client's CONNECT (3.1.1 until one arrived). */
  get version(): ProtocolVersion {
    return this.decoder.version ?? 4;
  }

  get closed(): boolean {
    return this.closedState !== undefined;
  }

  get closedBy(): PeerClosedBy | undefined {
    return this.closedState?.by;
  }

  /** Trace time at which the connection ended. */
  get closedAt(): number | undefined {
    return this.closedState?.t;
  }

  /** The error of the first bytes from the client that did not decode, if any. */
  get decodeError(): Error | undefined {
    return this.decodeFailure;
  }

  /** Encodes and sends a packet in the connection's version. */
  send(packet: Packet): void {
    const bytes = encode(packet, this.version);
    this.write(bytes, packet, describePacket(packet));
    this.sent.push(packet);
  }

  /** Sends bytes as they are (a malformed packet on purpose). Recorded decoded when they decode. */
  sendRaw(bytes: Uint8Array): void {
    const buf = Buffer.from(bytes);
    const raw = decodeRaw(buf, this.version);
    this.sent.push(...raw.decoded);
    this.write(buf, raw.packet, raw.packet ? describePacket(raw.packet) : 'raw bytes', raw.error);
  }

  private write(bytes: Buffer, packet: Packet | undefined, what: string, error?: string): void {
    if (this.closedState) {
      throw new ExpectationError({
        expected: `to send ${what} on an open connection`,
        received: `the connection had been closed by ${this.closedState.by === 'client' ? 'the client' : 'the test'} at ${this.closedState.t.toFixed(1)} ms`,
        trace: this.trace.entries,
      });
    }
    this.recordOut(bytes, packet, error);
    this.socket.write(bytes);
  }

  private onData(chunk: Buffer): void {
    if (this.decodeFailure) {
      this.trace.record({ client: this.name, dir: 'in', hex: traceHex(chunk), error: 'after undecodable bytes' });
      return;
    }
    try {
      this.decoder.feed(chunk, (packet, raw) => {
        const t = this.trace.record({ client: this.name, dir: 'in', hex: traceHex(raw), packet: toTracePacket(packet) }).t;
        this.received.push(packet);
        this.receivedAt.set(packet, t);
        this.inbox.push(packet);
      });
    } catch (e) {
      this.decodeFailure = e instanceof Error ? e : new Error(String(e));
      this.trace.record({ client: this.name, dir: 'in', hex: traceHex(chunk), error: `undecodable: ${this.decodeFailure.message}` });
    }
    this.waiters.pump();
  }

  private onClose(): void {
    if (this.closedState) return;
    const by: PeerClosedBy = this.closingByUs ? 'server' : 'client';
    const t = this.trace.record({ client: this.name, dir: 'event', event: 'close', note: by === 'client' ? 'closed by the client' : 'closed by the test' }).t;
    this.closedState = { by, t };
    this.waiters.pump();
  }

  protected receivedText(pattern?: PacketPattern): string {
    const parts = [this.inbox.length > 0 ? describePackets(this.inbox, pattern) : 'no packet'];
    if (this.decodeFailure) parts.push(`then undecodable bytes (${this.decodeFailure.message})`);
    if (this.closedState) parts.push(this.closedState.by === 'client' ? 'then the client closed the connection' : 'the test closed the connection');
    return parts.join(', ');
  }

  protected failIfDead(expected: string, pattern?: PacketPattern): void {
    if (this.decodeFailure || this.closedState) throw new ExpectationError({ expected, received: this.receivedText(pattern), trace: this.trace.entries });
  }

  protected barrierWording(barrier: string, forbidden: string, timeoutMs: number): BarrierWording {
    return {
      before: `before ${barrier}`,
      awaited: `${barrier} (proving no ${forbidden} before it)`,
      subject: barrier,
      expected: `${barrier} within ${timeoutMs} ms (proving no ${forbidden} before it)`,
    };
  }

  /** A close or undecodable bytes end a window of absence early: nothing more can arrive. */
  protected windowEnd(): Error | 'over' | undefined {
    return this.closedState || this.decodeFailure ? 'over' : undefined;
  }

  /** Waits until the client closes the connection (FIN or reset); resolves with the trace time of the close. */
  expectClosed(options: { timeoutMs?: number } = {}): Promise<number> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const expected = 'the client closes the network connection';
    return this.waiters.wait(
      timeoutMs,
      () => {
        if (!this.closedState) return undefined;
        if (this.closedState.by === 'server') throw new ClientUsageError(`${this.name}: the test itself closed the connection; cannot expect the client to close it`);
        return this.closedState.t;
      },
      () =>
        new TimeoutError(expected, timeoutMs, {
          expected: `${expected} within ${timeoutMs} ms`,
          received: `${this.inbox.length ? describePackets(this.inbox) : 'no packet'}, and the connection still open after ${timeoutMs} ms`,
          trace: this.trace.entries,
        }),
    );
  }

  /** Drops the connection (no DISCONNECT): a network failure as the client sees it. */
  drop(): void {
    if (this.closedState) return;
    this.closingByUs = true;
    this.trace.record({ client: this.name, dir: 'event', event: 'end-sent', note: 'the test dropped the connection' });
    this.socket.destroy();
  }

  /** Drops the connection and waits for the close to be recorded. */
  async close(): Promise<void> {
    if (this.closedState) return;
    this.drop();
    await this.waiters.wait(1000, () => (this.closedState ? true : undefined), () => new Error('open')).catch(() => undefined);
  }
}

/** Listens for the client under test; hands its connections to the steps in order. */
export class ScriptedServer {
  readonly trace: TraceRecorder;
  /** Every connection accepted, in order. */
  readonly connections: PeerConnection[] = [];
  private readonly server: net.Server;
  private readonly defaultTimeoutMs: number;
  private readonly maxPacketSize: number;
  private readonly waiters = new Waiters();
  private taken = 0;

  private constructor(server: net.Server, options: ScriptedServerOptions, trace: TraceRecorder) {
    this.server = server;
    this.trace = trace;
    this.defaultTimeoutMs = options.timeoutMs ?? 3000;
    this.maxPacketSize = options.maxPacketSize ?? 16 * 1024 * 1024;
    server.on('connection', (socket) => {
      const c = new PeerConnection(socket, `client#${this.connections.length + 1}`, this.trace, this.defaultTimeoutMs, this.maxPacketSize);
      this.connections.push(c);
      this.waiters.pump();
    });
  }

  /** Starts listening on an ephemeral port. */
  static async listen(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
    const server = net.createServer();
    const trace = options.trace ?? new TraceRecorder();
    const scripted = new ScriptedServer(server, options, trace);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return scripted;
  }

  get host(): string {
    const a = this.server.address();
    return a !== null && typeof a === 'object' ? a.address : '127.0.0.1';
  }

  get port(): number {
    const a = this.server.address();
    if (a === null || typeof a !== 'object') throw new ClientUsageError('the scripted server is not listening');
    return a.port;
  }

  /** The next connection not yet taken by a step (waits for the client to open it). */
  accept(options: { timeoutMs?: number } = {}): Promise<PeerConnection> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return this.waiters.wait(
      timeoutMs,
      () => {
        const c = this.connections[this.taken];
        if (c === undefined) return undefined;
        this.taken++;
        return c;
      },
      () =>
        new TimeoutError('a network connection from the client', timeoutMs, {
          expected: `the client opens a network connection within ${timeoutMs} ms`,
          received: `no connection (${this.connections.length} accepted before)`,
          trace: this.trace.entries,
        }),
    );
  }

  /** Connections accepted and not yet taken by {@link accept}. */
  get untaken(): readonly PeerConnection[] {
    return this.connections.slice(this.taken);
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.close()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
