import type { QoS, SubscribePacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { SubscribeContext } from '../context.js';
import type { SubscriptionGrant } from '../session/index.js';
import { topicFilterProblem } from '../topic/index.js';
import { parseSharedFilter, reasonProperties } from '../v5/index.js';
import { violation, type HandlerResult } from '../violation.js';

/** Failure return code in SUBACK (MQTT-3.9.3-2). */
export const SUBACK_FAILURE = 0x80;
/** 5.0 SUBACK reason codes. */
const TOPIC_FILTER_INVALID = 0x8f;
const NOT_AUTHORIZED = 0x87;

/**
 * SUBSCRIBE: each filter in order, as if alone (MQTT-3.8.4-4); an invalid filter gets 0x80 (5.0:
 * 0x8F) and the rest are still processed; one SUBACK with a code per filter in order (MQTT-3.8.4-1,
 * -5, 3.9.3-1); then the retained messages of every accepted filter (MQTT-3.3.1-6, re-sent on a
 * repeat, MQTT-3.8.4-3). 5.0: the Subscription Identifier (MQTT-3.3.4-3), No Local (not on a
 * shared subscription, MQTT-3.8.3-4), Retain As Published, Retain Handling 0/1/2 (MQTT-3.3.1-9..-11),
 * shared subscriptions get no retained messages (MQTT 5.0 §4.8.2), QoS granted up to Maximum QoS.
 */
export function handleSubscribe(ctx: SubscribeContext, conn: Connection, packet: SubscribePacket): HandlerResult {
  const session = conn.session;
  if (!session) return undefined;
  const v5 = conn.version === 5;
  const subscriptionId = v5 ? packet.properties?.subscriptionIdentifiers?.[0] : undefined;
  const reasonCodes: number[] = [];
  const accepted: { filter: string; qos: QoS }[] = [];
  for (const sub of packet.subscriptions) {
    const shared = v5 ? parseSharedFilter(sub.topicFilter) : undefined;
    const inner = shared && shared !== 'invalid' ? shared.filter : sub.topicFilter;
    const problem = shared === 'invalid' ? 'invalid share name' : topicFilterProblem(inner);
    if (problem) {
      ctx.log.debug('invalid topic filter refused', { clientId: conn.label, filter: sub.topicFilter.slice(0, 100), problem });
      reasonCodes.push(v5 ? TOPIC_FILTER_INVALID : SUBACK_FAILURE);
      continue;
    }
    if (shared && sub.noLocal === true) {
      return violation('PROTOCOL_ERROR', 'MQTT-3.8.3-4', `No Local on the shared subscription ${JSON.stringify(sub.topicFilter.slice(0, 100))}`);
    }
    if (ctx.options.refuseSubscribe.has(sub.topicFilter)) {
      // Configured refusal (option refuseSubscribe): the failure code of MQTT-3.9.3-2 / 5.0 Unspecified error.
      ctx.counters.subscribeDenied++;
      ctx.log.debug('subscription refused by configuration', { clientId: conn.label, filter: sub.topicFilter.slice(0, 100) });
      reasonCodes.push(SUBACK_FAILURE);
      continue;
    }
    if (!ctx.security.canSubscribe(conn, conn.clientId ?? '', inner)) {
      // The ACL (reference/auth) does not let this client read every topic of the filter.
      ctx.counters.subscribeDenied++;
      ctx.log.debug('subscription not authorised', { clientId: conn.label, filter: sub.topicFilter.slice(0, 100) });
      reasonCodes.push(v5 ? NOT_AUTHORIZED : SUBACK_FAILURE);
      continue;
    }
    const qos = v5 && sub.qos > ctx.options.maximumQoS ? ctx.options.maximumQoS : sub.qos;
    const grant: SubscriptionGrant = { qos };
    if (v5) {
      if (sub.noLocal === true) grant.noLocal = true;
      if (sub.retainAsPublished === true) grant.retainAsPublished = true;
      if (sub.retainHandling !== undefined && sub.retainHandling !== 0) grant.retainHandling = sub.retainHandling;
      if (subscriptionId !== undefined) grant.subscriptionId = subscriptionId;
    }
    const existed = session.subscriptions.has(sub.topicFilter);
    ctx.routing.subscribe(session, sub.topicFilter, grant);
    reasonCodes.push(qos);
    const handling = sub.retainHandling ?? 0;
    if (!shared && (handling === 0 || (handling === 1 && !existed))) accepted.push({ filter: sub.topicFilter, qos });
  }
  conn.send({ type: 'suback', packetId: packet.packetId, reasonCodes, properties: v5 ? reasonProperties(conn.v5, undefined) : undefined }); // MQTT-3.8.4-2
  for (const { filter, qos } of accepted) ctx.routing.sendRetained(session, filter, qos, subscriptionId);
  return undefined;
}
