import { encode } from '../../harness/codec/index.js';
import { BenchConnection, VERSION } from './connection.js';
import { DATA, deferred, payload, type LoadClient } from './client.js';
import type { PublisherResult, RetainedLoaderSpec } from './protocol.js';

/** The topic of retained message i: two levels below the prefix, 1,000 topics per branch. */
export function retainedTopic(prefix: string, i: number): string {
  return `${prefix}/${Math.floor(i / 1000)}/${i % 1000}`;
}

/**
 * Stores retained messages on distinct topics at QoS 1 with a window of PUBLISHes in flight, and
 * is done when every one is acknowledged (the broker has taken them all before the timed part).
 */
export class RetainedLoader implements LoadClient {
  private conn: BenchConnection | undefined;
  private readonly finished = deferred();
  readonly done = this.finished.promise;
  private sent = 0;
  private acked = 0;
  private error: string | undefined;
  private stopped = false;

  constructor(private readonly spec: RetainedLoaderSpec) {}

  async prepare(host: string, port: number): Promise<void> {
    this.conn = await BenchConnection.open(host, port, this.spec.clientId);
    this.conn.onLost = (why) => {
      this.error ??= why;
      this.finished.resolve();
    };
  }

  go(): void {
    const conn = this.conn;
    if (!conn) {
      this.error = 'not prepared';
      this.finished.resolve();
      return;
    }
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

  stop(): void {
    this.stopped = true;
    this.finished.resolve();
  }

  result(): PublisherResult {
    const r: PublisherResult = { role: 'retained-loader', clientId: this.spec.clientId, sent: this.sent, acked: this.acked, markerDone: this.acked === this.spec.count };
    if (this.error !== undefined) r.error = this.error;
    return r;
  }

  close(): void {
    this.conn?.close();
  }
}
