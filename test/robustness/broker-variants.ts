/**
 * Broken variants of the reference broker, for proving that a robustness test fails when what it
 * claims to check is broken. Each variant is a list of literal source edits (the mutation
 * campaign's format, scripts/mutation) applied while the child broker is bundled
 * (broker-process.ts): the product code is never changed and carries no test switch.
 *
 * Select one for a whole test run with `BROKER_VARIANT=<name>` (read only by broker-process.ts),
 * e.g. `BROKER_VARIANT=close-after-connack npx vitest run test/robustness/fuzz.test.ts`.
 */
import { CONNECT, CONNECTION, DISPATCHER, MUTANTS, type Edit } from '../../scripts/mutation/mutants.js';

export interface BrokerVariant {
  readonly name: string;
  /** What the broken broker does, in one line. */
  readonly does: string;
  /** The robustness test that must fail against it. */
  readonly caughtBy: string;
  readonly edits: readonly Edit[];
}

const JOURNAL = 'reference/persistence/journal.ts';
const SQLITE_SESSIONS = 'reference/persistence/sqlite-session-store.ts';

/**
 * The mutants of the issue 15 rules (delivery under concurrency, DUP 0 on first deliveries, topic
 * identity, refusals forced by limits) are campaign mutants: defined once in
 * scripts/mutation/mutants.ts, run here as variants by test/steps/rule-mutants.test.ts.
 */
export const RULE_MUTANT_NAMES = [
  'dup-on-queued-first-delivery',
  'deliveries-overtake-when-many-in-flight',
  'qos1-dropped-when-many-in-flight',
  'qos2-sometimes-sent-twice',
  'topic-levels-normalised',
  'suback-quota-code-in-311',
  'client-id-limit-code-of-5-in-311',
] as const;

function ruleVariant(name: (typeof RULE_MUTANT_NAMES)[number]): BrokerVariant {
  const m = MUTANTS.find((x) => x.name === name);
  if (!m) throw new Error(`no campaign mutant ${name} in scripts/mutation/mutants.ts`);
  return { name: m.name, does: m.does, caughtBy: 'test/steps/rule-mutants.test.ts', edits: m.edits };
}

export const BROKER_VARIANTS: readonly BrokerVariant[] = [
  {
    name: 'ack-before-commit',
    does: "commits each packet's changes 30 ms after the batch, so PUBACK/PUBREC leave before the message is durable",
    caughtBy: 'test/robustness/crash-durability.test.ts',
    edits: [
      { file: JOURNAL, find: 'private open = false;', replace: 'private open = false;\n  private commitTimer: NodeJS.Timeout | undefined;' },
      {
        file: JOURNAL,
        find: "if (--this.depth === 0 && this.open) {\n        this.open = false;\n        if (!this.closed) this.db.exec('COMMIT');\n      }",
        // The transaction stays open (later batches join it) until the deferred commit.
        replace:
          "if (--this.depth === 0 && this.open && !this.commitTimer) {\n        this.commitTimer = setTimeout(() => {\n          this.commitTimer = undefined;\n          if (this.open && this.depth === 0 && !this.closed) {\n            this.open = false;\n            this.db.exec('COMMIT');\n          }\n        }, 30);\n      }",
      },
    ],
  },
  {
    name: 'forget-inbound-qos2',
    does: 'does not store inbound QoS 2 packet ids awaiting PUBREL, so after a restart a re-sent PUBLISH is delivered again',
    caughtBy: 'test/robustness/crash-durability.test.ts',
    edits: [{ file: SQLITE_SESSIONS, find: 's.inboundAdd.run(id, change.packetId);', replace: 'void s.inboundAdd;' }],
  },
  {
    name: 'close-after-connack',
    does: 'drops every connection right after its CONNACK',
    caughtBy: 'test/robustness/fuzz.test.ts',
    edits: [
      {
        file: CONNECT,
        find: "conn.send({ type: 'connack', sessionPresent: present && packet.protocolVersion >= 4, reasonCode: 0, ...(connack ? { properties: connack } : {}) });",
        replace: "conn.send({ type: 'connack', sessionPresent: present && packet.protocolVersion >= 4, reasonCode: 0, ...(connack ? { properties: connack } : {}) });\n  setTimeout(() => conn.stream.destroy(), 0);",
      },
    ],
  },
  {
    name: 'violations-ignored',
    does: 'discards a malformed or forbidden packet and keeps the connection open (MQTT-4.8.0-1 broken)',
    caughtBy: 'test/robustness/fuzz.test.ts',
    edits: [
      {
        file: DISPATCHER,
        find: "ctx.log.warn('protocol violation: closing the connection', { clientId: conn.label, code: v.code, statement: v.statement, reason: v.detail });\n  conn.close('protocol-violation');",
        replace: "ctx.log.warn('protocol violation: ignored', { clientId: conn.label, code: v.code, statement: v.statement, reason: v.detail });",
      },
      { file: DISPATCHER, find: "else conn.close('malformed-packet');", replace: "else conn.stream.pause();" },
    ],
  },
  {
    name: 'connect-timeout-late',
    does: 'cuts a connection without CONNECT 2 s after the CONNECT timeout',
    caughtBy: 'test/robustness/slowloris.test.ts',
    edits: [{ file: CONNECTION, find: 'ctx.deadlines.schedule(this, Date.now() + ctx.options.connectTimeoutMs);', replace: 'ctx.deadlines.schedule(this, Date.now() + ctx.options.connectTimeoutMs + 2000);' }],
  },
  {
    name: 'connections-capped',
    does: 'closes every connection beyond 4,096 open ones, as a broker stuck at a default descriptor limit would',
    caughtBy: 'test/robustness/connections.test.ts',
    edits: [{ file: CONNECTION, find: 'this.connections.add(new Connection(stream, this.ctx));', replace: 'if (this.connections.size >= 4096) {\n      stream.destroy();\n      return;\n    }\n    this.connections.add(new Connection(stream, this.ctx));' }],
  },
  ...RULE_MUTANT_NAMES.map(ruleVariant),
];

export class UnknownVariantError extends Error {
  readonly code = 'BROKER_VARIANT_UNKNOWN';
  constructor(readonly variant: string) {
    super(`unknown broker variant ${JSON.stringify(variant)}; known: ${BROKER_VARIANTS.map((v) => v.name).join(', ')}`);
    this.name = 'UnknownVariantError';
  }
}

export function brokerVariant(name: string): BrokerVariant {
  const v = BROKER_VARIANTS.find((x) => x.name === name);
  if (!v) throw new UnknownVariantError(name);
  return v;
}
