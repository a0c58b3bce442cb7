import type { ConnectPacket, Properties } from '../../harness/codec/index.js';
import type { ScramServer } from './scram.js';

/** The largest packet the protocol can express (MQTT 5.0 §2.1.4: 268,435,455 remaining + 5 header bytes). */
export const PROTOCOL_MAX_PACKET = 268_435_460;
/** Session Expiry Interval meaning "never expires" (MQTT 5.0 §3.1.2.11.2). */
export const NEVER_EXPIRES = 0xffff_ffff;

/** What an MQTT 5.0 connection negotiated in CONNECT, and its per-connection state. */
export interface V5State {
  /** The client's Receive Maximum: QoS 1/2 deliveries unacknowledged at once (MQTT-3.3.4-9). Default 65535. */
  receiveMaximum: number;
  /** The client's Maximum Packet Size: larger packets are not sent to it (MQTT-3.1.2-24). */
  maximumPacketSize: number;
  /** The client's Topic Alias Maximum: how many aliases this broker may set toward it (0: none, MQTT-3.3.2-11). */
  topicAliasMaximum: number;
  /** Request Problem Information: false = no Reason String / User Property except on PUBLISH, CONNACK, DISCONNECT (MQTT-3.1.2-29). */
  problemInformation: boolean;
  /** Session Expiry Interval in seconds as it stands now (CONNECT, possibly changed by DISCONNECT). */
  sessionExpiry: number;
  /** Inbound Topic Alias -> topic name mappings; they end with the connection (MQTT-3.3.2-7). */
  readonly inboundAliases: Map<number, string>;
  /** Outbound topic name -> Topic Alias, at most `topicAliasMaximum` of them (MQTT-3.3.2-11), for this connection only. */
  outboundAliases?: Map<string, number>;
  /** Enhanced authentication: the method from CONNECT (§4.12, MQTT-4.12.0-5), and a SCRAM exchange in progress. */
  authMethod?: string;
  auth?: ScramServer;
  /** Set when an AUTH exchange during CONNECT is running (CONNACK not yet sent). */
  authenticating?: boolean;
  /** The CONNECT being authenticated (accepted once the exchange succeeds). */
  pendingConnect?: ConnectPacket;
}

/**
 * What modules other than the connection see of its 5.0 state: read-only; the connection's methods
 * (reference/connection.ts) make every change after the state is attached to it.
 */
export type V5View = Readonly<Omit<V5State, 'inboundAliases' | 'outboundAliases'>> & {
  readonly inboundAliases: ReadonlyMap<number, string>;
  readonly outboundAliases?: ReadonlyMap<string, number>;
};

export function newV5State(props: Properties | undefined): V5State {
  return {
    receiveMaximum: props?.receiveMaximum ?? 65535,
    maximumPacketSize: props?.maximumPacketSize ?? PROTOCOL_MAX_PACKET,
    topicAliasMaximum: props?.topicAliasMaximum ?? 0,
    problemInformation: props?.requestProblemInformation !== 0,
    sessionExpiry: props?.sessionExpiryInterval ?? 0,
    inboundAliases: new Map(),
    authMethod: props?.authenticationMethod,
  };
}

/** A Reason String (and nothing else) for an acknowledgement, only when the client asked for problem information (MQTT-3.1.2-29). */
export function reasonProperties(state: V5View | undefined, reasonString: string | undefined): Properties | undefined {
  if (!state || !state.problemInformation || reasonString === undefined) return undefined;
  return { reasonString };
}
