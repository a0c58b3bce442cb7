/**
 * The Eclipse Paho interoperability tests against the broker as the README starts it with default
 * options: `mqtt-conformance broker` (the package's CLI) in a child process, port 0.
 */
import { afterAll, beforeAll } from 'vitest';
import { startCliBroker, type CliBroker } from './cli-broker.js';
import { pahoV311Tests } from './paho-v311-cases.js';
import { pahoV5Tests } from './paho-v5-cases.js';

let broker: CliBroker | undefined;
beforeAll(async () => {
  broker = await startCliBroker();
});
afterAll(async () => {
  await broker?.stop();
});
const target = () => {
  if (!broker) throw new Error('CLI broker not started');
  return { port: broker.port, pahoConfig: false };
};

pahoV311Tests(target);
pahoV5Tests(target);
