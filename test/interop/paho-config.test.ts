/**
 * The Eclipse Paho interoperability tests against the broker started with the Paho test broker's
 * settings: `mqtt-conformance broker --config test/interop/paho-broker.json` (child process,
 * port 0). That file refuses SUBSCRIBE to `test/nosubscribe` (and `nosubscribe`) with 0x80, lowers
 * a Keep Alive above 60 s to 60 (Server Keep Alive), and announces Topic Alias Maximum 2, Receive
 * Maximum 2 and Maximum Packet Size 256, as paho.mqtt.testing's broker does by default.
 */
import { fileURLToPath } from 'node:url';
import { pahoTestsAgainstCliBroker } from './paho-suites.js';

const CONFIG = fileURLToPath(new URL('./paho-broker.json', import.meta.url));

pahoTestsAgainstCliBroker(['--config', CONFIG], true);
