export { TestClient, DEFAULT_MAX_PENDING, DEFAULT_MAX_PENDING_BYTES, DEFAULT_MAX_PACKET_SIZE, describePackets } from './test-client.js';
export type { TestClientOptions, WaitOptions, AbsenceProof, ClosedBy, FloodKind } from './test-client.js';
export { ExpectationError, TimeoutError, FloodError, ClientConnectError, ClientUsageError, MESSAGE_TRACE_CHARS, MESSAGE_PART_CHARS } from './errors.js';
export type { ClientErrorCode, Rule, ExpectationDetail, FloodDetail } from './errors.js';
export { matcher, oneOf, mismatch, matches, describePattern } from './match.js';
export type { Matcher, Pattern, PacketPattern } from './match.js';
export { connectorFor, loadWebSocket } from './test-client.js';
export type { ClientEndpoint, Connector } from './test-client.js';
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
  TRACE_MAX_TEXT,
  TRACE_MAX_ITEMS,
  TRACE_HEAD_ENTRIES,
  TRACE_TAIL_ENTRIES,
  clipText,
  fitTrace,
  TRACE_TEXT_LINE_CHARS,
} from './trace.js';
export type { TraceEntry, TraceEvent, TracePacket, TraceBytes, TraceLimits, TraceMeasure } from './trace.js';
export { filterMatchesTopic } from './topic-filter.js';
