/**
 * Normative statement IDs (from the OASIS catalogues in reports/spec/) that the decoder cites,
 * per protocol version. MQTT 3.1 has no numbered statements; it cites the 3.1.1 ones where
 * 3.1.1 kept the rule unchanged.
 */
import type { ProtocolVersion } from './types.js';

type Rule =
  | 'utf8'
  | 'nul'
  | 'flags'
  | 'pubrelFlags'
  | 'subscribeFlags'
  | 'unsubscribeFlags'
  | 'disconnectFlags'
  | 'authFlags'
  | 'varintMinimal'
  | 'packetIdZero'
  | 'protocolName'
  | 'protocolVersion'
  | 'connectReserved'
  | 'willQosNoWill'
  | 'willRetainNoWill'
  | 'willQos3'
  | 'passwordNoUser'
  | 'publishQos3'
  | 'publishDupQos0'
  | 'subscribeEmpty'
  | 'unsubscribeEmpty'
  | 'subscriptionOptions'
  | 'topicAliasZero'
  | 'connackFlags'
  | 'subackReturnCode'
  | 'connackReasonCode'
  | 'pubrelReasonCode'
  | 'subackReasonCode'
  | 'unsubackReasonCode'
  | 'disconnectReasonCode'
  | 'authReasonCode';

const V4: Partial<Record<Rule, string>> = {
  utf8: 'MQTT-1.5.3-1',
  nul: 'MQTT-1.5.3-2',
  flags: 'MQTT-2.2.2-1',
  pubrelFlags: 'MQTT-3.6.1-1',
  subscribeFlags: 'MQTT-3.8.1-1',
  unsubscribeFlags: 'MQTT-3.10.1-1',
  disconnectFlags: 'MQTT-3.14.1-1',
  packetIdZero: 'MQTT-2.3.1-1',
  protocolName: 'MQTT-3.1.2-1',
  protocolVersion: 'MQTT-3.1.2-2',
  connectReserved: 'MQTT-3.1.2-3',
  willQosNoWill: 'MQTT-3.1.2-13',
  willRetainNoWill: 'MQTT-3.1.2-15',
  willQos3: 'MQTT-3.1.2-14',
  passwordNoUser: 'MQTT-3.1.2-22',
  publishQos3: 'MQTT-3.3.1-4',
  publishDupQos0: 'MQTT-3.3.1-2',
  subscribeEmpty: 'MQTT-3.8.3-3',
  unsubscribeEmpty: 'MQTT-3.10.3-2',
  subscriptionOptions: 'MQTT-3.8.3-4',
  subackReturnCode: 'MQTT-3.9.3-2',
};

const V5: Partial<Record<Rule, string>> = {
  utf8: 'MQTT-1.5.4-1',
  nul: 'MQTT-1.5.4-2',
  flags: 'MQTT-2.1.3-1',
  pubrelFlags: 'MQTT-3.6.1-1',
  subscribeFlags: 'MQTT-3.8.1-1',
  unsubscribeFlags: 'MQTT-3.10.1-1',
  disconnectFlags: 'MQTT-3.14.1-1',
  authFlags: 'MQTT-3.15.1-1',
  varintMinimal: 'MQTT-1.5.5-1',
  packetIdZero: 'MQTT-2.2.1-3',
  protocolName: 'MQTT-3.1.2-1',
  protocolVersion: 'MQTT-3.1.2-2',
  connectReserved: 'MQTT-3.1.2-3',
  willQosNoWill: 'MQTT-3.1.2-11',
  willRetainNoWill: 'MQTT-3.1.2-13',
  willQos3: 'MQTT-3.1.2-12',
  publishQos3: 'MQTT-3.3.1-4',
  publishDupQos0: 'MQTT-3.3.1-2',
  subscribeEmpty: 'MQTT-3.8.3-2',
  unsubscribeEmpty: 'MQTT-3.10.3-2',
  subscriptionOptions: 'MQTT-3.8.3-5',
  topicAliasZero: 'MQTT-3.3.2-8',
  connackFlags: 'MQTT-3.2.2-1',
  connackReasonCode: 'MQTT-3.2.2-8',
  pubrelReasonCode: 'MQTT-3.6.2-1',
  subackReasonCode: 'MQTT-3.9.3-2',
  unsubackReasonCode: 'MQTT-3.11.3-2',
  disconnectReasonCode: 'MQTT-3.14.2-1',
  authReasonCode: 'MQTT-3.15.2-1',
};

/** The statement a rule violation breaks in `version`, or undefined when that version numbers none. */
export function statementFor(rule: Rule, version: ProtocolVersion): string | undefined {
  return version === 5 ? V5[rule] : V4[rule];
}

export type { Rule as StatementRule };

/** Every statement the decoder cites, per catalogue (for the meta-test against reports/spec). */
export const CITED_STATEMENTS: { readonly v311: readonly string[]; readonly v5: readonly string[] } = {
  v311: Object.values(V4),
  v5: Object.values(V5),
};
