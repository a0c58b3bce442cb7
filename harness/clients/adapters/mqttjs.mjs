#!/usr/bin/env node
// Adapter for MQTT.js (npm "mqtt"): reads JSON-line instructions on stdin, drives one MQTT.js
// client against HOST PORT and prints what happens as JSON lines on stdout (protocol:
// harness/clients/adapters/README.md). Plain JavaScript so it runs without a TypeScript loader.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const [host, port] = process.argv.slice(2);
if (host === undefined || port === undefined) {
  process.stderr.write('usage: mqttjs.mjs HOST PORT\n');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const mqtt = require('mqtt');
const emit = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
emit({ event: 'hello', library: 'MQTT.js', version: require('mqtt/package.json').version });

let client;
// Instructions after "connect" wait for the first CONNACK, so that every adapter (the Mosquitto
// programs connect only to publish or subscribe) sees the same order: CONNECT, then the operations.
let pending = [];

function connect(c) {
  const options = {
    host,
    port: Number(port),
    protocol: 'mqtt',
    protocolVersion: c.version,
    clientId: c.clientId,
    clean: c.clean,
    keepalive: c.keepalive,
    reconnectPeriod: c.reconnect ? 100 : 0,
    connectTimeout: 10_000,
    resubscribe: false,
  };
  if (c.username !== undefined) options.username = c.username;
  if (c.password !== undefined) options.password = c.password;
  if (c.will) options.will = { topic: c.will.topic, payload: Buffer.from(c.will.payload), qos: c.will.qos, retain: c.will.retain };
  if (c.version === 5) {
    const p = {};
    if (c.sessionExpiry !== undefined) p.sessionExpiryInterval = c.sessionExpiry;
    if (c.receiveMaximum !== undefined) p.receiveMaximum = c.receiveMaximum;
    if (c.maximumPacketSize !== undefined) p.maximumPacketSize = c.maximumPacketSize;
    if (c.topicAliasMaximum !== undefined) p.topicAliasMaximum = c.topicAliasMaximum;
    if (c.authMethod !== undefined) p.authenticationMethod = c.authMethod;
    options.properties = p;
  }
  client = mqtt.connect(options);
  if (c.authMethod !== undefined) {
    // Enhanced authentication: answer every AUTH challenge with "Continue authentication".
    client.handleAuth = (packet, callback) => {
      emit({ event: 'auth', reasonCode: packet.reasonCode });
      callback(null, { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: c.authMethod, authenticationData: Buffer.from('response') } });
    };
  }
  client.on('connect', (connack) => {
    emit({ event: 'connected', sessionPresent: connack.sessionPresent });
    const held = pending;
    pending = undefined;
    for (const c of held ?? []) handlers[c.op](c);
  });
  client.on('message', (topic, payload, packet) => emit({ event: 'message', topic, payload: payload.toString('utf8'), qos: packet.qos, retain: packet.retain }));
  client.on('close', () => emit({ event: 'closed' }));
  client.on('error', (e) => emit({ event: 'error', message: e.message }));
  client.on('disconnect', (packet) => emit({ event: 'closed', reason: `DISCONNECT ${packet.reasonCode ?? ''}`.trim() }));
}

function publish(c) {
  const opts = { qos: c.qos, retain: c.retain };
  if (c.topicAlias !== undefined) opts.properties = { topicAlias: c.topicAlias };
  try {
    client.publish(c.topic, c.payload, opts, (err) => {
      if (err) emit({ event: 'refused', op: 'publish', reason: err.message });
      else emit({ event: 'published', topic: c.topic });
    });
  } catch (e) {
    emit({ event: 'refused', op: 'publish', reason: e.message });
  }
}

const handlers = {
  connect,
  publish,
  subscribe: (c) =>
    client.subscribe(c.topic, { qos: c.qos }, (err) => (err ? emit({ event: 'refused', op: 'subscribe', reason: err.message }) : emit({ event: 'subscribed', topic: c.topic }))),
  unsubscribe: (c) => client.unsubscribe(c.topic),
  disconnect: () => client.end(),
};

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === '') return;
  const c = JSON.parse(line);
  const handler = handlers[c.op];
  if (!handler) return emit({ event: 'unsupported', op: String(c.op), reason: 'unknown instruction' });
  if (c.op !== 'connect' && client === undefined) return emit({ event: 'error', message: `"${c.op}" before "connect"` });
  if (pending !== undefined && c.op !== 'connect') pending.push(c);
  else handler(c);
});
process.stdin.on('end', () => {
  client?.end(true);
  process.exit(0);
});
process.on('SIGTERM', () => {
  client?.end(true);
  process.exit(0);
});
