import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TRACE_MAX_BYTES,
  TRACE_MAX_ITEMS,
  TRACE_MAX_TEXT,
  TRACE_TEXT_LINE_CHARS,
  TraceRecorder,
  describePacket,
  fitTrace,
  formatTrace,
  toTracePacket,
  traceBytes,
  traceHex,
} from './trace.js';

describe('trace', () => {
  it('keeps small byte fields whole, with their text when printable', () => {
    expect(traceBytes(Buffer.from('hi'))).toEqual({ hex: '68 69', utf8: 'hi' });
    expect(traceBytes(Buffer.from([0xff, 0x00]))).toEqual({ hex: 'ff 00' });
  });

  it('cuts large byte fields and says how much was left out', () => {
    const big = Buffer.alloc(TRACE_MAX_BYTES + 10, 0x61);
    expect(traceHex(big)).toMatch(/ \.\.\. \(\+10 bytes\)$/);
    expect(traceBytes(big).utf8).toBeUndefined();
  });

  it('turns Buffers of a packet into JSON-friendly values and describes packets in one line', () => {
    const p = { type: 'publish' as const, topic: 't', payload: Buffer.from('x'), qos: 1 as const, packetId: 7, retain: false, dup: false };
    expect(JSON.parse(JSON.stringify(toTracePacket(p)))).toMatchObject({ type: 'publish', payload: { hex: '78', utf8: 'x' } });
    expect(describePacket(p)).toBe('PUBLISH topic="t" qos=1 id=7 retain=0 dup=0 payload="x"');
    const text = formatTrace([{ client: 'c', t: 1.25, dir: 'in', hex: '78', packet: toTracePacket(p) }]);
    expect(text).toMatch(/ c +<- PUBLISH topic="t"/);
  });
});

describe('trace bounds', () => {
  const entryArb = fc.record({ client: fc.constantFrom('a', 'b', 'c'), note: fc.string({ maxLength: 20 }) });

  it('keeps, per client, the first `head` and the last `tail` entries in time order, and one trace-cut event counting the rest', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 80 }), fc.nat(6), fc.nat(6), (records, head, tail) => {
        const trace = new TraceRecorder(performance.now(), { head, tail });
        const recorded = records.map((r, i) => trace.record({ client: r.client, dir: 'event', event: 'connect', note: `${i}` }));
        const kept = trace.entries;
        let dropped = 0;
        for (const client of ['a', 'b', 'c']) {
          const mine = recorded.filter((e) => e.client === client);
          const keptMine = kept.filter((e) => e.client === client);
          const cut = mine.length - Math.min(mine.length, head + tail);
          dropped += cut;
          const expected = cut === 0 ? mine : [...mine.slice(0, head), ...mine.slice(mine.length - tail)];
          expect(keptMine.filter((e) => e.event !== 'trace-cut')).toEqual(expected);
          const markers = keptMine.filter((e) => e.event === 'trace-cut');
          expect(markers.length).toBe(cut > 0 ? 1 : 0);
          if (cut > 0) expect(markers[0]?.note).toMatch(new RegExp(`^${cut} trace entries of "${client}" left out here`));
        }
        expect(trace.dropped).toBe(dropped);
        // Time order overall: kept entries appear in the order they were recorded.
        const order = kept.filter((e) => e.event !== 'trace-cut').map((e) => Number(e.note));
        expect(order).toEqual([...order].sort((x, y) => x - y));
      }),
    );
  });

  it('bounds each entry: long strings and arrays of a packet are cut and say how much was left out', () => {
    const topic = 'x'.repeat(65535);
    const p = toTracePacket({ type: 'publish', topic, payload: Buffer.alloc(70_000), qos: 0, retain: false, dup: false });
    expect(String(p['topic'])).toMatch(new RegExp(`^x{${TRACE_MAX_TEXT}}\\.\\.\\. \\(\\+${65535 - TRACE_MAX_TEXT} chars\\)$`));
    const sub = toTracePacket({ type: 'subscribe', packetId: 1, subscriptions: Array.from({ length: TRACE_MAX_ITEMS + 5 }, (_, i) => ({ topicFilter: `t/${i}`, qos: 0 as const })) });
    const subs = sub['subscriptions'] as unknown[];
    expect(subs).toHaveLength(TRACE_MAX_ITEMS + 1);
    expect(subs[TRACE_MAX_ITEMS]).toBe('... (+5 more)');
    expect(JSON.stringify(p).length).toBeLessThan(4 * TRACE_MAX_BYTES + 2 * TRACE_MAX_TEXT);
  });

  it('fitTrace returns a trace that fits the budget (JSON or text), unchanged when it already fits', () => {
    const big = Buffer.alloc(1024, 0x66);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b'), { maxLength: 60 }), fc.integer({ min: 600, max: 40_000 }), fc.constantFrom('json' as const, 'text' as const), (clients, max, how) => {
        const trace = new TraceRecorder();
        for (const client of clients) trace.record({ client, dir: 'in', hex: traceHex(big), packet: toTracePacket({ type: 'publish', topic: 'f', payload: big, qos: 0, retain: false, dup: false }) });
        const fitted = fitTrace(trace.entries, max, how);
        const size = how === 'json' ? JSON.stringify(fitted).length : formatTrace(fitted, TRACE_TEXT_LINE_CHARS).length;
        expect(size).toBeLessThanOrEqual(max);
        const whole = how === 'json' ? JSON.stringify(trace.entries).length : formatTrace(trace.entries, TRACE_TEXT_LINE_CHARS).length;
        if (whole <= max) expect(fitted).toBe(trace.entries);
        else expect(fitted).not.toBe(trace.entries);
      }),
      { numRuns: 60 },
    );
  });
});
