import type { Broker } from './broker.js';

export const BROKER_VERSION = 'mqtt-conformance reference broker 0.1.0';

/** The `$SYS` topics and their values, from one stats snapshot. */
export function sysTopics(broker: Broker): [topic: string, value: string][] {
  const s = broker.stats();
  return [
    ['$SYS/broker/version', BROKER_VERSION],
    ['$SYS/broker/time', new Date().toISOString()],
    ['$SYS/broker/uptime', `${String(s.uptimeSeconds)} seconds`],
    ['$SYS/broker/load/bytes/received', String(s.bytesReceived)],
    ['$SYS/broker/load/bytes/sent', String(s.bytesSent)],
    ['$SYS/broker/bytes/received', String(s.bytesReceived)],
    ['$SYS/broker/bytes/sent', String(s.bytesSent)],
    ['$SYS/broker/clients/connected', String(s.clientsConnected)],
    ['$SYS/broker/clients/disconnected', String(s.clientsDisconnected)],
    ['$SYS/broker/clients/maximum', String(s.clientsMaximum)],
    ['$SYS/broker/clients/total', String(s.clientsTotal)],
    ['$SYS/broker/messages/received', String(s.packetsReceived)],
    ['$SYS/broker/messages/sent', String(s.packetsSent)],
    ['$SYS/broker/messages/publish/dropped', String(s.publishDropped)],
    ['$SYS/broker/messages/publish/received', String(s.publishReceived)],
    ['$SYS/broker/messages/publish/sent', String(s.publishSent)],
    ['$SYS/broker/messages/retained/count', String(s.retainedCount)],
    ['$SYS/broker/subscriptions/count', String(s.subscriptionsCount)],
    ['$SYS/broker/connections/refused', String(s.connectionsRefused)],
    ['$SYS/broker/connections/malformed', String(s.malformedPackets)],
    ['$SYS/broker/connections/protocol-violations', String(s.protocolViolations)],
    ['$SYS/broker/connections/keepalive-timeouts', String(s.keepAliveTimeouts)],
    ['$SYS/broker/connections/connect-timeouts', String(s.connectTimeouts)],
    ['$SYS/broker/connections/rejected', String(s.connectionsRejected)],
    ['$SYS/broker/connections/throttled', String(s.inboundThrottled)],
    ['$SYS/broker/messages/publish/denied', String(s.publishDenied)],
    ['$SYS/broker/subscriptions/denied', String(s.subscribeDenied)],
  ];
}

/** Publishes every `$SYS` topic now (retained, QoS 0). */
export function publishSys(broker: Broker): void {
  for (const [topic, value] of sysTopics(broker)) broker.publish(topic, Buffer.from(value), 0, true);
}

/** Publishes `$SYS` now and every `intervalSeconds` (cluster mode: also the `$SYS/cluster/...` totals); returns the stop function. */
export function startSys(broker: Broker, intervalSeconds: number, clusterTopics?: () => Promise<[string, string][]>): () => void {
  if (intervalSeconds <= 0) return () => undefined;
  const publishAll = (): void => {
    publishSys(broker);
    clusterTopics?.().then(
      (topics) => {
        for (const [topic, value] of topics) broker.publish(topic, Buffer.from(value), 0, true);
      },
      () => undefined,
    );
  };
  publishAll();
  const timer = setInterval(publishAll, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
