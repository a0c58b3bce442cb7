/**
 * The soak's CI size (issue 19, item 5): 2 minutes of mixed traffic (SOAK_MINUTES changes it); the
 * long runs are `npm run soak -- --minutes N`. Every check of the soak must hold: no loss at QoS 1
 * and 2, no QoS 2 duplicate, every will of a dropped client and none of a disconnected one, the
 * retained messages current, Session Present 1 on every reconnect, RSS flat over the last half.
 */
import { describe, expect, it } from 'vitest';
import { formatSoak, runSoak } from './soak.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 2);

describe('soak', () => {
  it(`${String(MINUTES)} minutes of mixed traffic: nothing lost, no QoS 2 duplicate, memory flat`, async () => {
    const report = await runSoak({ minutes: MINUTES, sampleSeconds: 10 });
    console.log(formatSoak(report));
    expect(report.problems).toEqual([]);
    // The traffic really flowed: every kind of message, reconnects, wills and subscription churn.
    expect(report.published.qos0).toBeGreaterThan(0);
    expect(report.delivered.qos1).toBeGreaterThanOrEqual(report.published.qos1);
    expect(report.delivered.qos2).toBe(report.published.qos2);
    expect(report.lost).toEqual({ qos1: 0, qos2: 0 });
    expect(report.duplicatesQos2).toBe(0);
    expect(report.reconnects).toBeGreaterThan(0);
    expect(report.wills.expected).toBeGreaterThan(0);
    expect(report.wills.received).toBe(report.wills.expected);
    expect(report.wills.unexpected).toBe(0);
    expect(report.retainedChecks).toBeGreaterThan(0);
    expect(report.subscriptionChanges).toBeGreaterThan(0);
    expect(report.rssGrowthLastHalfPercent).toBeLessThan(5);
  }, (MINUTES * 60 + 120) * 1000);
});
