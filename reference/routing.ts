import type { Properties, QoS } from '../harness/codec/index.js';
import type { ClusterHooks } from './cluster/hooks.js';
import type { Connection } from './connection.js';
import { PublishEncoder, type Delivery } from './delivery.js';
import type { RetainedStore } from './retain/index.js';
import { ownSubscriptions, type DeliveryExtras, type SessionState, type SessionStore, type StoredMessage, type SubscriptionGrant } from './session/index.js';
import { SubscriptionTree } from './topic/index.js';
import { isExpired, parseSharedFilter } from './v5/index.js';

/*
 * Routing: who gets a message. The subscription index (the tree and the shared subscriptions'
 * groups), the retained messages, and the choice of one grant per session; each delivery is handed
 * to reference/delivery.ts.
 */

/** MQTT 5.0 extras of a publication (properties travel to subscribers; the publisher is for No Local). */
export interface PublishExtras {
  readonly properties?: Properties;
  readonly expiresAt?: number;
  readonly publisher?: string;
  /** Cluster mode: the message's id in the shared log (reference/cluster). */
  readonly origin?: string;
  /** Cluster mode: the member each share group (by full filter) delivers this message to, decided cluster-wide; a group absent here delivers nothing. */
  readonly shareChoice?: ReadonlyMap<string, string>;
}

/** A shared subscription `$share/{name}/{filter}`: each message goes to one member (MQTT 5.0 §4.8.2). */
interface ShareGroup {
  readonly key: string;
  readonly filter: string;
  readonly members: Map<string, SubscriptionGrant>;
  next: number;
}

/** Per matching session with 5.0 options: the Subscription Identifiers, Retain As Published. */
interface Target {
  ids: number[] | undefined;
  rap: boolean;
}

const minQos = (a: QoS, b: QoS): QoS => (a < b ? a : b);

/** The subscription index, the retained messages, and routing a message to its sessions. */
export class Routing {
  readonly subscriptions = new SubscriptionTree<SubscriptionGrant>();
  /** Shared subscriptions by their full filter (`$share/name/filter`), indexed by filter in `shareTree`. */
  private readonly shares = new Map<string, ShareGroup>();
  private readonly shareTree = new SubscriptionTree<ShareGroup>();
  /**
   * Cluster mode (reference/cluster): publishes go through the shared log. Undefined on a single
   * node: no cluster code runs.
   */
  cluster: ClusterHooks | undefined;

  /** `online`: the connected clients by client id (owned by the session lifecycle). */
  constructor(
    private readonly sessions: SessionStore,
    readonly retained: RetainedStore,
    private readonly delivery: Delivery,
    private readonly online: ReadonlyMap<string, Connection>,
  ) {}

  /** Subscriptions in the index, shared ones counted per member (`$SYS/broker/subscriptions/count`). */
  get size(): number {
    return this.subscriptions.size + [...this.shares.values()].reduce((n, g) => n + g.members.size, 0);
  }

  /** A session's subscriptions join the index (a durable store's sessions at start, cluster mode: a loaded session). */
  adopt(session: SessionState): void {
    for (const [filter, grant] of session.subscriptions) this.index(session.clientId, filter, grant);
  }

  /** A session's subscriptions leave the index (the session ended, or moved to the cluster's shared store). */
  drop(session: SessionState): void {
    for (const filter of session.subscriptions.keys()) this.unindex(session.clientId, filter);
  }

  /**
   * Cluster mode: for each share group here whose filter matches `topic`, the member this node
   * proposes (the next connected one in turn, else any), to be decided cluster-wide.
   */
  shareCandidates(topic: string): { key: string; candidate: string }[] {
    const out: { key: string; candidate: string }[] = [];
    if (this.shares.size === 0) return out;
    this.shareTree.match(topic, (_key, group) => {
      const members = [...group.members.keys()];
      if (members.length === 0) return;
      for (let i = 0; i < members.length; i++) {
        const candidate = members[(group.next + i) % members.length] as string;
        if (this.online.get(candidate)?.state === 'active') {
          group.next = (group.next + i + 1) % members.length;
          out.push({ key: group.key, candidate });
          return;
        }
      }
      out.push({ key: group.key, candidate: members[group.next++ % members.length] as string });
    });
    return out;
  }

  /** Adds a subscription to the routing index: the subscription tree, or its share group. */
  private index(clientId: string, filter: string, grant: SubscriptionGrant): void {
    const shared = parseSharedFilter(filter);
    if (shared === undefined || shared === 'invalid') {
      this.subscriptions.add(filter, clientId, grant);
      return;
    }
    let group = this.shares.get(filter);
    if (!group) {
      group = { key: filter, filter: shared.filter, members: new Map(), next: 0 };
      this.shares.set(filter, group);
      this.shareTree.add(shared.filter, filter, group);
    }
    group.members.set(clientId, grant);
  }

  private unindex(clientId: string, filter: string): void {
    const group = this.shares.get(filter);
    if (!group) {
      this.subscriptions.remove(filter, clientId);
      return;
    }
    group.members.delete(clientId);
    if (group.members.size === 0) {
      this.shares.delete(filter);
      this.shareTree.remove(group.filter, filter);
    }
  }

  /**
   * A QoS 1 message chosen through a shared subscription for a session that ended unacknowledged:
   * to another member of that share (MQTT 5.0 §4.8.2), unless it expired meanwhile.
   */
  redeliverShared(share: string, message: StoredMessage): void {
    const group = this.shares.get(share);
    if (group && !isExpired(message)) this.deliverShared(group, new PublishEncoder(message), 1);
  }

  /** One member of a share for this message: the next connected one in turn, else any (queued for it). */
  private deliverShared(group: ShareGroup, encoder: PublishEncoder, qos: QoS, publishedRetain = false, decided?: ReadonlyMap<string, string>): void {
    const members = [...group.members];
    if (members.length === 0) return;
    let chosen: [string, SubscriptionGrant] | undefined;
    if (decided !== undefined) {
      // Cluster mode: the member was chosen cluster-wide; deliver only when it is one of ours.
      const member = decided.get(group.key);
      const grant = member === undefined ? undefined : group.members.get(member);
      if (member === undefined || grant === undefined) return;
      chosen = [member, grant];
    }
    for (let i = 0; chosen === undefined && i < members.length; i++) {
      const candidate = members[(group.next + i) % members.length] as [string, SubscriptionGrant];
      const conn = this.online.get(candidate[0]);
      if (conn && conn.state === 'active') {
        chosen = candidate;
        group.next = (group.next + i + 1) % members.length;
        break;
      }
    }
    chosen ??= members[group.next++ % members.length] as [string, SubscriptionGrant];
    const [clientId, grant] = chosen;
    const session = this.sessions.get(clientId);
    if (!session) return;
    const extras: DeliveryExtras = { share: group.key, subscriptionIds: grant.subscriptionId !== undefined ? [grant.subscriptionId] : undefined };
    const enc = publishedRetain && grant.retainAsPublished === true ? new PublishEncoder({ ...encoder.message, retain: true }) : encoder;
    this.delivery.deliver(session, enc, minQos(qos, grant.qos), extras);
  }

  /**
   * Routes an application message to every matching session, once per session at the highest
   * granted QoS among its matching subscriptions (MQTT-3.3.5-1), at min(publish QoS, granted QoS)
   * (MQTT-3.8.4-6), with RETAIN 0 (MQTT-3.3.1-9). A retained message is stored first, or deleted
   * when its payload is empty (MQTT-3.3.1-5, -10, -11).
   */
  publish(topic: string, payload: Buffer, qos: QoS, retain: boolean, extras?: PublishExtras): void {
    // Cluster mode: every node delivers from the shared log; `$SYS` stays per node.
    if (this.cluster !== undefined && !topic.startsWith('$SYS')) {
      this.cluster.publish(topic, payload, qos, retain, extras);
      return;
    }
    this.routeLocal(topic, payload, qos, retain, extras);
  }

  /** Delivers a message to this node's sessions (single node: every publish; cluster mode: each message read from the shared log). */
  routeLocal(topic: string, payload: Buffer, qos: QoS, retain: boolean, extras?: PublishExtras): void {
    // Decoded payloads may be views into a socket chunk: keep a copy once the message is stored anywhere.
    let owned: Buffer | undefined;
    const properties = extras?.properties;
    const expires = extras?.expiresAt;
    if (retain) {
      if (payload.length === 0) this.retained.delete(topic);
      else this.retained.set({ topic, payload: (owned = Buffer.from(payload)), qos, retain: true, properties, expiresAt: expires });
    }
    const publisher = extras?.publisher;
    // Highest granted QoS per session; the 5.0 extras (identifiers, Retain As Published) only when a grant has them.
    const targets = new Map<string, QoS>();
    let v5: Map<string, Target> | undefined;
    this.subscriptions.match(topic, (clientId, grant) => {
      if (grant.noLocal === true && clientId === publisher) return; // MQTT-3.8.3-3
      const previous = targets.get(clientId);
      if (previous === undefined || grant.qos > previous) targets.set(clientId, grant.qos);
      if (grant.subscriptionId === undefined && grant.retainAsPublished !== true) return;
      v5 ??= new Map();
      let t = v5.get(clientId);
      if (!t) v5.set(clientId, (t = { ids: undefined, rap: false }));
      if (grant.subscriptionId !== undefined) (t.ids ??= []).push(grant.subscriptionId);
      if (grant.retainAsPublished === true) t.rap = true;
    });
    const groups: ShareGroup[] = [];
    if (this.shares.size > 0) this.shareTree.match(topic, (_key, group) => groups.push(group));
    if (targets.size === 0 && groups.length === 0) return;
    owned ??= Buffer.from(payload);
    const origin = extras?.origin;
    const encoder = new PublishEncoder(origin === undefined ? { topic, payload: owned, qos, retain: false, properties, expiresAt: expires } : { topic, payload: owned, qos, retain: false, properties, expiresAt: expires, origin });
    // Retain As Published (MQTT-3.3.1-12, -13): those subscribers see the RETAIN flag as published.
    let asPublished: PublishEncoder | undefined;
    for (const [clientId, granted] of targets) {
      const session = this.sessions.get(clientId);
      if (!session) continue;
      const t = v5?.get(clientId);
      const enc = retain && t?.rap === true ? (asPublished ??= new PublishEncoder({ ...encoder.message, retain: true })) : encoder;
      this.delivery.deliver(session, enc, minQos(qos, granted), t?.ids ? { subscriptionIds: t.ids } : undefined);
    }
    for (const group of groups) this.deliverShared(group, encoder, qos, retain, extras?.shareChoice);
  }

  /** The retained messages matching a new subscription, with RETAIN 1 (MQTT-3.3.1-6, -8; 5.0 MQTT-3.3.1-10). */
  sendRetained(session: SessionState, filter: string, granted: QoS, subscriptionId?: number): void {
    const messages: StoredMessage[] = [];
    const now = Date.now();
    this.retained.match(filter, (m) => {
      if (!isExpired(m, now)) messages.push(m);
    });
    const extras = subscriptionId !== undefined ? { subscriptionIds: [subscriptionId] } : undefined;
    for (const m of messages) this.delivery.deliver(session, new PublishEncoder(m), minQos(m.qos, granted), extras);
  }

  subscribe(session: SessionState, filter: string, grant: SubscriptionGrant): void {
    if (session.subscriptions.has(filter)) this.unindex(session.clientId, filter);
    ownSubscriptions(session).set(filter, grant);
    this.index(session.clientId, filter, grant);
    this.sessions.record(session, { kind: 'subscribe', filter, grant });
  }

  unsubscribe(session: SessionState, filter: string): boolean {
    if (!session.subscriptions.has(filter)) return false;
    ownSubscriptions(session).delete(filter);
    this.unindex(session.clientId, filter);
    this.sessions.record(session, { kind: 'unsubscribe', filter });
    return true;
  }
}
