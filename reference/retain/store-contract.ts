/** The contract every RetainedStore passes; call from the implementation's test file. */
import { describe, expect, it } from 'vitest';
import type { RetainedStore } from './types.js';

export interface RetainedStoreFactory {
  open(): Promise<RetainedStore> | RetainedStore;
  reopen?(store: RetainedStore): Promise<RetainedStore>;
}

export function describeRetainedStoreContract(name: string, factory: RetainedStoreFactory): void {
  describe(`RetainedStore contract: ${name}`, () => {
    it('keeps the last message per topic, deletes, and matches filters with the $ rule', async () => {
      let store = await factory.open();
      const msg = (topic: string, payload: string, qos: 0 | 1 | 2 = 0) => ({ topic, payload: Buffer.from(payload), qos, retain: true });
      store.set(msg('a/b', 'one'));
      store.set(msg('a/b', 'two', 1));
      store.set(msg('a/c', 'three', 2));
      store.set(msg('$SYS/x', 'sys'));
      store.set(msg('gone', 'x'));
      expect(store.delete('gone')).toBe(true);
      expect(store.delete('gone')).toBe(false);
      if (factory.reopen) store = await factory.reopen(store);
      expect(store.size).toBe(3);
      expect(store.get('a/b')?.payload.toString()).toBe('two');
      expect(store.get('a/b')?.qos).toBe(1);
      const hits = (filter: string) => {
        const out: string[] = [];
        store.match(filter, (m) => out.push(m.topic));
        return out.sort();
      };
      expect(hits('#')).toEqual(['a/b', 'a/c']);
      expect(hits('a/+')).toEqual(['a/b', 'a/c']);
      expect(hits('$SYS/#')).toEqual(['$SYS/x']);
      expect(hits('+/x')).toEqual([]);
      expect([...store.values()].length).toBe(3);
      await store.close();
    });
  });
}
