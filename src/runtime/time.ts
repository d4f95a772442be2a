import { incidentError } from '../errors/errors.js';
import { timeSchemaOnce } from '../events/fieldSchemas.js';
import { parseTime, strictTime } from '../isoTime.js';
import { isProcessableTime, limitMessages } from '../limits.js';
import { quote } from '../quote.js';

/**
 * When a decision happens: epoch milliseconds, a `Date` or an ISO 8601 date and time with its
 * offset (`2026-04-06T19:00:00Z`, `2026-04-06T21:00:00+02:00`: what an event's `at` takes), from
 * 1970-01-01T00:00:00.000Z to 9999-12-01T00:00:00.000Z (see {@link index!limits}).
 *
 * @example
 * ```ts
 * import type { DecideOptions } from 'crisis-playbook/server';
 *
 * const options: DecideOptions = { now: new Date('2026-04-06T19:00:00Z') };
 * ```
 *
 * @category Server runtime
 */
export interface DecideOptions {
  readonly now: number | Date | string;
}

/**
 * The time of an ISO 8601 string with its offset, read as an event's `at` is (`Date.parse` alone
 * would take `"1"` or `"6/4/2026"` in the server's own time zone, and roll 30 February over into
 * March); `NaN` for anything else.
 */
function isoTime(text: string): number {
  const time = strictTime(text);
  if (time === time) return time;
  return timeSchemaOnce().safeParse(text).success ? parseTime(text) : Number.NaN;
}

/** `now` as epoch milliseconds; `invalid_time` for anything that is not a time an incident can be processed at. */
export function timeOf(now: unknown): number {
  let ms = Number.NaN;
  try {
    ms =
      typeof now === 'number'
        ? now
        : typeof now === 'string'
          ? isoTime(now)
          : now instanceof Date
            ? now.getTime()
            : Number.NaN;
  } catch {
    // A Date subclass or proxy that throws is no time either.
  }
  if (!isProcessableTime(ms)) {
    throw incidentError('invalid_time', `Expected "now" as epoch milliseconds, a Date or an ISO 8601 string, ${limitMessages.time}; received ${quote(now)}`, ['now']);
  }
  return ms;
}
