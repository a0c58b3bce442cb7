import { encode } from '../../harness/codec/index.js';
import { VERSION } from './connection.js';
import { ConnectionClient, DATA, payload } from './client.js';
import type { PublisherResult, RetainedLoaderSpec } from './protocol.js';

/** The topic of retained message i: two levels below the prefix, 1,000 topics per branch. */
export function retainedTopic(prefix: string, i: number): string {
  return `${prefix}/${Math.floor(i / 1000)}/${i % 1000}`;
}

/**
 * Stores retained messages on distinct topics at QoS 1 with a window of PUBLISHes in flight, and
 * is done when every one is acknowledged (the broker has taken them all before the timed part).
 */
export class RetainedLoader extends ConnectionClient {
  private sent = 0;
  private acked = 0;
  private stopped = false;

  constructor(private readonly spec: RetainedLoaderSpec) {
    super(spec.clientId);
  }

  go(): void {
    const conn = this.connection();
    if (!conn) return;
    const { count, from, topicPrefix, window } = this.spec;
    if (count === 0) return this.finished.resolve();
    const body = payload(DATA, this.spec.payloadBytes);
    const sendNext = (packetId: number): void => {
      const i = from + this.sent;
      this.sent++;
      conn.write(encode({ type: 'publish', topic: retainedTopic(topicPrefix, i), payload: body, qos: 1, retain: true, dup: false, packetId }, VERSION));
    };
    conn.onPacket = (p) => {
      if (p.type !== 'puback') return;
      this.acked++;
      if (this.acked === count) this.finished.resolve();
      else if (this.sent < count && !this.stopped) sendNext(p.packetId);
    };
    conn.socket.cork();
    for (let id = 1; id <= Math.min(window, count); id++) sendNext(id);
    conn.socket.uncork();
  }

  override stop(): void {
    this.stopped = true;
    super.stop();
  }

  result(): PublisherResult {
    const r: PublisherResult = { role: 'retained-loader', clientId: this.spec.clientId, sent: this.sent, acked: this.acked, markerDone: this.acked === this.spec.count };
    if (this.error !== undefined) r.error = this.error;
    return r;
  }

}
