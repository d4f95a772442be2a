// `{path}` placeholders in the texts of a playbook (reasons, drafts): what they look like and
// which paths they read. Filled in by the advice layer.

/** A `{path}` placeholder: dotted identifiers, as in conditions (`{facts.venue}`). */
export const placeholderPattern = /\{([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\}/g;

/** The paths a text's `{placeholders}` read (`{facts.venue}` → `facts.venue`). */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(placeholderPattern)].map((match) => match[1]!);
}
