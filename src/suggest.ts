// "Did you mean": the names nearest to a typed one, for the messages of the library and the CLI.
// Computed for every refused event, so bounded: a distance is worked out only as far as a typo
// could reach, and given up as soon as it is out of reach.

import { quote } from './quote.js';

let rows: [Float64Array, Float64Array, Float64Array] = [new Float64Array(128), new Float64Array(128), new Float64Array(128)];

/**
 * Levenshtein distance, with a swap of two neighbouring letters counted as one edit; once it is
 * certain to be over `limit`, `limit + 1` (so that a long text costs little against a far name).
 */
function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Only the cells within `limit` of the diagonal can stay within it; the others count as over.
  const over = limit + 1;
  // Three rows, reused from call to call (none is kept across calls).
  if (rows[0].length <= b.length) rows = [0, 1, 2].map(() => new Float64Array(2 * (b.length + 1))) as typeof rows;
  let [before, previous, current] = rows;
  for (let j = 0; j <= b.length; j++) {
    before[j] = over;
    previous[j] = j;
    current[j] = over;
  }
  for (let i = 1; i <= a.length; i++) {
    const low = Math.max(1, i - limit);
    const high = Math.min(b.length, i + limit);
    current[low - 1] = low === 1 ? i : over;
    let lowest = low === 1 ? i : over;
    for (let j = low; j <= high; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      if (value < lowest) lowest = value;
    }
    if (high < b.length) current[high + 1] = over;
    // Every way on from this row costs at least its lowest value.
    if (lowest > limit) return over;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[b.length]!, over);
}

/**
 * The choices nearest to `typed` by edit distance (after `normal`, which the choices go
 * through), when near enough to be a typo: a slip of one key in a short word, up to three in a
 * long one. None for an empty text or one over 100 characters (no name is longer).
 */
export function closest<T extends string>(typed: string, choices: readonly T[], normal: (text: string) => string = (text) => text): T[] {
  if (typed === '' || typed.length > 100 || choices.length === 0) return [];
  const allowed = typed.length <= 4 ? 1 : typed.length <= 10 ? 2 : 3;
  let best = allowed + 1;
  let nearest: T[] = [];
  for (const choice of choices) {
    const distance = editDistance(typed, normal(choice), Math.min(best, allowed));
    if (distance < best) [best, nearest] = [distance, [choice]];
    else if (distance === best && distance <= allowed) nearest.push(choice);
  }
  return best <= allowed ? nearest : [];
}

/**
 * ` (did you mean "a" or "b"?)` for the choices nearest to `typed` (see {@link closest}, with
 * `normal`), each written by `show` (quoted, by default); nothing when none is near.
 */
export function suggestion(
  typed: string,
  choices: readonly string[],
  { normal, show = (choice: string) => quote(choice) }: { readonly normal?: (text: string) => string; readonly show?: (choice: string) => string } = {},
): string {
  const near = closest(typed, choices, normal);
  return near.length > 0 ? ` (did you mean ${near.map(show).join(' or ')}?)` : '';
}
