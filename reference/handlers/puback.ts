import type { PubackPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { AckContext } from '../context.js';
import type { HandlerResult } from '../violation.js';

/** PUBACK completes an outgoing QoS 1 delivery and frees its packet id and in-flight slot (5.0: whatever its reason code, MQTT-4.4.0-2). */
export function handlePuback(ctx: AckContext, conn: Connection, packet: PubackPacket): HandlerResult {
  const session = conn.session;
  const entry = session?.inflight.get(packet.packetId);
  if (!session || !entry || entry.qos !== 1) {
    ctx.log.debug('PUBACK for no QoS 1 message in flight: ignored', { clientId: conn.label, packetId: packet.packetId });
    return undefined;
  }
  ctx.delivery.complete(conn, session, packet.packetId);
  return undefined;
}
