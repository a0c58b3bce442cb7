import type { Capabilities, Endpoint, StartedTarget, TargetDescription, TargetError, TargetProcess } from './types.js';

export interface StartedTargetParts {
  endpoint: Endpoint;
  capabilities: Capabilities;
  description: TargetDescription;
  /** Releases what `start()` acquired. Called at most once, however often `stop()` is called. */
  release: () => Promise<void>;
  failure?: () => TargetError | undefined;
  /** The broker's log so far (a process's or container's output). */
  output?: () => string;
  /** The broker's process on this machine, when it runs as one. */
  process?: TargetProcess;
}

/** Builds a StartedTarget whose `stop()` is idempotent and which is `AsyncDisposable` (`await using`). */
export function createStartedTarget(parts: StartedTargetParts): StartedTarget {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= parts.release();
    return stopping;
  };
  const started: StartedTarget = {
    endpoint: parts.endpoint,
    capabilities: parts.capabilities,
    describe: () => ({ ...parts.description }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
  const withProcess: StartedTarget = parts.process === undefined ? started : { ...started, process: parts.process };
  const withOutput: StartedTarget = parts.output === undefined ? withProcess : { ...withProcess, output: parts.output };
  if (parts.failure !== undefined) {
    const failure = parts.failure;
    return { ...withOutput, failure: () => failure() };
  }
  return withOutput;
}
