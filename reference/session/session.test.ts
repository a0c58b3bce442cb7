import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocatePacketId } from '../delivery.js';
import { MemorySessionStore, MessageQueue, newSessionState, ownInboundQos2, ownInflight, ownQueue, ownSubscriptions, SharedEmptyWriteError, type SessionState } from './index.js';
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
            ownInflight(s).set(id as number, { packetId: id as number, qos: 1, state: 'publish', message: { topic: 't', payload: Buffer.alloc(0), qos: 1, retain: false } });
          } else {
            const first = s.inflight.keys().next().value as number;
            ownInflight(s).delete(first);
          }
        }
      }),
    );
  });

  it('reports exhaustion rather than reusing an id', () => {
    const s = new MemorySessionStore().create('c', true, 4);
    for (let i = 1; i <= 65535; i++) ownInflight(s).set(i, { packetId: i, qos: 1, state: 'publish', message: { topic: 't', payload: Buffer.alloc(0), qos: 1, retain: false } });
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

describe('the shared empty collections of idle sessions', () => {
  const message = { topic: 't', payload: Buffer.alloc(0), qos: 1 as const, retain: false };
  const writers: [string, (s: SessionState) => void][] = [
    ['subscriptions', (s) => ownSubscriptions(s).set('a/#', { qos: 1 })],
    ['inflight', (s) => ownInflight(s).set(1, { packetId: 1, qos: 1, state: 'publish', message })],
    ['queue', (s) => ownQueue(s).push({ message, qos: 1 })],
    ['inbound QoS 2 ids', (s) => ownInboundQos2(s).add(7)],
  ];

  it.each(writers)('a write to one session\'s %s is never seen by another session', (_name, write) => {
    const a = newSessionState('a', true, 4);
    const b = newSessionState('b', true, 4);
    write(a);
    const sizes = (s: SessionState) => [s.subscriptions.size, s.inflight.size, s.queue.length, s.inboundQos2.size];
    expect(sizes(a).reduce((x, y) => x + y)).toBe(1);
    expect(sizes(b)).toEqual([0, 0, 0, 0]);
    expect(sizes(newSessionState('c', false, 5))).toEqual([0, 0, 0, 0]);
  });

  it('throw a typed error when written without being owned first (a cast past the read-only types)', () => {
    const s = newSessionState('a', true, 4);
    const errors = [
      () => (s.subscriptions as Map<string, { qos: 0 }>).set('x', { qos: 0 }),
      () => (s.inflight as Map<number, never>).set(1, undefined as never),
      () => (s.queue as MessageQueue).push({ message, qos: 1 }),
      () => (s.inboundQos2 as Set<number>).add(1),
    ].map((write) => {
      try {
        write();
        return undefined;
      } catch (e) {
        return e;
      }
    });
    for (const e of errors) expect(e).toBeInstanceOf(SharedEmptyWriteError);
    expect(newSessionState('b', true, 4).subscriptions.size).toBe(0);
  });

  it('a session given collections of its own keeps them (the same objects on later writes)', () => {
    const s = newSessionState('a', true, 4);
    const own = ownSubscriptions(s);
    expect(ownSubscriptions(s)).toBe(own);
    expect(s.subscriptions).toBe(own);
  });
});
