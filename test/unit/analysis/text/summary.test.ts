import { describe, expect, it } from 'vitest';
import { MAX_DATE_MS, formatClock, formatCount, formatDuration, isDateTime, isMarker, isoTime, markerLabel, summarize, SUMMARY_MAX } from '../../../../src/analysis/text/summary';
import type { Copied, CopyMarker } from '../../../../src/shared/protocol';
import { MASK } from '../../../../src/analysis/text/secrets';
import { deepValue } from '../fixtures';

describe('summarize', () => {
  it('writes top-level objects without braces, nested ones briefly', () => {
    expect(summarize({ type: 'Text', text: 'hi' })).toBe('type: "Text", text: "hi"');
    expect(summarize({ form: { firstname: 'Ann', deep: { x: 1 } }, n: [1, 2] })).toBe('form: {firstname: "Ann", deep: {…}}, n: [1, 2]');
    expect(summarize({})).toBe('');
    expect(summarize(null)).toBe('null');
    expect(summarize([1, 'a', true])).toBe('[1, "a", true]');
    expect(summarize({ 'odd key': 1 })).toBe('"odd key": 1');
  });

  it('stays within the length cap, even for huge payloads', () => {
    const big: Record<string, Copied> = {};
    for (let i = 0; i < 10_000; i++) big[`k${i}`] = 'x'.repeat(100);
    const s = summarize(big);
    expect(s.length).toBeLessThanOrEqual(SUMMARY_MAX);
    expect(s.endsWith('…')).toBe(true);
    expect(summarize('line one\nline two')).toBe('"line one line two"');
  });

  it('masks secrets', () => {
    expect(summarize({ headers: { 'x-api-key': 'k1' }, clientToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzIjoiMSJ9.sig' })).toBe(`headers: {"x-api-key": ${MASK}}, clientToken: ${MASK}`);
    expect(summarize({ note: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzIjoiMSJ9.sig' })).toBe(`note: "Bearer ${MASK}"`);
  });

  it('shows markers briefly', () => {
    const m = (x: unknown) => x as Copied;
    expect(summarize({ self: m({ $cx: 'cycle', path: '$' }) })).toBe('self: ⟳ cycle');
    expect(summarize({ cb: m({ $cx: 'function', name: 'onOpen' }) })).toBe('cb: ƒ onOpen');
    expect(summarize({ el: m({ $cx: 'dom', description: 'div#chat' }) })).toBe('el: <div#chat>');
    expect(summarize({ s: m({ $cx: 'string', head: 'abc', length: 5_000_000 }) })).toBe('s: "abc" (5,000,000 chars)');
    expect(summarize({ a: m({ $cx: 'array', items: [1, 2], length: 9000 }) })).toBe('a: [1, 2, … 8,998 more]');
    expect(summarize({ o: m({ $cx: 'object', entries: { a: 1 }, keys: 500 }) })).toBe('o: {a: 1, …}');
    expect(summarize({ e: m({ $cx: 'escaped', value: { $cx: 'x' } }) })).toBe('e: {$cx: "x"}');
    expect(summarize(m({ $cx: 'undefined' }))).toBe('undefined');
  });

  it('stays bounded on a 200,000-deep payload of any shape (escape markers included)', () => {
    for (const kind of ['array', 'object', 'escaped'] as const) {
      const s = summarize({ data: deepValue(kind) });
      expect(s.length, kind).toBeLessThanOrEqual(SUMMARY_MAX);
      expect(summarize(deepValue(kind)).length, kind).toBeLessThanOrEqual(SUMMARY_MAX);
    }
    // An escape shows the page's own object (which had a $cx key) as it is, one level at a time.
    expect(summarize(deepValue('escaped', 3))).toBe('{$cx: "escaped", value: 1}');
    expect(summarize(deepValue('escaped', 6))).toBe('{$cx: "escaped", value: {$cx: "escaped", value: {…}}}');
    // Marker fields are page data too: a label never recurses into them.
    expect(markerLabel({ $cx: 'cycle', path: deepValue('array') } as unknown as CopyMarker).length).toBeLessThan(600);
  });

  it('tolerates malformed markers from a hostile page', () => {
    expect(() => summarize({ a: { $cx: 'array', items: 5, length: 'x' } } as unknown as Copied)).not.toThrow();
    expect(summarize({ a: { $cx: 'nonsense', b: 1 } } as unknown as Copied)).toBe('a: {$cx: "nonsense", b: 1}');
  });
});

describe('markerLabel', () => {
  const label = (m: unknown) => markerLabel(m as CopyMarker);
  it('gives the detail pane labels', () => {
    expect(label({ $cx: 'cycle', path: '$.a.b' })).toBe('⟳ cycle → $.a.b');
    expect(label({ $cx: 'function', name: '' })).toBe('ƒ (anonymous)');
    expect(label({ $cx: 'dom', description: '<div#x>' })).toBe('<div#x>');
    expect(label({ $cx: 'string', head: 'x'.repeat(10_000), length: 5_000_000 })).toBe('string cut: 10,000 of 5,000,000 chars');
    expect(label({ $cx: 'array', items: [1], length: 6000 })).toBe('array cut: 1 of 6,000 items');
    expect(label({ $cx: 'threw', message: 'nope' })).toBe('⚠ getter threw: nope');
    expect(label({ $cx: 'error', name: 'TypeError', message: 'x is undefined' })).toBe('TypeError: x is undefined');
    expect(label({ $cx: 'bigint', value: '12' })).toBe('12n');
  });
  it('recognises only known marker kinds', () => {
    expect(isMarker({ $cx: 'cycle', path: '$' })).toBe(true);
    expect(isMarker({ $cx: 'other' })).toBe(false);
    expect(isMarker(['$cx'])).toBe(false);
  });
});

describe('formatting', () => {
  it('formats clock times and durations', () => {
    const t = new Date(2024, 0, 2, 3, 4, 5, 67).getTime();
    expect(formatClock(t)).toBe('03:04:05.067');
    expect(formatClock(NaN)).toBe('--:--:--.---');
    expect(formatDuration(450)).toBe('450 ms');
    expect(formatDuration(5200)).toBe('5.2 s');
    expect(formatDuration(125_000)).toBe('2 min');
  });
});

describe('times and durations no Date holds', () => {
  it('formatClock, isoTime and formatDuration say so instead of throwing or printing NaN', () => {
    for (const ms of [1e300, -1e300, NaN, Infinity, -Infinity, MAX_DATE_MS + 1, -MAX_DATE_MS - 1]) {
      expect(formatClock(ms)).toBe('--:--:--.---');
      expect(isoTime(ms)).toBe('an invalid time');
      expect(isDateTime(ms)).toBe(false);
    }
    expect(isoTime(MAX_DATE_MS)).toBe('+275760-09-13T00:00:00.000Z');
    expect(isDateTime(0)).toBe(true);
    expect(formatDuration(NaN)).toBe('0 ms');
    expect(formatDuration(Infinity)).toBe('forever');
    expect(formatDuration(-1e300)).toBe('0 ms');
    expect(formatDuration(1e300)).toMatch(/ h$/);
    expect(formatCount(1e300)).toMatch(/^1,000,000/);
    expect(formatCount(NaN)).toBe('NaN');
  });
});
