// "Did you mean": the names nearest to a typed one, for the messages of the library and the CLI.

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

/**
 * The choices nearest to `typed` by edit distance (after `normal`, which both go through), when
 * near enough to be a typo: a slip of one key in a short word, up to three in a long one. None
 * for an empty or a long text (over 64 characters: no name is that long, and the distance costs
 * its length times each choice's).
 */
export function closest<T extends string>(typed: string, choices: readonly T[], normal: (text: string) => string = (text) => text): T[] {
  if (typed === '' || typed.length > 64 || choices.length === 0) return [];
  const allowed = typed.length <= 4 ? 1 : typed.length <= 10 ? 2 : 3;
  const scored = choices.map((choice) => ({ choice, distance: editDistance(typed, normal(choice)) }));
  const best = Math.min(...scored.map((each) => each.distance));
  return best > allowed ? [] : scored.filter((each) => each.distance === best).map((each) => each.choice);
}
