import type { DisconnectPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import { violation, type HandlerResult } from '../violation.js';

/**
 * DISCONNECT: the will is discarded, not published (MQTT-3.14.4-3, MQTT-3.1.2-10), and the connection
 * closed. 5.0: reason code 0x04 publishes the will (§3.14.2.1); a Session Expiry Interval may be
 * changed, except from 0 to non-zero, which is a Protocol Error (MQTT-3.14.2-2).
 */
export function handleDisconnect(conn: Connection, packet: DisconnectPacket): HandlerResult {
  const state = conn.v5;
  const expiry = packet.properties?.sessionExpiryInterval;
  if (state && expiry !== undefined) {
    if (state.sessionExpiry === 0 && expiry !== 0) {
      return violation('PROTOCOL_ERROR', 'MQTT-3.14.2-2', 'DISCONNECT sets a Session Expiry Interval although CONNECT had 0');
    }
    conn.setSessionExpiry(expiry);
  }
  if (state && packet.reasonCode === 0x04) {
    conn.close('disconnect-with-will');
    return undefined;
  }
  conn.discardWill();
  conn.close('disconnect');
  return undefined;
}
