import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html/render.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderReportJson } from './report-json.js';
import type { ComplianceModel } from './types.js';

/** File names written by `writeReports`, in this order. */
export const REPORT_FILES = ['report.json', 'report.html', 'junit.xml', 'summary.md'] as const;

/** Write report.json, report.html, junit.xml and summary.md into `outDir` (created if missing). Returns the paths written. */
export async function writeReports(model: ComplianceModel, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const contents: Record<(typeof REPORT_FILES)[number], string> = {
    'report.json': renderReportJson(model),
    'report.html': renderHtml(model),
    'junit.xml': renderJunit(model),
    'summary.md': renderMarkdown(model),
  };
  const written: string[] = [];
  for (const name of REPORT_FILES) {
    const path = join(outDir, name);
    await writeFile(path, contents[name], 'utf8');
    written.push(path);
  }
  return written;
}
