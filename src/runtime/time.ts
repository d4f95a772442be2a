import { incidentError } from '../errors/errors.js';
import { isProcessableTime, limitMessages, limits } from '../limits.js';
import { quote } from '../quote.js';

/**
 * When a decision happens: epoch milliseconds, a `Date` or an ISO 8601 string, from
 * 1970-01-01T00:00:00.000Z to 9999-12-01T00:00:00.000Z (see {@link limits}).
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

/** `now` as epoch milliseconds; `invalid_time` for anything that is not a time an incident can be processed at. */
export function timeOf(now: unknown): number {
  let ms = Number.NaN;
  try {
    ms =
      typeof now === 'number'
        ? now
        : typeof now === 'string' && now.length <= limits.timeLength
          ? Date.parse(now)
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
