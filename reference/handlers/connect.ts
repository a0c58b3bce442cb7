import { randomBytes } from 'node:crypto';
import type { ConnectPacket, Properties } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { ConnectContext } from '../context.js';
import { topicNameProblem, TOPIC_PROBLEM_STATEMENTS } from '../topic/index.js';
import { violation, type HandlerResult } from '../violation.js';
import { isValidUtf8, type ScramError, ScramServer, newV5State, PROTOCOL_MAX_PACKET } from '../v5/index.js';

/**
 * CONNECT, as a list of named steps: protocol, client identifier, will, then acceptance
 * (take-over, session, CONNACK, resend of the session's unfinished deliveries).
 */
export function handleConnect(ctx: ConnectContext, conn: Connection, packet: ConnectPacket): HandlerResult {
  const problem = checkProtocol(packet) ?? checkClientId(packet) ?? checkWill(packet) ?? checkV5(ctx, packet);
  if (problem) return problem;
  if (packet.protocolVersion === 5 && packet.properties?.authenticationMethod !== undefined) {
    return startEnhancedAuth(ctx, conn, packet);
  }
  // Credentials and the will's ACL (reference/auth). 'pending': the connection is held while the
  // password is verified off the event loop, and this CONNECT is handled again with the verdict.
  const auth = ctx.security.checkConnect(conn, packet);
  if (auth === 'pending') return undefined;
  return auth ?? accept(ctx, conn, packet);
}

/** MQTT-3.1.2-1 (name), MQTT-3.1.2-2 (level). 3.1 is 'MQIsdp' level 3, 3.1.1 'MQTT' level 4. */
function checkProtocol(packet: ConnectPacket): HandlerResult {
  const { protocolName: name, protocolVersion: level } = packet;
  if (name !== 'MQTT' && name !== 'MQIsdp') {
    return violation('PROTOCOL_NAME', 'MQTT-3.1.2-1', `protocol name ${JSON.stringify(name)} is not MQTT`);
  }
  if ((name === 'MQTT' && (level === 4 || level === 5)) || (name === 'MQIsdp' && level === 3)) return undefined;
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
  // 5.0: an empty client identifier is assigned one whatever Clean Start says (MQTT-3.1.3-6, -7).
  if (id.length === 0 && !packet.clean && packet.protocolVersion !== 5) {
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

/**
 * MQTT 5.0 checks of a CONNECT: the will against Maximum QoS / Retain Available (MQTT-3.2.2-12,
 * -13) and its Payload Format Indicator (0x99); Authentication Data needs a method (§3.1.2.11.10).
 */
function checkV5(ctx: ConnectContext, packet: ConnectPacket): HandlerResult {
  if (packet.protocolVersion !== 5) return undefined;
  const options = ctx.options;
  const will = packet.will;
  if (will) {
    if (will.qos > options.maximumQoS) return violation('QOS_NOT_SUPPORTED', 'MQTT-3.2.2-12', `will QoS ${String(will.qos)} above the Maximum QoS ${String(options.maximumQoS)}`);
    if (will.retain && !options.retainAvailable) return violation('RETAIN_NOT_SUPPORTED', 'MQTT-3.2.2-13', 'will retain without retain available');
    if (will.properties?.payloadFormatIndicator === 1 && !isValidUtf8(will.payload)) {
      return violation('PAYLOAD_FORMAT_INVALID', '5.0 §3.1.3.2.3', 'will payload is not UTF-8 although its Payload Format Indicator is 1');
    }
  }
  const props = packet.properties;
  if (props?.authenticationData !== undefined && props.authenticationMethod === undefined) {
    return violation('PROTOCOL_ERROR', '5.0 §3.1.2.11.10', 'Authentication Data without an Authentication Method');
  }
  return undefined;
}

/**
 * MQTT 5.0 enhanced authentication (§4.12): SCRAM-SHA-256 answers the client-first message with
 * AUTH 0x18 and waits for the client-final message (handlers/auth.ts); an unknown method is
 * CONNACK 0x8C Bad authentication method.
 */
function startEnhancedAuth(ctx: ConnectContext, conn: Connection, packet: ConnectPacket): HandlerResult {
  const auth = ctx.auth;
  const method = packet.properties?.authenticationMethod ?? '';
  if (!auth.supportsAuthMethod(method)) {
    return violation('BAD_AUTHENTICATION_METHOD', 'MQTT-4.12.0-1', `authentication method ${JSON.stringify(method.slice(0, 100))} is not supported: CONNACK 0x8C`);
  }
  const state = newV5State(packet.properties);
  const scram = new ScramServer((user) => auth.scram.get(user), auth.scramSecret);
  const clientFirst = packet.properties?.authenticationData;
  let serverFirst: Buffer | undefined;
  // Without Authentication Data the client-first message comes in the client's first AUTH 0x18.
  if (clientFirst !== undefined) {
    try {
      serverFirst = scram.first(clientFirst);
    } catch (error) {
      return violation('BAD_CREDENTIALS', 'MQTT-4.12.0-4', (error as ScramError).message);
    }
  }
  state.auth = scram;
  state.authenticating = true;
  // Keep our own copy: the decoder's buffers may be reused while the exchange runs.
  state.pendingConnect = {
    ...packet,
    password: packet.password ? Buffer.from(packet.password) : undefined,
    will: packet.will ? { ...packet.will, payload: Buffer.from(packet.will.payload) } : undefined,
  };
  conn.attachV5(state);
  if (serverFirst) conn.send({ type: 'auth', reasonCode: 0x18, properties: { authenticationMethod: method, authenticationData: serverFirst } }, 5);
  return undefined;
}

function assignClientId(ctx: ConnectContext): string {
  for (;;) {
    const id = `auto-${randomBytes(8).toString('hex')}`;
    if (!ctx.lifecycle.hasClient(id)) return id;
  }
}

/** Accepts a CONNECT (after its checks and, in 5.0, its authentication exchange). `authProps`: the final AUTH data for CONNACK. */
export function accept(ctx: ConnectContext, conn: Connection, packet: ConnectPacket, authProps?: Properties, assignedId?: string): HandlerResult {
  const options = ctx.options;
  const v5 = packet.protocolVersion === 5;
  const assigned = packet.clientId.length === 0;
  const clientId = assigned ? (assignedId ?? assignClientId(ctx)) : packet.clientId;
  // Cluster mode: the client id must be owned here (taken over from another node) and its session loaded first.
  const cluster = ctx.cluster;
  if (cluster !== undefined && !cluster.admit(conn, clientId, packet, (copy) => accept(ctx, conn, copy, authProps, clientId))) return undefined;
  // MQTT-3.1.4-2: a connection already using this client id is closed (its will is published).
  ctx.lifecycle.takeOver(clientId);
  let keepAlive = packet.keepalive;
  let connack: Properties | undefined;
  if (v5) {
    if (!conn.v5) conn.attachV5(newV5State(packet.properties));
    conn.connectAccepted();
    const requested = packet.properties?.sessionExpiryInterval ?? 0;
    const max = options.maxSessionExpiryInterval;
    const sessionExpiry = max !== undefined && requested > max ? max : requested;
    conn.setSessionExpiry(sessionExpiry);
    if (options.serverKeepAlive !== undefined) keepAlive = options.serverKeepAlive;
    else if (options.maxKeepAlive !== undefined && (keepAlive === 0 || keepAlive > options.maxKeepAlive)) keepAlive = options.maxKeepAlive;
    // 5.0 §3.2.2.3 CONNACK properties: what this server allows (absent ones take their defaults).
    connack = {
      receiveMaximum: options.receiveMaximum,
      topicAliasMaximum: options.topicAliasMaximum,
      retainAvailable: options.retainAvailable ? 1 : 0,
      wildcardSubscriptionAvailable: 1,
      subscriptionIdentifierAvailable: 1,
      sharedSubscriptionAvailable: 1,
      ...(options.maximumQoS < 2 ? { maximumQoS: options.maximumQoS as 0 | 1 } : {}),
      ...(options.maxPacketSize < PROTOCOL_MAX_PACKET ? { maximumPacketSize: options.maxPacketSize } : {}),
      ...(assigned ? { assignedClientIdentifier: clientId } : {}), // MQTT-3.2.2-16
      ...(options.serverKeepAlive !== undefined || keepAlive !== packet.keepalive ? { serverKeepAlive: keepAlive } : {}), // MQTT-3.2.2-21
      ...(sessionExpiry !== requested ? { sessionExpiryInterval: sessionExpiry } : {}),
      // Request Response Information 1: a topic prefix for this client's responses (§4.10; only then, MQTT-3.1.2-28).
      ...(packet.properties?.requestResponseInformation === 1 && !/[+#]/.test(clientId) ? { responseInformation: `response/${clientId}` } : {}),
      ...authProps,
    };
  }
  // MQTT-3.1.2-4 / -6, MQTT-3.2.2-1..3; 5.0: Clean Start and Session Expiry Interval (MQTT-3.1.2-4..-5, 3.1.2-23).
  const { session, present } = ctx.lifecycle.openSession(clientId, packet.clean, packet.protocolVersion, v5 ? conn.v5?.sessionExpiry : undefined);
  conn.activate(clientId, packet.protocolVersion, session, packet.will, keepAlive);
  ctx.lifecycle.connectionStarted(conn);
  // MQTT-3.2.0-1, MQTT-3.1.4-4. 3.1's CONNACK has no Session Present flag (the byte is reserved).
  conn.send({ type: 'connack', sessionPresent: present && packet.protocolVersion >= 4, reasonCode: 0, ...(connack ? { properties: connack } : {}) });
  // Guarded: reading the peer address makes Node cache an address object on every socket (memory per idle connection).
  if (ctx.log.enabled('info')) {
    ctx.log.info('client connected', {
      clientId,
      remote: conn.remote,
      protocolVersion: packet.protocolVersion,
      clean: packet.clean,
      keepAlive: packet.keepalive,
      sessionPresent: present,
    });
  }
  // MQTT-4.4.0-1: unacknowledged PUBLISH (DUP 1) and PUBREL resent in their original order, then the queue.
  ctx.delivery.resume(conn, session);
  return undefined;
}
