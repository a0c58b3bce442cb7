import { describe, expect, it } from 'vitest';
import { startBroker } from './index.js';
import { RawClient } from '../test/support/reference/raw-client.js';

describe('back-pressure', () => {
  it('a subscriber that stops reading pauses its publisher instead of buffering without bound; reading again resumes it', async () => {
    const b = await startBroker({ sysIntervalSeconds: 0, highWaterMark: 64 * 1024, maxBufferedBytes: 1024 * 1024 * 1024 });
    try {
      const port = b.address.port;
      const { client: sub } = await RawClient.connected(port, 'bp-sub');
      await sub.subscribe([['bp/t', 0]]);
      sub.pause(); // stops reading: the kernel buffers fill, then the broker's
      const { client: pub } = await RawClient.connected(port, 'bp-pub');
      const payload = Buffer.alloc(64 * 1024, 1);
      // Keep publishing until the broker stops answering our PINGREQs (it stopped reading us).
      let paused = false;
      for (let round = 0; round < 100 && !paused; round++) {
        for (let i = 0; i < 8; i++) pub.send({ type: 'publish', topic: 'bp/t', payload, qos: 0, retain: false, dup: false });
        pub.send({ type: 'pingreq' });
        paused = await pub.expect('pingresp', 500).then(
          () => false,
          () => true,
        );
      }
      expect(paused).toBe(true);
      sub.resume();
      await pub.expect('pingresp', 10_000); // its input is read again
      expect(b.stats().publishDropped).toBe(0);
      sub.destroy();
      pub.destroy();
    } finally {
      await b.close();
    }
  }, 60_000);

  it('QoS 0 messages to a socket over maxBufferedBytes are dropped and counted', async () => {
    const b = await startBroker({ sysIntervalSeconds: 0, highWaterMark: 1024 * 1024 * 1024, maxBufferedBytes: 1024 });
    try {
      const port = b.address.port;
      const { client: sub } = await RawClient.connected(port, 'drop-sub');
      await sub.subscribe([['drop/t', 0]]);
      sub.pause();
      const { client: pub } = await RawClient.connected(port, 'drop-pub');
      const payload = Buffer.alloc(64 * 1024, 2);
      for (let round = 0; round < 200 && b.stats().publishDropped === 0; round++) {
        for (let i = 0; i < 8; i++) pub.send({ type: 'publish', topic: 'drop/t', payload, qos: 0, retain: false, dup: false });
        await pub.ping();
      }
      expect(b.stats().publishDropped).toBeGreaterThan(0);
      sub.destroy();
      pub.destroy();
    } finally {
      await b.close();
    }
  }, 60_000);
});
