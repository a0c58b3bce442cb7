/**
 * The Eclipse Paho interoperability tests against the broker started with the Paho test broker's
 * settings: `mqtt-conformance broker --config reference/interop/paho-broker.json` (child process,
 * port 0). That file refuses SUBSCRIBE to `test/nosubscribe` (and `nosubscribe`) with 0x80, lowers
 * a Keep Alive above 60 s to 60 (Server Keep Alive), and announces Topic Alias Maximum 2, Receive
 * Maximum 2 and Maximum Packet Size 256, as paho.mqtt.testing's broker does by default.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { startCliBroker, type CliBroker } from './cli-broker.js';
import { pahoV311Tests } from './paho-v311-cases.js';
import { pahoV5Tests } from './paho-v5-cases.js';

const CONFIG = fileURLToPath(new URL('./paho-broker.json', import.meta.url));

let broker: CliBroker | undefined;
beforeAll(async () => {
  broker = await startCliBroker(['--config', CONFIG]);
});
afterAll(async () => {
  await broker?.stop();
});
const target = () => {
  if (!broker) throw new Error('CLI broker not started');
  return { port: broker.port, pahoConfig: true };
};

pahoV311Tests(target);
pahoV5Tests(target);
