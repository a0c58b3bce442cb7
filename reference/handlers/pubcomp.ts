import type { PubcompPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { AckContext } from '../context.js';
import type { HandlerResult } from '../violation.js';

/** PUBCOMP completes an outgoing QoS 2 delivery whose PUBREL was sent. */
export function handlePubcomp(ctx: AckContext, conn: Connection, packet: PubcompPacket): HandlerResult {
  const session = conn.session;
  const entry = session?.inflight.get(packet.packetId);
  if (!session || !entry || entry.qos !== 2 || entry.state !== 'pubrel') {
    ctx.log.debug('PUBCOMP for no released QoS 2 message: ignored', { clientId: conn.label, packetId: packet.packetId });
    return undefined;
  }
  ctx.delivery.complete(conn, session, packet.packetId);
  return undefined;
}
