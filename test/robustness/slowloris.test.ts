/**
 * Slowloris at scale (issue 8, item 6): many clients trickle CONNECTs they never finish; every one
 * is cut at the CONNECT timeout while a bystander keeps its QoS 1 round trips going.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../harness/codec/index.js';
import { BrokerProcess } from './broker-process.js';
import { connectPacket, RawClient } from '../support/reference/raw-client.js';

const SLOW_CLIENTS = 300;
const TIMEOUT_MS = 1000;
/** How late after the CONNECT timeout a cut may come. */
const CUT_WITHIN_MS = 1500;
let broker: BrokerProcess;
beforeAll(async () => {
  // In its own process, so that BROKER_VARIANT can run a broken broker (broker-variants.ts).
  broker = await BrokerProcess.start({ connectTimeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  await broker.stop();
});

describe('slowloris', () => {
  it(`${String(SLOW_CLIENTS)} clients trickling unfinished CONNECTs are all cut at the CONNECT timeout; a bystander is unaffected`, async () => {
    const port = broker.port;
    const { client: sub } = await RawClient.connected(port, 'slow-bystander-sub');
    await sub.subscribe([['slow/by', 1]]);
    sub.autoAck = true;
    const { client: pub } = await RawClient.connected(port, 'slow-bystander-pub');
    const bytes = encode(connectPacket('slowloris-client-id-long-enough'), 4);
    const sockets: Socket[] = [];
    const closedAfter: number[] = [];
    const started = Date.now();
    for (let i = 0; i < SLOW_CLIENTS; i++) {
      const s = connect({ port, host: '127.0.0.1' });
      s.on('error', () => undefined);
      s.once('close', () => closedAfter.push(Date.now() - started));
      sockets.push(s);
    }
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < bytes.length - 1) {
        for (const s of sockets) if (!s.destroyed) s.write(bytes.subarray(sent, sent + 1));
        sent++;
      }
    }, 50);
    try {
      // Round trips while the slow clients hold their connections, until all are cut.
      let n = 0;
      while (closedAfter.length < SLOW_CLIENTS) {
        await pub.publish('slow/by', String(n), 1, false, (n % 1000) + 1);
        expect((await sub.expect('publish', 2000)).payload.toString()).toBe(String(n));
        n++;
        if (Date.now() - started > TIMEOUT_MS + CUT_WITHIN_MS + 1000) break;
      }
      expect(n).toBeGreaterThan(0);
    } finally {
      clearInterval(trickle);
      for (const s of sockets) s.destroy();
    }
    expect(closedAfter).toHaveLength(SLOW_CLIENTS);
    expect(Math.min(...closedAfter)).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    // Every socket is cut within 1.5 s after the CONNECT timeout (sockets opened within a few ms of `started`).
    expect(Math.max(...closedAfter)).toBeLessThanOrEqual(TIMEOUT_MS + CUT_WITHIN_MS);
    expect(sent).toBeGreaterThan(5); // bytes kept coming: they do not extend the timeout
    expect((await broker.report()).stats.connectTimeouts).toBe(SLOW_CLIENTS);
    sub.destroy();
    pub.destroy();
  });
});
