import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeAll, encode, type Packet } from '../harness/codec/index.js';
import { startBroker } from './index.js';
import { connectPacket } from '../test/support/reference/raw-client.js';

/** The broker's end of an in-memory connection: counts the writes the broker makes. */
class CountingStream extends Duplex {
  writeCalls = 0;
  readonly written: Buffer[] = [];
  private waiter: (() => void) | undefined;
  override _read(): void {}
  override _writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void {
    this.writeCalls++;
    this.written.push(Buffer.concat(chunks.map((c) => c.chunk)));
    this.waiter?.();
    cb();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.writeCalls++;
    this.written.push(chunk);
    this.waiter?.();
    cb();
  }
  /** Client to broker. */
  inject(packet: Packet): void {
    this.push(encode(packet, 4));
  }
  packets(): Packet[] {
    return decodeAll(Buffer.concat(this.written), 4);
  }
  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise<void>((r) => (this.waiter = r));
  }
}

describe('writes batched per socket', () => {
  it('all packets produced while handling one input go out in one write (SUBACK and 20 retained messages)', async () => {
    const b = await startBroker({ sysIntervalSeconds: 0 });
    try {
      const pub = new CountingStream();
      b.accept(pub);
      pub.inject(connectPacket('mem-pub'));
      for (let i = 0; i < 20; i++) pub.inject({ type: 'publish', topic: `mem/${String(i)}`, payload: Buffer.from('r'), qos: 0, retain: true, dup: false });
      pub.inject({ type: 'pingreq' });
      await pub.until(() => pub.packets().some((p) => p.type === 'pingresp'));

      const sub = new CountingStream();
      b.accept(sub);
      sub.inject(connectPacket('mem-sub'));
      await sub.until(() => sub.packets().length === 1);
      const before = sub.writeCalls;
      sub.inject({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'mem/#', qos: 0 }] });
      await sub.until(() => sub.packets().length === 22);
      expect(sub.packets()[1]?.type).toBe('suback');
      expect(sub.writeCalls - before).toBe(1);
      sub.destroy();
      pub.destroy();
    } finally {
      await b.close();
    }
  });
});
