import type { StoredMessage } from '../session/index.js';

/** The retained messages, one per topic (MQTT-3.3.1-5). Not part of any session (MQTT-3.1.2-7). */
export interface RetainedStore {
  /** Stores `message` as the retained message of its topic (its payload is never empty). */
  set(message: StoredMessage): void;
  /** Removes the retained message of `topic`; true when there was one. */
  delete(topic: string): boolean;
  get(topic: string): StoredMessage | undefined;
  /** Visits every retained message whose topic matches the (valid) `filter`, honouring the '$' rule. */
  match(filter: string, visit: (message: StoredMessage) => void): void;
  readonly size: number;
  values(): IterableIterator<StoredMessage>;
  close(): Promise<void>;
}
