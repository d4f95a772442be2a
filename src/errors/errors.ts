import { formatIssues, type Issue, type ZodIssueCode } from './issues.js';

/**
 * The base of every error the library throws: a message built from its `issues`, each with a
 * `code`, a `path` and a message. Catch it to handle any of them alike.
 *
 * @example
 * ```ts
 * import { CrisisPlaybookError, parseEvent } from 'crisis-playbook';
 *
 * try {
 *   parseEvent({ type: 'nope' });
 * } catch (error) {
 *   if (error instanceof CrisisPlaybookError) console.log(error.issues.map((issue) => issue.code)); // ['unknown_event']
 * }
 * ```
 *
 * @category Errors
 */
export class CrisisPlaybookError<C extends string = string> extends Error {
  override readonly name: string = 'CrisisPlaybookError';
  readonly issues: readonly Issue<C>[];
  constructor(summary: string, issues: readonly Issue<C>[]) {
    super(`${summary}\n${formatIssues(issues)}`);
    this.issues = issues;
  }
}

/**
 * The codes of an event's issues: zod's, and `unknown_event` for a type the playbook does not
 * declare.
 *
 * @example
 * ```ts
 * import type { EventIssueCode } from 'crisis-playbook';
 *
 * const code: EventIssueCode = 'unknown_event';
 * ```
 *
 * @category Errors
 */
export type EventIssueCode = ZodIssueCode | 'unknown_event';

/**
 * Thrown when an event does not match the playbook's event schemas. `issues` lists every
 * problem.
 *
 * @example
 * ```ts
 * import { EventValidationError, parseEvent } from 'crisis-playbook';
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
export class EventValidationError extends CrisisPlaybookError<EventIssueCode> {
  override readonly name = 'EventValidationError';
  constructor(issues: readonly Issue<EventIssueCode>[]) {
    super('Invalid event:', issues);
  }
}

/**
 * Thrown by {@link index!createIncident} when the incident's input is invalid (unknown facts, a
 * waiting window that is not a positive duration within the limit). The issues carry zod's
 * codes.
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine, InputValidationError } from 'crisis-playbook';
 *
 * try {
 *   createIncident(crisisMachine, { input: { windows: { replyWindow: '-1h' } } });
 * } catch (error) {
 *   if (error instanceof InputValidationError) console.log(error.issues[0]?.path); // ['windows', 'replyWindow']
 * }
 * ```
 *
 * @category Errors
 */
export class InputValidationError extends CrisisPlaybookError<ZodIssueCode> {
  override readonly name = 'InputValidationError';
  constructor(issues: readonly Issue<ZodIssueCode>[]) {
    super('Invalid incident input:', issues);
  }
}

/**
 * The codes of a playbook definition's issues: zod's for the shape, and the checks of
 * references, the graph and the limits (see the validation table in the custom playbooks
 * guide).
 *
 * @example
 * ```ts
 * import type { PlaybookIssueCode } from 'crisis-playbook';
 *
 * const code: PlaybookIssueCode = 'unreachable_rung';
 * ```
 *
 * @category Errors
 */
export type PlaybookIssueCode =
  | ZodIssueCode
  | 'duplicate_id'
  | 'reserved_id'
  | 'reserved_key'
  | 'reserved_field'
  | 'unknown_rung'
  | 'unknown_state'
  | 'unknown_event'
  | 'unknown_guard'
  | 'unknown_window'
  | 'unknown_action'
  | 'unknown_placeholder'
  | 'unknown_level'
  | 'event_without_event'
  | 'invalid_duration'
  | 'invalid_schema'
  | 'conflicting_payload'
  | 'final_initial'
  | 'final_with_transitions'
  | 'no_final_rung'
  | 'unreachable_rung'
  | 'unreachable_state'
  | 'trap'
  | 'guard_cycle'
  | 'guard_chain_too_long'
  | 'after_to_own_rung'
  | 'condition_too_deep'
  | 'too_deep'
  | 'too_large'
  | 'circular_reference'
  | 'unreadable_value'
  | 'counted_twice'
  | 'unknown_fact'
  | 'unknown_value'
  | 'ambiguous_removal'
  | 'removed_rung_referenced'
  | 'invalid_operation'
  | 'unexpected_error';

/**
 * Thrown by {@link authoring!parsePlaybook} and `compilePlaybook` when a playbook definition is invalid.
 * `issues` lists every problem at once.
 *
 * @example
 * ```ts
 * import { defaultPlaybook, PlaybookDefinitionError } from 'crisis-playbook';
 * import { parsePlaybook } from 'crisis-playbook/authoring';
 *
 * try {
 *   parsePlaybook({ ...defaultPlaybook, ladder: { ...defaultPlaybook.ladder, initial: 'nowhere' } });
 * } catch (error) {
 *   if (error instanceof PlaybookDefinitionError) console.log(error.issues[0]?.code); // 'unknown_rung'
 * }
 * ```
 *
 * @category Errors
 */
export class PlaybookDefinitionError extends CrisisPlaybookError<PlaybookIssueCode> {
  override readonly name = 'PlaybookDefinitionError';
  constructor(issues: readonly Issue<PlaybookIssueCode>[]) {
    super('Invalid playbook definition:', issues);
  }
}

/**
 * The codes of {@link index!IncidentError}: what went wrong with a stored incident or an event
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
 * The codes of an {@link index!IncidentError}'s issues: its own code, or the codes of what was
 * refused (a document's shape, an event's, an input's).
 *
 * @example
 * ```ts
 * import type { IncidentIssueCode } from 'crisis-playbook';
 *
 * const code: IncidentIssueCode = 'invalid_document';
 * ```
 *
 * @category Errors
 */
export type IncidentIssueCode = IncidentErrorCode | EventIssueCode;

/**
 * Thrown by the server runtime (`decide`, `restoreIncident`, the incident stores) and reported
 * by a live incident's `safeSend` when a stored incident or an event cannot be used. `code`
 * says what went wrong, `issues` say where. The incident is never changed when this happens.
 *
 * @example
 * ```ts
 * import { IncidentError } from 'crisis-playbook';
 * import { decide, openIncident } from 'crisis-playbook/server';
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
export class IncidentError extends CrisisPlaybookError<IncidentIssueCode> {
  override readonly name = 'IncidentError';
  readonly code: IncidentErrorCode;
  constructor(code: IncidentErrorCode, issues: readonly Issue<IncidentIssueCode>[]) {
    super(`Incident error (${code}):`, issues);
    this.code = code;
  }
}

/** An {@link index!IncidentError} with one issue of the same code. */
export function incidentError(code: IncidentErrorCode, message: string, path: readonly (string | number)[] = []): IncidentError {
  return new IncidentError(code, [{ code, path, message }]);
}

/**
 * What every `safe…` function returns instead of throwing: the value, or the error.
 *
 * @example
 * ```ts
 * import { type CrisisEvent, type EventValidationError, safeParseEvent, type SafeResult } from 'crisis-playbook';
 *
 * const result: SafeResult<CrisisEvent, EventValidationError> = safeParseEvent({ type: 'access.denied' });
 * if (result.success) console.log(result.data.type);
 * ```
 *
 * @category Errors
 */
export type SafeResult<T, E extends Error> = { readonly success: true; readonly data: T } | { readonly success: false; readonly error: E };

/** Runs `run` and returns its result, or the error of class `E` it threw (anything else is rethrown). */
export function safely<T, E extends Error>(run: () => T, errorClass: abstract new (...args: never[]) => E): SafeResult<T, E> {
  try {
    return { success: true, data: run() };
  } catch (error) {
    if (error instanceof errorClass) return { success: false, error };
    throw error;
  }
}
