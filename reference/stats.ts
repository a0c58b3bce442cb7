/** Broker-wide counters; the `$SYS` publisher and `RunningBroker.stats()` read them. */
export interface Counters {
  bytesReceived: number;
  bytesSent: number;
  /** Control packets of any type. */
  packetsReceived: number;
  packetsSent: number;
  publishReceived: number;
  publishSent: number;
  /** Messages dropped: queue full, QoS 0 to a congested or offline client without QoS 0 queueing. */
  publishDropped: number;
  /** Publishes into `$SYS` by clients, acknowledged and discarded. */
  publishDenied: number;
  /** Connections closed on arrival because maxConnections were open. */
  connectionsRejected: number;
  /** Times a connection's input was paused for exceeding maxInboundBytesPerSecond. */
  inboundThrottled: number;
  /** Subscriptions refused by the ACL (SUBACK 0x80). */
  subscribeDenied: number;
  connectionsAccepted: number;
  connectionsRefused: number;
  connectTimeouts: number;
  keepAliveTimeouts: number;
  malformedPackets: number;
  protocolViolations: number;
  takeovers: number;
  willsPublished: number;
  clientsMaximum: number;
}

export function newCounters(): Counters {
  return {
    bytesReceived: 0,
    bytesSent: 0,
    packetsReceived: 0,
    packetsSent: 0,
    publishReceived: 0,
    publishSent: 0,
    publishDropped: 0,
    publishDenied: 0,
    subscribeDenied: 0,
    connectionsRejected: 0,
    inboundThrottled: 0,
    connectionsAccepted: 0,
    connectionsRefused: 0,
    connectTimeouts: 0,
    keepAliveTimeouts: 0,
    malformedPackets: 0,
    protocolViolations: 0,
    takeovers: 0,
    willsPublished: 0,
    clientsMaximum: 0,
  };
}

/** A point-in-time view: the counters plus gauges computed from broker state. */
export interface StatsSnapshot extends Counters {
  clientsConnected: number;
  /** Persistent sessions whose client is not connected. */
  clientsDisconnected: number;
  clientsTotal: number;
  retainedCount: number;
  subscriptionsCount: number;
  uptimeSeconds: number;
}
