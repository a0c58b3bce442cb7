/**
 * What crosses a process boundary, named once. The CLI (cli/run.ts, cli/client-run.ts) hands the
 * target to cucumber workers through environment variables that the steps read
 * (steps/support/config.ts); the steps and the harness attach JSON with these media types to
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
} as const;
