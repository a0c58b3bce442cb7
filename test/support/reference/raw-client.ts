/**
 * The broker's own tests' client: a thin layer over the harness's TestClient (one functional
 * client for the suite, these tests, the robustness tests and interop) that adds the habits of
 * those tests: a port instead of an endpoint, "the next packet must be X" as `expect`, an optional
 * well-behaved QoS acknowledger (`autoAck`), and the short flows (subscribe, publish, ping).
 * Nothing here reads the socket or decodes: TestClient does.
 */
import { PROTOCOL_MAX_PACKET_SIZE, encode, type ConnectPacket, type Packet, type PacketOf, type PacketType, type ProtocolVersion, type QoS } from '../../../harness/codec/index.js';
import { TestClient, type PacketPattern } from '../../../harness/client/index.js';

/** These tests hold whatever the broker sends until they read it: no flood bound of the suite's. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

export class RawClient {
  /** Acknowledge incoming QoS 1/2 PUBLISH (PUBACK / PUBREC) and PUBREL (PUBCOMP) as a well-behaved client; PUBREL is then not queued. */
  autoAck = false;
  /** Sees each packet first; returning true consumes it (not queued for next()). */
  intercept: ((packet: Packet) => boolean) | undefined;

  private constructor(
    readonly client: TestClient,
    readonly version: ProtocolVersion,
  ) {}

  static async open(port: number, version: ProtocolVersion = 4, host = '127.0.0.1'): Promise<RawClient> {
    let raw: RawClient | undefined;
    const client = await TestClient.open(
      { url: `mqtt://${host}:${String(port)}`, protocol: 'mqtt', host, port },
      {
        name: `raw:${String(port)}`,
        version,
        maxPending: UNBOUNDED,
        maxPendingBytes: UNBOUNDED,
        maxPacketSize: PROTOCOL_MAX_PACKET_SIZE,
        intercept: (p) => raw?.onPacket(p) ?? false,
      },
    );
    raw = new RawClient(client, version);
    return raw;
  }

  /** Opens, sends CONNECT, expects CONNACK 0. */
  static async connected(
    port: number,
    clientId: string,
    opts: Partial<Omit<ConnectPacket, 'type'>> = {},
  ): Promise<{ client: RawClient; sessionPresent: boolean }> {
    const version = opts.protocolVersion ?? 4;
    const client = await RawClient.open(port, version);
    client.send(connectPacket(clientId, opts));
    const connack = await client.expect('connack');
    if (connack.reasonCode !== 0) throw new Error(`CONNACK ${String(connack.reasonCode)} for ${clientId}`);
    return { client, sessionPresent: connack.sessionPresent };
  }

  private onPacket(p: Packet): boolean {
    if (this.intercept?.(p)) return true;
    if (!this.autoAck) return false;
    if (p.type === 'publish' && p.qos === 1) this.send({ type: 'puback', packetId: p.packetId as number });
    if (p.type === 'publish' && p.qos === 2) this.send({ type: 'pubrec', packetId: p.packetId as number });
    if (p.type !== 'pubrel') return false;
    this.send({ type: 'pubcomp', packetId: p.packetId });
    return true;
  }

  /** Every packet received, in order (consumed or not). */
  get received(): readonly Packet[] {
    return this.client.received;
  }

  /** The error of the first bytes from the broker that did not decode, if any. */
  get decodeError(): Error | undefined {
    return this.client.decodeError;
  }

  get closed(): boolean {
    return this.client.closed;
  }

  /** Encodes in the version the client was opened with (a CONNECT of another version included, as the test wrote it). */
  send(packet: Packet): void {
    if (packet.type === 'connect' && packet.protocolVersion !== this.version) this.client.sendRaw(encode(packet, this.version));
    else this.client.send(packet);
  }

  sendBytes(bytes: Buffer): void {
    this.client.sendRaw(bytes);
  }

  /** Stops reading (the kernel's buffers fill: back-pressure on the broker), and reads again. */
  pause(): void {
    this.client.pause();
  }

  resume(): void {
    this.client.resume();
  }

  /** The next packet received (in order), within `timeoutMs`; `what` names it in a failure. */
  next(timeoutMs = 2000, what = 'a packet'): Promise<Packet> {
    return this.client.next({ timeoutMs, what });
  }

  /** The next packet, which must be of `type`. */
  expect<T extends PacketType>(type: T, timeoutMs = 2000): Promise<PacketOf<T>> {
    return this.client.expectNext({ type } as PacketPattern<T>, { timeoutMs });
  }

  /** Resolves when the server closes the connection; rejects on timeout or on any packet received first. */
  async expectClosed(timeoutMs = 2000): Promise<void> {
    if (!(await this.client.waitClosed(timeoutMs))) throw new Error(`connection not closed within ${String(timeoutMs)} ms`);
    const pending = this.client.pending;
    if (pending.length > 0) throw new Error(`received before close: ${JSON.stringify(pending.map((p) => p.type))}`);
  }

  async subscribe(filters: [string, QoS][], packetId = 1): Promise<number[]> {
    this.send({ type: 'subscribe', packetId, subscriptions: filters.map(([topicFilter, qos]) => ({ topicFilter, qos })) });
    const suback = await this.expect('suback');
    if (suback.packetId !== packetId) throw new Error(`SUBACK for ${String(suback.packetId)}, expected ${String(packetId)}`);
    return suback.reasonCodes;
  }

  /** Publishes and completes the QoS flow as a well-behaved client. */
  async publish(topic: string, payload: string | Buffer, qos: QoS = 0, retain = false, packetId = 1): Promise<void> {
    this.send({ type: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: false, packetId: qos > 0 ? packetId : undefined });
    if (qos === 1) await this.expect('puback');
    if (qos === 2) {
      await this.expect('pubrec');
      this.send({ type: 'pubrel', packetId });
      await this.expect('pubcomp');
    }
  }

  /** Publishes a QoS 0 marker to `topic` and returns the packets received before it (the barrier). */
  async collectUntil(predicate: (p: Packet) => boolean, timeoutMs = 2000): Promise<Packet[]> {
    const before: Packet[] = [];
    for (;;) {
      const p = await this.next(timeoutMs, 'the barrier packet');
      if (predicate(p)) return before;
      before.push(p);
    }
  }

  /** PINGREQ and the PINGRESP, which must be the next packet: a barrier proving the broker processed everything sent before. */
  async ping(): Promise<void> {
    this.send({ type: 'pingreq' });
    await this.expect('pingresp');
  }

  destroy(): void {
    this.client.destroy();
  }

  /** DISCONNECT, FIN, then the broker's close. */
  async disconnect(): Promise<void> {
    if (!this.client.closed) {
      this.send({ type: 'disconnect' });
      this.client.end();
    }
    await this.client.waitClosed(10_000);
  }
}

export function connectPacket(clientId: string, opts: Partial<Omit<ConnectPacket, 'type'>> = {}): ConnectPacket {
  const version = opts.protocolVersion ?? 4;
  return {
    type: 'connect',
    protocolName: version === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion: version,
    clean: true,
    keepalive: 0,
    clientId,
    ...opts,
  };
}

export const isPublishOn =
  (topic: string) =>
  (p: Packet): boolean =>
    p.type === 'publish' && p.topic === topic;
