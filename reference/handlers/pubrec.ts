import type { PubrecPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { AckContext } from '../context.js';
import type { HandlerResult } from '../violation.js';

/** PUBREC for an outgoing QoS 2 message: it is now owned by the receiver; answer PUBREL (MQTT-4.3.3-1). */
export function handlePubrec(ctx: AckContext, conn: Connection, packet: PubrecPacket): HandlerResult {
  const session = conn.session;
  const entry = session?.inflight.get(packet.packetId);
  if (!session || !entry || entry.qos !== 2) {
    ctx.log.debug('PUBREC for no QoS 2 message in flight: ignored', { clientId: conn.label, packetId: packet.packetId });
    return undefined;
  }
  // 5.0: a PUBREC with a failure reason code (>= 0x80) ends the delivery; no PUBREL follows (MQTT-4.3.3-4) and it is not re-sent (MQTT-4.4.0-2).
  if ((packet.reasonCode ?? 0) >= 0x80) {
    ctx.delivery.complete(conn, session, packet.packetId);
    return undefined;
  }
  ctx.delivery.released(session, packet.packetId);
  conn.send({ type: 'pubrel', packetId: packet.packetId });
  return undefined;
}
