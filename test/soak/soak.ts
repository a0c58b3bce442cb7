/**
 * A soak (issue 19, item 5): mixed traffic against the reference broker in its own process for N
 * minutes, then every flow drained and checked.
 *
 * Traffic: a persistent publisher sends QoS 0, 1 and 2 messages and retained QoS 1 messages at a
 * steady rate; persistent QoS 1 and QoS 2 subscribers and the publisher drop their connections in
 * turn and come back (Session Present 1, the broker's queues and the publisher's re-sends fill the
 * gap); clients with wills connect every second and end either by a drop (the will must come) or
 * by DISCONNECT (it must not); a churning client subscribes and unsubscribes all the time; a fresh
 * client checks the retained messages every 10 s.
 *
 * Measured: messages, loss at QoS 1 and 2 (acknowledged to the publisher, never delivered: must be
 * 0), QoS 2 duplicates by message identity (the payload: must be 0), the broker's RSS every sample
 * (after a GC; growth over the last half must stay under 5 %), and the event-loop delay in the
 * broker's process (p99).
 */
import type { PublishPacket } from '../../harness/codec/index.js';
import { BrokerProcess, type LoopDelay } from '../robustness/broker-process.js';
import { SessionClient } from '../robustness/session-client.js';

export interface SoakOptions {
  minutes: number;
  /** Messages per second from the publisher (default 200). */
  rate?: number;
  /** Seconds between samples of the broker's memory and event loop (default 10). */
  sampleSeconds?: number;
  /** A broken broker variant (test/robustness/broker-variants.ts), for proving the soak catches it. */
  variant?: string | null;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface RssSample {
  /** Seconds since the traffic started. */
  t: number;
  rss: number;
  heapUsed: number;
  /** Event-loop delay p99 in the broker process over the sample's window (ms). */
  loopP99: number;
}

export interface SoakReport {
  minutes: number;
  published: { qos0: number; qos1: number; qos2: number; retained: number };
  delivered: { qos0: number; qos1: number; qos2: number };
  /** QoS 1 / QoS 2 messages acknowledged to the publisher and never delivered to their subscriber. */
  lost: { qos1: number; qos2: number };
  /** The same QoS 2 message (payload) delivered more than once. */
  duplicatesQos2: number;
  /** Allowed at QoS 1 (after a reconnect), counted for information. */
  duplicatesQos1: number;
  wills: { expected: number; received: number; unexpected: number };
  retainedChecks: number;
  reconnects: number;
  subscriptionChanges: number;
  rss: RssSample[];
  rssStart: number;
  rssMid: number;
  rssEnd: number;
  /** (end - mid) / mid over the last half, percent (means of the samples around each point). */
  rssGrowthLastHalfPercent: number;
  eventLoop: LoopDelay;
  /** The broker's own count of messages dropped (queues full): expected 0 here. */
  brokerDropped: number;
  /** Every check that failed, in words; empty when the soak passed. */
  problems: string[];
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const RETAINED_TOPICS = 20;
/** The publisher's window of unacknowledged QoS 1/2 messages. */
const WINDOW = 200;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const minutes = options.minutes;
  const rate = options.rate ?? 200;
  const sampleMs = (options.sampleSeconds ?? 10) * 1000;
  const log = options.log ?? (() => undefined);
  const problems: string[] = [];
  const problem = (p: string): void => {
    if (problems.length < 50) problems.push(p);
    log(`PROBLEM: ${p}`);
  };

  const broker = await BrokerProcess.start({ sysIntervalSeconds: 10, maxConnections: 10_000 }, { nodeArgs: ['--expose-gc'], variant: options.variant });
  let died = false;
  void broker.exited.then(() => {
    died = true;
  });
  const port = broker.port;
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, fn: () => void): void => {
    timers.push(setInterval(fn, ms));
  };
  const clients: SessionClient[] = [];

  // ---- what was sent and what arrived, by message identity (the payload) ----
  const published = { qos0: 0, qos1: 0, qos2: 0, retained: 0 };
  const acked = new Set<string>();
  const got1 = new Map<string, number>();
  const got2 = new Map<string, number>();
  let got0 = 0;
  const count = (m: Map<string, number>) => (p: PublishPacket) => {
    const key = p.payload.toString();
    m.set(key, (m.get(key) ?? 0) + 1);
  };
  const lastAckedRetained = new Map<string, number>();
  const retainedSeq = new Map<string, number>(); // payload -> seq, for retained messages

  const pub = new SessionClient('soak-pub', {
    acknowledged: (p) => {
      const key = p.payload.toString();
      acked.add(key);
      const seq = retainedSeq.get(key);
      if (seq !== undefined && seq > (lastAckedRetained.get(p.topic) ?? -1)) lastAckedRetained.set(p.topic, seq);
    },
  });
  // Retained messages are QoS 1 on soak/r/#: the QoS 1 subscriber gets them too.
  const sub1 = new SessionClient('soak-sub1', { message: count(got1) });
  const sub2 = new SessionClient('soak-sub2', { message: count(got2) });
  const sub0 = new SessionClient('soak-sub0', { message: () => got0++ });
  const willsReceived = new Set<string>();
  let willsUnexpected = 0;
  const willsExpected = new Set<string>();
  const willsGraceful = new Set<string>();
  const willSub = new SessionClient('soak-will-sub', {
    message: (p) => {
      const key = p.payload.toString();
      if (willsGraceful.has(key)) {
        willsUnexpected++;
        problem(`will ${key} published although its client sent DISCONNECT`);
      }
      willsReceived.add(key);
    },
  });
  const churn = new SessionClient('soak-churn');
  clients.push(pub, sub1, sub2, sub0, willSub, churn);

  const bounded = async <T>(what: string, p: Promise<T>, ms = 10_000): Promise<T | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        problem(`${what}: no answer within ${String(ms)} ms`);
        resolve(undefined);
      }, ms);
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  // ---- set-up: persistent sessions and their subscriptions ----
  for (const c of [sub1, sub2, willSub, pub]) await bounded(`${c.clientId} connect`, c.connect(port, { clean: true }));
  // Clean once (a fresh session), then persistent from here on.
  for (const c of [sub1, sub2, willSub, pub]) {
    c.disconnect();
    await bounded(`${c.clientId} connect`, c.connect(port));
  }
  await bounded('sub0 connect', sub0.connect(port, { clean: true }));
  await bounded('churn connect', churn.connect(port, { clean: true }));
  await bounded('sub1 subscribe', sub1.subscribe('soak/q1/#', 1));
  await bounded('sub1 subscribe', sub1.subscribe('soak/r/#', 1));
  await bounded('sub2 subscribe', sub2.subscribe('soak/q2/#', 2));
  await bounded('sub0 subscribe', sub0.subscribe('soak/q0/#', 0));
  await bounded('will-sub subscribe', willSub.subscribe('soak/will/#', 1));

  const started = Date.now();
  const endAt = started + minutes * 60_000;
  let producing = true;
  let seq = 0;
  let reconnects = 0;
  let subscriptionChanges = 0;
  let retainedChecks = 0;

  // ---- production: rate messages/s in 50 ms ticks ----
  let credit = 0;
  every(50, () => {
    if (!producing) return;
    credit += rate / 20;
    while (credit >= 1 && pub.outgoing.size < WINDOW) {
      credit--;
      const n = seq++;
      const kind = n % 10;
      if (kind < 3) {
        if (!pub.isConnected) continue;
        pub.publish0(`soak/q0/${String(n % 50)}`, Buffer.from(`0:${String(n)}`));
        published.qos0++;
      } else if (kind < 6) {
        pub.publish(`soak/q1/${String(n % 50)}`, Buffer.from(`1:${String(n)}`), 1, false);
        published.qos1++;
      } else if (kind < 9) {
        pub.publish(`soak/q2/${String(n % 50)}`, Buffer.from(`2:${String(n)}`), 2, false);
        published.qos2++;
      } else {
        const key = `r:${String(n)}`;
        retainedSeq.set(key, n);
        pub.publish(`soak/r/${String(n % RETAINED_TOPICS)}`, Buffer.from(key), 1, true);
        published.retained++;
        published.qos1++;
      }
    }
    if (credit > rate) credit = rate; // a stalled window does not build an unbounded burst
  });

  // ---- persistent sessions reconnecting, in turn ----
  const cycle = [pub, sub1, sub2, willSub];
  let turn = 0;
  const reconnect = async (c: SessionClient): Promise<void> => {
    c.drop();
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1200));
    const present = await bounded(`${c.clientId} reconnect`, c.connect(port));
    reconnects++;
    if (present === false) problem(`${c.clientId}: Session Present 0 on reconnect (persistent session lost)`);
  };
  every(4000, () => {
    if (!producing) return;
    const c = cycle[turn++ % cycle.length];
    if (c) void reconnect(c);
  });

  // ---- wills: a client a second, half dropped (will expected), half disconnected (no will) ----
  let willN = 0;
  every(1000, () => {
    if (!producing) return;
    const n = willN++;
    const key = `will:${String(n)}`;
    const c = new SessionClient(`soak-will-${String(n)}`);
    void (async () => {
      const ok = await bounded(`${c.clientId} connect`, c.connect(port, { clean: true, will: { topic: `soak/will/${String(n % 10)}`, payload: Buffer.from(key), qos: 1, retain: false } }));
      if (ok === undefined) return;
      // A PINGREQ barrier is not exposed by SessionClient; a subscribe round trip proves the session is up.
      await bounded(`${c.clientId} subscribe`, c.subscribe(`soak/will-own/${String(n)}`, 0));
      if (n % 2 === 0) {
        willsExpected.add(key);
        c.drop();
      } else {
        willsGraceful.add(key);
        c.disconnect();
      }
    })();
  });

  // ---- subscriptions churning ----
  const churned = new Set<string>();
  every(200, () => {
    if (!producing || !churn.isConnected) return;
    const k = Math.floor(Math.random() * 100);
    const filter = k < 50 ? `soak/q0/${String(k)}` : `soak/churn/${String(k)}/#`;
    subscriptionChanges++;
    if (churned.has(filter)) {
      churned.delete(filter);
      void bounded('churn unsubscribe', churn.unsubscribe(filter));
    } else {
      churned.add(filter);
      void bounded('churn subscribe', churn.subscribe(filter, ((k % 3) as 0 | 1 | 2)));
    }
  });

  // ---- retained messages checked by a fresh client ----
  let checkN = 0;
  every(10_000, () => {
    if (!producing) return;
    const expected = new Map(lastAckedRetained);
    const got = new Map<string, number>();
    let settle: (() => void) | undefined;
    const c = new SessionClient(`soak-retained-${String(checkN++)}`, {
      message: (p) => {
        if (!p.retain) return;
        got.set(p.topic, retainedSeq.get(p.payload.toString()) ?? -1);
        if (got.size >= expected.size) settle?.();
      },
    });
    void (async () => {
      await bounded(`${c.clientId} connect`, c.connect(port, { clean: true }));
      const all = new Promise<void>((resolve) => (settle = resolve));
      await bounded(`${c.clientId} subscribe`, c.subscribe('soak/r/#', 1));
      if (got.size < expected.size) await bounded(`${c.clientId}: ${String(expected.size)} retained messages`, all, 5000);
      for (const [topic, seqAcked] of expected) {
        const s = got.get(topic);
        if (s === undefined) problem(`retained message on ${topic} missing`);
        else if (s < seqAcked) problem(`retained message on ${topic} is #${String(s)}, older than the acknowledged #${String(seqAcked)}`);
      }
      retainedChecks++;
      c.disconnect();
    })();
  });

  // ---- samples of the broker process ----
  const samples: RssSample[] = [];
  const sample = async (): Promise<void> => {
    if (died) return;
    const r = await broker.report();
    const s = { t: Math.round((Date.now() - started) / 1000), rss: r.memory.rss, heapUsed: r.memory.heapUsed, loopP99: r.eventLoop.window.p99 };
    samples.push(s);
    log(
      `t=${String(s.t)}s rss=${mb(s.rss)} heap=${mb(s.heapUsed)} loop p99=${s.loopP99.toFixed(1)} ms; published ${String(seq)}, acked ${String(acked.size)}, ` +
        `delivered q1 ${String(got1.size)} q2 ${String(got2.size)} q0 ${String(got0)}, outgoing ${String(pub.outgoing.size)}, clients ${String(r.clients)}`,
    );
  };
  await sample();
  every(sampleMs, () => void sample().catch((e: unknown) => problem(`sample failed: ${String(e)}`)));

  // ---- run ----
  while (Date.now() < endAt && !died) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, endAt - Date.now())));
  producing = false;
  if (died) problem(`the broker exited: ${broker.stderr.slice(-2000)}`);
  await sample().catch(() => undefined);

  // ---- drain: everyone connected, every acknowledged message delivered, every will in ----
  for (const c of cycle) if (!c.isConnected) await bounded(`${c.clientId} final reconnect`, c.connect(port));
  const drained = (): boolean =>
    pub.outgoing.size === 0 &&
    [...acked].every((k) => (k.startsWith('2:') ? got2.has(k) : got1.has(k))) &&
    [...willsExpected].every((k) => willsReceived.has(k));
  const drainUntil = Date.now() + 60_000;
  while (!drained() && Date.now() < drainUntil && !died) {
    await Promise.race([pub.outgoingChanged(), new Promise((resolve) => setTimeout(resolve, 200))]);
  }
  for (const t of timers) clearInterval(t);

  const finalReport = died ? undefined : await broker.report();
  const lost = { qos1: 0, qos2: 0 };
  for (const k of acked) {
    if (k.startsWith('2:')) {
      if (!got2.has(k)) lost.qos2++;
    } else if (!got1.has(k)) lost.qos1++;
  }
  const duplicatesQos2 = [...got2.values()].reduce((n, c) => n + c - 1, 0);
  const duplicatesQos1 = [...got1.values()].reduce((n, c) => n + c - 1, 0);
  if (pub.outgoing.size > 0) problem(`${String(pub.outgoing.size)} QoS 1/2 messages never acknowledged to the publisher`);
  if (lost.qos1 > 0) problem(`${String(lost.qos1)} acknowledged QoS 1 messages never delivered`);
  if (lost.qos2 > 0) problem(`${String(lost.qos2)} acknowledged QoS 2 messages never delivered`);
  if (duplicatesQos2 > 0) problem(`${String(duplicatesQos2)} QoS 2 messages delivered more than once`);
  const willsLost = [...willsExpected].filter((k) => !willsReceived.has(k)).length;
  if (willsLost > 0) problem(`${String(willsLost)} wills of dropped clients never published`);
  const unknown = [...got1.keys(), ...got2.keys()].filter((k) => {
    const n = Number(k.slice(2));
    return !Number.isInteger(n) || n >= seq;
  });
  if (unknown.length > 0) problem(`delivered messages that were never sent: ${unknown.slice(0, 5).join(', ')}`);

  // RSS over the last half: the means of up to 3 samples around the middle and at the end.
  const traffic = samples.filter((s) => s.t <= minutes * 60 + 5);
  const mid = traffic.filter((s) => s.t >= (minutes * 60) / 2).slice(0, 3);
  const end = traffic.slice(-3);
  const mean = (xs: RssSample[]): number => xs.reduce((n, s) => n + s.rss, 0) / Math.max(1, xs.length);
  const rssMid = mean(mid);
  const rssEnd = mean(end);
  const growth = rssMid > 0 ? ((rssEnd - rssMid) / rssMid) * 100 : 0;
  if (growth >= 5) problem(`broker RSS grew ${growth.toFixed(1)} % over the last half (${mb(rssMid)} -> ${mb(rssEnd)})`);
  if (samples.length < 3) problem(`only ${String(samples.length)} samples of the broker`);

  for (const c of clients) c.drop();
  if (!died) await broker.stop();
  return {
    minutes,
    published,
    delivered: { qos0: got0, qos1: got1.size, qos2: got2.size },
    lost,
    duplicatesQos2,
    duplicatesQos1,
    wills: { expected: willsExpected.size, received: willsReceived.size, unexpected: willsUnexpected },
    retainedChecks,
    reconnects,
    subscriptionChanges,
    rss: samples,
    rssStart: samples[0]?.rss ?? 0,
    rssMid,
    rssEnd,
    rssGrowthLastHalfPercent: Number(growth.toFixed(2)),
    eventLoop: finalReport?.eventLoop.total ?? { p50: NaN, p99: NaN, max: NaN },
    brokerDropped: finalReport?.stats.publishDropped ?? -1,
    problems,
  };
}

/** The figures in a few lines. */
export function formatSoak(r: SoakReport): string {
  return [
    `soak: ${String(r.minutes)} min; published QoS 0 ${String(r.published.qos0)}, QoS 1 ${String(r.published.qos1)} (${String(r.published.retained)} retained), QoS 2 ${String(r.published.qos2)}`,
    `delivered QoS 0 ${String(r.delivered.qos0)}, QoS 1 ${String(r.delivered.qos1)}, QoS 2 ${String(r.delivered.qos2)}; lost QoS 1 ${String(r.lost.qos1)}, QoS 2 ${String(r.lost.qos2)}; QoS 2 duplicates ${String(r.duplicatesQos2)} (QoS 1 duplicates ${String(r.duplicatesQos1)}, allowed)`,
    `wills ${String(r.wills.received)}/${String(r.wills.expected)} expected, ${String(r.wills.unexpected)} unexpected; ${String(r.retainedChecks)} retained checks; ${String(r.reconnects)} reconnects; ${String(r.subscriptionChanges)} subscription changes; broker dropped ${String(r.brokerDropped)}`,
    `broker RSS start ${mb(r.rssStart)}, mid ${mb(r.rssMid)}, end ${mb(r.rssEnd)}: ${r.rssGrowthLastHalfPercent.toFixed(2)} % over the last half; event-loop delay p50 ${r.eventLoop.p50.toFixed(1)} ms, p99 ${r.eventLoop.p99.toFixed(1)} ms, max ${r.eventLoop.max.toFixed(1)} ms`,
    r.problems.length === 0 ? 'no problem' : `PROBLEMS:\n  ${r.problems.join('\n  ')}`,
  ].join('\n');
}
