import { type DecodeError, type Packet, type ProtocolVersion } from '../harness/codec/index.js';
import type { Connection } from './connection.js';
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
  PROTOCOL_V5_UNSUPPORTED: { returnCode: 0x84, version: 5 }, // 5.0: Unsupported Protocol Version
  BAD_CREDENTIALS: { returnCode: 0x04, version: 4 }, // bad user name or password (reference/auth)
  NOT_AUTHORIZED: { returnCode: 0x05, version: 4 }, // not authorised (reference/auth)
};

/** Routes one decoded packet: CONNECT first and exactly once, then one handler per packet type. */
export function dispatch(conn: Connection, packet: Packet): void {
  const result = conn.state === 'awaiting-connect' ? first(conn, packet) : route(conn, packet);
  if (result) applyViolation(conn, result);
}

function first(conn: Connection, packet: Packet): HandlerResult {
  if (packet.type !== 'connect') {
    return violation('FIRST_PACKET_NOT_CONNECT', 'MQTT-3.1.0-1', `first packet was ${packet.type.toUpperCase()}, not CONNECT`);
  }
  return handleConnect(conn, packet);
}

function route(conn: Connection, packet: Packet): HandlerResult {
  switch (packet.type) {
    case 'connect':
      return violation('SECOND_CONNECT', 'MQTT-3.1.0-2', 'a second CONNECT on an established connection');
    case 'publish':
      return handlePublish(conn, packet);
    case 'puback':
      return handlePuback(conn, packet);
    case 'pubrec':
      return handlePubrec(conn, packet);
    case 'pubrel':
      return handlePubrel(conn, packet);
    case 'pubcomp':
      return handlePubcomp(conn, packet);
    case 'subscribe':
      return handleSubscribe(conn, packet);
    case 'unsubscribe':
      return handleUnsubscribe(conn, packet);
    case 'pingreq':
      return handlePingreq(conn, packet);
    case 'disconnect':
      return handleDisconnect(conn, packet);
    case 'connack':
    case 'suback':
    case 'unsuback':
    case 'pingresp':
    case 'auth':
      return handleServerToClient(conn, packet);
    default:
      return assertNever(packet);
  }
}

function assertNever(packet: never): never {
  throw new Error(`unhandled packet ${JSON.stringify(packet)}`);
}

/** A malformed packet (the codec's DecodeError) ends this connection only, with its will. */
export function dispatchDecodeError(conn: Connection, error: DecodeError): void {
  conn.broker.counters.malformedPackets++;
  if (conn.state === 'awaiting-connect' && error.code === 'DECODE_PROTOCOL_VERSION') {
    // A CONNECT for a protocol level we do not speak: return code 1, then close (MQTT-3.1.2-2).
    applyViolation(conn, violation('PROTOCOL_LEVEL', 'MQTT-3.1.2-2', error.message));
    return;
  }
  conn.broker.log.warn('malformed packet: closing the connection', {
    clientId: conn.label,
    code: error.code,
    packetType: error.packetType,
    offset: error.offset,
    statement: error.statement,
    reason: error.message,
  });
  conn.close('malformed-packet');
}

function applyViolation(conn: Connection, v: ProtocolViolation): void {
  const broker = conn.broker;
  const connack = conn.state === 'awaiting-connect' ? CONNACK_FOR[v.code] : undefined;
  if (connack) {
    broker.counters.connectionsRefused++;
    broker.log.info('CONNECT refused', { clientId: conn.label, code: v.code, statement: v.statement, returnCode: connack.returnCode, reason: v.detail });
    // A refusal has Session Present 0 (MQTT-3.2.2-4) and is followed by the close (MQTT-3.2.2-5).
    conn.send({ type: 'connack', sessionPresent: false, reasonCode: connack.returnCode }, connack.version);
    conn.close('connect-refused');
    return;
  }
  broker.counters.protocolViolations++;
  broker.log.warn('protocol violation: closing the connection', { clientId: conn.label, code: v.code, statement: v.statement, reason: v.detail });
  conn.close('protocol-violation');
}

