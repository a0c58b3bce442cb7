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
import { hasIsolatedInstance, workerTarget } from './support/applicability.js';
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

/** `@serial` scenarios never run beside another on the same broker instance (support/serial.ts). */
setParallelCanAssign((pickle, inProgress) => {
  const serial = (p: { tags: readonly { name: string }[] }): boolean => p.tags.some((t) => t.name === '@serial');
  return canStartBeside(serial(pickle), inProgress.map(serial), hasIsolatedInstance());
});

// Once per worker: a run without a target stops here, with what to do, not in every scenario.
BeforeAll(function () {
  workerTarget();
});

// The world reads the scenario's version, applicability and endpoint from the target (MqttWorld.prepare).
Before(async function (this: MqttWorld, { pickle }) {
  return this.prepare(pickle.name, pickle.tags.map((t) => t.name));
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
