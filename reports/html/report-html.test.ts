/**
 * The HTML reports in real headless Chromium (Debian's, driven by playwright-core), opened from file://.
 * Screenshots go to .artifacts/ (kept as test artifacts).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildComplianceModel, parseMessages, writeMatrix, writeReports } from '../index.js';
import type { ComplianceModel, ReportJson, RunMeta } from '../index.js';
import { SYNTHETIC_META, syntheticEnvelopes } from '../synthetic.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../.artifacts/', import.meta.url));
const hasChromium = existsSync(CHROMIUM);

const META: RunMeta = {
  tool: { name: 'mqtt-conformance', version: '0.1.0' },
  target: { name: 'mosquitto', version: '2.0.11', url: 'mqtt://127.0.0.1:1883', kind: 'process' },
  startedAt: '2026-11-25T14:00:00.000Z',
  durationMs: 1234,
  argv: ['run', '--broker', 'mqtt://127.0.0.1:1883'],
};

const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
const fixture = buildComplianceModel(parseMessages(readFileSync(new URL('../fixtures/suite/messages.ndjson', import.meta.url), 'utf8')), META);
const full = buildComplianceModel(syntheticEnvelopes({ scenarios: 300, traceLength: 40 }), SYNTHETIC_META);

let browser: Browser | undefined;

interface Opened {
  page: Page;
  problems: string[];
}

/** Open a file in a fresh context, recording console errors/warnings, page errors and any non-file request. */
async function open(path: string): Promise<Opened> {
  if (!browser) throw new Error('browser not started');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
  return { page, problems };
}

async function shown(page: Page): Promise<string> {
  return (await page.locator('#shown').textContent()) ?? '';
}

beforeAll(async () => {
  await writeReports(fixture, join(dir, 'fixture'));
  await writeReports(full, join(dir, 'full'));
  mkdirSync(ARTIFACTS, { recursive: true });
  if (hasChromium) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report.html as a file', () => {
  it('is one self-contained file: no external reference, a CSP that forbids the network', () => {
    const html = readFileSync(join(dir, 'fixture', 'report.html'), 'utf8');
    const external = html.match(/\b(?:src|href)\s*=\s*(?!["']?(?:#|data:))\S{0,40}/gi);
    expect(external).toBeNull();
    expect(html).toMatch(/href="#tab=scenarios/);
    expect(html).not.toMatch(/@import|url\(\s*["']?(?!data:)/i);
    expect(html).toContain(`content="default-src 'none'`);
  });

  it('stays under 2 MB for a full-size run (300 scenarios, 40-record traces)', () => {
    expect(statSync(join(dir, 'full', 'report.html')).size).toBeLessThan(2 * 1024 * 1024);
  });

  it('stays under 2 MB even when every scenario fails with a long trace (traces cut, start and end kept)', async () => {
    const broken = buildComplianceModel(syntheticEnvelopes({ scenarios: 300, failEvery: 1, traceLength: 200 }), SYNTHETIC_META);
    expect(broken.summary.failed).toBeGreaterThan(250);
    await writeReports(broken, join(dir, 'broken'));
    const html = readFileSync(join(dir, 'broken', 'report.html'), 'utf8');
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
    expect(html).toMatch(/… \d+ records left out here to keep the page small \(all are in report.json\) …/);
    const json = JSON.parse(readFileSync(join(dir, 'broken', 'report.json'), 'utf8')) as ComplianceModel;
    expect(json.scenarios.find((s) => s.verdict === 'failed')?.failure?.trace).toHaveLength(200);
  });

  it('escapes what the suite wrote: a scenario name cannot inject markup', async () => {
    const evil: ComplianceModel = structuredClone(fixture);
    const first = evil.scenarios[0];
    if (!first) throw new Error('fixture has no scenario');
    first.name = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">';
    await writeReports(evil, join(dir, 'evil'));
    const html = readFileSync(join(dir, 'evil', 'report.html'), 'utf8');
    expect(html).not.toContain('</script><script>window.__pwned');
    if (!browser) return;
    const { page, problems } = await open(join(dir, 'evil', 'report.html'));
    await page.click('button[data-tab="scenarios"]');
    await expect.poll(() => page.locator('text=window.__pwned = 1').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe.skipIf(!hasChromium)('report.html in headless Chromium', () => {
  it('loads from file:// with no console error and no network request, and shows a verdict per version', async () => {
    const { page, problems } = await open(join(dir, 'fixture', 'report.html'));
    await page.locator('#view-statements details.row').first().waitFor();
    expect(problems).toEqual([]);
    const cards = await page.locator('.vcard').evaluateAll((els) => els.map((e) => [e.getAttribute('data-version'), e.querySelector('.label')?.textContent]));
    expect(cards).toEqual([['3.1', 'Compliant'], ['3.1.1', 'Not compliant'], ['5', 'Not compliant']]);
    expect(await page.locator('.vcard[data-version="3.1.1"] .barlegend').textContent()).toMatch(/7 of 124 covered/);
    expect(await shown(page)).toBe(`Showing ${fixture.statements.length} of ${fixture.statements.length} statements`);
    // a version's failure count links to those failures
    await page.locator('.vcard[data-version="3.1.1"] a').click();
    await expect.poll(() => shown(page)).toBe(`Showing 2 of ${fixture.scenarios.length} scenarios`);
    expect(await page.isChecked('#f-failures')).toBe(true);
    expect(await page.locator('#f-version').inputValue()).toBe('3.1.1');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('filters by failures, version, area, optional and search, also from the keyboard', async () => {
    const { page, problems } = await open(join(dir, 'fixture', 'report.html'));
    const violated = fixture.statements.filter((s) => s.verdict === 'violated').length;
    await page.check('#f-failures');
    expect(await shown(page)).toBe(`Showing ${violated} of ${fixture.statements.length} statements`);
    const ids = await page.locator('#view-statements details.row.statement:not([hidden]) .sid').allTextContents();
    expect(ids).toEqual(['MQTT-3.1.2-1', 'MQTT-3.1.4-1', 'MQTT-3.3.1-9']);
    await page.selectOption('#f-version', '5');
    expect(await shown(page)).toBe(`Showing 0 of ${fixture.statements.length} statements`);
    expect(await page.locator('#view-statements .empty.filtered').textContent()).toBe('Nothing matches these filters.');
    await page.uncheck('#f-failures');
    expect(await page.locator('#view-statements details.row.statement:not([hidden]) .sid').first().textContent()).toBe('MQTT-1.5.4-1');
    await page.check('#f-failures');
    await page.selectOption('#f-version', '');
    await page.selectOption('#f-area', '3.1');
    expect(await page.locator('#view-statements details.row.statement:not([hidden]) .sid').allTextContents()).toEqual(['MQTT-3.1.2-1', 'MQTT-3.1.4-1']);
    // the view lives in the URL fragment: a reload (or a shared link) opens the same filters
    expect(new URL(page.url()).hash).toBe('#failures=1&area=3.1');
    await page.reload();
    expect(await page.isChecked('#f-failures')).toBe(true);
    expect(await page.locator('#view-statements details.row.statement:not([hidden]) .sid').allTextContents()).toEqual(['MQTT-3.1.2-1', 'MQTT-3.1.4-1']);
    await page.selectOption('#f-area', '');
    await page.uncheck('#f-failures');
    expect(new URL(page.url()).hash).toBe('');

    // keyboard: / focuses the search, Escape clears it, f toggles failures only, 2 switches to scenarios
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-q');
    await page.keyboard.type('MQTT-3.2.0-1');
    // the ID names a statement in both catalogues
    await expect.poll(() => shown(page)).toBe(`Showing 2 of ${fixture.statements.length} statements`);
    await page.keyboard.press('Escape');
    await expect.poll(() => shown(page)).toBe(`Showing ${fixture.statements.length} of ${fixture.statements.length} statements`);
    await page.keyboard.press('f');
    expect(await page.isChecked('#f-failures')).toBe(true);
    await page.keyboard.press('2');
    expect(await shown(page)).toBe(`Showing ${fixture.summary.failed} of ${fixture.scenarios.length} scenarios`);
    await page.keyboard.press('f');
    await page.selectOption('#f-optional', 'optional');
    expect(await page.locator('#view-scenarios details.row.scenario:not([hidden]) .stext').allTextContents()).toEqual([
      expect.stringContaining('$SYS clients count moves at QoS 0'),
      expect.stringContaining('$SYS clients count moves at QoS 1'),
    ]);
    await page.selectOption('#f-optional', '');
    await page.selectOption('#f-verdict', 'not-applicable');
    expect(await shown(page)).toBe(`Showing 1 of ${fixture.scenarios.length} scenarios`);
    // j moves the focus to the first visible row; Enter opens it
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    expect(await page.locator('#view-scenarios details.row.scenario:not([hidden])').first().getAttribute('open')).not.toBeNull();
    expect(await page.locator('#view-scenarios details.row[open] .body').textContent()).toContain('the target does not declare capability "tls"');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('opens a failure to the rule, expected vs received and the packet trace as a sequence diagram', async () => {
    const { page, problems } = await open(join(dir, 'fixture', 'report.html'));
    await page.fill('#f-q', 'MQTT-3.3.1-9');
    await page.check('#f-failures');
    await page.selectOption('#f-version', '3.1.1');
    const statement = page.locator('#view-statements details.row.statement:not([hidden])').first();
    await statement.locator('> summary').click();
    const scenario = statement.locator('details.row.scenario:has(> summary .b-failed)').first();
    await scenario.locator('> summary').click();
    const failure = scenario.locator('.failure');
    expect(await failure.locator('.rule').textContent()).toBe('[MQTT-3.3.1-9] A message sent to a subscriber because of an established subscription must have RETAIN 0');
    expect(await failure.locator('.rulesum').textContent()).toMatch(/^The rule: A PUBLISH forwarded to a client because it matches/);
    expect(await failure.locator('.evr').innerText()).toMatch(/EXPECTED\s+PUBLISH on "t\/a" with retain=false[\s\S]*RECEIVED\s+PUBLISH on "t\/a" with retain=true/i);
    const seq = scenario.locator('.seq');
    expect(await seq.locator('.seq-head .lanes span').allTextContents()).toEqual(['sub', 'pub', 'broker']);
    const trace = fixture.scenarios.find((s) => s.name.startsWith('A message delivered'))?.failure?.trace ?? [];
    expect(await seq.locator('.seq-row').count()).toBe(trace.length);
    expect(await seq.locator('.arrow.in .lbl').nth(4).textContent()).toBe('PUBLISH topic="t/a" qos=1 retain=true dup=false packetId=1 payload="hello"');
    expect(await seq.locator('.arrow.bad').count()).toBe(1);
    // hex on demand: hidden until asked for
    expect(await seq.locator('.hexline').first().isVisible()).toBe(false);
    await seq.locator('.seq-tools input[type=checkbox]').check();
    expect(await seq.locator('.hexline').first().isVisible()).toBe(true);
    // a packet opens to its decoded fields
    await seq.locator('.seq-row').nth(8).click();
    const detail = seq.locator('.seq-detail').first();
    expect(await detail.innerText()).toMatch(/broker → sub at \+4\.100 ms[\s\S]*retain\s+true[\s\S]*payload\s+"hello"[\s\S]*hex: 33 0c 00 03 74 2f 61/);
    await page.screenshot({ path: join(ARTIFACTS, 'report-html-failure.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('renders a full-size report and opens its first failure without error', async () => {
    const { page, problems } = await open(join(dir, 'full', 'report.html'));
    await page.locator('#view-statements details.row').first().waitFor();
    await page.check('#f-failures');
    const violated = full.statements.filter((s) => s.verdict === 'violated').length;
    expect(await shown(page)).toBe(`Showing ${violated} of ${full.statements.length} statements`);
    await page.locator('#view-statements details.row.statement:not([hidden]) > summary').first().click();
    await page.locator('details.row.scenario:has(> summary .b-failed) > summary').first().click();
    await expect.poll(() => page.locator('.seq .seq-row').count()).toBe(40);
    await page.screenshot({ path: join(ARTIFACTS, 'report-html-full.png') });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('matrix.html loads clean, highlights where brokers differ, and filters to the differences', async () => {
    const other: ReportJson = structuredClone(fixture);
    other.target = { name: 'aedes', version: '1.2.0', url: 'mqtt://127.0.0.1:1884', kind: 'process' };
    const flipped = other.statements.find((s) => s.id === 'MQTT-3.1.2-1');
    if (flipped) flipped.verdict = 'met';
    const scenario = other.scenarios.find((s) => s.id === 'features/connect.feature:10');
    if (scenario) scenario.verdict = 'passed';
    await writeMatrix([fixture, other], join(dir, 'matrix'));
    const { page, problems } = await open(join(dir, 'matrix', 'matrix.html'));
    expect(await page.locator('table.matrix thead th').allTextContents()).toEqual([
      'statement / scenario',
      expect.stringContaining('mosquitto 2.0.11'),
      expect.stringContaining('aedes 1.2.0'),
    ]);
    await page.check('#m-diff');
    const rows = await page.locator('table.matrix tbody tr[data-kind]:not([hidden]):not([data-kind="version"]) td:first-child').allTextContents();
    expect(rows).toEqual([expect.stringContaining('MQTT-3.1.2-1'), expect.stringContaining('A wrong protocol name closes the connection')]);
    expect(await page.locator('tr.diff').count()).toBe(2);
    await page.uncheck('#m-diff');
    await page.screenshot({ path: join(ARTIFACTS, 'matrix-html.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
