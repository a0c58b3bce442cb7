import type { PubrelPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { HandlerResult } from '../violation.js';

/** PUBREL releases an inbound QoS 2 packet id; always answered with PUBCOMP (MQTT-4.3.3-2). */
export function handlePubrel(conn: Connection, packet: PubrelPacket): HandlerResult {
  const session = conn.session;
  if (session?.inboundQos2.delete(packet.packetId)) {
    conn.broker.sessions.record(session, { kind: 'inbound-qos2-remove', packetId: packet.packetId });
  }
  conn.send({ type: 'pubcomp', packetId: packet.packetId });
  return undefined;
}
