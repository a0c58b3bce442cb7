import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../harness/targets/index.js';
import { notApplicable, notApplicableReason, scenarioVersion, targetFromEnv } from '../../steps/support/applicability.js';
import { MqttWorld } from '../../steps/support/world.js';

const caps: Capabilities = { versions: [3, 4], maxQoS: 1, retain: true, wildcards: true, sys: false, tls: false, websocket: false, sharedSubscriptions: false };

function world(): MqttWorld {
  const w = new MqttWorld({ attach: (() => undefined) as never, log: () => undefined, link: () => undefined, parameters: {} });
  w.setup({ target: { endpoint: { url: 'mqtt://h:1', protocol: 'mqtt', host: 'h', port: 1 }, capabilities: caps, description: { name: 'x', url: 'mqtt://h:1', kind: 'url' } }, name: 's', tags: ['@v3.1.1', '@MQTT-4.8.0-1', '@MQTT-3.8.1-1'], version: 4 });
  return w;
}

describe('MqttWorld naming', () => {
  it('gives every client name an id of 1..23 letters and digits, distinct within the scenario and stable', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 8 }), (names) => {
        const w = world();
        const ids = names.map((n) => w.clientIdOf(n));
        for (const id of ids) expect(id).toMatch(/^[0-9a-zA-Z]{1,23}$/);
        expect(new Set(ids).size).toBe(ids.length);
        expect(names.map((n) => w.clientIdOf(n))).toEqual(ids);
      }),
    );
  });

  it('puts logical topics in the scenario namespace, with {ns} placement and $SYS as written', () => {
    const w = world();
    expect(w.topic('t/a')).toBe(`${w.ns}/t/a`);
    expect(w.topic('+/{ns}/a')).toBe(`+/${w.ns}/a`);
    expect(w.topic('$SYS/broker/version')).toBe('$SYS/broker/version');
    expect(world().ns).not.toBe(w.ns);
  });

  it('reports a failure under the hinted statement, else the most specific tagged one', () => {
    const w = world();
    expect(w.rule(['MQTT-4.8.0-1'])?.id).toBe('MQTT-4.8.0-1');
    expect(w.rule([])?.id).toBe('MQTT-3.8.1-1');
    expect(w.rule(['MQTT-9.9.9-9'])?.id).toBe('MQTT-3.8.1-1');
  });
});

describe('applicability', () => {
  it('picks the version from the tags', () => {
    expect(scenarioVersion(['@v3.1'])).toBe(3);
    expect(scenarioVersion(['@v3.1', '@v3.1.1'])).toBe(4);
    expect(scenarioVersion(['@v3.1', '@v3.1.1'], 3)).toBe(3);
    expect(scenarioVersion(['@MQTT-1'])).toBeUndefined();
  });

  it('judges mandatory behaviour unless declared: a 3.1.1 retain scenario always, a 5.0 one unless the CONNACK says Retain Available 0', () => {
    const all: Capabilities = { ...caps, versions: [4, 5], retain: true };
    expect(notApplicable(['@v3.1.1', '@needs:retain'], 4, { ...all, serverDeclarations: { retainAvailable: false } })).toBeUndefined();
    expect(notApplicable(['@v5', '@needs:retain'], 5, { ...all, serverDeclarations: { retainAvailable: false } })?.reason).toBe("the server's MQTT 5 CONNACK declares Retain Available 0");
    expect(notApplicable(['@v5', '@needs:retain'], 5, { ...all, serverDeclarations: {} })).toBeUndefined();
    expect(notApplicable(['@v5', '@needs:shared-subscriptions'], 5, { ...all, sharedSubscriptions: true, serverDeclarations: { sharedSubscriptionAvailable: false } })?.reason).toMatch(/Shared Subscription Available 0/);
    expect(notApplicable(['@v5', '@needs:qos2'], 5, { ...all, serverDeclarations: { maximumQoS: 1 } })?.reason).toMatch(/Maximum QoS below 2/);
    expect(notApplicable(['@v3.1.1', '@needs:wildcards'], 4, { ...all, exclusions: [{ capability: 'qos1', source: 'command line', reason: 'x' }] })).toBeUndefined();
    expect(notApplicable(['@v3.1.1', '@needs:qos2'], 4, { ...all, exclusions: [{ capability: 'qos1', source: 'command line', reason: 'x' }] })?.exclusion?.capability).toBe('qos1');
  });

  it('is not applicable when a needed capability or the version is absent', () => {
    expect(notApplicableReason(['@v3.1.1'], 4, caps)).toBeUndefined();
    expect(notApplicableReason(['@v3.1.1', '@needs:qos1'], 4, caps)).toBeUndefined();
    // QoS 2 is mandatory in 3.1.1: a lower maxQoS without a declared exclusion excuses nothing.
    expect(notApplicableReason(['@v3.1.1', '@needs:qos2'], 4, caps)).toBeUndefined();
    const excluded: Capabilities = { ...caps, exclusions: [{ capability: 'qos2', source: 'profile', reason: 'grants QoS 1' }] };
    expect(notApplicable(['@v3.1.1', '@needs:qos2'], 4, excluded)).toEqual({ reason: 'declared exclusion: qos2 (profile: grants QoS 1)', exclusion: excluded.exclusions?.[0] });
    expect(notApplicableReason(['@v5'], 5, caps)).toMatch(/MQTT 5/);
    expect(notApplicableReason(['@v3.1.1', '@needs:teleport'], 4, caps)).toMatch(/unknown capability/);
    expect(notApplicableReason(['@v3.1.1', '@needs:connect-timeout'], 4, { ...caps, connectTimeout: 10 })).toBeUndefined();
  });
});

describe('target hand-over', () => {
  it('reads the target from the environment, rejecting malformed JSON clearly', () => {
    expect(targetFromEnv({})).toBeUndefined();
    expect(() => targetFromEnv({ MQTT_CONFORMANCE_TARGET: '{' })).toThrow(/not valid JSON/);
    expect(() => targetFromEnv({ MQTT_CONFORMANCE_TARGET: '{}' })).toThrow(/endpoint, capabilities/);
    const t = { endpoint: { url: 'mqtt://h:1', protocol: 'mqtt', host: 'h', port: 1 }, capabilities: caps, description: { name: 'x', url: 'u', kind: 'url' } };
    expect(targetFromEnv({ MQTT_CONFORMANCE_TARGET: JSON.stringify(t) })?.endpoint.port).toBe(1);
  });
});
