import type { z } from 'zod';
import { groupDigits } from '../limits.js';
import { quote, wellFormed } from '../quote.js';

/**
 * One problem found in an event, an input, a playbook or a stored incident: a stable `code`
 * (a union of string literals per kind of error), the `path` to the offending value, and a
 * message that names what was expected and what arrived (quoted short).
 *
 * @example
 * ```ts
 * import { type Issue, safeParseEvent } from 'crisis-playbook';
 *
 * const result = safeParseEvent({ type: 'threat.reported', kind: 'hug' });
 * if (!result.success) {
 *   const first: Issue = result.error.issues[0]!;
 *   console.log(first.code, first.path); // 'invalid_value' ['kind']
 * }
 * ```
 *
 * @category Errors
 */
export interface Issue<C extends string = string> {
  readonly code: C;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * The codes zod gives its issues, which the library passes on as they are.
 *
 * @example
 * ```ts
 * import type { ZodIssueCode } from 'crisis-playbook';
 *
 * const code: ZodIssueCode = 'invalid_type';
 * ```
 *
 * @category Errors
 */
export type ZodIssueCode = z.core.$ZodIssue['code'];

/**
 * Formats issues one per line, each prefixed with its path and followed by its code.
 *
 * @example
 * ```ts
 * import { formatIssues } from 'crisis-playbook';
 *
 * console.log(formatIssues([{ code: 'unknown_rung', path: ['ladder', 'initial'], message: 'Unknown rung "x"' }]));
 * // - ladder.initial: Unknown rung "x" [unknown_rung]
 * ```
 *
 * @category Errors
 */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((issue) => `- ${formatPath(issue.path)}: ${oneLine(issue.message)} [${issue.code}]`).join('\n');
}

/**
 * An issue path as dotted text (`ladder.rungs.2.on`), `(root)` when empty; each key is cut
 * to 40 characters and control characters are escaped, so the path is one short line.
 *
 * @example
 * ```ts
 * import { formatPath } from 'crisis-playbook';
 *
 * console.log(formatPath(['ladder', 'rungs', 2, 'on'])); // 'ladder.rungs.2.on'
 * ```
 *
 * @category Errors
 */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(root)';
  return path.map((key) => (typeof key === 'number' ? String(key) : oneLine(key.length > 40 ? `${wellFormed(key.slice(0, 40))}…` : key))).join('.');
}

/**
 * The order of issues in every list the library returns for a playbook: by path, comparing
 * the keys one by one (numbers numerically and before names, names by their UTF-16 code
 * units, a path before the paths under it), then by code. Sorting is stable, so issues with
 * the same path and code keep the order in which they were found. Use it to merge lists of
 * issues in the same order.
 *
 * @example
 * ```ts
 * import { compareIssues, type Issue } from 'crisis-playbook';
 *
 * const issues: Issue[] = [
 *   { code: 'unknown_rung', path: ['ladder', 'rungs', 10, 'on', 0, 'target'], message: 'Unknown rung "x"' },
 *   { code: 'invalid_duration', path: ['windows', 'replyWindow', 'duration'], message: 'Expected a positive duration' },
 *   { code: 'trap', path: ['ladder', 'rungs', 9], message: 'No final rung can be reached from rung "y"' },
 * ];
 * console.log([...issues].sort(compareIssues).map((issue) => issue.code)); // ['trap', 'unknown_rung', 'invalid_duration']
 * ```
 *
 * @category Errors
 */
export function compareIssues(a: Issue, b: Issue): number {
  const length = Math.min(a.path.length, b.path.length);
  for (let index = 0; index < length; index++) {
    const order = compareKeys(a.path[index]!, b.path[index]!);
    if (order !== 0) return order;
  }
  if (a.path.length !== b.path.length) return a.path.length - b.path.length;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** A sorted copy of issues, in the order of {@link compareIssues}. */
export function sortIssues<C extends string>(issues: readonly Issue<C>[]): Issue<C>[] {
  return [...issues].sort(compareIssues);
}

function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Control characters and line breaks escaped, so that text stays on one line. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Converts zod issues to {@link Issue}s. When zod reported the input (`reportInput`), a
 * message that does not say what arrived gets `; received <value>` appended, quoted short.
 * `text: 'length'` (events, stored incidents, incident input: they hold names, phone numbers and
 * notes) says how long a text was instead of quoting it, but for a value not among those a field
 * allows (an enum's typo, which holds no one's details).
 */
export function fromZodIssues(
  issues: readonly { code: string; path: readonly PropertyKey[]; message: string; input?: unknown }[],
  prefix: readonly (string | number)[] = [],
  text: 'quote' | 'length' = 'quote',
): Issue<ZodIssueCode>[] {
  return issues.map((issue) => ({
    code: issue.code as ZodIssueCode,
    path: [...prefix, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))],
    message: zodMessage(issue, text),
  }));
}

/** zod's message, with what arrived quoted short (or a text's length); unknown keys are listed short too. */
function zodMessage(issue: { code: string; message: string; input?: unknown; keys?: unknown }, text: 'quote' | 'length'): string {
  if (issue.code === 'unrecognized_keys' && Array.isArray(issue.keys)) {
    // The facts' own message (the fact meant, keys quoted short); any other text (zod's, in
    // whatever locale) is replaced: it lists every key in full. Never the values that came with them.
    if (issue.message.startsWith('Unknown fact')) return issue.message;
    const keys = issue.keys as unknown[];
    const shown = keys.slice(0, 5).map((key) => quote(key, 40)).join(', ');
    return `Unrecognized key${keys.length === 1 ? '' : 's'}: ${shown}${keys.length > 5 ? ` and ${keys.length - 5} more` : ''}`;
  }
  const message = issue.message.length > 300 ? `${wellFormed(issue.message.slice(0, 300))}…` : issue.message;
  if (!('input' in issue) || /received/.test(message)) return message;
  const input = issue.input;
  if (text === 'length' && typeof input === 'string' && issue.code !== 'invalid_value') {
    return `${message}; received a string of ${groupDigits(input.length)} character${input.length === 1 ? '' : 's'}`;
  }
  return `${message}; received ${quote(input)}`;
}
