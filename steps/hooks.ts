import {
  After,
  AfterStep,
  Before,
  BeforeAll,
  Status,
  setDefaultTimeout,
  setParallelCanAssign,
  setWorldConstructor,
} from './support/cucumber.js';
import { TRACE_MEDIA_TYPE } from '../harness/client/index.js';
import { scenarioEndpoint } from '../harness/targets/started.js';
import { notApplicable, parseVersion, scenarioVersion, targetFromEnv, TARGET_ENV, type SuiteTarget } from './support/applicability.js';
import { VERDICT_MEDIA_TYPE, VERSION_ENV } from './support/config.js';
import { unaccountedPackets } from './support/accounting.js';
import { attachFailure, stepText, thrownOf } from './support/failure.js';
import { MqttWorld } from './support/world.js';
import { useNativeMatchIndices } from './support/native-match-indices.js';
import { canStartBeside } from './support/serial.js';

setWorldConstructor(MqttWorld);
// Step matching through native RegExp indices: the same matches, half a second less CPU per worker.
useNativeMatchIndices();
// Scenarios bound their own waits; this only stops a step that hangs in the harness itself.
setDefaultTimeout(30_000);

let isolatedInstance: boolean | undefined;
/** Whether the target gives `@serial` scenarios an instance of their own (read in the coordinator, where `run` set it before cucumber started). */
const serialScenariosIsolated = (): boolean => (isolatedInstance ??= targetFromEnv()?.isolated !== undefined);

/** `@serial` scenarios never run beside another on the same broker instance (support/serial.ts). */
setParallelCanAssign((pickle, inProgress) => {
  const serial = (p: { tags: readonly { name: string }[] }): boolean => p.tags.some((t) => t.name === '@serial');
  return canStartBeside(serial(pickle), inProgress.map(serial), serialScenariosIsolated());
});

let suiteTarget: SuiteTarget | undefined;

BeforeAll(function () {
  suiteTarget = targetFromEnv();
  // `mqtt-conformance run` sets the target; plain `npx cucumber-js` gets it from cli/standalone-target.ts.
  if (!suiteTarget) throw new Error(`no target: ${TARGET_ENV} is not set (run the suite with \`mqtt-conformance run\`)`);
});

Before(async function (this: MqttWorld, { pickle }) {
  if (!suiteTarget) throw new Error('no target: BeforeAll did not run');
  const tags = pickle.tags.map((t) => t.name);
  // A @serial scenario runs on the target's isolated instance when it has one (see setParallelCanAssign).
  const target: SuiteTarget = tags.includes('@serial') && suiteTarget.isolated !== undefined ? suiteTarget.isolated : suiteTarget;
  const preferredText = process.env[VERSION_ENV];
  const version = scenarioVersion(tags, preferredText ? parseVersion(preferredText) : undefined);
  const na = notApplicable(tags, version, target.capabilities);
  if (na !== undefined || version === undefined) {
    // A declared exclusion travels with the verdict: the reports count and list those apart.
    const verdict = { verdict: 'not-applicable', reason: na?.reason ?? 'no version', ...(na?.exclusion !== undefined ? { exclusion: na.exclusion.capability } : {}) };
    this.attach(JSON.stringify(verdict), VERDICT_MEDIA_TYPE);
    return 'skipped';
  }
  // A @needs:tls / @needs:websocket scenario dials the target's endpoint of that transport, when it declares one.
  const endpoint = scenarioEndpoint(target.endpoint, target.capabilities, { tls: tags.includes('@needs:tls'), websocket: tags.includes('@needs:websocket') });
  this.setup({ target: endpoint === target.endpoint ? target : { ...target, endpoint }, name: pickle.name, tags, version });
  return undefined;
});

// The failure as data (contract MEDIA_TYPE.failure) from the error the step threw, whoever raised it.
AfterStep(async function (this: MqttWorld, { error, gherkinDocument, pickleStep, result }) {
  if (result.status === Status.FAILED) await attachFailure(this, error, stepText(gherkinDocument, pickleStep));
});

After(async function (this: MqttWorld, { result, error }) {
  let leftover: Error | undefined;
  try {
    if (result?.status === Status.PASSED) leftover = this.hasSetup ? unaccountedPackets(this) : undefined;
  } finally {
    await this.closeAll();
  }
  if (result?.status === Status.FAILED) {
    await this.judgeUnjudgedFloods(result.exception?.type);
    // A failure no AfterStep attached (a Before hook's): what cucumber recorded of it.
    await attachFailure(this, thrownOf(error, result.exception, result.message));
  }
  if (leftover) await attachFailure(this, leftover, 'After hook');
  if ((result?.status === Status.FAILED || leftover) && this.trace.entries.length > 0) {
    this.attach(this.traceAttachment(), TRACE_MEDIA_TYPE);
  }
  if (leftover) throw leftover;
});
