import { ackPacket, type BenchConnection } from './connection.js';
import { ConnectionClient, END } from './client.js';
import { monoMs } from '../proc.js';
import type { SubscriberResult, SubscriberSpec } from './protocol.js';

/**
 * Counts the PUBLISHes that arrive (data vs end marker by the payload's first byte), acknowledges
 * QoS 1 (PUBACK) and QoS 2 (PUBREC, then PUBCOMP for PUBREL) with pre-encoded acks, and records the
 * time of the first and last data message. Optionally records end-to-end latency from the send time
 * (monotonic ms, float64 LE at payload offset 1) each payload carries.
 */
export class Subscriber extends ConnectionClient {
  private received = 0;
  private dups = 0;
  private retained = 0;
  private markers = 0;
  private subscribedAt: number | undefined;
  private firstAt: number | undefined;
  private lastAt: number | undefined;
  private readonly latencies: number[] | undefined;
  private counting = false;

  constructor(private readonly spec: SubscriberSpec) {
    super(spec.clientId);
    this.latencies = spec.latency ? [] : undefined;
  }

  protected override async opened(conn: BenchConnection): Promise<void> {
    conn.onPacket = (p) => {
      if (p.type === 'publish') {
        if (p.qos === 1 && p.packetId !== undefined) conn.write(ackPacket('puback', p.packetId));
        else if (p.qos === 2 && p.packetId !== undefined) conn.write(ackPacket('pubrec', p.packetId));
        if (!this.counting) return;
        if (p.payload[0] === END) {
          this.markers++;
          this.checkDone();
          return;
        }
        this.received++;
        if (p.dup) this.dups++;
        if (p.retain) this.retained++;
        if (this.latencies) this.latencies.push(monoMs() - p.payload.readDoubleLE(1));
        else if (this.firstAt === undefined) this.firstAt = monoMs();
        if (this.spec.untilCount !== undefined) this.checkDone();
      } else if (p.type === 'pubrel') {
        conn.write(ackPacket('pubcomp', p.packetId));
      }
    };
    // The last-data time is taken once per chunk, not once per message.
    conn.socket.on('data', () => {
      if (this.counting && this.received > 0) this.lastAt = monoMs();
    });
    if (this.spec.subscribeAt === 'prepare') {
      await conn.subscribe(this.spec.filter, this.spec.qos);
      // Count from the subscription on: a publisher in another worker may get `go` a little before
      // this worker does, and its first messages must not go uncounted.
      this.counting = true;
    }
  }

  private checkDone(): void {
    const s = this.spec;
    if (s.untilMarkers !== undefined && this.markers >= s.untilMarkers) this.finished.resolve();
    if (s.untilCount !== undefined && this.received >= s.untilCount) {
      this.lastAt = monoMs();
      this.finished.resolve();
    }
  }

  go(): void {
    const conn = this.connection();
    if (!conn) return;
    this.counting = true;
    if (this.spec.subscribeAt === 'go') {
      this.subscribedAt = monoMs();
      conn.subscribe(this.spec.filter, this.spec.qos).catch((e: Error) => this.fail(e.message));
    }
  }

  delivered(): number {
    return this.received;
  }

  result(): SubscriberResult {
    const r: SubscriberResult = {
      role: 'subscriber',
      clientId: this.spec.clientId,
      received: this.received,
      dups: this.dups,
      retained: this.retained,
      markers: this.markers,
      subscribedAt: this.subscribedAt,
      firstAt: this.firstAt,
      lastAt: this.lastAt,
    };
    if (this.latencies) r.latencies = this.latencies;
    if (this.error !== undefined) r.error = this.error;
    return r;
  }

}
