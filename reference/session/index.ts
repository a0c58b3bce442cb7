export { MemorySessionStore } from './memory-store.js';
export { allocatePacketId } from './packet-ids.js';
export {
  MessageQueue,
  newSessionState,
  ownInboundQos2,
  ownInflight,
  ownQueue,
  ownSubscriptions,
  queuedSize,
  SharedEmptyWriteError,
  type ReadonlyMessageQueue,
  type DeliveryExtras,
  type InflightMessage,
  type QueuedMessage,
  type SessionChange,
  type SessionState,
  type SessionStore,
  type StoredMessage,
  type SubscriptionGrant,
} from './types.js';
