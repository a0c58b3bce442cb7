import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PublishPacket } from '../codec/index.js';
import { describePattern, matcher, mismatch, oneOf } from './match.js';
import { filterMatchesTopic } from './topic-filter.js';

const publishArb = fc.record({
  type: fc.constant('publish' as const),
  topic: fc.string({ minLength: 1 }),
  payload: fc.uint8Array().map((u) => Buffer.from(u)),
  qos: fc.constantFrom(0 as const, 1 as const, 2 as const),
  retain: fc.boolean(),
  dup: fc.boolean(),
});

describe('mismatch (deep partial match)', () => {
  it('every packet matches itself and any subset of its fields', () => {
    fc.assert(
      fc.property(publishArb, fc.subarray(['topic', 'payload', 'qos', 'retain', 'dup'] as const), (p, keys) => {
        const pattern: Record<string, unknown> = { type: 'publish' };
        for (const k of keys) pattern[k] = p[k];
        expect(mismatch(pattern, p)).toBeUndefined();
      }),
    );
  });

  it('changing any listed field makes it a mismatch naming that field', () => {
    fc.assert(
      fc.property(publishArb, (p) => {
        expect(mismatch({ type: 'publish', retain: !p.retain }, p)).toMatch(/^retain: /);
        expect(mismatch({ type: 'publish', payload: Buffer.concat([p.payload, Buffer.from([0])]) }, p)).toMatch(/^payload: /);
        expect(mismatch({ type: 'suback' }, p)).toMatch(/^type: /);
      }),
    );
  });

  it('compares Buffers by bytes and accepts a string for UTF-8 bytes', () => {
    const p: PublishPacket = { type: 'publish', topic: 't', payload: Buffer.from('héllo'), qos: 0, retain: false, dup: false };
    expect(mismatch({ payload: 'héllo' }, p)).toBeUndefined();
    expect(mismatch({ payload: Buffer.from('héllo') }, p)).toBeUndefined();
    expect(mismatch({ payload: 'hello' }, p)).toBe('payload: expected "hello", got "héllo"');
  });

  it('matches arrays element-wise with the same length, and matchers anywhere', () => {
    const suback = { type: 'suback', packetId: 1, reasonCodes: [0, 1, 0x80] };
    expect(mismatch({ reasonCodes: [0, 1, 0x80] }, suback)).toBeUndefined();
    expect(mismatch({ reasonCodes: [0, 1] }, suback)).toMatch(/^reasonCodes: /);
    expect(mismatch({ reasonCodes: [matcher('<=1', (v: number) => v <= 1), 1, oneOf(0x80, 2)] }, suback)).toBeUndefined();
    expect(mismatch({ reasonCodes: [0, oneOf(2), 0x80] }, suback)).toBe('reasonCodes[1]: expected one of 2, got 1');
  });

  it('describes patterns in packet terms', () => {
    expect(describePattern({ type: 'connack', reasonCode: 0 })).toBe('CONNACK {reasonCode: 0}');
    expect(describePattern({ type: 'pingresp' })).toBe('PINGRESP');
  });
});

describe('filterMatchesTopic', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/+', 'a/b', true],
    ['a/+', 'a/b/c', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['#', 'a/b', true],
    ['+/+', '/a', true],
    ['#', '$SYS/x', false],
    ['+/x', '$a/x', false],
    ['$SYS/#', '$SYS/x', true],
    ['a/b', 'a/B', false],
  ])('%s matches %s: %s', (filter, topic, want) => {
    expect(filterMatchesTopic(filter, topic)).toBe(want);
  });

  it('a filter without wildcards matches exactly its own topic', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => !/[+#]/.test(s)), fc.string({ minLength: 1 }), (f, t) => {
        expect(filterMatchesTopic(f, t)).toBe(f === t);
      }),
    );
  });
});
