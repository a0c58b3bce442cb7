import { setImmediate as nextTurn } from 'node:timers/promises';
import { encode, type QoS } from '../../harness/codec/index.js';
import { ackPacket, drained, VERSION, type BenchConnection } from './connection.js';
import { ConnectionClient, DATA, END, payload } from './client.js';
import type { PublisherResult, PublisherSpec } from './protocol.js';

/** Bytes of QoS 0 PUBLISHes handed to the socket per write. */
const BATCH_BYTES = 16 * 1024;

/**
 * Floods one topic: QoS 0 as fast as the socket drains, in batches of pre-encoded packets;
 * QoS 1/2 with `window` messages in flight, one pre-encoded PUBLISH per packet id, re-sent as soon
 * as that id is acknowledged. After `durationMs` it sends an end marker at the same QoS.
 */
export class Publisher extends ConnectionClient {
  private running = false;
  private sent = 0;
  private acked = 0;
  private inFlight = 0;
  private markerSent = false;
  private markerDone = false;
  private readonly markerId: number;
  private deliveredTotal = 0;
  private creditWaiter: (() => void) | undefined;
  /** QoS 1/2 packet ids acknowledged while the publisher was held back by pacing. */
  private readonly parked: number[] = [];
  private packets: Buffer[] = [];

  constructor(private readonly spec: PublisherSpec) {
    super(spec.clientId);
    this.markerId = spec.window + 1;
    if (spec.qos > 0 && (spec.window < 1 || spec.window > 65534)) throw new Error(`window must be 1..65534, got ${spec.window}`);
  }

  protected override fail(why: string): void {
    this.running = false;
    super.fail(why);
  }

  private publishPacket(qos: QoS, packetId: number | undefined, kind: number): Buffer {
    return encode(
      { type: 'publish', topic: this.spec.topic, payload: payload(kind, this.spec.payloadBytes), qos, retain: false, dup: false, packetId },
      VERSION,
    );
  }

  go(): void {
    const conn = this.connection();
    if (!conn) return;
    this.running = true;
    this.timer = setTimeout(() => this.endPhase(), this.spec.durationMs);
    if (this.spec.qos === 0) void this.floodQos0(conn);
    else this.startWindow(conn, this.spec.qos);
  }

  /** May the publisher send `n` more messages now (pacing)? */
  private allowed(n: number): boolean {
    const p = this.spec.pacing;
    return p === undefined || this.sent + n <= this.deliveredTotal * p.share + p.lead;
  }

  credit(delivered: number): void {
    this.deliveredTotal = delivered;
    const wake = this.creditWaiter;
    this.creditWaiter = undefined;
    wake?.();
    if (this.parked.length > 0 && this.conn) {
      const conn = this.conn;
      conn.socket.cork();
      while (this.parked.length > 0 && this.running && this.allowed(1)) {
        conn.write(this.packets[this.parked.pop() as number] as Buffer);
        this.sent++;
      }
      conn.socket.uncork();
    }
  }

  private nextCredit(): Promise<void> {
    return new Promise((resolve) => {
      this.creditWaiter = resolve;
    });
  }

  private async floodQos0(conn: BenchConnection): Promise<void> {
    const one = this.publishPacket(0, undefined, DATA);
    const perBatch = Math.max(1, Math.min(Math.floor(BATCH_BYTES / one.length), this.spec.pacing?.lead ?? Infinity));
    const batch = Buffer.concat(new Array<Buffer>(perBatch).fill(one));
    while (this.running) {
      if (!this.allowed(perBatch)) {
        await this.nextCredit();
        continue;
      }
      const more = conn.write(batch);
      this.sent += perBatch;
      if (!more) await drained(conn.socket);
      else await nextTurn();
    }
  }

  private startWindow(conn: BenchConnection, qos: 1 | 2): void {
    const packets: Buffer[] = [];
    for (let id = 1; id <= this.spec.window; id++) packets[id] = this.publishPacket(qos, id, DATA);
    this.packets = packets;
    const completion = qos === 1 ? 'puback' : 'pubcomp';
    conn.onPacket = (p) => {
      if (p.type === 'pubrec') {
        conn.write(ackPacket('pubrel', p.packetId));
        return;
      }
      if (p.type !== completion) return;
      const id = p.packetId;
      if (id === this.markerId) {
        this.markerDone = true;
        this.maybeDone();
        return;
      }
      this.acked++;
      if (this.running && this.allowed(1)) {
        conn.write(packets[id] as Buffer);
        this.sent++;
      } else if (this.running) {
        this.parked.push(id);
      } else {
        this.inFlight--;
        this.maybeDone();
      }
    };
    conn.socket.cork();
    for (let id = 1; id <= this.spec.window; id++) {
      conn.write(packets[id] as Buffer);
      this.sent++;
      this.inFlight++;
    }
    conn.socket.uncork();
  }

  private endPhase(): void {
    if (!this.running || !this.conn) return;
    this.running = false;
    // Parked ids are free (acknowledged, not re-sent): they are no longer in flight.
    this.inFlight -= this.parked.length;
    this.parked.length = 0;
    this.creditWaiter?.();
    const conn = this.conn;
    this.markerSent = true;
    if (this.spec.qos === 0) {
      conn.socket.write(this.publishPacket(0, undefined, END), () => {
        this.markerDone = true;
        this.maybeDone();
      });
    } else {
      conn.write(this.publishPacket(this.spec.qos, this.markerId, END));
    }
  }

  private maybeDone(): void {
    if (this.markerSent && this.markerDone && (this.spec.qos === 0 || this.inFlight === 0)) this.finished.resolve();
  }

  override stop(): void {
    this.running = false;
    super.stop();
  }

  result(): PublisherResult {
    const r: PublisherResult = { role: 'publisher', clientId: this.spec.clientId, sent: this.sent, acked: this.acked, markerDone: this.markerDone };
    if (this.error !== undefined) r.error = this.error;
    return r;
  }

}
