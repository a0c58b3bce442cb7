export * from './types.js';
export { ReportError } from './errors.js';
export type { ReportErrorCode } from './errors.js';
export { loadCatalogues, areaOf, areaTitle, compareSections, compareStatementIds, SPEC_VERSIONS } from './catalogue.js';
export type { Catalogues } from './catalogue.js';
export { parseMessages } from './messages.js';
export {
  buildComplianceModel,
  countOf,
  countScenarios,
  runMetaFromMessages,
  legacyFailureFromMessage,
  statementVerdict,
  specVersionOf,
  statementCatalogueOf,
  TRACE_MEDIA_TYPE,
  FAILURE_MEDIA_TYPE,
  VERDICT_MEDIA_TYPE,
} from './model.js';
export { renderReportJson, parseReportJson, readReportJson } from './report-json.js';
export { renderJunit } from './junit.js';
export { renderMarkdown } from './markdown.js';
export { renderHtml } from './html/render.js';
export { traceText, summarizePacket } from './trace-text.js';
export { writeReports, REPORT_FILES } from './write.js';
export { buildMatrix, writeMatrix } from './matrix.js';
export type { Matrix, MatrixColumn, MatrixRow } from './matrix.js';
export { renderMatrixHtml } from './html/matrix.js';
/** A synthetic full-size message stream, for tests and benchmarks of the reports. */
export { syntheticEnvelopes, SYNTHETIC_META } from './synthetic.js';
export type { SyntheticOptions } from './synthetic.js';
export { asClientModel, bindsClient, clientWireTestable, clientExclusions } from './client-coverage.js';
