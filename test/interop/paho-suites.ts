import { afterAll, beforeAll } from 'vitest';
import { startCliBroker, type CliBroker } from './cli-broker.js';
import { pahoV311Tests } from './paho-v311-cases.js';
import { pahoV5Tests } from './paho-v5-cases.js';

/**
 * Registers the reproduced Paho 3.1.1 and 5.0 tests against one CLI broker started with `args`
 * (child process, port 0) for the calling test file. `pahoConfig`: the broker runs with the Paho
 * test broker's settings (test/interop/paho-broker.json), which a few tests assert.
 */
export function pahoTestsAgainstCliBroker(args: readonly string[], pahoConfig: boolean): void {
  let broker: CliBroker | undefined;
  beforeAll(async () => {
    broker = await startCliBroker(args);
  });
  afterAll(async () => {
    await broker?.stop();
  });
  const target = () => {
    if (!broker) throw new Error('CLI broker not started');
    return { port: broker.port, pahoConfig };
  };
  pahoV311Tests(target);
  pahoV5Tests(target);
}
