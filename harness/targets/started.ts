import type { Capabilities, Endpoint, StartedTarget, TargetDescription, TargetError } from './types.js';

export interface StartedTargetParts {
  endpoint: Endpoint;
  capabilities: Capabilities;
  description: TargetDescription;
  /** Releases what `start()` acquired. Called at most once, however often `stop()` is called. */
  release: () => Promise<void>;
  failure?: () => TargetError | undefined;
  /** The broker's log so far (a process's or container's output). */
  output?: () => string;
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
  const withOutput: StartedTarget = parts.output === undefined ? started : { ...started, output: parts.output };
  if (parts.failure !== undefined) {
    const failure = parts.failure;
    return { ...withOutput, failure: () => failure() };
  }
  return withOutput;
}
