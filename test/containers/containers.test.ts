/**
 * `container:IMAGE` against a real container runtime, with images built here from Debian packages
 * (scripts/containers.sh): the Debian Mosquitto image gives, scenario by scenario, the verdicts of
 * `process:mosquitto` (and both match the one expected-results file); the reference broker's image
 * passes like the embedded reference; containers are removed when a run is interrupted or its
 * target fails; a failed run keeps the container's log beside its report; the compose file
 * certifies a broker image with the suite image. Skipped without a runtime (the skip names the
 * command that sets one up); required, never skipped, when scripts/containers.sh runs them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportJson, ScenarioResult } from '../../reports/index.js';
import { expectedFile, loadExpectedFile, PACKAGE_ROOT, runWholeSuite, type SuiteRun } from '../third-party/brokers.js';
import { compareWithExpected, entryKey, formatDrifts, observedKeys } from '../third-party/expected-results.js';
import { containerTestsUnavailable, inPrivateNetworkNamespace, mosquittoImage, ownedContainers, REFERENCE_IMAGE, REQUIRED, strayConmons, SUITE_IMAGE } from './runtime.js';

const MOSQUITTO_IMAGE = mosquittoImage();
const BASE_IMAGE = 'localhost/debian:bookworm';
const RUN_TIMEOUT_MS = 900_000;
const CLI = join(PACKAGE_ROOT, 'bin', 'mqtt-conformance.js');

const unavailable = await containerTestsUnavailable([MOSQUITTO_IMAGE, REFERENCE_IMAGE, SUITE_IMAGE, BASE_IMAGE]);
if (unavailable !== undefined) process.stderr.write(`container tests: skipping: ${unavailable}\n`);

describe('container tests can run', () => {
  // From scripts/containers.sh a missing runtime or image is a failure, not a skip.
  it.runIf(REQUIRED)('has a container runtime and the images (scripts/containers.sh)', () => {
    expect(unavailable).toBeUndefined();
  });
});

/** verdict by scenario key (feature :: name [qualifier]). */
function verdicts(report: ReportJson): Map<string, ScenarioResult['verdict']> {
  return new Map(observedKeys(report.scenarios).map(({ key, qualifier, scenario }) => [qualifier === undefined ? key : `${key} [${qualifier}]`, scenario.verdict]));
}

function reportOf(run: SuiteRun): ReportJson {
  if (run.report === undefined) throw new Error(`the run wrote no report.json (exit ${run.code}):\n${run.output.slice(-4000)}`);
  return run.report;
}

/** Starts `mqtt-conformance run ARGS` with its stderr collected. */
function cli(args: string[], reportDir: string): { child: ChildProcess; stderr: () => string; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [CLI, 'run', ...args, '--report-dir', reportDir], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => err, exit };
}

/** True while the run has not exited; throws, with its output, once it has. */
function alive(run: ReturnType<typeof cli>): boolean {
  if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`the run ended early (${run.child.exitCode ?? run.child.signalCode}):\n${run.stderr()}`);
  return true;
}

/** Resolves once `check()` is true; polls an observable state (a runtime's container list, a process's output). */
async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(unavailable !== undefined)('container targets on a real runtime', () => {
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'mqttc-containers-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    // Nothing of ours is left: no container the target labelled, no conmon of a gone container.
    expect(await ownedContainers(), 'containers left behind').toEqual([]);
    expect(await strayConmons(), 'conmon processes left behind').toEqual([]);
  });

  it(`container:${MOSQUITTO_IMAGE} gives the verdict of process:mosquitto for every scenario, both as test/expected says, and keeps its log with the report`, { timeout: RUN_TIMEOUT_MS }, async () => {
    const tag = MOSQUITTO_IMAGE.slice(MOSQUITTO_IMAGE.lastIndexOf(':') + 1);
    const file = expectedFile('mosquitto', tag);
    expect(existsSync(file), `no expected-results file for Mosquitto ${tag}: ${relative(PACKAGE_ROOT, file)}`).toBe(true);
    const expected = loadExpectedFile(file);
    const intermittent = new Set(expected.scenarios.filter((e) => e.intermittent === true).map(entryKey));

    const dir = await tempDir();
    const container = await runWholeSuite(`container:${MOSQUITTO_IMAGE}`, { args: ['--profile', join(PACKAGE_ROOT, 'profiles', 'mosquitto.json')], reportDir: dir });
    expect([0, 1], `container run exited ${container.code}:\n${container.output.slice(-4000)}`).toContain(container.code);
    const inContainer = reportOf(container);
    expect(inContainer.target.kind).toBe('container');
    expect(inContainer.target.name).toBe('mosquitto');
    expect(inContainer.target.version).toBe(tag);
    const drifts = compareWithExpected(inContainer.scenarios, expected);
    expect(drifts, formatDrifts(drifts, relative(PACKAGE_ROOT, file))).toEqual([]);
    // Mosquitto has findings, so the run failed scenarios and kept the container's log beside the report.
    expect(inContainer.summary.failed).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'broker.log'), 'utf8')).toMatch(/New client connected from /);

    const local = await runWholeSuite('process:mosquitto');
    expect([0, 1], `process run exited ${local.code}:\n${local.output.slice(-4000)}`).toContain(local.code);
    const asProcess = verdicts(reportOf(local));
    const asContainer = verdicts(inContainer);
    expect([...asContainer.keys()].sort()).toEqual([...asProcess.keys()].sort());
    const differ = [...asContainer]
      .filter(([key, verdict]) => asProcess.get(key) !== verdict && !intermittent.has(key))
      .map(([key, verdict]) => `${key}: container ${verdict}, process ${asProcess.get(key) ?? 'absent'}`);
    expect(differ, 'verdicts that differ between container and process').toEqual([]);
    process.stderr.write(`container tests: ${asContainer.size} scenarios, same verdict in container:${MOSQUITTO_IMAGE} and process:mosquitto (${intermittent.size} listed intermittent)\n`);
  });

  it(`container:${REFERENCE_IMAGE} passes like the embedded reference (only the TLS and WebSocket scenarios, not published, are not applicable)`, { timeout: RUN_TIMEOUT_MS }, async () => {
    const container = await runWholeSuite(`container:${REFERENCE_IMAGE}`);
    expect(container.code, container.output.slice(-4000)).toBe(0);
    const inContainer = reportOf(container);
    expect(inContainer.target.name).toBe('reference-image');
    expect(inContainer.summary.failed).toBe(0);
    expect(inContainer.summary.inconclusive).toBe(0);

    const embedded = reportOf(await runWholeSuite('reference'));
    const asEmbedded = verdicts(embedded);
    const asImage = verdicts(inContainer);
    expect([...asImage.keys()].sort()).toEqual([...asEmbedded.keys()].sort());
    // observedKeys keeps the order of the scenarios it is given.
    const needs = new Map(observedKeys(inContainer.scenarios).map(({ key, qualifier }, i) => [qualifier === undefined ? key : `${key} [${qualifier}]`, inContainer.scenarios[i]?.needs ?? []]));
    // The image failed nothing (above); what it does not run must be what it does not publish
    // (TLS, WebSocket) or what the embedded reference does not run either.
    const differ = [...asImage]
      .filter(([key, verdict]) => verdict === 'not-applicable' && asEmbedded.get(key) !== 'not-applicable')
      .filter(([key]) => !(needs.get(key) ?? []).some((n: string) => n === 'tls' || n === 'websocket'))
      .map(([key]) => `${key}: not applicable to the image, ${asEmbedded.get(key) ?? 'absent'} in the embedded reference`);
    expect(differ).toEqual([]);
    const s = inContainer.summary;
    process.stderr.write(`container tests: ${REFERENCE_IMAGE}: ${s.scenarios} scenarios, ${s.passed} passed, ${s.notApplicable} not applicable (embedded reference: ${embedded.summary.passed} passed, ${embedded.summary.failed} failed)\n`);
  });

  it('removes the container when a run is interrupted while the broker starts and while scenarios run', { timeout: 120_000 }, async () => {
    // While starting: SIGINT as soon as the container exists, before the broker is ready.
    const early = cli(['--broker', `container:${MOSQUITTO_IMAGE}`, '--profile', join(PACKAGE_ROOT, 'profiles', 'mosquitto.json')], await tempDir());
    const pid = early.child.pid ?? 0;
    await until('the container of the first run', async () => alive(early) && (await ownedContainers(`${pid}-`)).length > 0, 60_000);
    early.child.kill('SIGINT');
    const first = await early.exit;
    expect(first.signal ?? first.code, early.stderr()).toBeTruthy();
    expect(await ownedContainers(`${pid}-`)).toEqual([]);

    // While running scenarios: Ctrl-C stops the broker and exits 130.
    const late = cli(['--broker', `container:${MOSQUITTO_IMAGE}`, '--profile', join(PACKAGE_ROOT, 'profiles', 'mosquitto.json')], await tempDir());
    const latePid = late.child.pid ?? 0;
    await until('the run to start its scenarios', () => alive(late) && /mqtt-conformance \S+: mosquitto .* at mqtt:\/\//.test(late.stderr()), 60_000);
    expect((await ownedContainers(`${latePid}-`)).length).toBe(1);
    late.child.kill('SIGINT');
    const second = await late.exit;
    expect(second.code, late.stderr()).toBe(130);
    expect(await ownedContainers(`${latePid}-`)).toEqual([]);
  });

  it('removes the container of a target that fails to start, and exits 3 with its output', { timeout: 120_000 }, async () => {
    // The Debian base image runs bash, which ends at once: no MQTT server ever answers.
    const run = cli(['--broker', `container:${BASE_IMAGE}`], await tempDir());
    const pid = run.child.pid ?? 0;
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(3);
    expect(run.stderr()).toMatch(/container localhost\/debian:bookworm .*(does not answer MQTT|did not start)/);
    expect(await ownedContainers(`${pid}-`)).toEqual([]);
  });

  it('certifies a broker image with the suite image through docker/certify.compose.yaml, writing the HTML report to the host', { timeout: RUN_TIMEOUT_MS }, async (context) => {
    // podman-compose makes a bridge network: only inside scripts/containers.sh's private namespace.
    if (!inPrivateNetworkNamespace()) {
      if (REQUIRED) expect.fail('MQTT_CONFORMANCE_NETNS does not name this process network namespace');
      context.skip('runs only inside scripts/containers.sh (compose networks stay in its private network namespace)');
    }
    const dir = await tempDir();
    const compose = spawnSync(join(PACKAGE_ROOT, 'scripts', 'compose-certify.sh'), [dir], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
    const output = `${compose.stdout ?? ''}${compose.stderr ?? ''}`.slice(-4000);
    expect(compose.status, output).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportJson;
    expect(report.target.kind).toBe('url');
    expect(report.summary.scenarios).toBeGreaterThan(0);
    expect(report.summary.failed).toBe(0);
    // compose down removed its containers too.
    const left = spawnSync('podman', ['ps', '-a', '--filter', 'label=io.podman.compose.project=mqtt-conformance-certify', '--format', '{{.Names}}'], { encoding: 'utf8' });
    expect(left.stdout.trim()).toBe('');
  });
});
