import type { PingreqPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { HandlerResult } from '../violation.js';

/** PINGREQ gets PINGRESP (MQTT-3.12.4-1); the packet itself already counted as keep-alive activity. */
export function handlePingreq(conn: Connection, _packet: PingreqPacket): HandlerResult {
  conn.send({ type: 'pingresp' });
  return undefined;
}
