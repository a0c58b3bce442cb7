import type { AuthPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { ConnectContext } from '../context.js';
import { ScramServer } from '../v5/index.js';
import { violation, type HandlerResult } from '../violation.js';
import { accept } from './connect.js';

const CONTINUE = 0x18;
const REAUTHENTICATE = 0x19;

/**
 * MQTT 5.0 AUTH (§3.15, §4.12): the client's step of a SCRAM-SHA-256 exchange started by CONNECT
 * (success: CONNACK 0x00 with the server-final data; failure: CONNACK 0x86), or a
 * re-authentication (0x19) on an accepted connection (success: AUTH 0x00; failure: DISCONNECT 0x87).
 * AUTH without an Authentication Method in CONNECT, or with another method, is a Protocol Error
 * (MQTT-4.12.0-7, MQTT-4.12.1-1).
 */
export function handleAuth(ctx: ConnectContext, conn: Connection, packet: AuthPacket): HandlerResult {
  const state = conn.v5;
  const method = packet.properties?.authenticationMethod;
  const reasonCode = packet.reasonCode ?? 0;
  if (!state || state.authMethod === undefined) {
    return violation('PROTOCOL_ERROR', 'MQTT-4.12.0-7', 'AUTH although the CONNECT had no Authentication Method');
  }
  if (method !== state.authMethod) {
    return violation('PROTOCOL_ERROR', 'MQTT-4.12.1-1', `AUTH with Authentication Method ${JSON.stringify(method)}, not the CONNECT's ${JSON.stringify(state.authMethod)}`);
  }
  const data = packet.properties?.authenticationData;
  if (reasonCode === REAUTHENTICATE) {
    if (state.authenticating || conn.state !== 'active' || state.auth) {
      return violation('PROTOCOL_ERROR', 'MQTT-4.12.1-1', 'AUTH 0x19 while an authentication exchange is running');
    }
    const scram = new ScramServer((user) => ctx.auth.scram.get(user), ctx.auth.scramSecret);
    try {
      const serverFirst = scram.first(data);
      conn.setAuthExchange(scram);
      conn.send({ type: 'auth', reasonCode: CONTINUE, properties: { authenticationMethod: method, authenticationData: serverFirst } }, 5);
      return undefined;
    } catch (error) {
      return violation('BAD_CREDENTIALS', 'MQTT-4.12.1-2', `re-authentication refused: ${(error as Error).message}`);
    }
  }
  if (reasonCode !== CONTINUE || !state.auth) {
    return violation('PROTOCOL_ERROR', 'MQTT-4.12.0-2', `AUTH with reason code 0x${reasonCode.toString(16)} out of an exchange`);
  }
  const scram = state.auth;
  if (!scram.started) {
    // The client-first message in AUTH (the CONNECT carried no Authentication Data).
    try {
      const serverFirst = scram.first(data);
      conn.send({ type: 'auth', reasonCode: CONTINUE, properties: { authenticationMethod: method, authenticationData: serverFirst } }, 5);
      return undefined;
    } catch (error) {
      return violation('BAD_CREDENTIALS', 'MQTT-4.12.0-4', `authentication failed: ${(error as Error).message}`);
    }
  }
  conn.setAuthExchange(undefined);
  let serverFinal: Buffer;
  try {
    serverFinal = scram.final(data);
  } catch (error) {
    ctx.log.info('enhanced authentication failed', { clientId: conn.label, user: scram.username, reason: (error as Error).message });
    return violation('BAD_CREDENTIALS', 'MQTT-4.12.0-4', `authentication failed: ${(error as Error).message}`);
  }
  const authProps = { authenticationMethod: method, authenticationData: serverFinal };
  if (state.authenticating) {
    const pending = state.pendingConnect;
    if (!pending) return violation('PROTOCOL_ERROR', 'MQTT-4.12.0-2', 'no CONNECT awaiting authentication');
    ctx.log.info('enhanced authentication succeeded', { clientId: pending.clientId, user: scram.username });
    // The ACL (reference/acl) judges the client as its SCRAM user; a will it may not write is refused (0x87).
    return ctx.security.admitAuthenticated(conn, pending, scram.username ?? '') ?? accept(ctx, conn, pending, authProps);
  }
  // Re-authentication succeeded (MQTT-4.12.1-2): AUTH 0x00 with the server-final message.
  conn.send({ type: 'auth', reasonCode: 0, properties: authProps }, 5);
  return undefined;
}
