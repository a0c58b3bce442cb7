import { isValidReasonCode, type DecodeError, type Packet, type ProtocolVersion } from '../harness/codec/index.js';
import type { Connection } from './connection.js';
import type { BrokerContext, ViolationContext } from './context.js';
import { handleAuth } from './handlers/auth.js';
import { handleConnect } from './handlers/connect.js';
import { handleDisconnect } from './handlers/disconnect.js';
import { handlePingreq } from './handlers/pingreq.js';
import { handlePuback } from './handlers/puback.js';
import { handlePubcomp } from './handlers/pubcomp.js';
import { handlePublish } from './handlers/publish.js';
import { handlePubrec } from './handlers/pubrec.js';
import { handlePubrel } from './handlers/pubrel.js';
import { handleServerToClient } from './handlers/server-to-client.js';
import { handleSubscribe } from './handlers/subscribe.js';
import { handleUnsubscribe } from './handlers/unsubscribe.js';
import { violation, type HandlerResult, type ProtocolViolation, type ViolationCode } from './violation.js';

/**
 * The one place a violation becomes a CONNACK return code (only before the connection is
 * accepted) and the close that follows it. Violations not listed close without a CONNACK.
 */
const CONNACK_FOR: Partial<Record<ViolationCode, { returnCode: number; version: ProtocolVersion }>> = {
  PROTOCOL_LEVEL: { returnCode: 0x01, version: 4 }, // MQTT-3.1.2-2
  CLIENT_ID_REJECTED: { returnCode: 0x02, version: 4 }, // MQTT-3.1.3-8, MQTT-3.1.3-9
  BAD_CREDENTIALS: { returnCode: 0x04, version: 4 }, // bad user name or password (reference/auth)
  NOT_AUTHORIZED: { returnCode: 0x05, version: 4 }, // not authorised (reference/auth)
};

/**
 * MQTT 5.0: the reason code of each violation, sent in CONNACK before the connection is accepted
 * (MQTT-3.2.2-6, -7) and in DISCONNECT after (MQTT-4.13.1-1), then the close. A first packet that
 * is not CONNECT is closed without any packet (MQTT-3.1.0-1: the server does not know the version).
 */
const V5_REASON: Record<ViolationCode, number | undefined> = {
  FIRST_PACKET_NOT_CONNECT: undefined,
  SECOND_CONNECT: 0x82, // Protocol Error
  PROTOCOL_NAME: 0x84,
  PROTOCOL_LEVEL: 0x84,
  PROTOCOL_V5_UNSUPPORTED: 0x84,
  CLIENT_ID_REJECTED: 0x85, // Client Identifier not valid
  WILL_TOPIC_INVALID: 0x90, // Topic Name invalid
  PUBLISH_TOPIC_INVALID: 0x90,
  UNEXPECTED_PACKET: 0x82,
  MALFORMED_PACKET: 0x81,
  BAD_CREDENTIALS: 0x86, // Bad User Name or Password
  NOT_AUTHORIZED: 0x87,
  PROTOCOL_ERROR: 0x82,
  TOPIC_ALIAS_INVALID: 0x94,
  RECEIVE_MAXIMUM_EXCEEDED: 0x93,
  PAYLOAD_FORMAT_INVALID: 0x99,
  QOS_NOT_SUPPORTED: 0x9b,
  RETAIN_NOT_SUPPORTED: 0x9a,
  BAD_AUTHENTICATION_METHOD: 0x8c,
  PACKET_TOO_LARGE: 0x95,
};

/** MQTT 5.0: the DISCONNECT reason for a packet the codec refused on an accepted connection. */
function v5DecodeReason(error: DecodeError): number {
  switch (error.code) {
    case 'DECODE_PACKET_TOO_LARGE':
      return 0x95; // Packet too large (the server's Maximum Packet Size, MQTT-3.2.2-15)
    case 'DECODE_PROPERTY_DUPLICATE':
      return 0x82; // a property more than once is a Protocol Error (§2.2.2.2)
    case 'DECODE_PROPERTY_VALUE':
      return /Topic Alias/i.test(error.message) ? 0x94 : 0x82;
    default:
      return 0x81; // Malformed Packet
  }
}

/** Routes one decoded packet: CONNECT first and exactly once, then one handler per packet type. */
export function dispatch(ctx: BrokerContext, conn: Connection, packet: Packet): void {
  const result = conn.state === 'awaiting-connect' ? first(ctx, conn, packet) : route(ctx, conn, packet);
  if (result) applyViolation(ctx, conn, result);
}

function first(ctx: BrokerContext, conn: Connection, packet: Packet): HandlerResult {
  if (conn.v5?.authenticating) {
    // MQTT 5.0 enhanced authentication in progress: only AUTH (or DISCONNECT) may follow the CONNECT (MQTT-3.1.2-30).
    if (packet.type === 'auth') return handleAuth(ctx, conn, packet);
    if (packet.type === 'disconnect') {
      conn.close('disconnect');
      return undefined;
    }
    return violation('PROTOCOL_ERROR', 'MQTT-3.1.2-30', `${packet.type.toUpperCase()} during the authentication exchange`);
  }
  if (packet.type !== 'connect') {
    return violation('FIRST_PACKET_NOT_CONNECT', 'MQTT-3.1.0-1', `first packet was ${packet.type.toUpperCase()}, not CONNECT`);
  }
  conn.beginConnect(packet.protocolVersion); // refusals are encoded in the CONNECT's version
  return handleConnect(ctx, conn, packet);
}

function route(ctx: BrokerContext, conn: Connection, packet: Packet): HandlerResult {
  switch (packet.type) {
    case 'connect':
      return violation('SECOND_CONNECT', 'MQTT-3.1.0-2', 'a second CONNECT on an established connection');
    case 'publish':
      return handlePublish(ctx, conn, packet);
    case 'puback':
      return handlePuback(ctx, conn, packet);
    case 'pubrec':
      return handlePubrec(ctx, conn, packet);
    case 'pubrel':
      return handlePubrel(ctx, conn, packet);
    case 'pubcomp':
      return handlePubcomp(ctx, conn, packet);
    case 'subscribe':
      return handleSubscribe(ctx, conn, packet);
    case 'unsubscribe':
      return handleUnsubscribe(ctx, conn, packet);
    case 'pingreq':
      return handlePingreq(conn, packet);
    case 'disconnect':
      return handleDisconnect(conn, packet);
    case 'connack':
    case 'suback':
    case 'unsuback':
    case 'pingresp':
      return handleServerToClient(conn, packet);
    case 'auth':
      return conn.version === 5 ? handleAuth(ctx, conn, packet) : handleServerToClient(conn, packet);
    default:
      return assertNever(packet);
  }
}

function assertNever(packet: never): never {
  throw new Error(`unhandled packet ${JSON.stringify(packet)}`);
}

/** A malformed packet (the codec's DecodeError) ends this connection only, with its will. */
export function dispatchDecodeError(ctx: ViolationContext, conn: Connection, error: DecodeError): void {
  ctx.counters.malformedPackets++;
  if (conn.state === 'awaiting-connect' && error.code === 'DECODE_PROTOCOL_VERSION') {
    // A CONNECT for a protocol level we do not speak: return code 1, then close (MQTT-3.1.2-2).
    applyViolation(ctx, conn, violation('PROTOCOL_LEVEL', 'MQTT-3.1.2-2', error.message));
    return;
  }
  const active = conn.state === 'active';
  ctx.log.warn('malformed packet: closing the connection', {
    clientId: conn.label,
    code: error.code,
    packetType: error.packetType,
    offset: error.offset,
    statement: error.statement,
    reason: error.message,
  });
  // 5.0: DISCONNECT 0x81 Malformed Packet (or 0x82, 0x94, 0x95) before the close (MQTT-4.13.1-1).
  if (active && conn.version === 5) conn.disconnect(v5DecodeReason(error), 'malformed-packet', Array.from(`${error.code}: ${error.message}`).slice(0, 200).join(''));
  else conn.close('malformed-packet');
}

function applyViolation(ctx: ViolationContext, conn: Connection, v: ProtocolViolation): void {
  if (conn.version === 5) {
    applyV5Violation(ctx, conn, v);
    return;
  }
  const connack = conn.state === 'awaiting-connect' ? CONNACK_FOR[v.code] : undefined;
  if (connack) {
    ctx.counters.connectionsRefused++;
    ctx.log.info('CONNECT refused', { clientId: conn.label, code: v.code, statement: v.statement, returnCode: connack.returnCode, reason: v.detail });
    // A refusal has Session Present 0 (MQTT-3.2.2-4) and is followed by the close (MQTT-3.2.2-5).
    conn.send({ type: 'connack', sessionPresent: false, reasonCode: connack.returnCode }, connack.version);
    conn.close('connect-refused');
    return;
  }
  ctx.counters.protocolViolations++;
  ctx.log.warn('protocol violation: closing the connection', { clientId: conn.label, code: v.code, statement: v.statement, reason: v.detail });
  conn.close('protocol-violation');
}


/** MQTT 5.0: CONNACK with the reason code before acceptance, DISCONNECT with it after; then the close. */
function applyV5Violation(ctx: ViolationContext, conn: Connection, v: ProtocolViolation): void {
  const code = V5_REASON[v.code];
  const packetType = conn.state === 'awaiting-connect' ? 'connack' : 'disconnect';
  // A code the packet cannot carry: credentials refused after CONNACK (re-authentication) are 0x87 Not authorized; else 0x82.
  const reasonCode = code === undefined || isValidReasonCode(packetType, code) ? code : code === 0x86 ? 0x87 : 0x82;
  if (conn.state === 'awaiting-connect') {
    ctx.counters.connectionsRefused++;
    ctx.log.info('CONNECT refused', { clientId: conn.label, code: v.code, statement: v.statement, reasonCode, reason: v.detail });
    // MQTT-3.2.2-6: a refusal has Session Present 0 and is followed by the close (MQTT-3.2.2-7).
    if (reasonCode !== undefined) conn.send({ type: 'connack', sessionPresent: false, reasonCode, properties: { reasonString: reasonText(v) } }, 5);
    conn.close('connect-refused');
    return;
  }
  ctx.counters.protocolViolations++;
  ctx.log.warn('protocol violation: closing the connection', { clientId: conn.label, code: v.code, statement: v.statement, reasonCode, reason: v.detail });
  conn.disconnect(reasonCode ?? 0x82, v.code === 'MALFORMED_PACKET' ? 'malformed-packet' : 'protocol-violation', reasonText(v));
}

/**
 * The Reason String of a refusal or server DISCONNECT: the statement and what was wrong, at most 200
 * code points. CONNACK and DISCONNECT may carry it whatever Request Problem Information says
 * (MQTT-3.1.2-29); one that would break the client's Maximum Packet Size is left out (Connection.send).
 */
function reasonText(v: ProtocolViolation): string {
  return Array.from(`[${v.statement}] ${v.detail}`).slice(0, 200).join('');
}
