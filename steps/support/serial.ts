/**
 * Whether a scenario may start beside the ones in progress. `@serial` scenarios touch broker-wide
 * state (client counts in `$SYS`, a `#` subscription that sees everyone's messages), so one runs
 * alone; or, when the target has an isolated instance for them (`isolated`, SuiteTarget.isolated),
 * one at a time there, beside the others. The one rule for the cucumber hook (steps/hooks.ts) and
 * the scheduler's estimate (cli/schedule.ts `plan`).
 */
export function canStartBeside(serial: boolean, inProgressSerial: readonly boolean[], isolated = false): boolean {
  if (isolated) return !serial || !inProgressSerial.some((s) => s);
  if (serial) return inProgressSerial.length === 0;
  return !inProgressSerial.some((s) => s);
}
