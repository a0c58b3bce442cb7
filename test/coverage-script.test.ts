import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coverageTable, isTypeOnly } from '../scripts/coverage.js';
import { PACKAGE_ROOT } from './third-party/brokers.js';

describe('scripts/coverage.ts', () => {
  it('tells type-only modules (nothing to execute) from modules with code', () => {
    expect(isTypeOnly("import type { A } from './a.js';\nexport interface B { a: A }\nexport type C = B | undefined;\n")).toBe(true);
    expect(isTypeOnly("export type { A } from './a.js';\n")).toBe(true);
    expect(isTypeOnly('export const LIMIT = 3;\n')).toBe(false);
    expect(isTypeOnly("export { startBroker } from './broker.js';\n")).toBe(false);
    expect(isTypeOnly('export enum E { A }\n')).toBe(false);
  });

  it('sums files into folder rows and prints the total', () => {
    const c = (covered: number, total: number) => ({ covered, total, pct: 0 });
    const file = (lines: [number, number], branches: [number, number]) => ({ lines: c(...lines), branches: c(...branches), statements: c(...lines), functions: c(0, 0) });
    const table = coverageTable({
      total: file([15, 30], [3, 4]),
      [join(PACKAGE_ROOT, 'reference', 'broker.ts')]: file([10, 10], [2, 2]),
      [join(PACKAGE_ROOT, 'reference', 'handlers', 'a.ts')]: file([5, 10], [1, 2]),
      [join(PACKAGE_ROOT, 'reference', 'handlers', 'b.ts')]: file([0, 10], [0, 0]),
    });
    const rows = table.split('\n');
    expect(rows[1]).toMatch(/^reference\/\s+1\s+100\.0%\s+10\/10\s+100\.0%\s+2\/2/);
    expect(rows[2]).toMatch(/^reference\/handlers\/\s+2\s+25\.0%\s+5\/20\s+50\.0%\s+1\/2\s+1$/);
    expect(rows[3]).toMatch(/^total\s+3\s+50\.0%\s+15\/30\s+75\.0%\s+3\/4/);
  });
});
