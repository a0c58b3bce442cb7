/**
 * Benchmark: the HTML report of a full-size run (synthetic, 300 scenarios by default) must open in
 * under 1 s in Chromium and stay under 2 MB.
 *
 *   npx tsx bench/report-html.ts [--scenarios 300] [--runs 5] [--trace 40] [--fail-every 10] [--keep DIR]
 *
 * `--fail-every 1` is the worst case: every scenario failed, each with a trace of `--trace` records.
 *
 * Measures, per cold page load from file:// (new browser context each run): the navigation's
 * loadEventEnd, and "ready" = the time until the statement rows are rendered and the first failed
 * scenario can be opened (its sequence diagram drawn). Prints one JSON line; exit 1 over budget.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildComplianceModel, SYNTHETIC_META, syntheticEnvelopes, writeReports } from '../reports/index.js';

const BUDGET_MS = 1000;
const BUDGET_BYTES = 2 * 1024 * 1024;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

const scenarios = arg('scenarios', 300);
const runs = arg('runs', 5);
const traceLength = arg('trace', 40);
const failEvery = arg('fail-every', 10);
const keepAt = process.argv.indexOf('--keep');
const dir = keepAt >= 0 ? (process.argv[keepAt + 1] ?? '.artifacts/bench-report') : await mkdtemp(join(tmpdir(), 'report-bench-'));

const model = buildComplianceModel(syntheticEnvelopes({ scenarios, traceLength, failEvery }), SYNTHETIC_META);
const t0 = performance.now();
await writeReports(model, dir);
const renderMs = performance.now() - t0;
const htmlPath = join(dir, 'report.html');
const bytes = (await stat(htmlPath)).size;

const browser = await chromium.launch({
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const loads: number[] = [];
const ready: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    await page.locator('#view-statements details.row.statement').first().waitFor();
    await page.check('#f-failures');
    await page.locator('#view-statements details.row.statement:not([hidden]) > summary').first().click();
    await page.locator('details.row.scenario:has(> summary .b-failed) > summary').first().click();
    await page.locator('.seq-row').first().waitFor();
    ready.push(Date.now() - start);
    loads.push(await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return nav ? nav.loadEventEnd : Number.NaN;
    }));
    await context.close();
  }
} finally {
  await browser.close();
  if (keepAt < 0) await rm(dir, { recursive: true, force: true });
}

const result = {
  bench: 'report-html',
  scenarios: model.summary.scenarios,
  failed: model.summary.failed,
  statements: model.statements.length,
  htmlBytes: bytes,
  htmlMB: Math.round((bytes / 1024 / 1024) * 1000) / 1000,
  renderAllReportsMs: Math.round(renderMs),
  loadEventMsMedian: Math.round(median(loads)),
  readyMsMedian: Math.round(median(ready)),
  readyMsMax: Math.max(...ready),
  runs,
  budget: { ms: BUDGET_MS, bytes: BUDGET_BYTES },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exitCode = bytes <= BUDGET_BYTES && median(loads) < BUDGET_MS ? 0 : 1;
