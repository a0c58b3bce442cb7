/** The two broker options added for the Paho test broker's settings: maxKeepAlive and refuseSubscribe. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BrokerConfigError, startBroker } from '../../reference/index.js';
import { RawClient, connectPacket } from '../support/reference/raw-client.js';

async function withBroker(options: Parameters<typeof startBroker>[0], body: (port: number) => Promise<void>): Promise<void> {
  const broker = await startBroker({ sysIntervalSeconds: 0, logLevel: 'silent', ...options });
  try {
    await body(broker.address.port);
  } finally {
    await broker.close();
  }
}

async function connack(port: number, keepalive: number, version: 4 | 5 = 5) {
  const c = await RawClient.open(port, version);
  try {
    c.send(connectPacket('ka', { protocolVersion: version, keepalive }));
    return await c.expect('connack');
  } finally {
    c.destroy();
  }
}

describe('maxKeepAlive', () => {
  it('a 5.0 Keep Alive above the maximum, or 0, is lowered to it and announced; one within it is left alone and not announced', async () => {
    await withBroker({ maxKeepAlive: 60 }, async (port) => {
      expect((await connack(port, 120)).properties?.serverKeepAlive).toBe(60);
      expect((await connack(port, 0)).properties?.serverKeepAlive).toBe(60);
      expect((await connack(port, 60)).properties?.serverKeepAlive).toBeUndefined();
      expect((await connack(port, 5)).properties?.serverKeepAlive).toBeUndefined();
      expect((await connack(port, 120, 4)).properties).toBeUndefined(); // 3.1.1 has no way to announce it
    });
  });

  it('the announced value is what the server enforces: a silent client with Keep Alive 0 and maximum 1 is closed (0x8D)', async () => {
    await withBroker({ maxKeepAlive: 1 }, async (port) => {
      const c = await RawClient.open(port, 5);
      try {
        c.send(connectPacket('silent', { protocolVersion: 5, keepalive: 0 }));
        expect((await c.expect('connack')).properties?.serverKeepAlive).toBe(1);
        expect((await c.expect('disconnect', 4000)).reasonCode).toBe(0x8d);
        await c.expectClosed();
      } finally {
        c.destroy();
      }
    });
  });

  it('serverKeepAlive, when set, wins over maxKeepAlive', async () => {
    await withBroker({ maxKeepAlive: 60, serverKeepAlive: 30 }, async (port) => {
      expect((await connack(port, 5)).properties?.serverKeepAlive).toBe(30);
      expect((await connack(port, 120)).properties?.serverKeepAlive).toBe(30);
    });
  });

  it('the announced Keep Alive is min(requested, maximum), with 0 meaning none (property)', async () => {
    await withBroker({ maxKeepAlive: 100 }, async (port) => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 65535 }), async (keepalive) => {
          const announced = (await connack(port, keepalive)).properties?.serverKeepAlive;
          const effective = announced ?? keepalive;
          expect(effective).toBe(keepalive === 0 || keepalive > 100 ? 100 : keepalive);
          expect(announced === undefined).toBe(effective === keepalive);
        }),
        { numRuns: 40 },
      );
    });
  });

  it.each([0, 65536, 1.5])('refuses maxKeepAlive %s', async (value) => {
    await expect(startBroker({ maxKeepAlive: value })).rejects.toMatchObject({ code: 'BROKER_CONFIG', option: 'maxKeepAlive' });
  });
});

describe('refuseSubscribe', () => {
  it.each([4, 5] as const)('MQTT %s: a listed filter gets 0x80; the other filters of the same SUBSCRIBE, and wildcards covering it, are granted', async (version) => {
    await withBroker({ refuseSubscribe: ['test/nosubscribe'] }, async (port) => {
      const c = await RawClient.open(port, version);
      try {
        c.send(connectPacket('s', { protocolVersion: version }));
        await c.expect('connack');
        c.send({
          type: 'subscribe',
          packetId: 7,
          subscriptions: [
            { topicFilter: 'test/ok', qos: 1 },
            { topicFilter: 'test/nosubscribe', qos: 2 },
            { topicFilter: '+/+', qos: 2 },
          ],
        });
        const suback = await c.expect('suback');
        expect(suback.reasonCodes).toEqual([1, 0x80, 2]);
      } finally {
        c.destroy();
      }
    });
  });

  it('refuses a value that is not an array of non-empty strings', async () => {
    await expect(startBroker({ refuseSubscribe: [''] })).rejects.toBeInstanceOf(BrokerConfigError);
    await expect(startBroker({ refuseSubscribe: 'test/nosubscribe' as unknown as string[] })).rejects.toMatchObject({ option: 'refuseSubscribe' });
  });
});
