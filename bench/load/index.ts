/** The load generator: worker processes and the raw MQTT clients they run. */
export { WorkerPool, type Assignment } from './pool.js';
export { DATA, END } from './client.js';
export type {
  ClientSpec,
  ClientResult,
  IdleResult,
  IdleSpec,
  PublisherResult,
  PublisherSpec,
  RatePublisherSpec,
  RetainedLoaderSpec,
  SubscriberResult,
  SubscriberSpec,
  WorkerResult,
} from './protocol.js';
