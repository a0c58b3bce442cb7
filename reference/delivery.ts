import { encode, type Properties, type ProtocolVersion, type QoS } from '../harness/codec/index.js';
import type { Connection } from './connection.js';
import type { Logger } from './logger.js';
import type { ResolvedOptions } from './options.js';
import { ownInflight, ownQueue, queuedSize, type DeliveryExtras, type SessionState, type SessionStore, type StoredMessage } from './session/index.js';
import type { Counters } from './stats.js';

/*
 * Delivery: everything between "this session gets this message at this QoS" and the bytes queued on
 * its socket. The in-flight window (ours, or the client's smaller Receive Maximum), the bounded
 * queue behind it, packet identifiers, the one outbound PUBLISH encoder for every protocol version,
 * outbound Topic Aliases and the client's Maximum Packet Size. Routing (reference/routing.ts) decides
 * who gets a message; the session lifecycle (reference/session-lifecycle.ts) who is connected.
 */

/** What delivery needs of the broker: its limits, counters, log and the session journal. */
export interface DeliveryDeps {
  readonly options: ResolvedOptions;
  readonly counters: Counters;
  readonly log: Logger;
  readonly sessions: SessionStore;
}

/**
 * The next free packet identifier of a session: never 0, never one still in flight
 * (MQTT-2.3.1-1, MQTT-2.3.1-4). Returns undefined when all 65535 are in use.
 */
export function allocatePacketId(session: SessionState): number | undefined {
  if (session.inflight.size >= 65535) return undefined;
  let id = session.nextPacketId;
  while (session.inflight.has(id)) id = id === 65535 ? 1 : id + 1;
  session.nextPacketId = id === 65535 ? 1 : id + 1;
  return id;
}

/** A Topic Alias toward a client: `known` ones replace the topic name (empty), new ones are sent with it (MQTT 5.0 §3.3.2.3.4). */
export interface OutboundAlias {
  readonly alias: number;
  readonly known: boolean;
}

/**
 * A 5.0 PUBLISH to one subscriber: the forwarded properties, the Message Expiry Interval lowered
 * by the time the message waited (MQTT-3.3.2-6), the Subscription Identifiers of the matching
 * subscriptions (MQTT-3.3.4-3), and the connection's Topic Alias when it has one.
 */
export function encodePublishV5(
  message: StoredMessage,
  qos: QoS,
  packetId: number | undefined,
  dup: boolean,
  extras: DeliveryExtras | undefined,
  now = Date.now(),
  alias?: OutboundAlias,
): Buffer {
  let properties: Properties | undefined = message.properties;
  if (message.expiresAt !== undefined || extras?.subscriptionIds?.length || alias) {
    properties = { ...message.properties };
    if (message.expiresAt !== undefined) properties.messageExpiryInterval = Math.max(0, Math.ceil((message.expiresAt - now) / 1000));
    if (extras?.subscriptionIds?.length) properties.subscriptionIdentifiers = [...extras.subscriptionIds];
    if (alias) properties.topicAlias = alias.alias;
  }
  const topic = alias?.known === true ? '' : message.topic;
  return encode({ type: 'publish', topic, payload: message.payload, qos, retain: message.retain, dup, packetId: qos > 0 ? packetId : undefined, properties }, 5);
}

/**
 * The one outbound PUBLISH encoder, for every protocol version. 3.1/3.1.1: one message for all its
 * subscribers is encoded once per QoS (the two versions encode PUBLISH alike), then for QoS 1/2 a
 * copy gets the subscriber's packet identifier written in place (in a 3.1/3.1.1 PUBLISH, the two
 * bytes right before the payload). 5.0 (and DUP re-sends): encoded per subscriber, since the
 * properties differ per delivery (`encodePublishV5`).
 */
export class PublishEncoder {
  private readonly templates: [Buffer | undefined, Buffer | undefined, Buffer | undefined] = [undefined, undefined, undefined];

  constructor(readonly message: StoredMessage) {}

  /** 5.0 only: `extras`, `now` (0: read the clock) and `alias` (see encodePublishV5). */
  bytes(version: ProtocolVersion, qos: QoS, packetId: number | undefined, dup: boolean, extras?: DeliveryExtras, now = 0, alias?: OutboundAlias): Buffer {
    const m = this.message;
    if (version === 5) return encodePublishV5(m, qos, packetId, dup, extras, now || Date.now(), alias);
    if (dup) {
      return encode({ type: 'publish', topic: m.topic, payload: m.payload, qos, retain: m.retain, dup, packetId: qos > 0 ? packetId : undefined }, version);
    }
    let template = this.templates[qos];
    if (!template) {
      template = encode({ type: 'publish', topic: m.topic, payload: m.payload, qos, retain: m.retain, dup: false, packetId: qos > 0 ? 1 : undefined }, 4);
      this.templates[qos] = template;
    }
    if (qos === 0) return template;
    const out = Buffer.allocUnsafe(template.length);
    template.copy(out);
    out.writeUInt16BE(packetId ?? 1, template.length - m.payload.length - 2);
    return out;
  }
}

/** Delivery to sessions: sent now through the in-flight window, or queued in order. */
export class Delivery {
  private readonly options: ResolvedOptions;
  private readonly counters: Counters;
  private readonly log: Logger;
  private readonly sessions: SessionStore;

  /** `online`: the connected clients by client id (owned by the session lifecycle). */
  constructor(
    deps: DeliveryDeps,
    private readonly online: ReadonlyMap<string, Connection>,
  ) {
    this.options = deps.options;
    this.counters = deps.counters;
    this.log = deps.log;
    this.sessions = deps.sessions;
  }

  /** The window of unacknowledged QoS 1/2 deliveries: ours, or the client's smaller Receive Maximum (MQTT-3.3.4-9). */
  private windowFor(conn: Connection): number {
    const max = this.options.maxInflight;
    return conn.v5 && conn.v5.receiveMaximum < max ? conn.v5.receiveMaximum : max;
  }

  /** One message to one session: sent now, or queued behind earlier ones / a full window / an absent client. */
  deliver(session: SessionState, encoder: PublishEncoder, qos: QoS, extras?: DeliveryExtras): void {
    const conn = this.online.get(session.clientId);
    if (!conn || conn.state !== 'active') {
      // Offline persistent session: QoS 1 and 2 are queued (MQTT-3.1.2-5); QoS 0 only when configured.
      if (qos > 0 || this.options.queueQos0) this.enqueue(session, encoder.message, qos, extras);
      return;
    }
    if (session.queue.length > 0 || (qos > 0 && session.inflight.size >= this.windowFor(conn))) {
      this.enqueue(session, encoder.message, qos, extras); // behind earlier messages: order is kept
      return;
    }
    this.send(conn, session, encoder, qos, extras);
  }

  private enqueue(session: SessionState, message: StoredMessage, qos: QoS, extras?: DeliveryExtras): void {
    if (session.queue.length >= this.options.maxQueued || session.queue.bytes + queuedSize({ message, qos }) > this.options.maxQueuedBytes) {
      this.counters.publishDropped++;
      this.log.debug('queue full: message dropped', { clientId: session.clientId, topic: message.topic, qos });
      return;
    }
    const entry = extras ? { message, qos, extras } : { message, qos };
    ownQueue(session).push(entry);
    this.sessions.record(session, { kind: 'enqueue', entry });
  }

  private send(conn: Connection, session: SessionState, encoder: PublishEncoder, qos: QoS, extras?: DeliveryExtras): void {
    const version = conn.version ?? 4;
    const message = encoder.message;
    let now = 0;
    if (message.expiresAt !== undefined) {
      now = Date.now();
      if (message.expiresAt <= now) {
        // MQTT-3.3.2-5: an expired message is not delivered.
        this.counters.publishDropped++;
        this.log.debug('message expired: not delivered', { clientId: session.clientId, topic: message.topic });
        return;
      }
    }
    if (qos === 0) {
      if (conn.bufferedBytes > this.options.maxBufferedBytes) {
        this.counters.publishDropped++;
        return;
      }
      const alias = version === 5 ? this.aliasFor(conn, message.topic) : undefined;
      const bytes = encoder.bytes(version, 0, undefined, false, extras, now, alias);
      if (!this.fits(conn, bytes)) return;
      if (alias && !alias.known) conn.setOutboundAlias(message.topic, alias.alias);
      conn.write(bytes);
      this.counters.publishSent++;
      return;
    }
    const packetId = allocatePacketId(session) as number; // the window (<= 65535) guarantees a free id
    const alias = version === 5 ? this.aliasFor(conn, message.topic) : undefined;
    const bytes = encoder.bytes(version, qos, packetId, false, extras, now, alias);
    if (!this.fits(conn, bytes)) return; // dropped as if delivered: no packet id stays in use
    if (alias && !alias.known) conn.setOutboundAlias(message.topic, alias.alias);
    const entry = extras ? { packetId, message, qos, state: 'publish' as const, extras } : { packetId, message, qos, state: 'publish' as const };
    ownInflight(session).set(packetId, entry);
    this.sessions.record(session, { kind: 'inflight-add', entry });
    conn.write(bytes);
    this.counters.publishSent++;
  }

  /**
   * The Topic Alias for a PUBLISH to a 5.0 client: the one this connection already set for the topic,
   * or the next free one while fewer than the client's Topic Alias Maximum are in use (MQTT-3.3.2-11);
   * none once they are all taken (the topic name is sent in full). Set only once the PUBLISH is sent.
   */
  private aliasFor(conn: Connection, topic: string): OutboundAlias | undefined {
    const state = conn.v5;
    if (!state || state.topicAliasMaximum === 0 || !this.options.outboundTopicAliases) return undefined;
    const map = state.outboundAliases;
    const known = map?.get(topic);
    if (known !== undefined) return { alias: known, known: true };
    const used = map?.size ?? 0;
    return used < state.topicAliasMaximum ? { alias: used + 1, known: false } : undefined;
  }

  /** MQTT-3.1.2-24: a PUBLISH larger than the 5.0 client's Maximum Packet Size is dropped for that client (counted). */
  private fits(conn: Connection, bytes: Buffer): boolean {
    const limit = conn.v5?.maximumPacketSize;
    if (limit === undefined || bytes.length <= limit) return true;
    this.counters.publishDropped++;
    this.log.debug('message larger than the client Maximum Packet Size: dropped for it', { clientId: conn.label, size: bytes.length, limit });
    return false;
  }

  /** Fills the in-flight window from the queue, in order. */
  private pump(conn: Connection, session: SessionState): void {
    const window = this.windowFor(conn);
    for (let head = session.queue.peek(); head; head = session.queue.peek()) {
      if (head.qos > 0 && session.inflight.size >= window) return;
      ownQueue(session).shift();
      this.sessions.record(session, { kind: 'dequeue' });
      this.send(conn, session, new PublishEncoder(head.message), head.qos, head.extras);
    }
  }

  /** After CONNACK on a resumed session: unacknowledged PUBLISH with DUP 1 and PUBREL, in order (MQTT-4.4.0-1), then the queue. */
  resume(conn: Connection, session: SessionState): void {
    const version = conn.version ?? 4;
    for (const entry of session.inflight.values()) {
      if (entry.state === 'publish') {
        // MQTT-3.3.1-1; a message already sent is completed even once expired (MQTT 5.0 §3.3.2.3.3 applies to undelivered ones).
        conn.write(new PublishEncoder(entry.message).bytes(version, entry.qos, entry.packetId, true, entry.extras));
        this.counters.publishSent++;
      } else {
        conn.send({ type: 'pubrel', packetId: entry.packetId });
      }
    }
    this.pump(conn, session);
  }

  /** PUBREC for an outgoing QoS 2 message: it now waits for PUBCOMP (our PUBREL is sent by the handler). */
  released(session: SessionState, packetId: number): void {
    const entry = session.inflight.get(packetId);
    if (entry?.state !== 'publish') return;
    entry.state = 'pubrel';
    this.sessions.record(session, { kind: 'inflight-pubrel', packetId });
  }

  /** PUBACK or PUBCOMP: the delivery is complete; its packet id and window slot are free. */
  complete(conn: Connection, session: SessionState, packetId: number): void {
    if (session.inflight.has(packetId)) ownInflight(session).delete(packetId);
    this.sessions.record(session, { kind: 'inflight-remove', packetId });
    this.pump(conn, session);
  }
}
