import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTime, strictTime } from '../src/isoTime.js';
import { isProcessableTime, limits } from '../src/limits.js';

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

describe('strictTime, the strict reader of the form the library writes', () => {
  const twoDigits = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
  const written = fc
    .tuple(fc.integer({ min: 0, max: 9999 }), twoDigits, twoDigits, twoDigits, twoDigits, twoDigits, fc.constantFrom('', '.000', '.5', '.123', '.999', '.1234'))
    .map(([y, mo, d, h, mi, s, ms]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}${ms}Z`);
  const near = written.chain((text) => fc.nat(text.length - 1).chain((at) => fc.constantFrom(' ', '+', 'x', '0', '.', '/', ':', 'Z', '-').map((c) => text.slice(0, at) + c + text.slice(at + 1))));
  const processable = fc.date({ min: new Date(limits.earliestTime), max: new Date(limits.latestTime), noInvalidDate: true });

  it('is Date.parse on every string it accepts, and accepts only processable times', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(written, near, fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.string()), (text) => {
        const time = strictTime(text);
        if (Number.isNaN(time)) return;
        accepted++;
        expect(time).toBe(Date.parse(text));
        expect(isProcessableTime(time)).toBe(true);
        expect(parseTime(text)).toBe(time);
      }),
      { numRuns: 20_000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('accepts every processable time as the library writes it, with or without the milliseconds', () => {
    fc.assert(
      fc.property(processable, (date) => {
        const text = date.toISOString();
        expect(strictTime(text)).toBe(date.getTime());
        expect(strictTime(`${text.slice(0, 19)}Z`)).toBe(Math.floor(date.getTime() / 1000) * 1000);
      }),
      { numRuns: 5_000 },
    );
  });

  it('rejects impossible dates, which Date.parse rolls over', () => {
    const impossible = fc
      .tuple(fc.integer({ min: 1970, max: 9998 }), fc.constantFrom(2, 4, 6, 9, 11))
      .chain(([year, month]) => {
        const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
        return fc.integer({ min: last + 1, max: 31 }).map((day) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00.000Z`);
      });
    fc.assert(
      fc.property(impossible, (text) => {
        expect(Number.isNaN(Date.parse(text))).toBe(false);
        expect(strictTime(text)).toBeNaN();
        expect(Object.is(parseTime(text), Date.parse(text))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
    for (const text of ['2026-02-29T00:00:00Z', '2100-02-29T00:00:00.000Z', '2026-04-31T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T23:60:00Z', '2026-01-01T23:59:60Z', '2026-00-01T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-00T00:00:00Z', '1899-12-31T23:59:59Z', '1969-12-31T23:59:59.999Z', '9999-12-31T00:00:00Z', '2026-01-01T00:00:00+00:00', '2026-01-01 00:00:00Z', '2026-01-01T00:00:00.00Z']) {
      expect(strictTime(text), text).toBeNaN();
    }
    for (const text of ['2024-02-29T00:00:00Z', '2000-02-29T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '9999-12-01T00:00:00.000Z']) {
      expect(strictTime(text), text).toBe(Date.parse(text));
    }
  });

  it('is NaN for anything not a string', () => {
    for (const value of [undefined, null, 0, Date.now(), new Date(), { toString: () => '2026-01-01T00:00:00Z' }]) expect(strictTime(value)).toBeNaN();
  });
});
