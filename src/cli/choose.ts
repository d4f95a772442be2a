import { closest } from '../suggest.js';

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
  return { kind: 'unknown', suggestions: closest(typed, choices, normal) };
}

/** `a`, `a or b`, `a, b or c`. */
export function either(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function listing(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}
