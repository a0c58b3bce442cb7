import { encode } from '../../harness/codec/index.js';
import { monoMs } from '../proc.js';
import { VERSION, type BenchConnection } from './connection.js';
import { ConnectionClient, DATA, END, payload } from './client.js';
import type { PublisherResult, RatePublisherSpec } from './protocol.js';

/**
 * Publishes at a fixed rate for the latency scenario. Each payload carries its send time
 * (monotonic ms, float64 LE at offset 1), so it is encoded per message: at 1,000 msg/s that costs
 * nothing measurable. A 1 ms timer sends whatever is due, so late ticks do not lower the rate.
 */
export class RatePublisher extends ConnectionClient {
  private sent = 0;
  private acked = 0;
  private markerDone = false;
  private markerId: number | undefined;
  private readonly inFlight = new Set<number>();
  private nextId = 1;

  constructor(private readonly spec: RatePublisherSpec) {
    super(spec.clientId);
    if (spec.payloadBytes < 9) throw new Error('the latency payload needs at least 9 bytes');
  }

  protected override opened(conn: BenchConnection): void {
    conn.onPacket = (p) => {
      if (p.type === 'pubrec') conn.write(encode({ type: 'pubrel', packetId: p.packetId }, VERSION));
      else if (p.type === (this.spec.qos === 1 ? 'puback' : 'pubcomp') && 'packetId' in p) {
        if (p.packetId === this.markerId) this.markerDone = true;
        else this.acked++;
        this.inFlight.delete(p.packetId);
        if (this.markerDone && this.inFlight.size === 0) this.finished.resolve();
      }
    };
  }

  private allocateId(): number | undefined {
    if (this.spec.qos === 0) return undefined;
    for (let tries = 0; tries < 65535; tries++) {
      const id = this.nextId;
      this.nextId = id === 65535 ? 1 : id + 1;
      if (!this.inFlight.has(id)) {
        this.inFlight.add(id);
        return id;
      }
    }
    throw new Error('all 65,535 packet ids are in flight');
  }

  private send(kind: number): void {
    const body = payload(kind, this.spec.payloadBytes);
    const packetId = this.allocateId();
    if (kind === END) this.markerId = packetId;
    body.writeDoubleLE(monoMs(), 1);
    this.conn?.write(encode({ type: 'publish', topic: this.spec.topic, payload: body, qos: this.spec.qos, retain: false, dup: false, packetId }, VERSION));
  }

  go(): void {
    if (!this.connection()) return;
    const start = monoMs();
    const end = start + this.spec.durationMs;
    const tick = (): void => {
      const now = monoMs();
      const due = Math.min(Math.floor(((now - start) * this.spec.ratePerSecond) / 1000), Math.floor((this.spec.durationMs * this.spec.ratePerSecond) / 1000));
      while (this.sent < due) {
        this.send(DATA);
        this.sent++;
      }
      if (now < end) {
        this.timer = setTimeout(tick, 1);
        return;
      }
      // The end marker goes once every data message is acknowledged.
      if (this.spec.qos === 0) {
        this.send(END);
        this.markerDone = true;
        this.finished.resolve();
      } else {
        this.waitForAcksThenMarker();
      }
    };
    this.timer = setTimeout(tick, 1);
  }

  private waitForAcksThenMarker(): void {
    if (this.inFlight.size > 0) {
      this.timer = setTimeout(() => this.waitForAcksThenMarker(), 1);
      return;
    }
    this.send(END);
  }

  result(): PublisherResult {
    const r: PublisherResult = { role: 'rate-publisher', clientId: this.spec.clientId, sent: this.sent, acked: this.acked, markerDone: this.markerDone };
    if (this.error !== undefined) r.error = this.error;
    return r;
  }

}
