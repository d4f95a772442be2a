import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTime } from '../src/isoTime.js';

describe('parseTime, for times without milliseconds', () => {
  it('is Date.parse, for `2026-04-06T19:05:00Z` and for anything near it', () => {
    const twoDigits = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const seconds = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), twoDigits, twoDigits, twoDigits, twoDigits, twoDigits)
      .map(([y, mo, d, h, mi, s]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}Z`);
    const near = seconds.chain((text) => fc.nat(19).chain((at) => fc.constantFrom(' ', '+', 'x', '0', '.', '/', ':', 'Z').map((c) => text.slice(0, at) + c + text.slice(at + 1))));
    const seconds24 = seconds.map((text) => `${text.slice(0, 19)}.00Z`);
    fc.assert(
      fc.property(fc.oneof(seconds, near, seconds24, fc.date({ noInvalidDate: true }).map((date) => `${date.toISOString().slice(0, 19)}Z`)), (text) => {
        expect(Object.is(parseTime(text), Date.parse(text))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads the examples as Date.parse does', () => {
    for (const text of ['2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T23:60:00Z', '0999-01-01T00:00:00Z', '2026-04-06T19:05:00Z', '+02026-04-06T19:05Z']) {
      expect(Object.is(parseTime(text), Date.parse(text)), text).toBe(true);
    }
  });
});
