/**
 * What `run` shows on the terminal: live progress from cucumber's messages, and the summary from
 * the compliance model. The counts follow the model's one definition (`countOf`): a failed
 * `@optional` scenario is "optional not shown", with its own mark, never a failure.
 */
import { TestStepResultStatus, type Envelope } from '@cucumber/messages';
import { countOf, type ComplianceModel, type ScenarioResult } from '../reports/index.js';

type Status = 'passed' | 'failed' | 'skipped' | 'other';

/** Marks: a required failure, optional behaviour not shown, inconclusive. */
export const MARK = { failed: '\u2716', optional: '\u25cb', inconclusive: '?' } as const;

/** Live progress on stderr: counts, and each failure (or optional behaviour not shown) as it happens. */
export class Progress {
  private total = 0;
  private done = 0;
  private readonly counts = { passed: 0, failed: 0, optional: 0, skipped: 0, other: 0 };
  private readonly pickles = new Map<string, { name: string; uri: string; optional: boolean }>();
  private readonly testCases = new Map<string, string>();
  private readonly started = new Map<string, { testCaseId: string; status: Status }>();
  private readonly tty: boolean;
  private lastDraw = 0;

  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr) {
    this.tty = out.isTTY === true;
  }

  onMessage(m: Envelope): void {
    if (m.pickle) this.pickles.set(m.pickle.id, { name: m.pickle.name, uri: m.pickle.uri, optional: m.pickle.tags.some((t) => t.name === '@optional') });
    if (m.testCase) {
      this.testCases.set(m.testCase.id, m.testCase.pickleId);
      this.total++;
    }
    if (m.testCaseStarted) this.started.set(m.testCaseStarted.id, { testCaseId: m.testCaseStarted.testCaseId, status: 'passed' });
    if (m.testStepFinished) {
      const s = this.started.get(m.testStepFinished.testCaseStartedId);
      const st = m.testStepFinished.testStepResult.status;
      if (s && s.status !== 'failed') {
        if (st === TestStepResultStatus.FAILED || st === TestStepResultStatus.UNDEFINED || st === TestStepResultStatus.AMBIGUOUS) s.status = 'failed';
        else if (st === TestStepResultStatus.SKIPPED && s.status === 'passed') s.status = 'skipped';
        else if (st === TestStepResultStatus.PENDING || st === TestStepResultStatus.UNKNOWN) s.status = 'other';
      }
    }
    if (m.testCaseFinished) {
      const s = this.started.get(m.testCaseFinished.testCaseStartedId);
      if (!s || m.testCaseFinished.willBeRetried) return;
      this.done++;
      const pickle = this.pickles.get(this.testCases.get(s.testCaseId) ?? '');
      if (s.status === 'failed') {
        const optional = pickle?.optional === true;
        this.counts[optional ? 'optional' : 'failed']++;
        this.clearLine();
        const what = pickle ? `${pickle.name}  (${pickle.uri})` : 'a scenario';
        this.out.write(optional ? `  ${MARK.optional} optional, not shown: ${what}\n` : `  ${MARK.failed} ${what}\n`);
      } else this.counts[s.status]++;
      this.draw(false);
    }
  }

  private clearLine(): void {
    if (this.tty) this.out.write('\r\x1b[2K');
  }

  draw(final: boolean): void {
    const now = Date.now();
    if (!final && (!this.tty || now - this.lastDraw < 80) && this.done !== this.total) return;
    this.lastDraw = now;
    const c = this.counts;
    const line = `  ${this.done}/${this.total} scenarios  ${c.passed} passed  ${c.failed} failed  ${c.optional} optional not shown  ${c.skipped} not applicable`;
    if (this.tty) {
      this.clearLine();
      this.out.write(final ? `${line}\n` : line);
    } else if (final) this.out.write(`${line}\n`);
  }
}

/** Characters of Expected / Received shown on one terminal line. */
const TERMINAL_PART_CHARS = 160;

function oneLine(text: string): string {
  const flat = text.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' | ');
  return flat.length <= TERMINAL_PART_CHARS ? flat : `${flat.slice(0, TERMINAL_PART_CHARS - 1)}\u2026`;
}

/** Under a failed or inconclusive scenario: the rule and summary, expected and received (from the model's failure), else the reason. */
function failureLines(s: ScenarioResult): string[] {
  const f = s.failure;
  if (!f) return s.reason !== undefined && s.reason !== '' ? [s.reason] : [];
  const lines = [f.statement !== undefined ? `[${f.statement}] ${f.summary}` : f.summary];
  if (f.expected !== undefined) lines.push(`Expected: ${oneLine(f.expected)}`);
  if (f.received !== undefined) lines.push(`Received: ${oneLine(f.received)}`);
  return lines;
}

/** The run's summary lines, from the model's counts (the same numbers as every report). */
export function summaryLines(model: ComplianceModel, seconds: number): string[] {
  const out: string[] = [];
  const s = model.summary;
  out.push(
    `${s.scenarios} scenarios: ${s.passed} passed, ${s.failed} failed, ${s.optionalNotShown} optional not shown, ${s.notApplicable} not applicable, ${s.inconclusive} inconclusive (${seconds.toFixed(1)} s)`,
  );
  if (model.exclusions.length > 0) {
    out.push(`  ${model.exclusions.length} declared exclusion${model.exclusions.length === 1 ? '' : 's'}:`);
    for (const e of model.exclusions) out.push(`    ${e.capability} (${e.source}: ${e.reason}; ${e.scenarios} scenario${e.scenarios === 1 ? '' : 's'} not applicable)`);
  }
  for (const v of model.versions) out.push(`  MQTT ${v.version.padEnd(6)} ${v.verdict}: ${v.reason}`);
  for (const c of model.coverage) {
    if (c.covered === 0) continue;
    const pct = c.wireTestable > 0 ? ((100 * c.covered) / c.wireTestable).toFixed(0) : '0';
    out.push(`  coverage ${c.specVersion}: ${c.covered}/${c.wireTestable} wire-testable statements (${pct}%), ${c.met} met`);
  }
  const section = (title: string, kinds: readonly string[], mark: (k: string) => string): void => {
    const list = model.scenarios.filter((x) => kinds.includes(countOf(x)));
    if (list.length === 0) return;
    out.push('', title);
    for (const f of list) {
      out.push(`  ${mark(countOf(f))} ${f.name}  (${f.uri}:${f.line})`);
      for (const line of failureLines(f)) out.push(`      ${line}`);
    }
  };
  section('Failed / inconclusive:', ['failed', 'inconclusive'], (k) => (k === 'failed' ? MARK.failed : MARK.inconclusive));
  section('Optional behaviour not shown (informational, not a failure):', ['optionalNotShown'], () => MARK.optional);
  return out;
}
