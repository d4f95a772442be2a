/** What an answer to a menu or an enum question picks. */
export type ChoiceMatch<T extends string> =
  | { readonly kind: 'picked'; readonly value: T }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly T[] }
  | { readonly kind: 'unknown'; readonly suggestions: readonly T[] };

const normal = (text: string) => text.trim().toLowerCase().replace(/[\s_]+/g, '-');

/**
 * The choice an answer names: its number in the list, the choice itself in any case, or an
 * unambiguous start of it (`Private` → `private-group`, `pol` → `police-report`). Several
 * choices starting so are `ambiguous`; otherwise the closest choices by edit distance are the
 * `suggestions` for a "did you mean" (none when nothing is close).
 */
export function matchChoice<T extends string>(answer: string, choices: readonly T[]): ChoiceMatch<T> {
  const typed = normal(answer);
  if (/^\d+$/.test(typed)) {
    const byNumber = choices[Number(typed) - 1];
    if (byNumber !== undefined) return { kind: 'picked', value: byNumber };
  }
  const exact = choices.find((choice) => normal(choice) === typed);
  if (exact !== undefined) return { kind: 'picked', value: exact };
  if (typed !== '') {
    const starting = choices.filter((choice) => normal(choice).startsWith(typed));
    if (starting.length === 1) return { kind: 'picked', value: starting[0]! };
    if (starting.length > 1) return { kind: 'ambiguous', candidates: starting };
  }
  return { kind: 'unknown', suggestions: closest(typed, choices) };
}

/** The choices nearest to `typed` by edit distance, when near enough to be a typo. */
export function closest<T extends string>(typed: string, choices: readonly T[]): T[] {
  if (typed === '') return [];
  // A slip of one key in a short word, up to three in a long one.
  const allowed = typed.length <= 4 ? 1 : typed.length <= 10 ? 2 : 3;
  const scored = choices.map((choice) => ({ choice, distance: editDistance(typed, normal(choice)) }));
  const best = Math.min(...scored.map((each) => each.distance));
  return best > allowed ? [] : scored.filter((each) => each.distance === best).map((each) => each.choice);
}

/** Levenshtein distance, with a swap of two neighbouring letters counted as one edit. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
    }
  }
  return rows[a.length]![b.length]!;
}

/** `a`, `a or b`, `a, b or c`. */
export function either(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function listing(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}
