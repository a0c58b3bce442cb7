import type { ConnectPacket, Packet, Properties, QoS } from '../../harness/codec/index.js';
import type { PublishExtras } from '../routing.js';
import type { CloseReason, Connection } from '../connection.js';

/**
 * The narrow interface through which the broker hands its cluster-relevant moments to the
 * cluster layer (reference/cluster/node.ts). A single-node broker has none, and none of these
 * calls happen: each hook point in the broker is one `cluster !== undefined` test.
 */
export interface ClusterHooks {
  /** A client's PUBLISH, accepted by the checks: appended to the shared log before its acknowledgement leaves. */
  publishFrom(conn: Connection, topic: string, payload: Buffer, qos: QoS, retain: boolean, properties: Properties | undefined): void;
  /** A message the broker publishes itself (a will): appended to the shared log. */
  publish(topic: string, payload: Buffer, qos: QoS, retain: boolean, extras: PublishExtras | undefined): void;
  /** True when the cluster holds `packet` for an asynchronous step first (it is handled again afterwards). */
  holds(conn: Connection, packet: Packet): boolean;
  /**
   * A CONNECT that passed every check: true when `clientId` is owned by this node and its session
   * is loaded. Otherwise the connection is held, and `again` runs the acceptance once they are
   * (with a private copy of the packet), or the CONNECT is refused as Server unavailable.
   */
  admit(conn: Connection, clientId: string, packet: ConnectPacket, again: (packet: ConnectPacket) => void): boolean;
  /** The connection of a session ended: its will, and its session ending or moving to the shared store. */
  connectionEnded(conn: Connection, reason: CloseReason): void;
}
