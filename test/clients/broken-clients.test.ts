/**
 * Deliberately broken client adapters (test/clients/broken-client.ts) are caught, each under its
 * statement, and the same adapter without a bug passes the same scenarios (so the catch is the bug's).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsxLoaderUrl } from '../../harness/targets/placeholders.js';
import { PACKAGE_ROOT } from '../third-party/brokers.js';
import { runClient } from './client-runs.js';

const COMMAND = `${process.execPath} --import ${tsxLoaderUrl()} ${join(PACKAGE_ROOT, 'test', 'clients', 'broken-client.ts')} {host} {port}`;

const CASES = [
  { bug: 'no-dup', tags: '@MQTT-3.3.1-1 and @v3.1.1', statement: 'MQTT-3.3.1-1' },
  { bug: 'reuse-id', tags: '@MQTT-2.3.1-2', statement: 'MQTT-2.3.1-2' },
  { bug: 'reuse-id', tags: '@MQTT-2.2.1-3', statement: 'MQTT-2.2.1-3' },
  { bug: 'no-pingreq', tags: '@MQTT-3.1.2-23 and @v3.1.1', statement: 'MQTT-3.1.2-23' },
  { bug: 'no-pingreq', tags: '@MQTT-3.1.2-20', statement: 'MQTT-3.1.2-20' },
  { bug: 'resend-refused', tags: '@MQTT-4.4.0-2', statement: 'MQTT-4.4.0-2' },
  { bug: 'ignore-session-present', tags: '@MQTT-3.2.2-4', statement: 'MQTT-3.2.2-4' },
  { bug: 'ignore-server-keepalive', tags: '@MQTT-3.2.2-21', statement: 'MQTT-3.2.2-21' },
  { bug: 'quota-holds-acks', tags: '@MQTT-4.9.0-3', statement: 'MQTT-4.9.0-3' },
  { bug: 'auth-wrong-code', tags: '@MQTT-4.12.0-3', statement: 'MQTT-4.12.0-3' },
  { bug: 'strip-bom', tags: '@MQTT-1.5.3-3', statement: 'MQTT-1.5.3-3' },
  { bug: 'strip-bom', tags: '@MQTT-1.5.4-3', statement: 'MQTT-1.5.4-3' },
  { bug: 'nul-topic', tags: '@MQTT-4.7.3-2 and @needs:several-topics', statement: 'MQTT-4.7.3-2' },
  { bug: 'resend-reversed', tags: '@MQTT-4.6.0-1', statement: 'MQTT-4.6.0-1' },
  { bug: 'pubrel-sorted', tags: '@MQTT-4.6.0-4', statement: 'MQTT-4.6.0-4' },
] as const;

describe('deliberately broken client adapters are caught under their statement', () => {
  for (const c of CASES) {
    it(`${c.bug}: ${c.tags} fails under ${c.statement}, and passes without the bug`, { timeout: 120_000 }, async () => {
      const [broken, fixed] = await Promise.all([
        runClient(COMMAND, { tags: c.tags, parallel: 2, env: { MQTT_CONFORMANCE_BROKEN: c.bug } }),
        runClient(COMMAND, { tags: c.tags, parallel: 2, env: { MQTT_CONFORMANCE_BROKEN: '' } }),
      ]);
      expect(broken.code, broken.output.slice(-3000)).toBe(1);
      const failed = broken.report?.scenarios.filter((s) => s.verdict === 'failed') ?? [];
      expect(failed.length).toBeGreaterThan(0);
      for (const s of failed) expect(s.failure?.statement, s.failure?.message).toBe(c.statement);
      expect(fixed.code, fixed.output.slice(-3000)).toBe(0);
      expect(fixed.report?.scenarios.every((s) => s.verdict === 'passed')).toBe(true);
    });
  }
});
