import { describe, expect, it } from 'vitest';
import type { ReportJson } from '../../reports/index.js';
import { runSuiteThroughMutant, useMutantRuns } from '../support/steps/mutant-proxy.js';

/**
 * A broker slow to notice a client's FIN (here: a proxy that passes the end of the client's
 * connection on 2.5 s late) still counts the client as connected when the next message comes, and
 * sends it there: the test, past its bound, had already closed that connection itself and never
 * read it. The re-delivery on the resumed session then rightly carries DUP 1 [MQTT-3.3.1-1], and
 * the first delivery (DUP 0) went unseen: the DUP rule cannot be judged, so the scenario is
 * inconclusive, never failed.
 */
const runs = useMutantRuns('mqttc-slow-close-');

describe('a first delivery the test could not see', () => {
  it('is inconclusive, not failed, when the test had to close the earlier connection itself', async () => {
    const { report } = await runSuiteThroughMutant<ReportJson>(runs.reference, {}, {
      tags: '@MQTT-3.3.1-3',
      timeoutMs: 1000,
      workDir: runs.workDir(),
      proxy: { holdClientEndMs: 2500 },
    });
    const behind = report.scenarios.filter((s) => s.name.includes('queued behind an unacknowledged delivery'));
    expect(behind.map((s) => s.verdict)).toEqual(['inconclusive', 'inconclusive', 'inconclusive', 'inconclusive']);
  }, 300_000);
});
