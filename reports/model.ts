import type {
  Attachment,
  Envelope,
  GherkinDocument,
  Pickle,
  TestCase,
  TestStepResult,
  Timestamp,
} from '@cucumber/messages';
import { areaOf, compareStatementIds, loadCatalogues, SPEC_VERSIONS } from './catalogue.js';
import type { Catalogues } from './catalogue.js';
import { ReportError } from './errors.js';
import type {
  CatalogueStatement,
  ComplianceModel,
  CoverageResult,
  Failure,
  ProtocolTag,
  RunMeta,
  ScenarioCounts,
  ScenarioResult,
  ScenarioVerdict,
  SpecVersion,
  StatementCounts,
  StatementResult,
  StatementVerdict,
  TraceEntry,
  UnknownStatementTag,
  VersionResult,
} from './types.js';
import { MEDIA_TYPE } from '../contract/index.js';

export const TRACE_MEDIA_TYPE = MEDIA_TYPE.trace;
export const VERDICT_MEDIA_TYPE = MEDIA_TYPE.verdict;
export const FAILURE_MEDIA_TYPE = MEDIA_TYPE.failure;

const VERSION_TAGS: Record<string, ProtocolTag> = { '@v3.1': '3.1', '@v3.1.1': '3.1.1', '@v5': '5' };
const PROTOCOL_ORDER: readonly ProtocolTag[] = ['3.1', '3.1.1', '5'];
const STATEMENT_TAG = /^@(MQTT-\d+(?:\.\d+)*-\d+)$/;

/** The catalogue a protocol version's statement IDs refer to. */
export function specVersionOf(version: ProtocolTag): SpecVersion {
  return version === '5' ? '5.0' : '3.1.1';
}

/**
 * The catalogue a scenario's `@MQTT-…` tags name: 5.0 for a scenario that runs only as MQTT 5,
 * 3.1.1 otherwise (a scenario that also runs as 3.1 or 3.1.1 carries the 3.1.1 IDs: the same ID
 * often means a different rule in 5.0). The suite's tag meta-test checks tags by the same rule.
 */
export function statementCatalogueOf(scenario: Pick<ScenarioResult, 'versions'>): SpecVersion {
  return scenario.versions.length > 0 && scenario.versions.every((v) => v === '5') ? '5.0' : '3.1.1';
}

function ms(t: Timestamp | undefined): number | undefined {
  return t === undefined ? undefined : t.seconds * 1000 + t.nanos / 1e6;
}

function attachmentText(a: Attachment): string {
  const encoding: string = a.contentEncoding;
  return encoding === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body;
}

const TRACE_DIRS = new Set(['out', 'in', 'event']);

/** Keep the well-formed records of a trace attachment; say so when some were not. */
function parseTrace(text: string): { trace: TraceEntry[]; problem?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { trace: [], problem: `trace attachment is not JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(value)) return { trace: [], problem: 'trace attachment is not a JSON array' };
  const trace: TraceEntry[] = [];
  let dropped = 0;
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) {
      dropped++;
      continue;
    }
    const r = item as Record<string, unknown>;
    if (typeof r['client'] !== 'string' || typeof r['t'] !== 'number' || !TRACE_DIRS.has(r['dir'] as string)) {
      dropped++;
      continue;
    }
    const entry: TraceEntry = { client: r['client'], t: r['t'], dir: r['dir'] as TraceEntry['dir'] };
    if (typeof r['hex'] === 'string') entry.hex = r['hex'];
    const packet = r['packet'];
    if (typeof packet === 'object' && packet !== null && !Array.isArray(packet) && typeof (packet as Record<string, unknown>)['type'] === 'string') {
      entry.packet = r['packet'] as Record<string, unknown>;
    }
    if (typeof r['error'] === 'string') entry.error = r['error'];
    if (typeof r['event'] === 'string') entry.event = r['event'];
    if (typeof r['note'] === 'string') entry.note = r['note'];
    trace.push(entry);
  }
  return dropped === 0 ? { trace } : { trace, problem: `${dropped} malformed trace record(s) dropped` };
}

/** `{verdict, reason, exclusion?}` of a verdict attachment, or why it could not be read. */
function parseVerdict(text: string): { verdict: 'not-applicable' | 'inconclusive'; reason: string; exclusion?: string } {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null) {
      const r = v as Record<string, unknown>;
      if ((r['verdict'] === 'not-applicable' || r['verdict'] === 'inconclusive') && typeof r['reason'] === 'string') {
        const exclusion = r['verdict'] === 'not-applicable' && typeof r['exclusion'] === 'string' && r['exclusion'] !== '' ? r['exclusion'] : undefined;
        return exclusion === undefined ? { verdict: r['verdict'], reason: r['reason'] } : { verdict: r['verdict'], reason: r['reason'], exclusion };
      }
    }
    return { verdict: 'inconclusive', reason: `malformed verdict attachment: ${text.slice(0, 200)}` };
  } catch {
    return { verdict: 'inconclusive', reason: `verdict attachment is not JSON: ${text.slice(0, 200)}` };
  }
}

/**
 * The failure of a run recorded before the steps attached failures as data (contract
 * `MEDIA_TYPE.failure`): read back out of the error's message, `[MQTT-x.y.z-n] summary`, then
 * `Expected: ...` and `Received: ...` (each may span lines, up to the next labelled or blank line),
 * then the rendered `Trace:` (dropped: the trace attachment has it). Only for saved runs
 * (`report --from` an old messages.ndjson): a run of today's suite never comes here.
 */
export function legacyFailureFromMessage(result: Pick<TestStepResult, 'exception' | 'message'>): Pick<Failure, 'statement' | 'summary' | 'expected' | 'received' | 'message'> {
  // Cucumber's `message` (no exception recorded) starts `SomeError: ` and ends in the stack trace.
  const raw = result.exception?.message ?? (result.message ?? '').replace(/^[A-Za-z]*Error: /, '');
  const all = raw.split('\n');
  const stackAt = all.findIndex((l) => /^\s+at\s/.test(l));
  const traceAt = all.indexOf('Trace:');
  const ends = [stackAt, traceAt].filter((i) => i !== -1);
  const lines = ends.length === 0 ? all : all.slice(0, Math.min(...ends));
  const message = lines.join('\n').trimEnd();
  const first = lines[0] ?? '';
  const m = /^\s*\[(MQTT-\d+(?:\.\d+)*-\d+)\]\s*(.*)$/.exec(first);
  const out: Pick<Failure, 'statement' | 'summary' | 'expected' | 'received' | 'message'> = {
    summary: m ? (m[2] ?? '') : first,
    message,
  };
  if (m?.[1]) out.statement = m[1];
  const section = (label: string): string | undefined => {
    const start = lines.findIndex((l) => l.startsWith(`${label}:`));
    if (start === -1) return undefined;
    const body = [(lines[start] ?? '').slice(label.length + 1).trim()];
    for (let i = start + 1; i < lines.length; i++) {
      const l = lines[i] ?? '';
      if (l.trim() === '' || /^[A-Z][A-Za-z ]*:/.test(l)) break;
      body.push(l);
    }
    return body.join('\n').trim();
  };
  const expected = section('Expected');
  const received = section('Received');
  if (expected !== undefined) out.expected = expected;
  if (received !== undefined) out.received = received;
  return out;
}

/** The failure a step attached (contract {@link FailureAttachment}), or why the attachment cannot be read. */
function parseFailure(text: string): { failure: Omit<Failure, 'trace'>; traceMediaType?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { failure: { summary: 'unreadable failure attachment', message: `failure attachment is not JSON: ${(err as Error).message}` } };
  }
  const r = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  if (typeof r['summary'] !== 'string' || typeof r['message'] !== 'string') {
    return { failure: { summary: 'unreadable failure attachment', message: `failure attachment without summary and message: ${text.slice(0, 200)}` } };
  }
  const failure: Omit<Failure, 'trace'> = { summary: r['summary'], message: r['message'] };
  for (const key of ['statement', 'step', 'expected', 'received'] as const) {
    const v = r[key];
    if (typeof v === 'string') failure[key] = v;
  }
  const trace = r['trace'];
  const traceMediaType = typeof trace === 'object' && trace !== null ? (trace as Record<string, unknown>)['mediaType'] : undefined;
  return typeof traceMediaType === 'string' ? { failure, traceMediaType } : { failure };
}

interface Attempt {
  testCaseId: string;
  attempt: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  willBeRetried: boolean;
  steps: { testStepId: string; result: TestStepResult }[];
  attachments: Attachment[];
}

/** Index of everything the model needs from the stream, built in one pass. */
class MessageIndex {
  readonly documents = new Map<string, GherkinDocument>();
  readonly pickles = new Map<string, Pickle>();
  readonly testCases = new Map<string, TestCase>();
  readonly hookTypes = new Map<string, string>();
  /** Gherkin step AST id -> keyword ("Given ", "Then "). */
  readonly keywords = new Map<string, string>();
  readonly attempts = new Map<string, Attempt>();
  meta: Envelope['meta'];
  runStarted: number | undefined;
  runFinished: number | undefined;

  constructor(envelopes: readonly Envelope[]) {
    for (const e of envelopes) {
      if (e.gherkinDocument) this.addDocument(e.gherkinDocument);
      else if (e.pickle) this.pickles.set(e.pickle.id, e.pickle);
      else if (e.testCase) this.testCases.set(e.testCase.id, e.testCase);
      else if (e.hook) this.hookTypes.set(e.hook.id, String(e.hook.type ?? ''));
      else if (e.meta) this.meta = e.meta;
      else if (e.testRunStarted) this.runStarted = ms(e.testRunStarted.timestamp);
      else if (e.testRunFinished) this.runFinished = ms(e.testRunFinished.timestamp);
      else if (e.testCaseStarted) {
        this.attempts.set(e.testCaseStarted.id, {
          testCaseId: e.testCaseStarted.testCaseId,
          attempt: e.testCaseStarted.attempt,
          startedAt: ms(e.testCaseStarted.timestamp),
          finishedAt: undefined,
          willBeRetried: false,
          steps: [],
          attachments: [],
        });
      } else if (e.testStepFinished) {
        this.attempts.get(e.testStepFinished.testCaseStartedId)?.steps.push({
          testStepId: e.testStepFinished.testStepId,
          result: e.testStepFinished.testStepResult,
        });
      } else if (e.attachment?.testCaseStartedId !== undefined) {
        this.attempts.get(e.attachment.testCaseStartedId)?.attachments.push(e.attachment);
      } else if (e.testCaseFinished) {
        const a = this.attempts.get(e.testCaseFinished.testCaseStartedId);
        if (a) {
          a.finishedAt = ms(e.testCaseFinished.timestamp);
          a.willBeRetried = e.testCaseFinished.willBeRetried;
        }
      }
    }
  }

  private addDocument(doc: GherkinDocument): void {
    if (doc.uri !== undefined) this.documents.set(doc.uri, doc);
    const visitSteps = (steps: readonly { id: string; keyword: string }[]): void => {
      for (const s of steps) this.keywords.set(s.id, s.keyword);
    };
    for (const child of doc.feature?.children ?? []) {
      if (child.background) visitSteps(child.background.steps);
      if (child.scenario) visitSteps(child.scenario.steps);
      for (const rc of child.rule?.children ?? []) {
        if (rc.background) visitSteps(rc.background.steps);
        if (rc.scenario) visitSteps(rc.scenario.steps);
      }
    }
  }

  /** The attempt that counts for each test case: the highest-numbered one (a retried attempt is superseded). */
  finalAttempts(): Map<string, Attempt> {
    const byCase = new Map<string, Attempt>();
    for (const a of this.attempts.values()) {
      const prev = byCase.get(a.testCaseId);
      if (!prev || a.attempt >= prev.attempt) byCase.set(a.testCaseId, a);
    }
    return byCase;
  }

  stepText(testCase: TestCase, testStepId: string, pickle: Pickle): string | undefined {
    const step = testCase.testSteps.find((s) => s.id === testStepId);
    if (!step) return undefined;
    if (step.hookId !== undefined) {
      const type = this.hookTypes.get(step.hookId) ?? '';
      return type.startsWith('AFTER') ? 'After hook' : type.startsWith('BEFORE') ? 'Before hook' : 'Hook';
    }
    const ps = pickle.steps.find((p) => p.id === step.pickleStepId);
    if (!ps) return undefined;
    const keyword = ps.astNodeIds.map((id) => this.keywords.get(id)).find((k) => k !== undefined) ?? '';
    return `${keyword.trim()} ${ps.text}`.trim();
  }
}

const STATUS_RANK: Record<string, number> = { PASSED: 0, SKIPPED: 1, UNKNOWN: 2, PENDING: 3, UNDEFINED: 4, AMBIGUOUS: 5, FAILED: 6 };

function scenarioFrom(index: MessageIndex, testCase: TestCase, attempt: Attempt | undefined): ScenarioResult | undefined {
  const pickle = index.pickles.get(testCase.pickleId);
  if (!pickle) return undefined;
  const tags = pickle.tags.map((t) => t.name);
  const versions = [...new Set(tags.map((t) => VERSION_TAGS[t]).filter((v): v is ProtocolTag => v !== undefined))].sort(
    (a, b) => PROTOCOL_ORDER.indexOf(a) - PROTOCOL_ORDER.indexOf(b),
  );
  const statements = [...new Set(tags.map((t) => STATEMENT_TAG.exec(t)?.[1]).filter((s): s is string => s !== undefined))];
  const doc = index.documents.get(pickle.uri);
  const line = pickle.location?.line ?? 0;
  const scenario: ScenarioResult = {
    id: `${pickle.uri}:${line}`,
    name: pickle.name,
    feature: doc?.feature?.name ?? pickle.uri,
    uri: pickle.uri,
    line,
    tags,
    versions: versions.length > 0 ? versions : ['3.1.1'],
    statements,
    needs: tags.filter((t) => t.startsWith('@needs:')).map((t) => t.slice('@needs:'.length)),
    optional: tags.includes('@optional'),
    serial: tags.includes('@serial'),
    verdict: 'inconclusive',
    durationMs: 0,
  };
  if (!attempt) {
    scenario.reason = 'not run: the run ended before this scenario started';
    return scenario;
  }
  const stepsMs = attempt.steps.reduce((sum, s) => sum + s.result.duration.seconds * 1000 + s.result.duration.nanos / 1e6, 0);
  const wallMs = attempt.startedAt !== undefined && attempt.finishedAt !== undefined ? attempt.finishedAt - attempt.startedAt : 0;
  scenario.durationMs = Math.round(Math.max(stepsMs, wallMs) * 1000) / 1000;

  let worst: { testStepId: string; result: TestStepResult } | undefined;
  for (const s of attempt.steps) {
    if (!worst || (STATUS_RANK[String(s.result.status)] ?? 2) > (STATUS_RANK[String(worst.result.status)] ?? 2)) worst = s;
  }
  const status = worst ? String(worst.result.status) : attempt.finishedAt === undefined ? 'UNKNOWN' : 'PASSED';

  const failed = attempt.steps.find((s) => String(s.result.status) === 'FAILED');
  if (failed) {
    // The first failure the steps attached is the scenario's; a saved run from before they did has none.
    const attached = attempt.attachments.find((a) => a.mediaType === FAILURE_MEDIA_TYPE);
    let failure: Failure;
    let traceMediaType: string | undefined;
    if (attached) {
      const parsed = parseFailure(attachmentText(attached));
      failure = parsed.failure;
      traceMediaType = parsed.traceMediaType;
    } else {
      failure = legacyFailureFromMessage(failed.result);
      traceMediaType = TRACE_MEDIA_TYPE;
    }
    if (failure.step === undefined) {
      const step = index.stepText(testCase, failed.testStepId, pickle);
      if (step !== undefined) failure.step = step;
    }
    const last = traceMediaType === TRACE_MEDIA_TYPE ? attempt.attachments.filter((a) => a.mediaType === TRACE_MEDIA_TYPE).pop() : undefined;
    if (last) {
      const { trace, problem } = parseTrace(attachmentText(last));
      failure.trace = trace;
      if (problem !== undefined) failure.message += `\n(${problem})`;
    }
    scenario.failure = failure;
  }

  const verdictAttachment = attempt.attachments.filter((a) => a.mediaType === VERDICT_MEDIA_TYPE).pop();
  if (verdictAttachment) {
    const { verdict, reason, exclusion } = parseVerdict(attachmentText(verdictAttachment));
    scenario.verdict = verdict;
    scenario.reason = reason;
    if (exclusion !== undefined) scenario.exclusion = exclusion;
    return scenario;
  }
  const verdictOf: Record<string, [ScenarioVerdict, string | undefined]> = {
    PASSED: ['passed', undefined],
    FAILED: ['failed', undefined],
    SKIPPED: ['not-applicable', 'skipped without a stated reason'],
    PENDING: ['inconclusive', 'a step is pending (not implemented)'],
    UNDEFINED: ['inconclusive', 'a step has no definition'],
    AMBIGUOUS: ['inconclusive', 'a step matches several definitions'],
    UNKNOWN: ['inconclusive', 'the scenario did not finish'],
  };
  const [verdict, reason] = verdictOf[status] ?? ['inconclusive', `unknown step status ${status}`];
  scenario.verdict = verdict;
  if (reason !== undefined) {
    const stepText = worst ? index.stepText(testCase, worst.testStepId, pickle) : undefined;
    scenario.reason = stepText === undefined ? reason : `${reason}: ${stepText}`;
  }
  return scenario;
}

/** Where a scenario counts: the one rule behind every output's numbers. */
export function countOf(s: Pick<ScenarioResult, 'verdict' | 'optional'>): Exclude<keyof ScenarioCounts, 'scenarios'> {
  if (s.verdict === 'passed') return 'passed';
  if (s.verdict === 'failed') return s.optional ? 'optionalNotShown' : 'failed';
  if (s.verdict === 'not-applicable') return 'notApplicable';
  return 'inconclusive';
}

/** The counts of a list of scenarios (see {@link ScenarioCounts}); every renderer uses these. */
export function countScenarios(list: readonly Pick<ScenarioResult, 'verdict' | 'optional'>[]): ScenarioCounts {
  const c: ScenarioCounts = { scenarios: list.length, passed: 0, failed: 0, optionalNotShown: 0, notApplicable: 0, inconclusive: 0 };
  for (const s of list) c[countOf(s)]++;
  return c;
}

/**
 * A statement's verdict from the scenarios that check it. Optional scenarios count only when no
 * required scenario checks the statement (then the verdict is informational).
 */
export function statementVerdict(scenarios: readonly ScenarioResult[]): { verdict: StatementVerdict; informational: boolean } {
  if (scenarios.length === 0) return { verdict: 'not-covered', informational: false };
  const required = scenarios.filter((s) => !s.optional);
  const pool = required.length > 0 ? required : scenarios;
  const has = (v: ScenarioVerdict): boolean => pool.some((s) => s.verdict === v);
  const verdict: StatementVerdict = has('failed') ? 'violated' : has('inconclusive') ? 'inconclusive' : has('passed') ? 'met' : 'not-applicable';
  return { verdict, informational: required.length === 0 };
}

function emptyCounts(): StatementCounts {
  return { met: 0, violated: 0, inconclusive: 0, notApplicable: 0, notCovered: 0 };
}

function tally(counts: StatementCounts, verdict: StatementVerdict): void {
  if (verdict === 'met') counts.met++;
  else if (verdict === 'violated') counts.violated++;
  else if (verdict === 'inconclusive') counts.inconclusive++;
  else if (verdict === 'not-applicable') counts.notApplicable++;
  else counts.notCovered++;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** True when every scenario of a not-applicable statement is not applicable by a declared exclusion. */
function excludedOnly(scenarios: readonly ScenarioResult[]): boolean {
  const required = scenarios.filter((s) => !s.optional);
  const pool = required.length > 0 ? required : scenarios;
  return pool.length > 0 && pool.every((s) => s.verdict === 'not-applicable' && s.exclusion !== undefined);
}

/** "2 declared exclusions (retain, qos2)" for the exclusions that took scenarios of `mine` out of judgement. */
function exclusionPhrase(mine: readonly ScenarioResult[]): string | undefined {
  const names = [...new Set(mine.map((s) => s.exclusion).filter((e): e is string => e !== undefined))];
  if (names.length === 0) return undefined;
  return `${plural(names.length, 'declared exclusion')} (${names.join(', ')})`;
}

function versionResult(version: ProtocolTag, scenarios: readonly ScenarioResult[], catalogue: readonly CatalogueStatement[]): VersionResult {
  const mine = scenarios.filter((s) => s.versions.includes(version));
  const required = mine.filter((s) => !s.optional);
  const counts = countScenarios(required);
  const result: VersionResult = {
    version,
    specVersion: specVersionOf(version),
    verdict: 'compliant',
    reason: '',
    scenarios: counts,
    optional: countScenarios(mine.filter((s) => s.optional)),
  };
  const problems: string[] = [];
  let statementsViolated = 0;
  const exclusions = exclusionPhrase(mine);
  if (version !== '3.1') {
    const byStatement = new Map<string, ScenarioResult[]>();
    for (const s of mine) {
      if (statementCatalogueOf(s) !== result.specVersion) continue;
      for (const id of s.statements) byStatement.set(id, [...(byStatement.get(id) ?? []), s]);
    }
    const sc = { ...emptyCounts(), wireTestable: 0 };
    let excluded = 0;
    for (const st of catalogue) {
      if (!st.wire_testable) continue;
      sc.wireTestable++;
      const checking = byStatement.get(st.id) ?? [];
      const { verdict, informational } = statementVerdict(checking);
      // Only optional scenarios check it and they failed: the broker does not offer that optional
      // behaviour. Never non-compliance, but not evidence that the rule is met either.
      tally(sc, informational && verdict === 'violated' ? 'not-applicable' : verdict);
      if (verdict === 'violated' && !informational) statementsViolated++;
      if (verdict === 'not-applicable' && excludedOnly(checking)) excluded++;
    }
    result.statements = sc;
    if (sc.notCovered > 0) problems.push(`${sc.notCovered} of ${sc.wireTestable} wire-testable statements not covered`);
    // Statements out of judgement only by a declared exclusion are named in the verdict instead.
    const notApplicable = sc.notApplicable - excluded;
    if (notApplicable > 0) problems.push(`${plural(notApplicable, 'statement')} not applicable to this target`);
    if (sc.inconclusive > 0) problems.push(`${plural(sc.inconclusive, 'statement')} inconclusive`);
  }
  const withExclusions = exclusions === undefined ? '' : `, with ${exclusions}`;
  if (counts.failed > 0) {
    result.verdict = 'not-compliant';
    result.reason =
      version === '3.1'
        ? `${plural(counts.failed, 'required scenario')} failed${withExclusions}`
        : `${plural(counts.failed, 'required scenario')} failed, ${plural(statementsViolated, 'statement')} violated${withExclusions}`;
    return result;
  }
  if (counts.inconclusive > 0) problems.push(`${plural(counts.inconclusive, 'scenario')} inconclusive`);
  const notApplicableScenarios = required.filter((s) => s.verdict === 'not-applicable' && s.exclusion === undefined).length;
  if (version === '3.1' && notApplicableScenarios > 0) problems.push(`${plural(notApplicableScenarios, 'scenario')} not applicable`);
  if (required.length === 0) problems.push('no required scenario ran');
  else if (counts.passed === 0 && counts.inconclusive === 0) problems.push('no required scenario was judged (all not applicable)');
  if (problems.length > 0) {
    result.verdict = 'incomplete-coverage';
    result.reason = `No failure, but ${problems.join('; ')}${withExclusions}`;
  } else if (exclusions !== undefined) {
    result.reason = `Compliant with ${exclusions}: everything else ${version === '3.1' ? 'run as MQTT 3.1 passed' : 'wire-testable is covered and met'} (${counts.passed} scenarios passed)`;
  } else {
    result.reason =
      version === '3.1'
        ? `${counts.passed === 1 ? 'The only scenario' : `All ${counts.passed} scenarios`} run as MQTT 3.1 passed (3.1 has no statement catalogue of its own)`
        : `Every wire-testable statement is covered and met (${counts.passed} scenarios passed)`;
  }
  return result;
}

function checkMeta(meta: RunMeta): void {
  const bad = (what: string): never => {
    throw new ReportError('REPORT_BAD_META', `run metadata: ${what}`);
  };
  if (typeof meta.tool?.name !== 'string' || typeof meta.tool.version !== 'string') bad('tool {name, version} must be strings');
  if (typeof meta.target?.name !== 'string' || typeof meta.target.url !== 'string') bad('target {name, url} must be strings');
  if (!['reference', 'url', 'process', 'container'].includes(meta.target.kind)) bad(`target.kind "${String(meta.target.kind)}" is not reference, url, process or container`);
  if (typeof meta.startedAt !== 'string' || Number.isNaN(Date.parse(meta.startedAt))) bad(`startedAt "${String(meta.startedAt)}" is not an ISO 8601 date`);
  if (typeof meta.durationMs !== 'number' || !Number.isFinite(meta.durationMs) || meta.durationMs < 0) bad('durationMs must be a number >= 0');
  if (!Array.isArray(meta.argv) || meta.argv.some((a) => typeof a !== 'string')) bad('argv must be an array of strings');
  if (meta.exclusions !== undefined && (!Array.isArray(meta.exclusions) || meta.exclusions.some((e) => typeof e?.capability !== 'string' || typeof e.reason !== 'string'))) {
    bad('exclusions must be an array of {capability, source, reason}');
  }
}

/**
 * The compliance model of one run: scenario verdicts from cucumber's message stream, statement verdicts
 * from the scenarios' `@MQTT-…` tags and the spec catalogues, a verdict per protocol version, coverage.
 */
export function buildComplianceModel(envelopes: readonly Envelope[], meta: RunMeta, catalogues: Catalogues = loadCatalogues()): ComplianceModel {
  checkMeta(meta);
  const index = new MessageIndex(envelopes);
  const finals = index.finalAttempts();
  const scenarios: ScenarioResult[] = [];
  for (const testCase of index.testCases.values()) {
    const s = scenarioFrom(index, testCase, finals.get(testCase.id));
    if (s) scenarios.push(s);
  }
  scenarios.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.line - b.line));

  const byKey = new Map<string, ScenarioResult[]>();
  const specVersionsRun = new Set<SpecVersion>();
  for (const s of scenarios) {
    for (const v of s.versions) specVersionsRun.add(specVersionOf(v));
    const catalogue = statementCatalogueOf(s);
    for (const id of s.statements) {
      const key = `${catalogue} ${id}`;
      byKey.set(key, [...(byKey.get(key) ?? []), s]);
    }
  }

  const statements: StatementResult[] = [];
  const coverage: CoverageResult[] = [];
  const unknownStatementTags: UnknownStatementTag[] = [];
  for (const v of SPEC_VERSIONS) {
    const catalogue = catalogues[v];
    const known = new Set(catalogue.map((s) => s.id));
    const cov: CoverageResult = { specVersion: v, wireTestable: 0, covered: 0, met: 0, total: catalogue.length };
    for (const st of catalogue) {
      const checking = byKey.get(`${v} ${st.id}`) ?? [];
      const { verdict, informational } = statementVerdict(checking);
      if (st.wire_testable) {
        cov.wireTestable++;
        if (checking.length > 0) cov.covered++;
        if (verdict === 'met') cov.met++;
      }
      if (specVersionsRun.has(v) && (st.wire_testable || checking.length > 0)) {
        statements.push({
          id: st.id,
          specVersion: v,
          section: st.section,
          area: areaOf(st.section),
          topic: st.topic,
          summary: st.summary,
          actor: st.actor,
          wireTestable: st.wire_testable,
          verdict,
          informational,
          scenarios: checking.map((s) => s.id),
        });
      }
    }
    coverage.push(cov);
    for (const [key, list] of byKey) {
      const [kv, id] = key.split(' ') as [SpecVersion, string];
      if (kv === v && !known.has(id)) unknownStatementTags.push({ tag: `@${id}`, specVersion: v, scenarios: list.map((s) => s.id) });
    }
  }
  statements.sort((a, b) => (a.specVersion === b.specVersion ? compareStatementIds(a.id, b.id) : a.specVersion < b.specVersion ? -1 : 1));

  const versions = PROTOCOL_ORDER.filter((p) => scenarios.some((s) => s.versions.includes(p))).map((p) =>
    versionResult(p, scenarios, catalogues[specVersionOf(p)]),
  );

  const metaEnv = index.meta;
  const model: ComplianceModel = {
    schemaVersion: 1,
    tool: { name: meta.tool.name, version: meta.tool.version },
    target: { ...meta.target },
    run: { startedAt: meta.startedAt, durationMs: meta.durationMs, argv: [...meta.argv] },
    summary: { ...countScenarios(scenarios), durationMs: meta.durationMs },
    versions,
    coverage,
    statements,
    scenarios,
    unknownStatementTags,
    exclusions: (meta.exclusions ?? []).map((e) => ({
      capability: e.capability,
      source: e.source,
      reason: e.reason,
      scenarios: scenarios.filter((s) => s.exclusion === e.capability).length,
    })),
  };
  if (meta.tags !== undefined) model.run.tags = meta.tags;
  if (metaEnv) {
    model.run.cucumber = `${metaEnv.implementation.name} ${metaEnv.implementation.version ?? ''}`.trim();
    model.run.runtime = `${metaEnv.runtime.name} ${metaEnv.runtime.version ?? ''}`.trim();
    model.run.os = `${metaEnv.os.name} ${metaEnv.os.version ?? ''}`.trim();
  }
  return model;
}

/**
 * Run metadata recoverable from the stream alone (for re-rendering a saved messages.ndjson): start and
 * duration from testRunStarted/Finished; the rest from `known`, with an unknown target otherwise.
 */
export function runMetaFromMessages(envelopes: readonly Envelope[], known: Partial<RunMeta> & Pick<RunMeta, 'tool'>): RunMeta {
  const index = new MessageIndex(envelopes);
  const started = index.runStarted;
  const finished = index.runFinished;
  const meta: RunMeta = {
    tool: known.tool,
    target: known.target ?? { name: 'unknown target', url: '', kind: 'url' },
    startedAt: known.startedAt ?? new Date(started ?? 0).toISOString(),
    durationMs: known.durationMs ?? (started !== undefined && finished !== undefined ? Math.max(0, finished - started) : 0),
    argv: known.argv ?? [],
  };
  if (known.tags !== undefined) meta.tags = known.tags;
  return meta;
}
