/**
 * What crosses a process boundary, named once. The CLI (cli/run.ts, cli/client-run.ts) hands the
 * target to cucumber workers through environment variables that the steps read
 * (the target in steps/support/applicability.ts, the settings in steps/support/config.ts); the steps and the harness attach JSON with these media types to
 * cucumber's messages, and the reports (reports/model.ts) read them back. This module imports
 * nothing, and every floor may import it.
 */

/** Environment variables set by the CLI for the cucumber workers. */
export const ENV = {
  /** JSON `{ endpoint, capabilities, description }` of the started broker target. */
  target: 'MQTT_CONFORMANCE_TARGET',
  /** The protocol version a run is restricted to (`3.1`, `3.1.1` or `5`). */
  version: 'MQTT_CONFORMANCE_VERSION',
  /** Bound of every expectation, in milliseconds. */
  timeoutMs: 'MQTT_CONFORMANCE_TIMEOUT_MS',
  /** JSON of the client under test (`run --client`). */
  client: 'MQTT_CONFORMANCE_CLIENT',
} as const;

/** Media types of the attachments the steps write and the reports read. */
export const MEDIA_TYPE = {
  /** `{ verdict: 'not-applicable' | 'inconclusive', reason }` */
  verdict: 'application/vnd.mqtt-conformance.verdict+json',
  /** The packet trace of a scenario's connections (harness/client/trace.ts). */
  trace: 'application/vnd.mqtt-conformance.trace+json',
  /** Why a scenario failed, as the steps know it: a {@link FailureAttachment}. */
  failure: 'application/vnd.mqtt-conformance.failure+json',
} as const;

/**
 * The JSON of a `MEDIA_TYPE.failure` attachment. The steps attach one when a step (or a hook) of a
 * scenario fails; the reports read the failure from it and never from the error's message text.
 * A retried scenario attaches one per failed attempt (the reports read the last attempt's).
 */
export interface FailureAttachment {
  /**
   * The statement the failed expectation checks, e.g. `MQTT-3.1.2-1`; absent when none is named. Its
   * catalogue is the scenario's (5.0 for a scenario that runs only as MQTT 5, else 3.1.1).
   */
  statement?: string;
  /** One line: the statement's summary, else a headline (e.g. optional behaviour not shown), else the error's first line. */
  summary: string;
  /** The failed step with its keyword (`Then the server closes the connection of "c"`), or `After hook`. */
  step?: string;
  /** What the step expected, in words. Present for an expectation, absent for other errors. */
  expected?: string;
  /** What arrived instead, in words (or `nothing`). */
  received?: string;
  /** The failure in text: summary, Expected and Received lines; without the packet trace and the stack. */
  message: string;
  /** The error raised: its class and, for the harness's errors, its stable code (`EXPECTATION_TIMEOUT`). */
  error: { type: string; code?: string };
  /**
   * Where the packet trace is: the scenario attempt's attachment of this media type (attached when
   * the scenario ends, possibly cut to a size budget), with the number of records it had when the
   * failure was raised and the time (`t`, ms) of the last of them. Absent when nothing was recorded.
   */
  trace?: { mediaType: 'application/vnd.mqtt-conformance.trace+json'; records: number; lastMs: number };
}
