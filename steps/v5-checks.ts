/** MQTT 5.0 checks over everything a connection received: packet sizes, problem information, waits on time. */
import { Then, When } from './support/cucumber.js';
import { describePacket } from '../harness/client/index.js';
import type { MqttWorld } from './support/world.js';

/** Byte size of a traced packet: the spaced hex plus the bytes the trace left out. */
function tracedSize(hex: string): number {
  const cut = /\.\.\. \(\+(\d+) bytes\)$/.exec(hex);
  const shown = hex.replace(/\s*\.\.\. \(\+\d+ bytes\)$/, '').trim();
  return (shown === '' ? 0 : shown.split(/\s+/).length) + (cut ? Number(cut[1]) : 0);
}

/**
 * No packet the server sent to the client exceeds the Maximum Packet Size it declared
 * [MQTT-3.1.2-24]; a Reason String or User Property that would not fit must be left out
 * (MQTT-3.2.2-19/20, 3.4.2-2/3, 3.5.2-2/3, 3.6.2-2/3, 3.7.2-2/3, 3.9.2-1/2, 3.11.2-1/2, 3.14.2-3/4).
 */
Then('no packet the server sent to {client} is larger than {int} bytes', function (this: MqttWorld, name: string, max: number) {
  for (const e of this.trace.entries) {
    if (e.client !== name || e.dir !== 'in' || e.hex === undefined || e.error !== undefined) continue;
    const size = tracedSize(e.hex);
    if (size > max) {
      const type = e.packet?.type ?? 'packet';
      this.fail(this.statements, `every packet to "${name}" at most ${max} bytes (its Maximum Packet Size)`, `a ${type.toUpperCase()} of ${size} bytes: ${e.hex.slice(0, 200)}`);
    }
  }
});

/**
 * With Request Problem Information 0, a Reason String or User Property may only be on CONNACK,
 * DISCONNECT or PUBLISH [MQTT-3.1.2-29].
 */
Then('no packet the server sent to {client} other than CONNACK, DISCONNECT and PUBLISH has a Reason String or User Property', function (this: MqttWorld, name: string) {
  for (const c of this.connections.filter((x) => x.name === name)) {
    for (const p of c.received) {
      if (p.type === 'connack' || p.type === 'disconnect' || p.type === 'publish') continue;
      const props = 'properties' in p ? p.properties : undefined;
      if (props?.reasonString !== undefined || (props?.userProperties?.length ?? 0) > 0) {
        this.fail(['MQTT-3.1.2-29'], 'no Reason String or User Property (the client set Request Problem Information 0)', describePacket(p));
      }
    }
  }
});

/** Only for rules about time itself (expiry intervals, will delay): no event can prove them earlier. */
When('{float} seconds have passed', async function (this: MqttWorld, seconds: number) {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
});
