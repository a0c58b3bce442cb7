import type { PubrelPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { AckContext } from '../context.js';
import { ownInboundQos2 } from '../session/index.js';
import type { HandlerResult } from '../violation.js';

/** PUBREL releases an inbound QoS 2 packet id; always answered with PUBCOMP (MQTT-4.3.3-2); 5.0: 0x92 for an id not held. */
export function handlePubrel(ctx: AckContext, conn: Connection, packet: PubrelPacket): HandlerResult {
  const session = conn.session;
  if (session?.inboundQos2.has(packet.packetId)) {
    ownInboundQos2(session).delete(packet.packetId);
    ctx.sessions.record(session, { kind: 'inbound-qos2-remove', packetId: packet.packetId });
    conn.send({ type: 'pubcomp', packetId: packet.packetId });
    return undefined;
  }
  if (conn.version === 5) conn.send({ type: 'pubcomp', packetId: packet.packetId, reasonCode: 0x92 }); // Packet Identifier not found
  else conn.send({ type: 'pubcomp', packetId: packet.packetId });
  return undefined;
}
