const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/**
 * A length of time as a person says it: `40 s`, `5 min`, `2 h 30 min`, `23 h`, `3 d 4 h`;
 * `precise` keeps the minutes up to two days (`14 h 50 min`), for a review.
 */
export function spoken(ms: number, precise = false): string {
  const value = Math.abs(ms);
  if (value < minute) return `${Math.floor(value / 1000)} s`;
  if (value < hour) return `${Math.floor(value / minute)} min`;
  if (value < (precise ? 2 * day : 10 * hour)) {
    const rest = Math.floor((value % hour) / minute);
    return `${Math.floor(value / hour)} h${rest > 0 ? ` ${rest} min` : ''}`;
  }
  if (value < 2 * day) return `${Math.floor(value / hour)} h`;
  const rest = Math.floor((value % day) / hour);
  return `${Math.floor(value / day)} d${rest > 0 ? ` ${rest} h` : ''}`;
}

/** `in 23 h`, `2 h ago`, `now`. */
export function relative(ms: number, now: number): string {
  const diff = ms - now;
  if (Math.abs(diff) < minute) return 'now';
  return diff > 0 ? `in ${spoken(diff)}` : `${spoken(diff)} ago`;
}

/**
 * An ISO time in the local time zone (the TZ environment variable), with the year when it is
 * not this year: `Tue 7 Apr, 21:20 CEST`.
 */
export function localTime(iso: string, now: number): string {
  const date = new Date(iso);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}

/** `Tue 7 Apr, 21:20 CEST (in 23 h)`. */
export function when(iso: string, now: number): string {
  return `${localTime(iso, now)} (${relative(Date.parse(iso), now)})`;
}
