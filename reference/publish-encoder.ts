import { encode, type ProtocolVersion, type QoS } from '../harness/codec/index.js';
import type { StoredMessage } from './session/index.js';

/**
 * Encodes one message for all its subscribers: once per QoS (3.1 and 3.1.1 encode PUBLISH alike),
 * then for QoS 1/2 a copy with the subscriber's packet identifier written in place. In a 3.1/3.1.1
 * PUBLISH the packet identifier is the two bytes right before the payload.
 */
export class PublishEncoder {
  private readonly templates: [Buffer | undefined, Buffer | undefined, Buffer | undefined] = [undefined, undefined, undefined];

  constructor(readonly message: StoredMessage) {}

  bytes(version: ProtocolVersion, qos: QoS, packetId: number | undefined, dup: boolean): Buffer {
    const m = this.message;
    if (version === 5 || dup) {
      return encode({ type: 'publish', topic: m.topic, payload: m.payload, qos, retain: m.retain, dup, packetId: qos > 0 ? packetId : undefined }, version);
    }
    let template = this.templates[qos];
    if (!template) {
      template = encode({ type: 'publish', topic: m.topic, payload: m.payload, qos, retain: m.retain, dup: false, packetId: qos > 0 ? 1 : undefined }, 4);
      this.templates[qos] = template;
    }
    if (qos === 0) return template;
    const out = Buffer.allocUnsafe(template.length);
    template.copy(out);
    out.writeUInt16BE(packetId ?? 1, template.length - m.payload.length - 2);
    return out;
  }
}
