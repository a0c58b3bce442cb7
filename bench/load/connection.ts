import { connect as netConnect, type Socket } from 'node:net';
import { encode, PacketDecoder, type Packet, type QoS } from '../../harness/codec/index.js';
import { BenchError } from '../errors.js';

/** MQTT 3.1.1: what the load generator speaks to every broker. */
export const VERSION = 4 as const;

const ackCache = {
  puback: new Array<Buffer | undefined>(65536),
  pubrec: new Array<Buffer | undefined>(65536),
  pubrel: new Array<Buffer | undefined>(65536),
  pubcomp: new Array<Buffer | undefined>(65536),
};

/** Pre-encoded PUBACK/PUBREC/PUBREL/PUBCOMP for a packet id (encoded once per worker, then reused). */
export function ackPacket(type: keyof typeof ackCache, packetId: number): Buffer {
  const table = ackCache[type];
  let b = table[packetId];
  if (b === undefined) {
    b = encode({ type, packetId }, VERSION);
    table[packetId] = b;
  }
  return b;
}

export function connectPacket(clientId: string): Buffer {
  return encode({ type: 'connect', protocolName: 'MQTT', protocolVersion: VERSION, clean: true, keepalive: 0, clientId }, VERSION);
}

export type PacketHandler = (packet: Packet) => void;

/** Resolves when the socket can take more (or is gone): the publisher's back-pressure. */
export function drained(socket: Socket): Promise<void> {
  if (!socket.writableNeedDrain || socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/**
 * One raw MQTT connection of the load generator: pre-encoded bytes out, the codec's PacketDecoder in.
 * Acks written while a chunk is decoded are corked into one write per chunk.
 */
export class BenchConnection {
  onPacket: PacketHandler = () => undefined;
  /** Called once when the connection ends for any reason other than close(). */
  onLost: (reason: string) => void = () => undefined;
  private readonly decoder = new PacketDecoder({ version: VERSION });
  private closing = false;
  private lostReported = false;

  private constructor(readonly clientId: string, readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      socket.cork();
      try {
        this.decoder.feed(chunk, (p) => this.onPacket(p));
      } catch (e) {
        this.lost(`undecodable input from the broker: ${(e as Error).message}`);
        socket.destroy();
      } finally {
        socket.uncork();
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => this.lost(e.code ?? e.message));
    socket.on('close', () => this.lost('closed by the broker'));
  }

  private lost(reason: string): void {
    if (this.closing || this.lostReported) return;
    this.lostReported = true;
    this.onLost(reason);
  }

  /** Connects (TCP + CONNECT/CONNACK, clean session, keep-alive 0); rejects with BENCH_CONNECT. */
  static open(host: string, port: number, clientId: string, timeoutMs = 10_000): Promise<BenchConnection> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port });
      const conn = new BenchConnection(clientId, socket);
      const timer = setTimeout(() => fail('no CONNACK within ' + timeoutMs + ' ms'), timeoutMs);
      const fail = (why: string): void => {
        clearTimeout(timer);
        conn.closing = true;
        socket.destroy();
        reject(new BenchError('BENCH_CONNECT', `${clientId}: ${why}`, { host, port, clientId }));
      };
      conn.onLost = fail;
      conn.onPacket = (p) => {
        if (p.type !== 'connack') return fail(`expected CONNACK, got ${p.type.toUpperCase()}`);
        if (p.reasonCode !== 0) return fail(`CONNACK return code ${p.reasonCode}`);
        clearTimeout(timer);
        conn.onPacket = () => undefined;
        conn.onLost = () => undefined;
        resolve(conn);
      };
      socket.once('connect', () => socket.write(connectPacket(clientId)));
    });
  }

  /** SUBSCRIBE one filter and wait for its SUBACK; rejects when the broker refuses it. */
  subscribe(filter: string, qos: QoS, packetId = 1, timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const previous = this.onPacket;
      const timer = setTimeout(() => {
        this.onPacket = previous;
        reject(new BenchError('BENCH_CONNECT', `${this.clientId}: no SUBACK for ${filter} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.onPacket = (p) => {
        if (p.type === 'suback' && p.packetId === packetId) {
          clearTimeout(timer);
          this.onPacket = previous;
          const rc = p.reasonCodes[0] ?? 0x80;
          if (rc >= 0x80) reject(new BenchError('BENCH_CONNECT', `${this.clientId}: SUBSCRIBE ${filter} refused (0x${rc.toString(16)})`));
          else resolve(rc);
        } else {
          previous(p);
        }
      };
      this.socket.write(encode({ type: 'subscribe', packetId, subscriptions: [{ topicFilter: filter, qos }] }, VERSION));
    });
  }

  write(bytes: Buffer): boolean {
    return this.socket.write(bytes);
  }

  close(): void {
    this.closing = true;
    this.socket.destroy();
  }
}
