import type { Properties } from '../../harness/codec/index.js';
import type { StoredMessage } from '../session/index.js';

/**
 * The properties of a PUBLISH (or a will) that travel with the application message to every
 * subscriber unaltered (MQTT-3.3.2-4, -15, -16, -17, -18, -19, 3.3.2.3.7): Payload Format
 * Indicator, Content Type, Response Topic, Correlation Data, User Properties in their order.
 * Topic Alias and Subscription Identifiers are per connection; Message Expiry is recomputed.
 * Buffers are copied: decoded ones may be views into a socket chunk.
 */
export function forwardedProperties(props: Properties | undefined): Properties | undefined {
  if (!props) return undefined;
  const out: Properties = {};
  let any = false;
  if (props.payloadFormatIndicator !== undefined) { out.payloadFormatIndicator = props.payloadFormatIndicator; any = true; }
  if (props.contentType !== undefined) { out.contentType = props.contentType; any = true; }
  if (props.responseTopic !== undefined) { out.responseTopic = props.responseTopic; any = true; }
  if (props.correlationData !== undefined) { out.correlationData = Buffer.from(props.correlationData); any = true; }
  if (props.userProperties !== undefined) { out.userProperties = props.userProperties.map(([k, v]) => [k, v] as const); any = true; }
  return any ? out : undefined;
}

/** Epoch ms at which a message published now with `props` expires; undefined when it does not (MQTT-3.3.2-5). */
export function expiresAt(props: Properties | undefined, now = Date.now()): number | undefined {
  const seconds = props?.messageExpiryInterval;
  return seconds === undefined ? undefined : now + seconds * 1000;
}

/** True once the message's expiry interval has passed: it is no longer delivered (MQTT-3.3.2-5). */
export function isExpired(message: StoredMessage, now = Date.now()): boolean {
  return message.expiresAt !== undefined && message.expiresAt <= now;
}

/** Strict UTF-8 check for Payload Format Indicator 1 (5.0 §3.3.2.3.2). */
export function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
