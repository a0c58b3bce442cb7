/**
 * The layering of issue 16, checked by dependency-cruiser with the rules of
 * .dependency-cruiser.cjs (the floors of each top-level folder, and no import cycles): a
 * violation fails `npm test` with the rule and the offending import named.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../harness/targets/package-root.js';

const FOLDERS = ['contract', 'cli', 'harness', 'reference', 'steps', 'reports', 'bench', 'scripts', 'test'];

interface CruiseResult {
  summary: { violations: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }[]; totalCruised: number };
}

describe('layering (dependency-cruiser)', () => {
  it('every import goes one way between the floors, and no import cycle exists', () => {
    const bin = join(PACKAGE_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    let out: string;
    try {
      out = execFileSync(process.execPath, [bin, ...FOLDERS, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: PACKAGE_ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    } catch (error) {
      // Exit code 1+ with violations: the JSON is still on stdout.
      out = String((error as { stdout?: string | Buffer }).stdout ?? '');
      if (out === '') throw error;
    }
    const result = JSON.parse(out) as CruiseResult;
    // Not a vacuous pass: the cruise really saw the tree.
    expect(result.summary.totalCruised).toBeGreaterThan(300);
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`);
    expect(violations).toEqual([]);
  }, 120_000);
});
