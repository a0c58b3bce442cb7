import { TopicTrie } from '../topic/index.js';
import type { StoredMessage } from '../session/index.js';
import type { RetainedStore } from './types.js';

export class MemoryRetainedStore implements RetainedStore {
  private readonly trie = new TopicTrie<StoredMessage>();

  set(message: StoredMessage): void {
    this.trie.set(message.topic, message);
  }
  delete(topic: string): boolean {
    return this.trie.delete(topic);
  }
  get(topic: string): StoredMessage | undefined {
    return this.trie.get(topic);
  }
  match(filter: string, visit: (message: StoredMessage) => void): void {
    this.trie.match(filter, visit);
  }
  get size(): number {
    return this.trie.size;
  }
  values(): IterableIterator<StoredMessage> {
    return this.trie.values();
  }
  async close(): Promise<void> {
    // Nothing held outside memory.
  }
}
