import { defaultPlaybook, type DefaultPlaybook } from './defaultPlaybook.js';
import { createEventParser, type ParseEventResult } from '../events/createEventParser.js';
import type { EventOf } from '../definition/typesOf.js';

const defaultParser = createEventParser(defaultPlaybook);

/**
 * Parses unknown input (for example JSON from a request body) into an event of the default
 * playbook, or throws {@link EventValidationError} listing every issue with its path.
 *
 * @example
 * ```ts
 * import { parseEvent } from 'crisis-playbook';
 *
 * const event = parseEvent({ type: 'threat.reported', kind: 'visit' });
 * // event: { type: 'threat.reported'; kind: 'visit' | ...; note?: string; by?: string; at?: string }
 * ```
 *
 * @category Events
 */
export function parseEvent(input: unknown): EventOf<DefaultPlaybook> {
  return defaultParser.parse(input);
}

/**
 * Like {@link parseEvent} but never throws: returns `{ success: true, data }` or
 * `{ success: false, error }`.
 *
 * @example
 * ```ts
 * import { safeParseEvent } from 'crisis-playbook';
 *
 * const result = safeParseEvent({ type: 'call.completed', apology: true });
 * if (!result.success) {
 *   console.log(result.error.issues); // [{ code: 'invalid_type', path: ['agreement'], ... }]
 * }
 * ```
 *
 * @category Events
 */
export function safeParseEvent(input: unknown): ParseEventResult<EventOf<DefaultPlaybook>> {
  return defaultParser.safeParse(input);
}
