import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_TYPE, type FailureAttachment } from '../../contract/index.js';
import type { StartedTarget } from '../../harness/targets/index.js';
import { parseMessages, type ReportJson } from '../../reports/index.js';
import { resolveTarget } from '../../cli/resolve-target.js';
import { runSuiteThroughMutant } from '../support/steps/mutant-proxy.js';

/**
 * Failures as data (issue 16): a real failing scenario attaches its failure as JSON
 * (MEDIA_TYPE.failure) with the statement, the step, expected, received and where the trace is,
 * and report.json says what the attachment says. The broker is the reference behind a proxy that
 * sets Session Present 1 on every accepted CONNACK, so the scenario "CleanSession 1 discards a
 * stored session and is accepted with Session Present 0" fails under MQTT-3.2.2-1.
 */
let reference: StartedTarget;
const dir = mkdtempSync(join(tmpdir(), 'mqttc-failure-'));

beforeAll(async () => {
  reference = await resolveTarget('reference').start();
});
afterAll(async () => {
  await reference.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a failing scenario against a broken broker', () => {
  it('attaches a structured failure naming the statement, and the reports read it', async () => {
    const { code, report } = await runSuiteThroughMutant<ReportJson>(
      reference,
      { toClient: (p) => (p.type === 'connack' && p.reasonCode === 0 ? [{ ...p, sessionPresent: true }] : [p]) },
      { tags: '@MQTT-3.2.2-1 and @MQTT-3.1.2-6', timeoutMs: 3000, workDir: dir },
    );
    expect(code).toBe(1);
    const envelopes = parseMessages(readFileSync(join(dir, 'messages.ndjson'), 'utf8'));
    const attachments = envelopes.flatMap((e) => (e.attachment?.mediaType === MEDIA_TYPE.failure ? [JSON.parse(e.attachment.body) as FailureAttachment] : []));
    expect(attachments).toHaveLength(1);
    const attached = attachments[0] as FailureAttachment;
    expect(attached).toMatchObject({
      statement: 'MQTT-3.2.2-1',
      step: 'Then the server accepts the connection of "c" with Session Present 0',
      error: { type: 'ExpectationError', code: 'EXPECTATION_FAILED' },
    });
    expect(attached.expected).toBe('next packet CONNACK {reasonCode: 0, sessionPresent: false}');
    expect(attached.received).toMatch(/^CONNACK sessionPresent=1 /);
    // The trace reference points at the scenario's trace attachment, which holds at least those records.
    expect(attached.trace).toMatchObject({ mediaType: MEDIA_TYPE.trace });
    const traces = envelopes.filter((e) => e.attachment?.mediaType === MEDIA_TYPE.trace);
    expect(traces).toHaveLength(1);
    expect((JSON.parse(traces[0]?.attachment?.body ?? '[]') as unknown[]).length).toBeGreaterThanOrEqual(attached.trace?.records ?? Infinity);

    const failed = report.scenarios.filter((s) => s.verdict === 'failed');
    expect(failed.map((s) => s.name)).toEqual(['CleanSession 1 discards a stored session and is accepted with Session Present 0']);
    const { trace, ...failure } = failed[0]?.failure ?? { summary: '', message: '' };
    expect(failure).toEqual({ statement: attached.statement, summary: attached.summary, step: attached.step, expected: attached.expected, received: attached.received, message: attached.message });
    expect(trace?.length).toBeGreaterThan(0);
  }, 120_000);
});
