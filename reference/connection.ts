import { DecodeError, encode, PacketDecoder, type Packet, type ProtocolVersion, type Will } from '../harness/codec/index.js';
import type { BrokerContext } from './context.js';
import { dispatch, dispatchDecodeError } from './dispatcher.js';
import type { ClientStream } from './options.js';
import type { SessionState } from './session/index.js';
import type { WheelEntry } from './timer-wheel.js';
import type { ScramServer, V5State, V5View } from './v5/index.js';

/** Why a connection ended. Every reason but 'disconnect' (and a broker shutdown) publishes the will. */
export type CloseReason =
  | 'disconnect'
  | 'disconnect-with-will'
  | 'socket-closed'
  | 'socket-error'
  | 'keep-alive-timeout'
  | 'connect-timeout'
  | 'protocol-violation'
  | 'malformed-packet'
  | 'connect-refused'
  | 'takeover'
  | 'internal-error'
  | 'broker-shutdown';

export type ConnectionState = 'awaiting-connect' | 'active' | 'closed';

/** Time a closed connection's socket gets to flush and see the peer close before it is destroyed. */
const LINGER_MS = 2000;

let nextConnectionNumber = 1;

/*
 * Per-connection memory: the stream and decoder callbacks below are shared functions, not closures
 * per connection. (tsx compiles with esbuild's keepNames, which redefines `name` on every named
 * arrow function: that turns each per-instance arrow into a dictionary-mode object of ~300 bytes, so
 * eight arrow-function class fields cost ~2.5 KB per connection.) A stream finds its connection in
 * `connectionOf`; the decoder reports to the connection whose bytes it is feeding.
 */
const connectionOf = new WeakMap<ClientStream, Connection>();
let feeding: Connection | undefined;

function onStreamData(this: ClientStream, chunk: Buffer): void {
  connectionOf.get(this)?.handleData(chunk);
}
function onStreamError(this: ClientStream, error: Error): void {
  connectionOf.get(this)?.handleError(error);
}
function onStreamClose(this: ClientStream): void {
  connectionOf.get(this)?.handleClose();
}
function onStreamDrain(this: ClientStream): void {
  connectionOf.get(this)?.releaseBlocked();
}
function onDecodedPacket(packet: Packet): void {
  feeding?.handlePacket(packet);
}

/*
 * A decoder holds state only between the chunks of a split packet, so a connection owns one only
 * then (or once it failed). Every other chunk is fed through a spare decoder (112 bytes less per idle
 * connection). Taken out of this slot while it feeds, so a stream that emits data re-entrantly
 * (an in-memory duplex) gets a decoder of its own instead of sharing one mid-feed.
 */
let spareDecoder: PacketDecoder | undefined;
function takeDecoder(maxPacketSize: number, version: ProtocolVersion | undefined): PacketDecoder {
  const spare = spareDecoder;
  let decoder: PacketDecoder;
  if (spare !== undefined && spare.maxPacketSize === maxPacketSize) {
    spareDecoder = undefined;
    decoder = spare;
  } else decoder = new PacketDecoder({ maxPacketSize });
  decoder.version = version;
  return decoder;
}

/*
 * Times kept per connection count milliseconds from here, not from 1970: V8 stores a small integer
 * in the object itself but boxes a number beyond 2^31 (an epoch time) as a separate 16-byte heap
 * number per connection. (After 24.8 days of uptime the values pass 2^31 and get boxed again: more
 * memory, same behaviour.)
 */
const CLOCK_ORIGIN = Date.now();
function clockMs(): number {
  const ms = Date.now() - CLOCK_ORIGIN;
  return ms < 0x80000000 ? ms | 0 : ms; // `| 0`: an int32 V8 stores as a small integer (Date.now() gives a double)
}

/** Per-connection state most connections never need, allocated on first use (memory per idle connection). */
interface RareState {
  /** A DISCONNECT was queued: flush it before the close, whatever the reason. */
  flushOnClose: boolean;
  /** After a close: the timer that destroys a socket the peer does not close. */
  lingerTimer: NodeJS.Timeout | undefined;
  /** Inbound rate limit (maxInboundBytesPerSecond): start of the current one-second budget and bytes used in it. */
  budgetStart: number;
  budgetBytes: number;
  will: Will | undefined;
  /** Packets kept while an asynchronous CONNECT step runs (see Connection.hold). */
  held: Packet[] | undefined;
  /** Publishers paused until this connection's socket drains. */
  blocked: Connection[] | undefined;
}
/** Uncorks every socket corked during this tick: one nextTick callback for all of them. */
const corkedThisTick: Connection[] = [];
function uncorkAll(): void {
  for (let i = 0; i < corkedThisTick.length; i++) (corkedThisTick[i] as Connection).uncork();
  corkedThisTick.length = 0;
}

/** The fields of a connection only its own methods write. */
type Writable = { -readonly [K in 'state' | 'clientId' | 'version' | 'session' | 'keepAliveSeconds']: Connection[K] } & { v5: V5State | undefined };

/**
 * One client connection: decodes its bytes into packets for the dispatcher, batches its writes
 * (cork now, uncork on the next tick), runs its CONNECT and keep-alive timers, and ends exactly once.
 */
export class Connection implements WheelEntry {
  readonly id = nextConnectionNumber++;
  /*
   * Read by the broker's parts, written only by this class's methods (activate, beginConnect,
   * attachV5, close...) through `Writable`: no other module writes a connection's fields. (Plain
   * fields, not getters over private ones: the same object layout and access cost as before.)
   */
  readonly state: ConnectionState = 'awaiting-connect';
  /** Set by a successful CONNECT. */
  readonly clientId: string | undefined;
  /** The protocol version of the CONNECT (set on its arrival: refusals are encoded in it). */
  readonly version: ProtocolVersion | undefined;
  readonly session: SessionState | undefined;
  readonly keepAliveSeconds: number = 0;
  /** MQTT 5.0 negotiated values and per-connection state (reference/v5); undefined for 3.1/3.1.1. Changed through the methods below. */
  readonly v5: V5View | undefined;
  private rare: RareState | undefined;

  /** Only while a packet is split between chunks (or after a decode error): see takeDecoder. */
  private decoder: PacketDecoder | undefined;
  /** The protocol version the decoder learnt from the first CONNECT (kept here while no decoder is owned). */
  private wireVersion: ProtocolVersion | undefined;
  /** clockMs() of the last packet received. */
  private lastPacketAt = 0;
  /** The CONNECT timeout, then the keep-alive deadline, on the broker's timer wheel. */
  wheelSlot = -1;
  private corked = false;
  /** Connections whose congestion paused this one: resumed when the count drops to 0. */
  private pausedBy = 0;

  constructor(
    readonly stream: ClientStream,
    private readonly ctx: BrokerContext,
  ) {
    connectionOf.set(stream, this);
    stream.on('data', onStreamData);
    stream.on('error', onStreamError);
    stream.on('close', onStreamClose);
    ctx.deadlines.schedule(this, Date.now() + ctx.options.connectTimeoutMs);
  }

  /** A CONNECT arrived: its protocol version encodes every answer from now on (a refusal too). */
  beginConnect(version: ProtocolVersion): void {
    (this as Writable).version = version;
  }

  /** MQTT 5.0: the state negotiated by CONNECT (or by the enhanced authentication it started). */
  attachV5(state: V5State): void {
    (this as Writable).v5 = state;
  }

  /** MQTT 5.0: an outbound Topic Alias was sent with its topic; later PUBLISH to this client may use the alias alone. */
  setOutboundAlias(topic: string, alias: number): void {
    const state = (this as Writable).v5;
    if (state) (state.outboundAliases ??= new Map<string, number>()).set(topic, alias);
  }

  /** MQTT 5.0: an inbound PUBLISH with a topic and a Topic Alias sets the alias for this connection (MQTT-3.3.2-7). */
  setInboundAlias(alias: number, topic: string): void {
    (this as Writable).v5?.inboundAliases.set(alias, topic);
  }

  /** MQTT 5.0: the Session Expiry Interval as it stands now (CONNACK's, or one a DISCONNECT changed). */
  setSessionExpiry(seconds: number): void {
    const state = (this as Writable).v5;
    if (state) state.sessionExpiry = seconds;
  }

  /** MQTT 5.0: the SCRAM exchange in progress (undefined once it ended). */
  setAuthExchange(scram: ScramServer | undefined): void {
    const state = (this as Writable).v5;
    if (state) state.auth = scram;
  }

  /** MQTT 5.0: the CONNECT is accepted: no authentication exchange pends any more. */
  connectAccepted(): void {
    const state = (this as Writable).v5;
    if (!state) return;
    state.authenticating = false;
    state.pendingConnect = undefined;
  }

  /** The peer's address, for logs (computed when asked, not kept per connection). */
  get remote(): string {
    const socket = this.stream as Partial<{ remoteAddress: string; remotePort: number }>;
    return socket.remoteAddress !== undefined ? `${socket.remoteAddress}:${String(socket.remotePort)}` : 'stream';
  }

  /** For logs. */
  get label(): string {
    return this.clientId ?? `#${String(this.id)} ${this.remote}`;
  }

  isClosed(): boolean {
    return this.state === 'closed';
  }

  get bufferedBytes(): number {
    return this.stream.writableLength;
  }

  /** A chunk from the stream (onStreamData). */
  handleData(chunk: Buffer): void {
    if (this.state === 'closed') return; // lingering after a close: discard
    this.ctx.connections.beginInput();
    this.ctx.counters.bytesReceived += chunk.length;
    const outer = feeding;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- one module-level callback for every connection's decoder, told whose bytes it is feeding: no closure per connection
    feeding = this;
    const decoder = this.decoder ?? takeDecoder(this.ctx.options.maxPacketSize, this.wireVersion);
    try {
      decoder.feed(chunk, onDecodedPacket);
    } catch (error) {
      if (error instanceof DecodeError) {
        if (!this.isClosed()) dispatchDecodeError(this.ctx, this, error);
      } else {
        this.ctx.log.error('internal error while handling a packet', { clientId: this.label, error: String((error as Error).stack ?? error) });
        this.close('internal-error');
      }
    } finally {
      feeding = outer;
      this.wireVersion = decoder.version;
      if (decoder.buffered === 0 && decoder.error === undefined) {
        this.decoder = undefined;
        spareDecoder = decoder;
      } else this.decoder = decoder;
    }
    this.ctx.connections.applyBackPressure(this);
    if (this.ctx.options.maxInboundBytesPerSecond > 0) this.throttle(chunk.length);
  }

  /** Inbound rate limit (reference/options maxInboundBytesPerSecond): a client ahead of its budget is paused until it is back within it. */
  private throttle(bytes: number): void {
    const rate = this.ctx.options.maxInboundBytesPerSecond;
    const now = clockMs();
    const rare = this.rareState();
    if (now - rare.budgetStart >= 1000) {
      rare.budgetStart = now;
      rare.budgetBytes = 0;
    }
    rare.budgetBytes += bytes;
    const aheadMs = (rare.budgetBytes / rate) * 1000 - (now - rare.budgetStart);
    if (aheadMs <= 0 || this.state === 'closed') return;
    this.ctx.counters.inboundThrottled++;
    if (this.pausedBy++ === 0) this.stream.pause();
    setTimeout(() => {
      if (--this.pausedBy === 0 && !this.held && !this.stream.destroyed) this.stream.resume();
    }, Math.ceil(aheadMs)).unref();
  }

  /** One decoded packet (onDecodedPacket, or a held one on release()). */
  handlePacket(packet: Packet): void {
    if (this.state === 'closed') return; // MQTT-3.1.4-5: nothing after a refusal or a violation is acted on
    if (this.held) {
      this.held.push(packet); // a credential check is running: handled in order by release()
      return;
    }
    const cluster = this.ctx.cluster;
    if (cluster !== undefined && cluster.holds(this, packet)) return;
    this.lastPacketAt = clockMs();
    this.ctx.counters.packetsReceived++;
    const store = this.ctx.sessions;
    if (store.batch) store.batch(() => dispatch(this.ctx, this, packet));
    else dispatch(this.ctx, this, packet);
  }

  handleError(error: Error): void {
    this.ctx.log.debug('socket error', { clientId: this.label, error: error.message });
    this.close('socket-error');
  }

  handleClose(): void {
    this.close('socket-closed');
    this.clearTimer();
    this.releaseBlocked();
    this.ctx.connections.forget(this);
    connectionOf.delete(this.stream);
  }

  /** The deadline on the broker's timer wheel passed: the CONNECT timeout or a keep-alive check. */
  onDeadline(): void {
    if (this.state === 'awaiting-connect') this.connectTimedOut();
    else if (this.state === 'active') this.keepAliveCheck();
  }

  private connectTimedOut(): void {
    this.ctx.counters.connectTimeouts++;
    this.ctx.log.info('no CONNECT in time: closing', { clientId: this.label, timeoutMs: this.ctx.options.connectTimeoutMs });
    this.close('connect-timeout');
  }

  private keepAliveCheck(): void {
    if (this.keepAliveSeconds === 0) return;
    const limit = this.keepAliveSeconds * 1500;
    const idle = clockMs() - this.lastPacketAt;
    if (idle >= limit) {
      this.ctx.counters.keepAliveTimeouts++;
      this.ctx.log.info('keep-alive expired: closing', { clientId: this.label, keepAlive: this.keepAliveSeconds, idleMs: idle });
      this.disconnect(0x8d, 'keep-alive-timeout'); // 5.0: DISCONNECT 0x8D Keep Alive timeout first
    } else {
      this.ctx.deadlines.schedule(this, CLOCK_ORIGIN + this.lastPacketAt + limit);
    }
  }

  /*
   * The will, the held packets and the paused publishers live in the rare state: most connections
   * never have them (an undefined written to a connection without one allocates nothing).
   */
  get will(): Will | undefined {
    return this.rare?.will;
  }
  private set will(will: Will | undefined) {
    if (will !== undefined || this.rare !== undefined) this.rareState().will = will;
  }
  /** DISCONNECT: the will is discarded, not published (MQTT-3.14.4-3). */
  discardWill(): void {
    this.will = undefined;
  }
  /** The connection ended: its will, handed over once (to publish now, later, or never). */
  takeWill(): Will | undefined {
    const will = this.will;
    this.will = undefined;
    return will;
  }
  /** Packets kept while an asynchronous CONNECT step (the password check, reference/auth) runs. */
  private get held(): Packet[] | undefined {
    return this.rare?.held;
  }
  private set held(held: Packet[] | undefined) {
    if (held !== undefined || this.rare !== undefined) this.rareState().held = held;
  }
  /** Publishers paused until this connection's socket drains. */
  private get blocked(): Connection[] | undefined {
    return this.rare?.blocked;
  }
  private set blocked(blocked: Connection[] | undefined) {
    if (blocked !== undefined || this.rare !== undefined) this.rareState().blocked = blocked;
  }

  /** Holds this connection's input, starting with `packet` (handled again by `release()`). */
  hold(packet: Packet): void {
    this.held = [packet];
    this.stream.pause();
  }

  /** Holds this connection's input while an asynchronous step runs (cluster mode); `release()` handles what arrived meanwhile. */
  suspend(): void {
    this.held ??= [];
    this.stream.pause();
  }

  /** Handles the held packets in order (a refused CONNECT closes the connection: the rest are dropped, MQTT-3.1.4-5). */
  release(): void {
    const held = this.held;
    this.held = undefined;
    if (!held || this.state === 'closed') return;
    this.ctx.connections.beginInput();
    for (let i = 0; i < held.length; i++) {
      const again = this.held as Packet[] | undefined;
      if (again) {
        again.push(...held.slice(i)); // held again (cannot happen after CONNECT, kept safe)
        return;
      }
      this.handlePacket(held[i] as Packet);
    }
    this.ctx.connections.applyBackPressure(this);
    if ((this.held as Packet[] | undefined) === undefined && this.pausedBy === 0 && !this.stream.destroyed) this.stream.resume();
  }

  /** Called once CONNECT is accepted: stops the CONNECT timer, starts keep-alive (MQTT-3.1.2-24). */
  activate(clientId: string, version: ProtocolVersion, session: SessionState, will: Will | undefined, keepAliveSeconds: number): void {
    this.clearTimer();
    const self = this as Writable;
    self.state = 'active';
    self.clientId = clientId;
    self.version = version;
    self.session = session;
    // The decoder's buffers may be reused: keep our own copy of the will payload.
    this.will = will ? { ...will, payload: Buffer.from(will.payload) } : undefined;
    self.keepAliveSeconds = keepAliveSeconds;
    this.lastPacketAt = clockMs();
    if (keepAliveSeconds > 0) this.ctx.deadlines.schedule(this, CLOCK_ORIGIN + this.lastPacketAt + keepAliveSeconds * 1500);
  }

  /**
   * Encodes and queues one packet for this connection (3.1 and 3.1.1 share encodings). For a 5.0
   * client, a packet over its Maximum Packet Size loses its Reason String and User Properties
   * (MQTT-3.1.2-25); one still too large is not sent (MQTT-3.1.2-24).
   */
  send(packet: Packet, version: ProtocolVersion = this.version ?? 4): void {
    let bytes = encode(packet, version);
    const limit = this.v5?.maximumPacketSize;
    if (version === 5 && limit !== undefined && bytes.length > limit) {
      const props = 'properties' in packet ? packet.properties : undefined;
      if (props && (props.reasonString !== undefined || props.userProperties !== undefined)) {
        const { reasonString: _r, userProperties: _u, ...rest } = props;
        bytes = encode({ ...packet, properties: rest } as Packet, version);
      }
      if (bytes.length > limit) {
        this.ctx.log.debug('packet larger than the client Maximum Packet Size: not sent', { clientId: this.label, type: packet.type, size: bytes.length, limit });
        return;
      }
    }
    this.write(bytes);
  }

  /**
   * The server ends the connection: a 5.0 client gets DISCONNECT with the reason code first
   * (MQTT-4.13.1-1; only after CONNACK, MQTT-3.14.0-1), then the close. 3.1/3.1.1: the close.
   */
  disconnect(reasonCode: number, reason: CloseReason, reasonString?: string): void {
    if (this.state !== 'active') {
      this.close(reason);
      return;
    }
    if (this.version === 5) {
      this.send({ type: 'disconnect', reasonCode, properties: reasonString !== undefined ? { reasonString } : undefined }, 5);
      this.rareState().flushOnClose = true;
    }
    this.close(reason);
  }

  /** Queues encoded bytes; all writes of one tick go out together. */
  write(bytes: Buffer): void {
    const stream = this.stream;
    if (stream.destroyed || stream.writableEnded) return;
    if (!this.corked) {
      this.corked = true;
      stream.cork();
      if (corkedThisTick.push(this) === 1) process.nextTick(uncorkAll);
    }
    stream.write(bytes);
    this.ctx.counters.bytesSent += bytes.length;
    this.ctx.counters.packetsSent++;
    if (stream.writableLength > this.ctx.options.highWaterMark) {
      this.ctx.connections.noteCongested(this);
      if (this.blocked === undefined) {
        this.blocked = [];
        stream.once('drain', onStreamDrain);
      }
    }
  }

  /** Sends what this tick queued (uncorkAll). */
  uncork(): void {
    if (!this.corked) return; // already uncorked by close()
    this.corked = false;
    this.stream.uncork();
  }

  /** Pauses this connection's input until `congested` drains. */
  pauseFor(congested: Connection): void {
    if (congested.blocked === undefined || this.state === 'closed') return;
    congested.blocked.push(this);
    if (this.pausedBy++ === 0) this.stream.pause();
  }

  /** The socket drained (onStreamDrain), or closed: resumes the publishers it paused. */
  releaseBlocked(): void {
    const blocked = this.blocked;
    this.blocked = undefined;
    if (!blocked) return;
    for (const c of blocked) if (--c.pausedBy === 0 && !c.stream.destroyed) c.stream.resume();
  }

  /**
   * Ends the connection (idempotent). The broker publishes the will unless the reason is a
   * DISCONNECT or a shutdown, and detaches the session. Bytes already queued (a CONNACK) are flushed.
   */
  close(reason: CloseReason): void {
    if (this.state === 'closed') return;
    const wasActive = this.state === 'active';
    (this as Writable).state = 'closed';
    this.clearTimer();
    if (wasActive) this.ctx.lifecycle.connectionEnded(this, reason);
    const stream = this.stream;
    if (stream.destroyed) return;
    const abrupt = reason === 'socket-error' || reason === 'socket-closed' || reason === 'broker-shutdown' || reason === 'keep-alive-timeout' || reason === 'connect-timeout';
    if (abrupt && !(this.rare?.flushOnClose === true && reason !== 'socket-error' && reason !== 'socket-closed')) {
      stream.destroy();
      return;
    }
    if (this.corked) {
      this.corked = false;
      stream.uncork();
    }
    stream.end();
    this.rareState().lingerTimer = setTimeout(() => stream.destroy(), LINGER_MS);
  }

  clearTimer(): void {
    if (this.wheelSlot !== -1) this.ctx.deadlines.cancel(this);
    const rare = this.rare;
    if (rare?.lingerTimer !== undefined) {
      clearTimeout(rare.lingerTimer);
      rare.lingerTimer = undefined;
    }
  }

  private rareState(): RareState {
    return (this.rare ??= { flushOnClose: false, lingerTimer: undefined, budgetStart: -1000, budgetBytes: 0, will: undefined, held: undefined, blocked: undefined });
  }
}

/**
 * Every open connection of a broker, the admission limit, and back-pressure per input: the sockets
 * one input (a chunk, or the packets a held connection releases) congested pause that input's
 * connection until they drain.
 */
export class ConnectionRegistry {
  /** Every open stream, connected or not. */
  private readonly connections = new Set<Connection>();
  /** Connections whose socket passed the high-water mark during the current input. */
  private readonly congested = new Set<Connection>();
  private closed = false;

  constructor(private readonly ctx: BrokerContext) {}

  /** Open streams, connected or not. */
  get size(): number {
    return this.connections.size;
  }

  /** Serves one client stream (TCP socket, TLS socket, WebSocket stream, in-memory duplex). */
  accept(stream: ClientStream): void {
    if (this.closed) {
      stream.destroy();
      return;
    }
    const options = this.ctx.options;
    if (options.maxConnections > 0 && this.connections.size >= options.maxConnections) {
      // Limit (reference/options maxConnections): closed before any byte is read, and counted.
      this.ctx.counters.connectionsRejected++;
      this.ctx.log.warn('connection limit reached: connection closed', { maxConnections: options.maxConnections });
      stream.destroy();
      return;
    }
    this.connections.add(new Connection(stream, this.ctx));
  }

  forget(conn: Connection): void {
    this.connections.delete(conn);
    this.congested.delete(conn);
  }

  /** Every open connection (cluster mode: closed when the shared store is lost). */
  all(): Connection[] {
    return [...this.connections];
  }

  noteCongested(conn: Connection): void {
    this.congested.add(conn);
  }

  beginInput(): void {
    this.congested.clear();
  }

  /** After a publisher's input: it waits (socket paused) until every socket it congested drains. */
  applyBackPressure(publisher: Connection): void {
    if (this.congested.size === 0) return;
    for (const c of this.congested) publisher.pauseFor(c);
    this.congested.clear();
  }

  /** Ends every connection (no wills: the broker is going away); no new one is accepted. */
  close(): void {
    this.closed = true;
    for (const conn of [...this.connections]) {
      conn.close('broker-shutdown');
      conn.clearTimer();
    }
    this.connections.clear();
  }
}
