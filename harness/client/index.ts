export { TestClient } from './test-client.js';
export type { TestClientOptions, WaitOptions, AbsenceProof, ClosedBy } from './test-client.js';
export { ExpectationError, TimeoutError, ClientConnectError, ClientUsageError } from './errors.js';
export type { ClientErrorCode, Rule, ExpectationDetail } from './errors.js';
export { matcher, oneOf, mismatch, matches, describePattern } from './match.js';
export type { Matcher, Pattern, PacketPattern } from './match.js';
export { connectorFor } from './transport.js';
export type { ClientEndpoint, Connector } from './transport.js';
export {
  TraceRecorder,
  TRACE_MEDIA_TYPE,
  describePacket,
  formatTrace,
  packetName,
  toTracePacket,
  traceBytes,
  traceHex,
  TRACE_MAX_BYTES,
} from './trace.js';
export type { TraceEntry, TraceEvent, TracePacket, TraceBytes } from './trace.js';
export { filterMatchesTopic } from './topic-filter.js';
