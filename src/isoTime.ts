// Reading the times the library writes, fast.

/** The number `length` decimal digits at `start` of `text` spell, or -1. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * `Date.parse(text)`, the same number (or `NaN`) for every string, several times faster for
 * the form the library writes (`2026-04-06T19:00:00.000Z`, from `toISOString`): that form is
 * read digit by digit; anything else, and any field out of its everyday range, goes to
 * `Date.parse`.
 */
export function parseTime(text: string): number {
  // `2026-04-06T19:05:00.000Z` (what the library writes) or `2026-04-06T19:05:00Z` (what people and apps often send).
  const length = text.length;
  const withMs = length === 24 && text.charCodeAt(19) === 46; // .
  if (
    (withMs || length === 20) &&
    text.charCodeAt(length - 1) === 90 && // Z
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 && // T
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58
  ) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    const second = digits(text, 17, 2);
    const ms = withMs ? digits(text, 20, 3) : 0;
    // Date.UTC reads years below 100 as 19xx; Date.parse takes 24:00 and rolls days over as Date.UTC does.
    if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && ms >= 0) {
      return Date.UTC(year, month - 1, day, hour, minute, second, ms);
    }
  }
  return Date.parse(text);
}
