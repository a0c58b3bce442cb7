import { randomBytes } from 'node:crypto';
import type { ConnectPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import { topicNameProblem, TOPIC_PROBLEM_STATEMENTS } from '../topic/index.js';
import { violation, type HandlerResult } from '../violation.js';

/**
 * CONNECT, as a list of named steps: protocol, client identifier, will, then acceptance
 * (take-over, session, CONNACK, resend of the session's unfinished deliveries).
 */
export function handleConnect(conn: Connection, packet: ConnectPacket): HandlerResult {
  const problem = checkProtocol(packet) ?? checkClientId(packet) ?? checkWill(packet);
  if (problem) return problem;
  // Credentials and the will's ACL (reference/auth). 'pending': the connection is held while the
  // password is verified off the event loop, and this CONNECT is handled again with the verdict.
  const auth = conn.broker.security.checkConnect(conn, packet);
  if (auth === 'pending') return undefined;
  return auth ?? accept(conn, packet);
}

/** MQTT-3.1.2-1 (name), MQTT-3.1.2-2 (level). 3.1 is 'MQIsdp' level 3, 3.1.1 'MQTT' level 4. */
function checkProtocol(packet: ConnectPacket): HandlerResult {
  const { protocolName: name, protocolVersion: level } = packet;
  if (name !== 'MQTT' && name !== 'MQIsdp') {
    return violation('PROTOCOL_NAME', 'MQTT-3.1.2-1', `protocol name ${JSON.stringify(name)} is not MQTT`);
  }
  if ((name === 'MQTT' && level === 4) || (name === 'MQIsdp' && level === 3)) return undefined;
  if (name === 'MQTT' && level === 5) {
    return violation('PROTOCOL_V5_UNSUPPORTED', 'MQTT-3.1.2-2', 'MQTT 5.0 is not served yet');
  }
  return violation('PROTOCOL_LEVEL', 'MQTT-3.1.2-2', `protocol ${name} level ${String(level)} is not supported`);
}

/** 3.1: 1 to 23 characters. 3.1.1: any length; empty only with CleanSession 1 (MQTT-3.1.3-6, -8). */
function checkClientId(packet: ConnectPacket): HandlerResult {
  const id = packet.clientId;
  if (packet.protocolVersion === 3) {
    if (id.length < 1 || id.length > 23) {
      return violation('CLIENT_ID_REJECTED', 'MQTT-3.1.3-9', `a 3.1 client identifier must have 1 to 23 characters, got ${String(id.length)}`);
    }
    return undefined;
  }
  if (id.length === 0 && !packet.clean) {
    return violation('CLIENT_ID_REJECTED', 'MQTT-3.1.3-8', 'an empty client identifier needs CleanSession 1');
  }
  return undefined;
}

/** The will topic must be a valid topic name (MQTT-3.1.3-10, 4.7.1-1): a CONNECT that breaks 3.1 is closed without CONNACK (MQTT-3.1.4-1). */
function checkWill(packet: ConnectPacket): HandlerResult {
  if (!packet.will) return undefined;
  const problem = topicNameProblem(packet.will.topic);
  if (!problem) return undefined;
  return violation('WILL_TOPIC_INVALID', TOPIC_PROBLEM_STATEMENTS[problem], `will topic ${JSON.stringify(packet.will.topic.slice(0, 100))}: ${problem}`);
}

function assignClientId(conn: Connection): string {
  for (;;) {
    const id = `auto-${randomBytes(8).toString('hex')}`;
    if (!conn.broker.hasClient(id)) return id;
  }
}

function accept(conn: Connection, packet: ConnectPacket): HandlerResult {
  const broker = conn.broker;
  const clientId = packet.clientId.length > 0 ? packet.clientId : assignClientId(conn);
  // MQTT-3.1.4-2: a connection already using this client id is closed (its will is published).
  broker.takeOver(clientId);
  // MQTT-3.1.2-4 / -6, MQTT-3.2.2-1..3.
  const { session, present } = broker.openSession(clientId, packet.clean, packet.protocolVersion);
  conn.activate(clientId, packet.protocolVersion, session, packet.will, packet.keepalive);
  broker.connectionStarted(conn);
  // MQTT-3.2.0-1, MQTT-3.1.4-4. 3.1's CONNACK has no Session Present flag (the byte is reserved).
  conn.send({ type: 'connack', sessionPresent: present && packet.protocolVersion >= 4, reasonCode: 0 });
  broker.log.info('client connected', {
    clientId,
    remote: conn.remote,
    protocolVersion: packet.protocolVersion,
    clean: packet.clean,
    keepAlive: packet.keepalive,
    sessionPresent: present,
  });
  // MQTT-4.4.0-1: unacknowledged PUBLISH (DUP 1) and PUBREL resent in their original order, then the queue.
  broker.resumeSession(conn, session);
  return undefined;
}
