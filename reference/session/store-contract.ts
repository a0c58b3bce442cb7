/**
 * The contract every SessionStore implementation passes (memory now, SQLite later):
 * call `describeSessionStoreContract(name, factory)` from the implementation's test file.
 * `reopen`, when given, closes the store and opens it again over the same data (durable stores).
 */
import { describe, expect, it } from 'vitest';
import { ownInboundQos2, ownInflight, ownQueue, ownSubscriptions, type SessionStore, type StoredMessage } from './types.js';

export interface StoreFactory {
  open(): Promise<SessionStore> | SessionStore;
  reopen?(store: SessionStore): Promise<SessionStore>;
}

const message = (topic: string, qos: 0 | 1 | 2): StoredMessage => ({ topic, payload: Buffer.from(topic), qos, retain: false });

export function describeSessionStoreContract(name: string, factory: StoreFactory): void {
  describe(`SessionStore contract: ${name}`, () => {
    it('creates, finds, counts, lists and deletes sessions', async () => {
      const store = await factory.open();
      expect(store.get('a')).toBeUndefined();
      const a = store.create('a', false, 4);
      store.create('b', true, 3);
      expect(store.get('a')).toBe(a);
      expect(a.nextPacketId).toBeGreaterThan(0);
      expect(store.size).toBe(2);
      expect([...store.values()].map((s) => s.clientId).sort()).toEqual(['a', 'b']);
      store.delete('a');
      expect(store.get('a')).toBeUndefined();
      expect(store.size).toBe(1);
      await store.close();
    });

    it('create replaces an existing session with an empty one', async () => {
      const store = await factory.open();
      const s = store.create('a', false, 4);
      ownSubscriptions(s).set('t', { qos: 1 });
      store.record(s, { kind: 'subscribe', filter: 't', grant: { qos: 1 } });
      const fresh = store.create('a', false, 4);
      expect(fresh.subscriptions.size).toBe(0);
      expect(store.size).toBe(1);
      await store.close();
    });

    it('keeps subscriptions, queue, in-flight state and inbound QoS 2 ids in order', async () => {
      let store = await factory.open();
      const s = store.create('p', false, 4);
      ownSubscriptions(s).set('a/#', { qos: 2 });
      store.record(s, { kind: 'subscribe', filter: 'a/#', grant: { qos: 2 } });
      for (const [id, topic] of [[7, 'a/1'], [3, 'a/2']] as const) {
        const entry = { packetId: id, message: message(topic, 2), qos: 2 as const, state: 'publish' as const };
        ownInflight(s).set(id, entry);
        store.record(s, { kind: 'inflight-add', entry });
      }
      s.inflight.get(7)!.state = 'pubrel';
      store.record(s, { kind: 'inflight-pubrel', packetId: 7 });
      for (const topic of ['a/3', 'a/4']) {
        const entry = { message: message(topic, 1), qos: 1 as const };
        ownQueue(s).push(entry);
        store.record(s, { kind: 'enqueue', entry });
      }
      ownQueue(s).shift();
      store.record(s, { kind: 'dequeue' });
      ownInboundQos2(s).add(9);
      store.record(s, { kind: 'inbound-qos2-add', packetId: 9 });
      if (factory.reopen) store = await factory.reopen(store);
      const back = store.get('p');
      expect(back?.clean).toBe(false);
      expect([...(back?.subscriptions ?? [])]).toEqual([['a/#', { qos: 2 }]]);
      expect([...(back?.inflight.values() ?? [])].map((e) => [e.packetId, e.message.topic, e.state])).toEqual([
        [7, 'a/1', 'pubrel'],
        [3, 'a/2', 'publish'],
      ]);
      expect([...(back?.queue ?? [])].map((e) => e.message.topic)).toEqual(['a/4']);
      expect([...(back?.inboundQos2 ?? [])]).toEqual([9]);
      await store.close();
    });
  });
}
