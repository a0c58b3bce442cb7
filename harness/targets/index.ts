export * from './types.js';
export { UrlTarget, parseEndpointUrl, credentialsFromUrl, redactUrl, REACHABILITY_TIMEOUT_MS, WAIT_ENV, type TlsFileOptions } from './url.js';
export { ProcessTarget, generateLaunch, type GeneratedLaunch, type ProcessTargetOptions } from './process.js';
export { readProcCpu, readProcRss, parseProcStat, clockTicksPerSecond, type ProcCpu } from './proc-metrics.js';
export { GC_DONE_MARKER, GC_REQUEST_SIGNAL } from './launchers/args.js';
export { ContainerTarget, parseImageReference, RUNTIME_DETECTION_TIMEOUT_MS } from './container.js';
export { probe, versionFromSysText, checkTargetSanity, guessProtocol, SANITY_TIMEOUT_MS, type ProbeOptions, type ProbeResult } from './probe.js';
export {
  defaultCapabilities,
  mergeCapabilities,
  withExclusions,
  profileExclusions,
  isExcludable,
  scenarioEndpoint,
  EXCLUDABLE_CAPABILITIES,
  type ExcludableCapability,
} from './started.js';
export { parseProfile, type BrokerProfile, type ProcessSpec, type ContainerSpec, type EndpointSpec, type ProfileCapabilities } from './profile-schema.js';
export { loadProfileFile, loadBundledProfile, loadBundledProfiles, bundledProfileNames, PROFILES_DIR, PACKAGE_ROOT } from './profiles.js';
export { trackChild } from './children.js';
export { findPackageRoot, RUNNING_COMPILED, CODE_ROOT, codePath } from './package-root.js';
export { launcherCommand, LAUNCHER_ARGUMENT, tsxLoaderUrl } from './placeholders.js';
export { ClusterTarget, clusterOfStarted } from './cluster.js';
