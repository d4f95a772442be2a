import { quote } from './quote.js';

/**
 * One problem found in an event, an input or a playbook definition: a stable `code`, the
 * `path` to the offending value, and a message that names what was expected and what arrived.
 *
 * @example
 * ```ts
 * import { safeParseEvent } from 'crisis-playbook';
 *
 * const result = safeParseEvent({ type: 'threat.reported', kind: 'hug' });
 * if (!result.success) console.log(result.error.issues[0]);
 * // { code: 'invalid_value', path: ['kind'], message: 'Invalid option: expected one of ...' }
 * ```
 *
 * @category Errors
 */
export interface PlaybookIssue {
  readonly code: string;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

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
export function formatIssues(issues: readonly PlaybookIssue[]): string {
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
  return path.map((key) => (typeof key === 'number' ? String(key) : oneLine(key.length > 40 ? `${key.slice(0, 40)}…` : key))).join('.');
}

/** Control characters and line breaks escaped, so that text stays on one line. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function describe(issues: readonly PlaybookIssue[], summary: string): string {
  return `${summary}\n${formatIssues(issues)}`;
}

/**
 * Thrown when an event does not match the playbook's event schemas. `issues` lists every
 * problem.
 *
 * @example
 * ```ts
 * import { parseEvent, EventValidationError } from 'crisis-playbook';
 *
 * try {
 *   parseEvent({ type: 'call.completed', apology: 'yes' });
 * } catch (error) {
 *   if (error instanceof EventValidationError) console.log(error.issues.map((i) => i.path.join('.')));
 * }
 * ```
 *
 * @category Errors
 */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  readonly issues: readonly PlaybookIssue[];
  constructor(issues: readonly PlaybookIssue[]) {
    super(describe(issues, 'Invalid event:'));
    this.issues = issues;
  }
}

/**
 * The error of an incident actor whose input is invalid (unknown facts, a waiting window that
 * is not a positive duration). XState does not throw it from `createActor`: the actor's
 * snapshot has `status: 'error'` and this `error`. Check the status, or subscribe with an
 * error handler before `start()`, since an unobserved error is rethrown asynchronously.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { crisisMachine, InputValidationError } from 'crisis-playbook';
 *
 * const actor = createActor(crisisMachine, { input: { windows: { replyWindow: '-1h' } } });
 * const snapshot = actor.getSnapshot();
 * if (snapshot.status === 'error' && snapshot.error instanceof InputValidationError) {
 *   console.log(snapshot.error.issues); // [{ code: 'custom', path: ['windows', 'replyWindow'], ... }]
 * }
 * ```
 *
 * @category Errors
 */
export class InputValidationError extends Error {
  override readonly name = 'InputValidationError';
  readonly issues: readonly PlaybookIssue[];
  constructor(issues: readonly PlaybookIssue[]) {
    super(describe(issues, 'Invalid incident input:'));
    this.issues = issues;
  }
}

/**
 * Thrown by {@link compilePlaybook} when a playbook definition is invalid. `issues` lists
 * every problem at once.
 *
 * @example
 * ```ts
 * import { compilePlaybook, defaultPlaybook, PlaybookDefinitionError } from 'crisis-playbook';
 *
 * try {
 *   compilePlaybook({ ...defaultPlaybook, ladder: { ...defaultPlaybook.ladder, initial: 'nowhere' } });
 * } catch (error) {
 *   if (error instanceof PlaybookDefinitionError) console.log(error.issues[0].code); // 'unknown_rung'
 * }
 * ```
 *
 * @category Errors
 */
export class PlaybookDefinitionError extends Error {
  override readonly name = 'PlaybookDefinitionError';
  readonly issues: readonly PlaybookIssue[];
  constructor(issues: readonly PlaybookIssue[]) {
    super(describe(issues, 'Invalid playbook definition:'));
    this.issues = issues;
  }
}

/**
 * Converts zod issues to {@link PlaybookIssue}s. When zod reported the input (`reportInput`),
 * a message that does not say what arrived gets `; received <value>` appended.
 *
 * @category Errors
 */
export function fromZodIssues(
  issues: readonly { code: string; path: readonly PropertyKey[]; message: string; input?: unknown }[],
  prefix: readonly (string | number)[] = [],
): PlaybookIssue[] {
  return issues.map((issue) => ({
    code: issue.code,
    path: [...prefix, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))],
    message: zodMessage(issue),
  }));
}

/** zod's message, with what arrived quoted short; unknown keys are listed short too. */
function zodMessage(issue: { code: string; message: string; input?: unknown; keys?: unknown }): string {
  if (issue.code === 'unrecognized_keys' && Array.isArray(issue.keys)) {
    const keys = issue.keys as unknown[];
    const shown = keys.slice(0, 5).map((key) => quote(key, 40)).join(', ');
    return `Unrecognized key${keys.length === 1 ? '' : 's'}: ${shown}${keys.length > 5 ? ` and ${keys.length - 5} more` : ''}`;
  }
  const message = issue.message.length > 300 ? `${issue.message.slice(0, 300)}…` : issue.message;
  return 'input' in issue && !/received/.test(message) ? `${message}; received ${quote(issue.input)}` : message;
}

/**
 * The codes of {@link IncidentError}: what went wrong with a stored incident or an event
 * applied to it.
 *
 * @example
 * ```ts
 * import type { IncidentErrorCode } from 'crisis-playbook';
 *
 * const retryable: IncidentErrorCode[] = ['stale_version'];
 * ```
 *
 * @category Errors
 */
export type IncidentErrorCode =
  | 'invalid_json'
  | 'invalid_document'
  | 'unsupported_format'
  | 'unknown_playbook'
  | 'unknown_playbook_version'
  | 'invalid_input'
  | 'invalid_event'
  | 'invalid_time'
  | 'incident_finished'
  | 'event_not_applicable'
  | 'timeline_full'
  | 'stale_version'
  | 'not_found'
  | 'already_exists'
  | 'invalid_signature'
  | 'too_large'
  | 'implementation_error';

/**
 * Thrown by the server runtime ({@link decide}, {@link restoreIncident}, the incident store)
 * when a stored incident or an event cannot be used. `code` says what went wrong, `issues` say
 * where. The incident is never changed when this is thrown.
 *
 * @example
 * ```ts
 * import { decide, openIncident, IncidentError } from 'crisis-playbook';
 *
 * const { incident } = openIncident({ now: Date.parse('2026-04-06T19:00:00Z') });
 * try {
 *   decide(incident, { type: 'call.completed' }, { now: Date.parse('2026-04-06T19:05:00Z') });
 * } catch (error) {
 *   if (error instanceof IncidentError) console.log(error.code); // 'invalid_event'
 * }
 * ```
 *
 * @category Errors
 */
export class IncidentError extends Error {
  override readonly name = 'IncidentError';
  readonly code: IncidentErrorCode;
  readonly issues: readonly PlaybookIssue[];
  constructor(code: IncidentErrorCode, issues: readonly PlaybookIssue[]) {
    super(describe(issues, `Incident error (${code}):`));
    this.code = code;
    this.issues = issues;
  }
}

/**
 * An {@link IncidentError} with one issue of the same code.
 *
 * @category Errors
 */
export function incidentError(code: IncidentErrorCode, message: string, path: readonly (string | number)[] = []): IncidentError {
  return new IncidentError(code, [{ code, path, message }]);
}
