import { describe, expect, it } from 'vitest';
import { createLogger, startBroker, type LogRecord } from './index.js';
import { RawClient } from '../test/support/reference/raw-client.js';

describe('structured logs', () => {
  it('pass records at or above the level, with time, level, message and fields', () => {
    const records: LogRecord[] = [];
    const log = createLogger('warn', (r) => records.push(r));
    log.error('e', { clientId: 'c' });
    log.warn('w');
    log.info('i');
    log.debug('d');
    expect(records.map((r) => [r.level, r.msg])).toEqual([
      ['error', 'e'],
      ['warn', 'w'],
    ]);
    expect(records[0]).toMatchObject({ clientId: 'c' });
    expect(Number.isNaN(Date.parse(records[0]?.time ?? ''))).toBe(false);
    expect(log.enabled('info')).toBe(false);
  });

  it('silent passes nothing', () => {
    const records: LogRecord[] = [];
    const log = createLogger('silent', (r) => records.push(r));
    log.error('e');
    expect(records).toEqual([]);
  });

  it('an embedded broker is quiet by default: ordinary traffic and client errors log nothing', async () => {
    const records: LogRecord[] = [];
    const b = await startBroker({ sysIntervalSeconds: 0, logger: (r) => records.push(r) });
    try {
      const { client } = await RawClient.connected(b.address.port, 'quiet');
      await client.publish('q/t', 'x', 1);
      client.sendBytes(Buffer.from([0x00, 0x00])); // malformed
      await client.expectClosed();
      expect(records).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('at info, a connection and its end are logged with the client id', async () => {
    const records: LogRecord[] = [];
    const b = await startBroker({ sysIntervalSeconds: 0, logLevel: 'info', logger: (r) => records.push(r) });
    try {
      const { client } = await RawClient.connected(b.address.port, 'loud');
      await client.disconnect();
      await b.close();
      expect(records.filter((r) => r.clientId === 'loud').map((r) => r.msg)).toEqual(['client connected', 'client disconnected']);
    } finally {
      await b.close();
    }
  });
});
