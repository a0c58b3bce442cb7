#!/usr/bin/env node
// Adapter for the Mosquitto command-line clients (mosquitto_pub / mosquitto_sub): reads JSON-line
// instructions on stdin and prints JSON lines on stdout (protocol: harness/clients/adapters/README.md).
// The programs connect, then publish or subscribe, so "connect" is held until the first publish
// (mosquitto_pub -l: one message per stdin line, on one topic at one QoS) or subscribe
// (mosquitto_sub). What they cannot do (stay connected idle, publish and subscribe on one
// connection, publish to several topics or QoS levels) is reported "unsupported"; the client
// profile declares the same, so those scenarios are not applicable rather than failed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

const [host, port] = process.argv.slice(2);
if (host === undefined || port === undefined) {
  process.stderr.write('usage: mosquitto.mjs HOST PORT\n');
  process.exit(2);
}
const PUB = process.env.MOSQUITTO_PUB ?? 'mosquitto_pub';
const SUB = process.env.MOSQUITTO_SUB ?? 'mosquitto_sub';
const STDBUF = existsSync('/usr/bin/stdbuf') ? '/usr/bin/stdbuf' : undefined;
const emit = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const help = spawnSync(PUB, ['--help'], { encoding: 'utf8' });
const version = /version (\S+)/.exec(`${help.stdout ?? ''}${help.stderr ?? ''}`)?.[1] ?? 'unknown';
emit({ event: 'hello', library: 'Mosquitto clients', version });

let options; // the held "connect"
let child; // the running mosquitto_pub or mosquitto_sub
let role; // 'pub' | 'sub'
let pubKey; // topic/qos/retain of the running mosquitto_pub

function common() {
  const o = options;
  const args = ['-h', host, '-p', port, '-V', o.version === 5 ? 'mqttv5' : 'mqttv311', '-i', o.clientId, '-k', String(o.keepalive), '-d'];
  if (!o.clean) args.push('-c');
  if (o.username !== undefined) args.push('-u', o.username);
  if (o.password !== undefined) args.push('-P', o.password);
  if (o.will) {
    args.push('--will-topic', o.will.topic, '--will-payload', o.will.payload, '--will-qos', String(o.will.qos));
    if (o.will.retain) args.push('--will-retain');
  }
  if (o.version === 5) {
    if (o.sessionExpiry !== undefined) args.push('-x', String(o.sessionExpiry));
    if (o.receiveMaximum !== undefined) args.push('-D', 'connect', 'receive-maximum', String(o.receiveMaximum));
    if (o.maximumPacketSize !== undefined) args.push('-D', 'connect', 'maximum-packet-size', String(o.maximumPacketSize));
    if (o.topicAliasMaximum !== undefined) args.push('-D', 'connect', 'topic-alias-maximum', String(o.topicAliasMaximum));
  }
  return args;
}

function start(program, args, r) {
  role = r;
  // stdbuf -oL: the programs' stdout is a pipe, so their -d lines would otherwise wait in a buffer.
  child = STDBUF ? spawn(STDBUF, ['-oL', program, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }) : spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    // -d debug lines ("Client x received CONNACK (0)") and, for mosquitto_sub -F %j, JSON messages.
    if (line.startsWith('{')) {
      try {
        const m = JSON.parse(line);
        emit({ event: 'message', topic: m.topic, payload: m.payload ?? '', qos: m.qos, retain: m.retain });
      } catch {
        // not a message
      }
      return;
    }
    if (/received CONNACK \(0\)/.test(line)) emit({ event: 'connected' });
    else if (/received PUBACK|received PUBCOMP/.test(line) && r === 'pub') emit({ event: 'published' });
    else if (/received SUBACK/.test(line)) emit({ event: 'subscribed' });
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (/^Error/i.test(line)) emit({ event: 'refused', op: r === 'pub' ? 'publish' : 'subscribe', reason: line });
    process.stderr.write(`${line}\n`);
  });
  const me = child;
  child.on('exit', (code, signal) => {
    if (child === me) child = undefined;
    emit({ event: 'closed', reason: `${program} exited (${signal ?? `code ${code}`})` });
  });
}

function publish(c) {
  const key = JSON.stringify([c.topic, c.qos, c.retain]);
  if (child && role === 'pub') {
    if (key !== pubKey) return emit({ event: 'unsupported', op: 'publish', reason: 'mosquitto_pub publishes on one topic at one QoS per connection' });
    child.stdin.write(`${c.payload}\n`);
    return;
  }
  if (child) return emit({ event: 'unsupported', op: 'publish', reason: 'mosquitto_sub cannot publish' });
  const args = [...common(), '-t', c.topic, '-q', String(c.qos), '-l'];
  if (c.retain) args.push('-r');
  if (options.version === 5 && c.topicAlias !== undefined) args.push('-D', 'publish', 'topic-alias', String(c.topicAlias));
  pubKey = key;
  start(PUB, args, 'pub');
  child.stdin.write(`${c.payload}\n`);
}

function subscribe(c) {
  if (child) return emit({ event: 'unsupported', op: 'subscribe', reason: `${role === 'pub' ? 'mosquitto_pub cannot subscribe' : 'mosquitto_sub subscribes once, at start'}` });
  start(SUB, [...common(), '-t', c.topic, '-q', String(c.qos), '-F', '%j'], 'sub');
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === '') return;
  const c = JSON.parse(line);
  switch (c.op) {
    case 'connect':
      if (options) return emit({ event: 'unsupported', op: 'connect', reason: 'one connect per adapter' });
      options = c;
      return;
    case 'publish':
      return options ? publish(c) : emit({ event: 'error', message: '"publish" before "connect"' });
    case 'subscribe':
      return options ? subscribe(c) : emit({ event: 'error', message: '"subscribe" before "connect"' });
    case 'disconnect':
      // mosquitto_pub -l sends DISCONNECT when its stdin ends; mosquitto_sub on SIGINT.
      if (role === 'pub') child?.stdin.end();
      else child?.kill('SIGINT');
      return;
    default:
      return emit({ event: 'unsupported', op: String(c.op), reason: 'the Mosquitto clients have no such operation' });
  }
});
const stop = () => {
  child?.kill('SIGKILL');
  process.exit(0);
};
process.stdin.on('end', stop);
process.on('SIGTERM', stop);
