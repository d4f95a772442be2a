import { limits } from '../limits.js';

/**
 * A waiting window: a positive number of milliseconds, or a string such as `'24h'`, `'90m'`,
 * `'2d'`, `'1h30m'` (units `d`, `h`, `m`, `s`, `ms`).
 *
 * @example
 * ```ts
 * import type { Duration } from 'crisis-playbook';
 *
 * const day: Duration = '24h';
 * const halfHour: Duration = 30 * 60 * 1000;
 * ```
 *
 * @category Playbook definition
 */
export type Duration = number | string;

/** The longest window a timer can wait for (2^31 - 1 ms, about 24.8 days). */
const maxDuration = limits.windowMs;

const unitMs = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
const durationPattern = /^(?:\d+(?:ms|d|h|m|s))+$/;
const partPattern = /(\d+)(ms|d|h|m|s)/g;

/**
 * Converts a {@link Duration} to milliseconds, or returns `undefined` when it is not a positive
 * duration of at most 2^31 - 1 ms (about 24.8 days, the longest a timer can wait).
 *
 * @example
 * ```ts
 * import { toMilliseconds } from 'crisis-playbook/authoring';
 *
 * toMilliseconds('1h30m'); // 5_400_000
 * toMilliseconds(0); // undefined
 * ```
 *
 * @category Playbook definition
 */
export function toMilliseconds(duration: Duration): number | undefined {
  if (typeof duration === 'number') {
    return Number.isSafeInteger(duration) && duration > 0 && duration <= maxDuration ? duration : undefined;
  }
  if (typeof duration !== 'string' || !durationPattern.test(duration)) return undefined;
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(partPattern)) {
    total += Number(amount) * unitMs[unit as keyof typeof unitMs];
  }
  return total > 0 && total <= maxDuration ? total : undefined;
}
