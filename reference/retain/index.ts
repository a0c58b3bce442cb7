export { MemoryRetainedStore } from './memory-store.js';
export type { RetainedStore } from './types.js';
