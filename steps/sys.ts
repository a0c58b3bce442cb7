import { type DataTable, Then, When } from './support/cucumber.js';
import type { PublishPacket } from '../harness/codec/index.js';
import { ClientUsageError, ExpectationError, TimeoutError, describePacket } from '../harness/client/index.js';
import { sysBoundMs } from './support/delivery.js';
import type { MqttWorld } from './support/world.js';

// `$SYS` (not part of MQTT 3.1.1; the de facto topics of Mosquitto and the reference broker).
// Values are read from the PUBLISH packets the client's `$SYS` subscriptions receive; every wait
// is bounded by the target's `sysInterval` (twice it, plus a second).

const NUMBER = /^\s*(-?\d+(?:\.\d+)?)/;

/** Topics of a one-column table without a header. */
function topicsOf(world: MqttWorld, table: DataTable): string[] {
  return table
    .raw()
    .map((row) => row[0])
    .filter((t): t is string => t !== undefined)
    .map((t) => world.topic(t));
}

function sysIntervalMs(world: MqttWorld): number {
  return (world.target.capabilities.sysInterval ?? 10) * 1000;
}

function valueKey(topic: string): string {
  return `sys-value:${topic}`;
}

function readValue(world: MqttWorld, topic: string): string {
  const v = world.notes.get(valueKey(topic));
  if (typeof v !== 'string') throw new ClientUsageError(`no value of ${topic} was read by an earlier step`);
  return v;
}

function numberOf(world: MqttWorld, topic: string, text: string): number {
  const m = NUMBER.exec(text);
  if (!m?.[1]) world.fail([], `a number at the start of the value of ${topic}`, JSON.stringify(text));
  return Number(m[1]);
}

/** How often a wait for a `$SYS` topic looks whether the broker has shown its whole `$SYS` tree (see `neverPublished`). */
const CENSUS_POLL_MS = 200;

/**
 * Whether the broker has shown the client everything it publishes under `$SYS/` without `topic`
 * being among it, so that waiting out the rest of the bound could not change the outcome. A
 * subscription receives every retained value at once (MQTT-3.3.1-6), and a `$SYS` value is
 * published retained (the feature's premise); a RETAIN 0 PUBLISH under `$SYS/` afterwards means
 * the broker has run a publication round since the subscription (every value, or every changed
 * one beside the retained rest). A PINGREQ answered after that round's messages closes it. So a
 * topic the connection never received by then is one the broker does not publish: the scenario
 * is judged in about one `$SYS` interval instead of two plus a second, with the same verdict.
 */
async function neverPublished(world: MqttWorld, name: string, topic: string): Promise<boolean> {
  const client = world.client(name);
  const onTopic = (): boolean => client.received.some((p) => p.type === 'publish' && p.topic === topic);
  const liveRound = client.received.some((p) => p.type === 'publish' && !p.retain && p.topic.startsWith('$SYS/'));
  if (onTopic() || !liveRound) return false;
  client.send({ type: 'pingreq' });
  await client.expect({ type: 'pingresp' });
  return !onTopic();
}

/**
 * Waits for PUBLISH packets on the topic, in arrival order, until one satisfies `accept`;
 * fails after the `$SYS` bound naming the values seen, or as soon as the broker has shown its
 * whole `$SYS` tree without the topic (`neverPublished`).
 */
async function awaitValue(world: MqttWorld, name: string, topic: string, expected: string, accept: (p: PublishPacket) => boolean): Promise<string> {
  const client = world.client(name);
  const bound = sysBoundMs(world);
  const deadline = Date.now() + bound;
  const seen: string[] = [];
  for (;;) {
    const remaining = deadline - Date.now();
    let p: PublishPacket;
    try {
      if (remaining <= 0) throw new TimeoutError(expected, bound, { expected, received: '' });
      p = await client.expect({ type: 'publish', topic }, { timeoutMs: Math.min(remaining, CENSUS_POLL_MS) });
    } catch (e) {
      if (!(e instanceof ExpectationError)) throw e;
      if (e instanceof TimeoutError && remaining > 0) {
        if (!(await neverPublished(world, name, topic))) continue;
        world.fail([], `${expected} within ${bound} ms (the $SYS bound)`, `no PUBLISH on ${topic}: the broker sent its retained $SYS values and a later round, none on this topic`);
      }
      world.fail([], `${expected} within ${bound} ms (the $SYS bound)`, seen.length ? `the values ${seen.map((s) => JSON.stringify(s)).join(', ')}` : `no PUBLISH on ${topic}`);
    }
    const text = p.payload.toString('utf8');
    seen.push(p.retain ? `${text} (retained)` : text);
    if (accept(p)) {
      world.notes.set(valueKey(topic), text);
      return text;
    }
  }
}

/** Reads the first value that arrives (the retained one sent on subscription, typically): enough as the base of a counter that only grows. */
When('{client} reads the value of {topic}', async function (this: MqttWorld, name: string, topic: string) {
  await awaitValue(this, name, topic, `a PUBLISH on ${topic}`, () => true);
});

When('{client} reads the values of:', async function (this: MqttWorld, name: string, table: DataTable) {
  await Promise.all(topicsOf(this, table).map((t) => awaitValue(this, name, t, `a PUBLISH on ${t}`, () => true)));
});

/**
 * Reads the value as it is now: the retained value, replaced by a value published within the
 * next interval if one comes. A broker that publishes `$SYS` every interval sends one; a broker
 * that publishes only changes (Mosquitto) sends none when the retained value is current.
 */
async function readCurrent(world: MqttWorld, name: string, topic: string): Promise<void> {
  await awaitValue(world, name, topic, `a PUBLISH on ${topic}`, () => true);
  const client = world.client(name);
  const windowMs = sysIntervalMs(world) + 500;
  try {
    const p = await client.expect({ type: 'publish', topic, retain: false }, { timeoutMs: windowMs });
    world.notes.set(valueKey(topic), p.payload.toString('utf8'));
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
  }
}

When('{client} reads the current value of {topic}', async function (this: MqttWorld, name: string, topic: string) {
  await readCurrent(this, name, topic);
});

When('{client} reads the current values of:', async function (this: MqttWorld, name: string, table: DataTable) {
  await Promise.all(topicsOf(this, table).map((t) => readCurrent(this, name, t)));
});

/** Every listed topic is published to the client (one column of topics, no header). */
Then('{client} receives a PUBLISH on each of these topics within the $SYS interval:', async function (this: MqttWorld, name: string, table: DataTable) {
  const topics = topicsOf(this, table);
  const missing: string[] = [];
  await Promise.all(
    topics.map(async (t) => {
      try {
        await awaitValue(this, name, t, `a PUBLISH on ${t}`, () => true);
      } catch (e) {
        if (!(e instanceof ExpectationError)) throw e;
        missing.push(t);
      }
    }),
  );
  if (missing.length > 0) this.fail([], `a PUBLISH on each of ${topics.length} $SYS topics within ${sysBoundMs(this)} ms`, `none on ${missing.join(', ')}`);
});

Then('{client} sees {topic} rise by at least {int} within the $SYS interval', async function (this: MqttWorld, name: string, topic: string, delta: number) {
  const before = numberOf(this, topic, readValue(this, topic));
  await awaitValue(this, name, topic, `${topic} at least ${before + delta} (read ${before}, plus ${delta})`, (p) => {
    const m = NUMBER.exec(p.payload.toString('utf8'));
    return !p.retain && m?.[1] !== undefined && Number(m[1]) >= before + delta;
  });
});

/** A value published after the subscription (RETAIN 0) of at least `min`. */
Then('{client} sees {topic} reach at least {int} within the $SYS interval', async function (this: MqttWorld, name: string, topic: string, min: number) {
  await awaitValue(this, name, topic, `${topic} at least ${min}, published after the subscription`, (p) => {
    const m = NUMBER.exec(p.payload.toString('utf8'));
    return !p.retain && m?.[1] !== undefined && Number(m[1]) >= min;
  });
});

Then('{client} sees {topic} fall by at least {int} within the $SYS interval', async function (this: MqttWorld, name: string, topic: string, delta: number) {
  const before = numberOf(this, topic, readValue(this, topic));
  await awaitValue(this, name, topic, `${topic} at most ${before - delta} (read ${before}, minus ${delta})`, (p) => {
    const m = NUMBER.exec(p.payload.toString('utf8'));
    return !p.retain && m?.[1] !== undefined && Number(m[1]) <= before - delta;
  });
});

Then('{client} sees {topic} change within the $SYS interval', async function (this: MqttWorld, name: string, topic: string) {
  const before = readValue(this, topic);
  await awaitValue(this, name, topic, `${topic} other than ${JSON.stringify(before)}`, (p) => !p.retain && p.payload.toString('utf8') !== before);
});

Then('the value of {topic} read by {client} is a number of at least {int}', function (this: MqttWorld, topic: string, _name: string, min: number) {
  const n = numberOf(this, topic, readValue(this, topic));
  if (n < min) this.fail([], `${topic} at least ${min}`, String(n));
});

Then('the value of {topic} read by {client} is not empty', function (this: MqttWorld, topic: string, _name: string) {
  if (readValue(this, topic).trim() === '') this.fail([], `a non-empty value of ${topic}`, 'an empty payload');
});

/** The server may acknowledge and discard the PUBLISH or close the connection [MQTT-3.3.5-2 by analogy]. */
When('{client} tries to publish {string} to {topic} at QoS 1 with RETAIN set', async function (this: MqttWorld, name: string, payload: string, topic: string) {
  const client = this.client(name);
  const packetId = client.nextPacketId();
  client.send({ type: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true, dup: false, packetId });
  try {
    await client.expect({ type: 'puback', packetId });
  } catch (e) {
    if (!(e instanceof ExpectationError) || client.closedBy !== 'server') throw e;
  }
});

Then('{client} receives a retained PUBLISH on {topic} whose payload is not {string}', async function (this: MqttWorld, name: string, topic: string, forbidden: string) {
  const client = this.client(name);
  const p = await this.check([], () => client.expect({ type: 'publish', topic, retain: true }, { timeoutMs: sysBoundMs(this) }));
  if (p.payload.equals(Buffer.from(forbidden))) this.fail([], `the broker's own value of ${topic}`, describePacket(p));
});
