// Times as a responder reads them: local date and time, and what is left of a window.
import { useEffect, useState } from 'react';

/** The current time, updated every second: for live countdowns. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** An ISO time in the browser's time zone and language. */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** `ms` as `2 d 3 h 4 min 5 s`, leaving out leading zero units (and trailing ones with `trim`: `1 h`). */
export function duration(ms: number, trim = false): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const parts: [number, string][] = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor((seconds % 86_400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'min'],
    [seconds % 60, 's'],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  if (first === -1) return '0 s';
  const last = trim ? parts.findLastIndex(([value]) => value > 0) : parts.length - 1;
  return parts.slice(first, last + 1).map(([value, unit]) => `${value} ${unit}`).join(' ');
}

/** What is left until `due` (ISO), or how late it is. */
export function remaining(due: string, now: number): string {
  const left = Date.parse(due) - now;
  return left >= 0 ? `${duration(left)} left` : `overdue by ${duration(-left)}`;
}
