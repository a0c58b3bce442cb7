import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocatePacketId, MemorySessionStore, MessageQueue } from './index.js';
import { describeSessionStoreContract } from './store-contract.js';

describeSessionStoreContract('memory', { open: () => new MemorySessionStore() });

describe('packet identifiers', () => {
  it('are never 0 and never one in flight, across wrap-around', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }), fc.integer({ min: 65000, max: 65535 }), (ops, start) => {
        const store = new MemorySessionStore();
        const s = store.create('c', true, 4);
        s.nextPacketId = start;
        for (const add of ops) {
          if (add || s.inflight.size === 0) {
            const id = allocatePacketId(s);
            expect(id).toBeGreaterThan(0);
            expect(id).toBeLessThanOrEqual(65535);
            expect(s.inflight.has(id as number)).toBe(false);
            s.inflight.set(id as number, { packetId: id as number, qos: 1, state: 'publish', message: { topic: 't', payload: Buffer.alloc(0), qos: 1, retain: false } });
          } else {
            const first = s.inflight.keys().next().value as number;
            s.inflight.delete(first);
          }
        }
      }),
    );
  });

  it('reports exhaustion rather than reusing an id', () => {
    const s = new MemorySessionStore().create('c', true, 4);
    for (let i = 1; i <= 65535; i++) s.inflight.set(i, { packetId: i, qos: 1, state: 'publish', message: { topic: 't', payload: Buffer.alloc(0), qos: 1, retain: false } });
    expect(allocatePacketId(s)).toBeUndefined();
  });
});

describe('MessageQueue', () => {
  it('is first in, first out under any interleaving', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(), fc.constant(-1)), { maxLength: 3000 }), (ops) => {
        const q = new MessageQueue();
        const model: number[] = [];
        for (const op of ops) {
          if (op >= 0) {
            q.push({ qos: 0, message: { topic: String(op), payload: Buffer.alloc(0), qos: 0, retain: false } });
            model.push(op);
          } else {
            expect(q.shift()?.message.topic).toBe(model.shift()?.toString());
          }
          expect(q.length).toBe(model.length);
        }
        expect([...q].map((e) => e.message.topic)).toEqual(model.map(String));
      }),
      { numRuns: 50 },
    );
  });
});
