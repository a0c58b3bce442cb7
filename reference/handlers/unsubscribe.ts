import type { UnsubscribePacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { HandlerResult } from '../violation.js';

/**
 * UNSUBSCRIBE: each filter compared literally and removed (MQTT-3.10.4-1, -6); messages already in
 * flight complete (MQTT-3.10.4-3); UNSUBACK always, even when nothing matched (MQTT-3.10.4-4, -5).
 */
export function handleUnsubscribe(conn: Connection, packet: UnsubscribePacket): HandlerResult {
  const session = conn.session;
  if (!session) return undefined;
  for (const filter of packet.topicFilters) conn.broker.unsubscribe(session, filter);
  conn.send({ type: 'unsuback', packetId: packet.packetId });
  return undefined;
}
