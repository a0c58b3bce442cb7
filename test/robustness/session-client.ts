/**
 * A persistent-session MQTT 3.1.1 client whose session state (outgoing QoS 1/2 messages and their
 * stage, inbound QoS 2 ids awaiting PUBREL) lives in the test process, so it survives the broker
 * being killed: on every reconnect it resends what is unacknowledged, in order (MQTT-4.4.0-1).
 * Inbound QoS 2 follows the spec's "method A": deliver on the first PUBLISH of a packet id, and
 * treat the same id as a duplicate until its PUBREL.
 * Each connection is the harness's TestClient (the one functional client); this layer consumes
 * every packet it receives through the client's `intercept` and answers as the session requires.
 */
import type { Packet, PublishPacket, QoS, Will } from '../../harness/codec/index.js';
import { TestClient } from '../../harness/client/index.js';

export interface ConnectOptions {
  /** Clean Session (default false: the session outlives the connection). */
  clean?: boolean;
  will?: Will;
}

/** PUBLISH packet ids are 1..PUBLISH_IDS; SUBSCRIBE/UNSUBSCRIBE take the 1,000 above. */
const PUBLISH_IDS = 64_000;

/** The longest a timer may wait (ms): a connection's close is awaited with no bound of its own. */
const NO_BOUND_MS = 2_147_483_647;

export interface Outgoing {
  readonly packet: PublishPacket;
  /** 'publish': awaiting PUBACK/PUBREC; 'pubrel': PUBREC received, awaiting PUBCOMP. */
  state: 'publish' | 'pubrel';
}

export interface SessionClientEvents {
  /**
   * An application message delivered to this client: every PUBLISH except a QoS 2 re-send of a
   * packet id not yet released that carries the same payload (the protocol's own duplicate, MQTT-4.3.3-2
   * method A). A QoS 2 delivery under a new id, or an id reused for another payload before PUBREL, is
   * delivered, so a duplicate shows end to end as the same message twice, not hidden by the id.
   */
  message?(packet: PublishPacket): void;
  /** The broker took ownership of an outgoing message: PUBACK (QoS 1) or PUBREC (QoS 2). */
  acknowledged?(packet: PublishPacket): void;
  /** Any packet received (used to pick kill points). */
  packet?(packet: Packet): void;
}

export class SessionClient {
  readonly outgoing = new Map<number, Outgoing>();
  /** Inbound QoS 2 packet ids awaiting PUBREL, with the payload each carried. */
  readonly inboundQos2 = new Map<number, Buffer>();
  private nextId = 1;
  private client: TestClient | undefined;
  private connected = false;
  private completeWaiters: (() => void)[] = [];
  private readonly ackWaiters = new Map<number, (codes: number[]) => void>();
  private nextSubId = 1;
  sessionPresentHistory: boolean[] = [];
  /** PUBLISH (DUP 1) and PUBREL re-sent on reconnects; QoS 2 duplicates received and not delivered. */
  readonly counts = { resentPublish: 0, resentPubrel: 0, duplicatesFiltered: 0 };

  constructor(
    readonly clientId: string,
    private readonly events: SessionClientEvents = {},
  ) {}

  get isConnected(): boolean {
    return this.connected && this.client?.closed === false;
  }

  /** Connects (CleanSession 0 unless asked); resolves with Session Present, or undefined when the connection failed or closed first. */
  async connect(port: number, options: ConnectOptions = {}): Promise<boolean | undefined> {
    let settle: (value: boolean | undefined) => void = () => undefined;
    const settled = new Promise<boolean | undefined>((resolve) => (settle = resolve));
    let client: TestClient;
    try {
      client = await TestClient.open(
        { url: `mqtt://127.0.0.1:${String(port)}`, protocol: 'mqtt', host: '127.0.0.1', port },
        {
          name: this.clientId,
          version: 4,
          keepHistory: false,
          intercept: (p) => {
            if (p.type === 'connack') {
              if (p.reasonCode !== 0) {
                client.destroy();
                return true;
              }
              this.connected = true;
              this.sessionPresentHistory.push(p.sessionPresent);
              this.resend();
              settle(p.sessionPresent);
            } else {
              this.onPacket(p);
            }
            this.events.packet?.(p);
            return true;
          },
        },
      );
    } catch {
      return undefined;
    }
    this.connected = false; // until this connection's CONNACK
    this.client = client;
    void client.waitClosed(NO_BOUND_MS).then(() => settle(undefined));
    client.send({ type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: options.clean ?? false, keepalive: 0, clientId: this.clientId, will: options.will });
    return await settled;
  }

  private send(packet: Packet): void {
    if (this.connected && this.client?.closed === false) this.client.send(packet);
  }

  /** MQTT-4.4.0-1: unacknowledged PUBLISH with DUP 1, and PUBREL, in the original order. */
  private resend(): void {
    for (const [packetId, o] of this.outgoing) {
      if (o.state === 'publish') {
        this.counts.resentPublish++;
        this.send({ ...o.packet, dup: true });
      } else {
        this.counts.resentPubrel++;
        this.send({ type: 'pubrel', packetId });
      }
    }
  }

  private onPacket(p: Packet): void {
    switch (p.type) {
      case 'publish': {
        const id = p.packetId ?? 0;
        if (p.qos === 0) this.events.message?.(p);
        else if (p.qos === 1) {
          this.events.message?.(p);
          this.send({ type: 'puback', packetId: id });
        } else {
          const held = this.inboundQos2.get(id);
          if (held?.equals(p.payload)) {
            this.counts.duplicatesFiltered++;
          } else {
            this.inboundQos2.set(id, p.payload);
            this.events.message?.(p);
          }
          this.send({ type: 'pubrec', packetId: id });
        }
        return;
      }
      case 'pubrel':
        this.inboundQos2.delete(p.packetId);
        this.send({ type: 'pubcomp', packetId: p.packetId });
        return;
      case 'puback': {
        const o = this.outgoing.get(p.packetId);
        if (o && o.packet.qos === 1) {
          this.outgoing.delete(p.packetId);
          this.events.acknowledged?.(o.packet);
          this.notifyComplete();
        }
        return;
      }
      case 'pubrec': {
        const o = this.outgoing.get(p.packetId);
        if (o && o.packet.qos === 2) {
          if (o.state === 'publish') this.events.acknowledged?.(o.packet);
          o.state = 'pubrel';
        }
        this.send({ type: 'pubrel', packetId: p.packetId });
        return;
      }
      case 'pubcomp': {
        const o = this.outgoing.get(p.packetId);
        if (o && o.state === 'pubrel') {
          this.outgoing.delete(p.packetId);
          this.notifyComplete();
        }
        return;
      }
      case 'suback': {
        const w = this.ackWaiters.get(p.packetId);
        this.ackWaiters.delete(p.packetId);
        w?.(p.reasonCodes);
        return;
      }
      case 'unsuback': {
        const w = this.ackWaiters.get(p.packetId);
        this.ackWaiters.delete(p.packetId);
        w?.([]);
        return;
      }
      default:
        return;
    }
  }

  private notifyComplete(): void {
    for (const w of this.completeWaiters.splice(0)) w();
  }

  /** Resolves when an outgoing message completes (or immediately if none is outstanding). */
  async outgoingChanged(): Promise<void> {
    if (this.outgoing.size === 0) return;
    await new Promise<void>((resolve) => this.completeWaiters.push(resolve));
  }

  /** Queues a QoS 1/2 message in the session and sends it when connected. */
  publish(topic: string, payload: Buffer, qos: 1 | 2, retain: boolean): void {
    while (this.outgoing.has(this.nextId)) this.nextId = this.nextId === PUBLISH_IDS ? 1 : this.nextId + 1;
    const packetId = this.nextId;
    this.nextId = this.nextId === PUBLISH_IDS ? 1 : this.nextId + 1;
    const packet: PublishPacket = { type: 'publish', topic, payload, qos, retain, dup: false, packetId };
    this.outgoing.set(packetId, { packet, state: 'publish' });
    this.send(packet);
  }

  /** A QoS 0 message (nothing kept: lost when not connected). */
  publish0(topic: string, payload: Buffer, retain = false): void {
    this.send({ type: 'publish', topic, payload, qos: 0, retain, dup: false });
  }

  /** Resolves with the SUBACK's codes (never, if the connection ends first: bound it). */
  async subscribe(filter: string, qos: QoS): Promise<number[]> {
    const packetId = this.ackId();
    const codes = new Promise<number[]>((resolve) => this.ackWaiters.set(packetId, resolve));
    this.send({ type: 'subscribe', packetId, subscriptions: [{ topicFilter: filter, qos }] });
    return await codes;
  }

  /** Resolves at the UNSUBACK (never, if the connection ends first: bound it). */
  async unsubscribe(filter: string): Promise<void> {
    const packetId = this.ackId();
    const done = new Promise<number[]>((resolve) => this.ackWaiters.set(packetId, resolve));
    this.send({ type: 'unsubscribe', packetId, topicFilters: [filter] });
    await done;
  }

  /** Packet ids for SUBSCRIBE/UNSUBSCRIBE, above the PUBLISH ids so that no id is in use twice (MQTT-2.3.1-2). */
  private ackId(): number {
    while (this.ackWaiters.has(PUBLISH_IDS + this.nextSubId)) this.nextSubId = (this.nextSubId % 1000) + 1;
    const id = PUBLISH_IDS + this.nextSubId;
    this.nextSubId = (this.nextSubId % 1000) + 1;
    return id;
  }

  /** A graceful end: DISCONNECT, then the close (no will is published). */
  disconnect(): void {
    this.send({ type: 'disconnect' });
    this.connected = false;
    this.client?.end();
  }

  /** Drops the connection without DISCONNECT (the session state stays in this object). */
  drop(): void {
    this.connected = false;
    this.client?.destroy();
  }
}
