import type { AuthPacket, ConnackPacket, PingrespPacket, SubackPacket, UnsubackPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import { violation, type HandlerResult } from '../violation.js';

/** CONNACK, SUBACK, UNSUBACK and PINGRESP only travel server to client; AUTH is 5.0 only. A client sending one breaks the protocol (MQTT-4.8.0-1). */
export function handleServerToClient(
  _conn: Connection,
  packet: ConnackPacket | SubackPacket | UnsubackPacket | PingrespPacket | AuthPacket,
): HandlerResult {
  return violation('UNEXPECTED_PACKET', 'MQTT-4.8.0-1', `a client may not send ${packet.type.toUpperCase()}`);
}
