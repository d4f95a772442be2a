// Reading the times the library writes, fast.

import { isProcessableTime } from './limits.js';

/** The value of the two decimal digits at `at` of `text`, or -1. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const units = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : -1;
}

/** The number of days in each month of a common year. */
const daysIn = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (as `Date.UTC` counts them, a few times faster). */
function daysFromCivil(year: number, month: number, day: number): number {
  // Years that start in March, so that a leap day is the last day of its year.
  const shifted = month <= 2 ? year - 1 : year;
  const era = Math.floor(shifted / 400);
  const yearOfEra = shifted - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
}

/**
 * The time of `value` when it is a string written as the library writes times
 * (`2026-04-06T19:05:00.000Z`, from `toISOString`, or `2026-04-06T19:05:00Z`, what people and
 * apps often send), its date is one of the calendar (no 30 February, no year before 1900) and
 * it is processable (`isProcessableTime`), else `NaN`. When not `NaN`, the same number as
 * `Date.parse`. The one reading of that form: stored times are checked with it, and
 * `parseTime` reads with it first.
 */
export function strictTime(value: unknown): number {
  if (typeof value !== 'string') return NaN;
  const text = value;
  const length = text.length;
  const withMs = length === 24;
  if (
    !(withMs || length === 20) ||
    text.charCodeAt(length - 1) !== 90 || // Z
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    (withMs && text.charCodeAt(19) !== 46) // .
  ) {
    return NaN;
  }
  const century = twoDigits(text, 0);
  const years = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  // 24:00, which Date.parse takes, is not a time the library writes.
  if (century < 19 || years < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  let ms = 0;
  if (withMs) {
    const high = twoDigits(text, 20);
    const low = text.charCodeAt(22) - 48;
    if (high < 0 || low < 0 || low > 9) return NaN;
    ms = high * 10 + low;
  }
  const year = century * 100 + years;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : daysIn[month - 1]!)) return NaN;
  const time = daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  return isProcessableTime(time) ? time : NaN;
}

/**
 * `Date.parse(text)`, the same number (or `NaN`) for every string, several times faster for
 * the form the library writes (`2026-04-06T19:00:00.000Z`, from `toISOString`): that form is
 * read digit by digit (`strictTime`); anything else, and any time `strictTime` refuses (a day
 * past its month's last, a time before 1970), goes to `Date.parse`.
 */
export function parseTime(text: string): number {
  const time = strictTime(text);
  return time === time ? time : Date.parse(text);
}
