// Words for people: the pieces advice is written with (ids as words, durations, values in text).
import { readPath, type ConditionScope } from '../definition/conditions.js';
import { placeholderPattern } from '../definition/placeholders.js';

/** `replyWindow` → "reply window", `police-report` → "police report". */
export function idToWords(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_.]+/g, ' ')
    .toLowerCase()
    .trim();
}

const units = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
] as const;

/** 86_400_000 → "24 hours", 172_800_000 → "2 days", 5_400_000 → "90 minutes". */
export function durationInWords(ms: number): string {
  // Days only from 48 hours: "24 hours" is how people say one day of waiting.
  for (const [size, unit] of units) {
    if (unit === 'day' && ms < 2 * size) continue;
    if (ms >= size && ms % size === 0) return plural(ms / size, unit);
  }
  for (const [size, unit] of units) if (ms >= size) return `about ${plural(Math.round(ms / size), unit)}`;
  return plural(ms, 'millisecond');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** A list as a person writes it: "a, b and c". */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A value in a sentence: yes/no, words for ids, lists, "unknown" when not known. */
export function valueInWords(value: unknown): string {
  if (value === undefined || value === null) return 'unknown';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return /^[a-z0-9]+(?:-[a-z0-9]+)+$/.test(value) ? idToWords(value) : value;
  if (Array.isArray(value)) return listInWords([...new Set(value.map(valueInWords))]);
  return 'unknown';
}

/** Fills `{path}` placeholders with the values at those paths, in words. */
export function fillText(text: string, scope: ConditionScope): string {
  return text.replace(placeholderPattern, (_, path: string) => valueInWords(readPath(scope, path)));
}

/** "The request was refused." → "the request was refused" (for the middle of a sentence). */
export function asClause(sentence: string): string {
  const trimmed = sentence.trim().replace(/[.!]+$/, '');
  return /^[A-Z](?:[a-z]|\s)/.test(trimmed) ? trimmed[0]!.toLowerCase() + trimmed.slice(1) : trimmed;
}
