import { randomBytes } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { mqttJsOptions } from '../../../harness/targets/probe.js';
import type { Endpoint } from '../../../harness/targets/types.js';

/**
 * Proves a broker answers on `endpoint`: one MQTT.js client subscribes, publishes at QoS 1 and
 * receives its own message back. Resolves with the payload received.
 */
export async function roundTrip(endpoint: Endpoint, version: 3 | 4 | 5 = 4): Promise<string> {
  const url = endpoint.protocol === 'ws' || endpoint.protocol === 'wss' ? `${endpoint.url}` : `${endpoint.protocol}://${endpoint.host}:${endpoint.port}`;
  const client = await connectAsync(url, mqttJsOptions(endpoint, version, 2000));
  try {
    const topic = `targets-test/${randomBytes(4).toString('hex')}`;
    const payload = `hello ${randomBytes(4).toString('hex')}`;
    const received = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message back on ${topic} within 2000 ms`)), 2000);
      client.on('message', (t, p) => {
        if (t !== topic) return;
        clearTimeout(timer);
        resolve(p.toString());
      });
    });
    await client.subscribeAsync(topic, { qos: 1 });
    await client.publishAsync(topic, payload, { qos: 1 });
    const got = await received;
    if (got !== payload) throw new Error(`expected ${payload}, received ${got}`);
    return got;
  } finally {
    await client.endAsync(true);
  }
}
