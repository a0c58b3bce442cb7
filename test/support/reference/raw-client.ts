/**
 * A minimal raw MQTT client for the broker's own tests: packets in and out through the codec,
 * waits bounded by a timeout that names what was awaited. (The suite's full client lives in
 * harness/client; the broker may only import the codec.)
 */
import { connect, type Socket } from 'node:net';
import {
  encode,
  PacketDecoder,
  type ConnectPacket,
  type Packet,
  type PacketOf,
  type PacketType,
  type ProtocolVersion,
  type QoS,
} from '../../../harness/codec/index.js';

export class WaitTimeout extends Error {
  readonly code = 'TEST_TIMEOUT';
}

export class RawClient {
  readonly received: Packet[] = [];
  private readonly pending: Packet[] = [];
  private waiter: (() => void) | undefined;
  private readonly decoder: PacketDecoder;
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;
  decodeError: Error | undefined;
  /** Acknowledge incoming QoS 1/2 PUBLISH (PUBACK / PUBREC) and PUBREL (PUBCOMP) as a well-behaved client; PUBREL is then not queued. */
  autoAck = false;
  /** Sees each packet first; returning true consumes it (not queued for next()). */
  intercept: ((packet: Packet) => boolean) | undefined;

  private constructor(
    readonly socket: Socket,
    readonly version: ProtocolVersion,
  ) {
    this.decoder = new PacketDecoder({ version });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.decoder.feed(chunk, (p) => {
          this.received.push(p);
          if (this.intercept?.(p)) return;
          if (this.autoAck) {
            if (p.type === 'publish' && p.qos === 1) this.send({ type: 'puback', packetId: p.packetId as number });
            if (p.type === 'publish' && p.qos === 2) this.send({ type: 'pubrec', packetId: p.packetId as number });
            if (p.type === 'pubrel') {
              this.send({ type: 'pubcomp', packetId: p.packetId });
              return;
            }
          }
          this.pending.push(p);
        });
      } catch (e) {
        this.decodeError = e as Error;
      }
      this.waiter?.();
    });
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedFlag = true;
        this.waiter?.();
        resolve();
      }),
    );
  }

  static async open(port: number, version: ProtocolVersion = 4, host = '127.0.0.1'): Promise<RawClient> {
    const socket = connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket, version);
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

  get closed(): boolean {
    return this.closedFlag;
  }

  send(packet: Packet): void {
    this.socket.write(encode(packet, this.version));
  }

  sendBytes(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next packet received (in order), within `timeoutMs`. */
  async next(timeoutMs = 2000, what = 'a packet'): Promise<Packet> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = this.pending.shift();
      if (p) return p;
      if (this.closedFlag) throw new WaitTimeout(`connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new WaitTimeout(`no ${what} within ${String(timeoutMs)} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          this.waiter = undefined;
          resolve();
        };
      });
    }
  }

  /** The next packet, which must be of `type`. */
  async expect<T extends PacketType>(type: T, timeoutMs = 2000): Promise<PacketOf<T>> {
    const p = await this.next(timeoutMs, type.toUpperCase());
    if (p.type !== type) throw new Error(`expected ${type.toUpperCase()}, received ${JSON.stringify(p)}`);
    return p as PacketOf<T>;
  }

  /** Resolves when the server closes the connection; rejects on timeout or on any packet received first. */
  async expectClosed(timeoutMs = 2000): Promise<void> {
    const timer = new Promise<never>((_, reject) => {
      const t = setTimeout(() => reject(new WaitTimeout(`connection not closed within ${String(timeoutMs)} ms`)), timeoutMs);
      void this.closedPromise.then(() => clearTimeout(t));
    });
    await Promise.race([this.closedPromise, timer]);
    if (this.pending.length > 0) throw new Error(`received before close: ${JSON.stringify(this.pending.map((p) => p.type))}`);
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
    this.socket.destroy();
  }

  async disconnect(): Promise<void> {
    if (!this.closedFlag) {
      this.send({ type: 'disconnect' });
      this.socket.end();
    }
    await this.closedPromise;
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
