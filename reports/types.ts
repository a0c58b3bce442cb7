/**
 * The compliance model: what a conformance run found, in the spec's terms.
 *
 * It is plain JSON data (no classes, no Dates, no Maps) so that `report.json` is exactly the model
 * and a saved report can be re-rendered or merged into a matrix without the message stream.
 * `reports/report.schema.json` is the JSON Schema of this shape; keep the two in step
 * (`report-schema.test.ts` validates generated reports against it).
 */

/** The outcome of one scenario. `inconclusive` is a harness/target problem, never a broker verdict. */
export type ScenarioVerdict = 'passed' | 'failed' | 'not-applicable' | 'inconclusive';

/**
 * The outcome of one normative statement, from the scenarios tagged with it.
 * - `met`: at least one scenario passed and none failed, none was inconclusive.
 * - `violated`: a scenario tagged with it failed.
 * - `inconclusive`: none failed, but a scenario could not be judged (target unreachable/died).
 * - `not-applicable`: every scenario tagged with it was not applicable (capability absent).
 * - `not-covered`: wire-testable in the catalogue but no scenario of this run checks it.
 */
export type StatementVerdict = 'met' | 'violated' | 'inconclusive' | 'not-applicable' | 'not-covered';

/** Verdict for one protocol version. */
export type VersionVerdict = 'compliant' | 'not-compliant' | 'incomplete-coverage';

/** Protocol versions as tagged on scenarios (`@v3.1`, `@v3.1.1`, `@v5`). */
export type ProtocolTag = '3.1' | '3.1.1' | '5';

/** Spec catalogues (`reports/spec/mqtt-v<specVersion>-statements.json`). */
export type SpecVersion = '3.1.1' | '5.0';

export type Actor = 'server' | 'client' | 'both';

/** One entry of a spec catalogue, as committed in `reports/spec/`. */
export interface CatalogueStatement {
  id: string;
  section: string;
  topic: string;
  summary: string;
  actor: Actor;
  wire_testable: boolean;
  note?: string;
}

/** One record of a scenario's packet trace (attachment `application/vnd.mqtt-conformance.trace+json`). */
export interface TraceEntry {
  /** The scenario's logical client name. */
  client: string;
  /** Milliseconds since the scenario's first trace record (or since the client was created). */
  t: number;
  dir: 'out' | 'in' | 'event';
  /** Spaced hex of the packet bytes, e.g. `10 0d 00 04`. */
  hex?: string;
  /** The decoded packet (the codec's `Packet` with each Buffer as `{hex, utf8?}`). */
  packet?: Record<string, unknown>;
  /** A decode error for bytes that did not parse. */
  error?: string;
  /** For `dir: 'event'`: e.g. `connect`, `close`, `error`, `end-sent`, `decode-error`. */
  event?: string;
  /** Detail of an event. */
  note?: string;
}

/** Why a scenario failed: parsed from the step's error message and its trace attachment. */
export interface Failure {
  /** The statement the failed expectation checks, e.g. `MQTT-3.1.2-1`, when the steps name one. */
  statement?: string;
  /** One line: the statement's summary, else a headline, else the error's first line. */
  summary: string;
  expected?: string;
  received?: string;
  /** The failure in text (rule, Expected, Received, or the error's message); never the stack or the packet trace (that is `trace`). */
  message: string;
  /** The text of the step (or hook) that failed, e.g. `Then the server closes the connection of "c"`. */
  step?: string;
  trace?: TraceEntry[];
}

export interface ScenarioResult {
  /** Stable within one version of the suite: `<feature uri>:<line>`. */
  id: string;
  name: string;
  /** Feature name (the `Feature:` title). */
  feature: string;
  /** Feature file, relative to the suite root. */
  uri: string;
  line: number;
  /** Every tag of the pickle, with `@`. */
  tags: string[];
  /** From `@v3.1`, `@v3.1.1`, `@v5`; `['3.1.1']` when the scenario has none. */
  versions: ProtocolTag[];
  /** From `@MQTT-x.y.z-n` tags. */
  statements: string[];
  /** From `@needs:<capability>`. */
  needs: string[];
  optional: boolean;
  serial: boolean;
  verdict: ScenarioVerdict;
  /** Why the scenario is not applicable or inconclusive. */
  reason?: string;
  /** The declared exclusion (a capability, e.g. `retain`) that made it not applicable. */
  exclusion?: string;
  durationMs: number;
  failure?: Failure;
}

export interface StatementResult {
  id: string;
  specVersion: SpecVersion;
  section: string;
  /** The section group (`3.1`, `4.7`, `6`) this statement is listed under. */
  area: string;
  topic: string;
  summary: string;
  actor: Actor;
  wireTestable: boolean;
  verdict: StatementVerdict;
  /** Only `@optional` scenarios check it: shown, but never counted as non-compliance. */
  informational: boolean;
  /** Scenario ids (see `ScenarioResult.id`). */
  scenarios: string[];
}

export interface StatementCounts {
  met: number;
  violated: number;
  inconclusive: number;
  notApplicable: number;
  notCovered: number;
}

/**
 * The one definition of the counts that every output (terminal, HTML, Markdown, JSON, JUnit)
 * shows. The five parts add up to `scenarios`.
 */
export interface ScenarioCounts {
  scenarios: number;
  passed: number;
  /** Required scenarios that failed: these, and only these, decide the exit code and the red. */
  failed: number;
  /** `@optional` scenarios whose behaviour the broker does not show: informational, never failure. */
  optionalNotShown: number;
  notApplicable: number;
  inconclusive: number;
}

/** A capability the user declared out of judgement (mirrors the harness's `DeclaredExclusion`). */
export interface ExclusionInfo {
  capability: string;
  source: 'profile' | 'command line';
  reason: string;
}

export interface VersionResult {
  version: ProtocolTag;
  /** The catalogue its statements come from (3.1 uses the 3.1.1 IDs but has no catalogue of its own). */
  specVersion: SpecVersion;
  verdict: VersionVerdict;
  /** One sentence saying why. */
  reason: string;
  /** Required (non-optional) scenarios of this version. */
  scenarios: ScenarioCounts;
  /** Optional scenarios of this version (informational). */
  optional: ScenarioCounts;
  /** Wire-testable statements of the catalogue, by verdict in this version's scenarios. Absent for 3.1. */
  statements?: StatementCounts & { wireTestable: number };
}

export interface CoverageResult {
  specVersion: SpecVersion;
  /** Catalogue statements with `wire_testable: true`. */
  wireTestable: number;
  /** Of those, how many at least one scenario of this run checks. */
  covered: number;
  /** Of those, how many are met. */
  met: number;
  /** Catalogue size. */
  total: number;
}

export interface ToolInfo {
  name: string;
  version: string;
}

/** Mirrors `harness/targets/types.ts` `TargetDescription` (reports import no harness code). */
export interface TargetInfo {
  name: string;
  version?: string;
  url: string;
  kind: 'reference' | 'url' | 'process' | 'container';
}

/** What the caller of `buildComplianceModel` knows about the run and cucumber does not. */
export interface RunMeta {
  tool: ToolInfo;
  target: TargetInfo;
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  /** The cucumber tag expression used, if any. */
  tags?: string;
  /** The command line. */
  argv: string[];
  /** Exclusions the user declared (profile or `--exclude`); every report lists them. */
  exclusions?: ExclusionInfo[];
}

export interface RunInfo {
  startedAt: string;
  durationMs: number;
  tags?: string;
  argv: string[];
  /** From cucumber's `meta` envelope. */
  cucumber?: string;
  runtime?: string;
  os?: string;
}

/** A tag naming a statement that is in no catalogue (a suite bug, reported rather than hidden). */
export interface UnknownStatementTag {
  tag: string;
  specVersion: SpecVersion;
  scenarios: string[];
}

export interface ComplianceModel {
  /** Version of this JSON shape. */
  schemaVersion: 1;
  tool: ToolInfo;
  target: TargetInfo;
  run: RunInfo;
  summary: ScenarioCounts & { durationMs: number };
  versions: VersionResult[];
  coverage: CoverageResult[];
  statements: StatementResult[];
  scenarios: ScenarioResult[];
  unknownStatementTags: UnknownStatementTag[];
  /** Declared exclusions, each with the number of scenarios it made not applicable. */
  exclusions: (ExclusionInfo & { scenarios: number })[];
}

/** `report.json` is the compliance model, unchanged. */
export type ReportJson = ComplianceModel;
