// `{path}` and `{path|fallback}` placeholders in the texts of a playbook (reasons, drafts): what
// they look like and which paths they read. Filled in by the advice layer.

/** A placeholder: dotted identifiers, as in conditions (`{facts.venue}`), and an optional `|fallback`. */
export const placeholderPattern = /\{([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:\|([^{}]*))?\}/g;

/** The paths a text's placeholders read (`{facts.venue}` → `facts.venue`). */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(placeholderPattern)].map((match) => match[1]!);
}

/** Paths a draft may read beyond a reason's: what the app gives, and what the incident recorded of the person. */
export const personalContextPaths: readonly string[] = ['replyPhone', 'intermediary'];
