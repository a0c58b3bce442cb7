import type { DisconnectPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { HandlerResult } from '../violation.js';

/** DISCONNECT: the will is discarded, not published (MQTT-3.14.4-3, MQTT-3.1.2-10), and the connection closed. */
export function handleDisconnect(conn: Connection, _packet: DisconnectPacket): HandlerResult {
  conn.will = undefined;
  conn.close('disconnect');
  return undefined;
}
