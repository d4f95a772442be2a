import { describe, expect, it } from 'vitest';
import { quote } from '../src/quote.js';
import { formatIssues, formatPath } from '../src/errors/issues.js';
import { definitionLimitMessages, groupDigits, isCleanText, isProcessableTime, limits } from '../src/limits.js';

describe('quote', () => {
  it('quotes short values as JSON', () => {
    expect(quote('hug')).toBe('"hug"');
    expect(quote({ a: [1, true, null] })).toBe('{"a":[1,true,null]}');
    expect(quote(undefined)).toBe('undefined');
    expect(quote(-0)).toBe('-0');
    expect(quote(Number.NaN)).toBe('NaN');
  });

  it('cuts a long string to a prefix and says how long it was', () => {
    const text = quote('x'.repeat(1_000_000));
    expect(text.length).toBeLessThan(200);
    expect(text).toContain('(a string of 1,000,000 characters)');
    expect(text.startsWith(`"${'x'.repeat(limits.quoteLength)}"…`)).toBe(true);
  });

  it('cuts a large object and says how large it was', () => {
    const big = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`key${i}`, 'v'.repeat(50)]));
    const text = quote(big);
    expect(text.length).toBeLessThan(200);
    expect(text).toContain('(an object with 5,000 keys)');
    expect(quote(Array.from({ length: 10_000 }, () => 1))).toContain('(an array of 10,000 items)');
  });

  it('describes cycles, BigInts, functions, symbols and deep nesting', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(quote(cyclic)).toBe('{"a":1,"self":[Circular]}');
    expect(quote(10n)).toBe('10n');
    expect(quote(function named() {})).toBe('a function ("named")');
    expect(quote(Symbol('s'))).toBe('a symbol ("s")');
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    const text = quote(deep);
    expect(text).toContain('{…}');
    expect(text.length).toBeLessThan(200);
    expect(quote(new Date(Number.NaN))).toBe('Invalid Date');
  });

  it('describes values whose properties cannot be read', () => {
    const hostile = new Proxy({}, {
      ownKeys() {
        throw new Error('no');
      },
    });
    expect(quote(hostile)).toBe('a value that cannot be read');
    const getter = { get boom() {
      throw new Error('no');
    } };
    expect(quote(getter)).toBe('a value that cannot be read');
  });

  it('keeps the quote on one line of printable text', () => {
    const text = quote('line\nbreak\u001b[2J\u009b\u2028');
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(text).toBe('"line\\nbreak\\u001b[2J\\u009b\\u2028"');
  });
});

describe('formatIssues', () => {
  it('prints each issue on one line with a short path', () => {
    const text = formatIssues([{ code: 'custom', path: ['a'.repeat(500), 0], message: 'two\nlines\u001b[31m' }]);
    expect(text.split('\n')).toHaveLength(1);
    expect(text).not.toContain('\u001b');
    expect(formatPath(['a'.repeat(500)])).toHaveLength(41);
    expect(formatPath([])).toBe('(root)');
  });
});

describe('limits', () => {
  it('knows which times an incident can be processed at', () => {
    expect(isProcessableTime(0)).toBe(true);
    expect(isProcessableTime(limits.latestTime)).toBe(true);
    expect(isProcessableTime(limits.latestTime + 1)).toBe(false);
    expect(isProcessableTime(-1)).toBe(false);
    expect(isProcessableTime(Number.NaN)).toBe(false);
    expect(new Date(limits.latestTime + limits.windowMs).toISOString()).toMatch(/^9999-/);
  });

  it('tells clean text from text with control characters or lone surrogates', () => {
    expect(isCleanText('Merci Zoë 👋\n\tline\r\n')).toBe(true);
    expect(isCleanText('bell\u0007')).toBe(false);
    expect(isCleanText('csi\u009b')).toBe(false);
    expect(isCleanText('lone\ud800')).toBe(false);
    expect(isCleanText('lone\udc00x')).toBe(false);
  });
});

describe('groupDigits', () => {
  it("writes whole numbers as toLocaleString('en-US') does", () => {
    const counts = [0, 1, 9, 10, 99, 100, 999, 1_000, 1_001, 12_345, 99_999, 100_000, 123_456, 999_999, 1_000_000, 1_234_567_890, Number.MAX_SAFE_INTEGER];
    for (let n = 1; n < 1e15; n = n * 7 + 3) counts.push(n);
    for (const count of counts) expect(groupDigits(count)).toBe(count.toLocaleString('en-US'));
  });

  it('groups the limit in its message', () => {
    expect(definitionLimitMessages.definitionNodes).toContain(`at most ${limits.definitionNodes.toLocaleString('en-US')} values`);
  });
});
