/**
 * Protocol violations are values: handlers return them, and only the dispatcher turns one into
 * a CONNACK return code and/or a closed connection.
 */
export type ViolationCode =
  | 'FIRST_PACKET_NOT_CONNECT'
  | 'SECOND_CONNECT'
  | 'PROTOCOL_NAME'
  | 'PROTOCOL_LEVEL'
  | 'PROTOCOL_V5_UNSUPPORTED'
  | 'CLIENT_ID_REJECTED'
  | 'WILL_TOPIC_INVALID'
  | 'PUBLISH_TOPIC_INVALID'
  | 'UNEXPECTED_PACKET'
  | 'MALFORMED_PACKET'
  | 'BAD_CREDENTIALS'
  | 'NOT_AUTHORIZED'
  // MQTT 5.0 (reference/v5): each has its reason code in the dispatcher's V5_REASON table.
  | 'PROTOCOL_ERROR'
  | 'TOPIC_ALIAS_INVALID'
  | 'RECEIVE_MAXIMUM_EXCEEDED'
  | 'PAYLOAD_FORMAT_INVALID'
  | 'QOS_NOT_SUPPORTED'
  | 'RETAIN_NOT_SUPPORTED'
  | 'BAD_AUTHENTICATION_METHOD'
  | 'PACKET_TOO_LARGE';

export interface ProtocolViolation {
  readonly kind: 'violation';
  readonly code: ViolationCode;
  /** The normative statement broken or applied, e.g. 'MQTT-3.1.0-2'. */
  readonly statement: string;
  readonly detail: string;
}

/** What a handler returns: nothing (all done) or the violation that ends the connection. */
export type HandlerResult = ProtocolViolation | undefined;

export function violation(code: ViolationCode, statement: string, detail: string): ProtocolViolation {
  return { kind: 'violation', code, statement, detail };
}
