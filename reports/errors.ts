export type ReportErrorCode =
  /** A messages.ndjson line is not JSON or not a cucumber envelope. */
  | 'REPORT_BAD_MESSAGES'
  /** A report.json does not have the shape of `report.schema.json`. */
  | 'REPORT_BAD_JSON'
  /** A --from directory holds neither report.json nor messages.ndjson. */
  | 'REPORT_NO_INPUT'
  /** A spec catalogue is missing or malformed. */
  | 'REPORT_BAD_CATALOGUE'
  /** The run metadata given to buildComplianceModel is incomplete. */
  | 'REPORT_BAD_META';

/** A report could not be built or read. `source` names the file (and line) at fault when there is one. */
export class ReportError extends Error {
  readonly code: ReportErrorCode;
  readonly source: string | undefined;
  constructor(code: ReportErrorCode, message: string, source?: string) {
    super(source === undefined ? message : `${source}: ${message}`);
    this.name = 'ReportError';
    this.code = code;
    this.source = source;
  }
}
