import { describe, expect, it } from 'vitest';
import { useBroker } from '../test/support/reference/fixture.js';

const f = useBroker();

describe('keep-alive', () => {
  it('PINGREQ gets PINGRESP (MQTT-3.12.4-1)', async () => {
    const c = await f.connect('ka-ping', { keepalive: 60 });
    await c.ping();
  });

  it('no packet within 1.5 x keep-alive closes the connection and publishes the will (MQTT-3.1.2-24)', async () => {
    const watcher = await f.connect('ka-watch');
    await watcher.subscribe([['ka/will', 0]]);
    const c = await f.connect('ka-idle', { keepalive: 1, will: { topic: 'ka/will', payload: Buffer.from('timeout'), qos: 0, retain: false } });
    const t0 = Date.now();
    await c.expectClosed(4000);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect((await watcher.expect('publish')).payload.toString()).toBe('timeout');
    expect(f.broker.stats().keepAliveTimeouts).toBeGreaterThanOrEqual(1);
  });

  it('any packet within the period keeps the connection open', async () => {
    const c = await f.connect('ka-busy', { keepalive: 1 });
    const t0 = Date.now();
    while (Date.now() - t0 < 2500) {
      await c.publish('ka/busy', 'x', 0); // not PINGREQ: any control packet counts
      await new Promise((r) => setTimeout(r, 500));
    }
    await c.ping();
  });

  it('keep-alive 0 disables the timeout', async () => {
    const c = await f.connect('ka-zero', { keepalive: 0 });
    await new Promise((r) => setTimeout(r, 1600));
    await c.ping();
  });
});
