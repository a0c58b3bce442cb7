import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildComplianceModel, parseMessages, renderMarkdown } from './index.js';
import { MARKDOWN_MAX_FAILURES } from './markdown.js';
import type { RunMeta } from './index.js';
import { SYNTHETIC_META, syntheticEnvelopes } from './synthetic.js';

const META: RunMeta = {
  tool: { name: 'mqtt-conformance', version: '0.1.0' },
  target: { name: 'mosquitto', version: '2.0.11', url: 'mqtt://127.0.0.1:1883', kind: 'process' },
  startedAt: '2026-11-25T14:00:00.000Z',
  durationMs: 1234,
  argv: ['run'],
};

describe('renderMarkdown', () => {
  const md = renderMarkdown(buildComplianceModel(parseMessages(readFileSync(new URL('./fixtures/suite/messages.ndjson', import.meta.url), 'utf8')), META));

  it('leads with the verdict per version and the counts', () => {
    expect(md.split('\n')[0]).toBe('## MQTT conformance: mosquitto 2.0.11');
    expect(md).toContain('| MQTT 3.1.1 | ❌ not compliant | 4 | 2 | 1 | 1 | 2 | 2/124 | 2 required scenarios failed, 3 statements violated |');
    expect(md).toContain('| 3.1.1 | 124 | 7 | 2 |');
    expect(md).toContain('Scenarios: **11** — 5 passed, 2 failed, 1 optional not shown, 1 not applicable, 2 inconclusive.');
  });

  it('lists failures with rule, expected and received, and keeps optional ones apart', () => {
    expect(md).toContain('- **[MQTT-3.1.2-1]** A wrong protocol name closes the connection — `features/connect.feature:10`');
    expect(md).toContain('  - Received: `CONNACK return code 1 (unacceptable protocol version), connection left open`');
    expect(md).toMatch(/### Optional behaviour not shown \(informational, not a failure\) \(1\)\n\n- \*\*\[MQTT-3\.3\.1-9\]\*\* \$SYS clients count moves at QoS 1/);
    expect(md).toContain('### Tags naming no catalogue statement (2)');
  });

  it('caps the failure list for a CI summary', () => {
    const big = renderMarkdown(buildComplianceModel(syntheticEnvelopes({ scenarios: 300, failEvery: 2 }), SYNTHETIC_META));
    const failures = big.split('### Failures')[1]?.split('\n### ')[0] ?? '';
    expect(failures.match(/^- \*\*\[MQTT-/gm)?.length).toBe(MARKDOWN_MAX_FAILURES);
    expect(failures).toMatch(/- … and \d+ more \(see report\.html\)/);
  });
});
