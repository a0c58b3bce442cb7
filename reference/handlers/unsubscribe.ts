import type { UnsubscribePacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { SubscribeContext } from '../context.js';
import type { HandlerResult } from '../violation.js';

/**
 * UNSUBSCRIBE: each filter compared literally and removed (MQTT-3.10.4-1, -6); messages already in
 * flight complete (MQTT-3.10.4-3); UNSUBACK always, even when nothing matched (MQTT-3.10.4-4, -5).
 * 5.0: one reason code per filter in order, 0x00 removed or 0x11 No subscription existed (MQTT-3.11.3-1, -2).
 */
export function handleUnsubscribe(ctx: SubscribeContext, conn: Connection, packet: UnsubscribePacket): HandlerResult {
  const session = conn.session;
  if (!session) return undefined;
  const reasonCodes = packet.topicFilters.map((filter) => (ctx.routing.unsubscribe(session, filter) ? 0x00 : 0x11));
  if (conn.version === 5) conn.send({ type: 'unsuback', packetId: packet.packetId, reasonCodes });
  else conn.send({ type: 'unsuback', packetId: packet.packetId });
  return undefined;
}
