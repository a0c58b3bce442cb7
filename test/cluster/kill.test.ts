import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../harness/targets/net.js';
import { REDIS_INSTALL_HINT, redisServerAvailable, startLocalRedis, type LocalRedis } from '../../reference/target/redis-server.js';
import { NodeProcess } from './node-process.js';

/*
 * Crash test of the reference cluster: 3 node processes sharing one Redis, persistent publishers
 * and subscribers spread over them, QoS 1 and 2 traffic, and 20+ kill -9 of random nodes (each
 * restarted on its port; each victim is a node some client is connected to). Every client lists the 3 nodes and reconnects to the next one when its
 * connection breaks, so a session mostly resumes on another node than the one it was on.
 * Checked: every message acknowledged to its publisher (PUBACK / PUBCOMP) reaches every
 * subscriber, no QoS 2 message reaches a subscriber twice (by payload identity), and every
 * reconnection resumed the session (Session Present 1).
 */
const KILLS = 20;
const PUBLISHERS = 3;
const SUBSCRIBERS = 3;
const WINDOW = 5;

interface Tracked {
  client: MqttClient;
  reconnects: number;
  lostSessions: string[];
  movedNodes: number;
}

function track(name: string, servers: { host: string; port: number }[], onFirst: (c: MqttClient) => void): Promise<Tracked> {
  const client = mqtt.connect({ servers, clientId: name, clean: false, reconnectPeriod: 100, connectTimeout: 5000, keepalive: 5, protocolVersion: 4 });
  const t: Tracked = { client, reconnects: 0, lostSessions: [], movedNodes: 0 };
  let first = true;
  let lastPort: number | undefined;
  return new Promise((resolve) => {
    client.on('connect', (connack) => {
      const port = client.options.port;
      if (!first) {
        t.reconnects++;
        if (!connack.sessionPresent) t.lostSessions.push(`${name} on port ${String(port)}`);
        if (port !== lastPort) t.movedNodes++;
      }
      lastPort = port;
      if (first) {
        first = false;
        onFirst(client);
        resolve(t);
      }
    });
    client.on('error', () => undefined);
  });
}

describe.skipIf(!redisServerAvailable())(`cluster crash test: ${String(KILLS)} kill -9 of random nodes during QoS 1/2 traffic (${redisServerAvailable() ? 'redis-server found' : REDIS_INSTALL_HINT})`, () => {
  let redis: LocalRedis;
  const nodes: NodeProcess[] = [];

  beforeAll(async () => {
    redis = await startLocalRedis();
    for (let i = 1; i <= 3; i++) nodes.push(new NodeProcess(`n${String(i)}`, await findFreePort(), redis.url));
    await Promise.all(nodes.map((n) => n.start()));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
  });

  it('loses no acknowledged message, duplicates no QoS 2 message, resumes every session, sessions moving between nodes', async () => {
    const servers = nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
    const rotate = (i: number): { host: string; port: number }[] => servers.map((_, j) => servers[(i + j) % servers.length] as { host: string; port: number });
    const received = new Map<string, Map<string, number>>();
    let total = 0;
    let progress: (() => void) | undefined;
    const subs: Tracked[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const name = `kill-sub-${String(i)}`;
      const got = new Map<string, number>();
      received.set(name, got);
      subs.push(
        await track(name, rotate(i), (c) => {
          c.on('message', (_topic, payload) => {
            const id = payload.toString();
            got.set(id, (got.get(id) ?? 0) + 1);
            total++;
            progress?.();
          });
          c.subscribe('kill/#', { qos: 2 });
        }),
      );
    }
    await Promise.all(subs.map((s) => new Promise<void>((r) => s.client.subscribe('kill/#', { qos: 2 }, () => r()))));
    const acked = new Set<string>();
    let publishing = true;
    let inflight = 0;
    const pubs: Tracked[] = [];
    for (let p = 0; p < PUBLISHERS; p++) {
      let seq = 0;
      const name = `kill-pub-${String(p)}`;
      const tracked = await track(name, rotate(p + 1), () => undefined);
      pubs.push(tracked);
      const next = (): void => {
        if (!publishing) return;
        const qos = (seq % 2) + 1;
        const id = `${name}-${String(seq++)}-q${String(qos)}`;
        inflight++;
        tracked.client.publish(`kill/${name}`, id, { qos: qos as 1 | 2 }, (error) => {
          inflight--;
          if (!error) {
            acked.add(id);
            next();
            return;
          }
          // Refused unsent ("Connection closed": the connection broke while mqtt.js was still replaying its
          // store). Not acknowledged, so not owed. Publish again once reconnected: mqtt.js fails its queued
          // publishes from inside a loop over that same queue, so an immediate retry would join the queue
          // being drained and spin forever (it did: the worker ran out of heap).
          tracked.client.once('connect', next);
        });
      };
      for (let w = 0; w < WINDOW; w++) next();
    }
    // Kill a random node each time the subscribers have seen fresh traffic (progress, not a timer).
    const waitForTraffic = (count: number): Promise<void> =>
      new Promise((resolve) => {
        const target = total + count;
        progress = () => {
          if (total >= target) {
            progress = undefined;
            resolve();
          }
        };
      });
    for (let k = 0; k < KILLS; k++) {
      await waitForTraffic(30);
      // A random node among those that hold a client right now: a node nobody is on would be a kill that
      // tests nothing (with 6 clients on 3 nodes that happened, and a run saw fewer moves than kills).
      const occupied = nodes.filter((n) => [...subs, ...pubs].some((t) => t.client.connected && t.client.options.port === n.port));
      const pool = occupied.length > 0 ? occupied : nodes;
      const victim = pool[Math.floor(Math.random() * pool.length)] as NodeProcess;
      await victim.kill9();
      await victim.start();
    }
    await waitForTraffic(30);
    publishing = false;
    // Every acknowledged message must reach every subscriber: wait (bounded) until it has.
    const missing = (): string[] => {
      const out: string[] = [];
      for (const [name, got] of received) for (const id of acked) if (!got.has(id)) out.push(`${name} lacks ${id}`);
      return out;
    };
    const deadline = Date.now() + 30_000;
    while ((missing().length > 0 || inflight > 0) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        progress = resolve;
        setTimeout(resolve, 500).unref();
      });
    }
    const duplicates: string[] = [];
    for (const [name, got] of received) for (const [id, n] of got) if (id.endsWith('-q2') && n > 1) duplicates.push(`${name} got ${id} ${String(n)} times`);
    const all = [...subs, ...pubs];
    const lost = all.flatMap((t) => t.lostSessions);
    const reconnects = all.reduce((n, t) => n + t.reconnects, 0);
    const moved = all.reduce((n, t) => n + t.movedNodes, 0);
    await Promise.all(all.map((t) => t.client.endAsync()));
    console.log(`cluster crash test: ${String(KILLS)} kill -9, ${String(acked.size)} messages acknowledged, ${String(total)} deliveries, ${String(reconnects)} reconnections (${String(moved)} to another node), ${String(missing().length)} lost, ${String(duplicates.length)} QoS 2 duplicates, ${String(lost.length)} sessions not resumed`);
    expect(acked.size).toBeGreaterThan(KILLS * 10);
    expect(missing().slice(0, 20)).toEqual([]);
    expect(duplicates.slice(0, 20)).toEqual([]);
    expect(lost).toEqual([]);
    expect(reconnects).toBeGreaterThanOrEqual(KILLS);
    // mqtt.js walks its server list on every failed attempt, so while several nodes are down or restarting a
    // client can come round to the node it left (seen under load: 2 of 48). Session Present 1 is required on
    // every reconnection (lost, above); that sessions really move between nodes is shown by at least one
    // cross-node resumption per kill.
    expect(moved).toBeGreaterThanOrEqual(KILLS);
  }, 300_000);
});
