export { ClusterNode, type ClusterOptions } from './node.js';
export { ClusterError } from './errors.js';
export { ClusterSessionStore } from './session-store.js';
export type { ClusterHooks } from './hooks.js';
