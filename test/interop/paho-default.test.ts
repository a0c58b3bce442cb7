/**
 * The Eclipse Paho interoperability tests against the broker as the README starts it with default
 * options: `mqtt-conformance broker` (the package's CLI) in a child process, port 0.
 */
import { pahoTestsAgainstCliBroker } from './paho-suites.js';

pahoTestsAgainstCliBroker([], false);
