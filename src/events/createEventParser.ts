import { createEventSchema } from './fieldSchemas.js';
import { fastSchema } from '../definition/fastSchema.js';
import type { PlaybookDefinition } from '../definition/types.js';
import type { EventOf } from '../definition/typesOf.js';
import { EventValidationError, type EventIssueCode } from '../errors/errors.js';
import { fromZodIssues, type Issue } from '../errors/issues.js';
import { quote } from '../quote.js';
import { suggestion } from '../suggest.js';

/**
 * The non-throwing result of parsing an event: the typed event, or the error with its issues.
 *
 * @example
 * ```ts
 * import { type CrisisEvent, type ParseEventResult, safeParseEvent } from 'crisis-playbook';
 *
 * const result: ParseEventResult<CrisisEvent> = safeParseEvent({ type: 'access.denied' });
 * ```
 *
 * @category Events
 */
export type ParseEventResult<E> =
  | { readonly success: true; readonly data: E }
  | { readonly success: false; readonly error: EventValidationError };

/**
 * Parses events for one playbook: `parse` throws {@link EventValidationError}, `safeParse`
 * returns a {@link ParseEventResult}.
 *
 * @example
 * ```ts
 * import { createEventParser, defaultPlaybook, type CrisisEvent, type EventParser } from 'crisis-playbook';
 *
 * const parser: EventParser<CrisisEvent> = createEventParser(defaultPlaybook);
 * const event = parser.parse(JSON.parse('{"type":"contact.received","channel":"phone"}'));
 * ```
 *
 * @category Events
 */
export interface EventParser<E> {
  readonly parse: (input: unknown) => E;
  readonly safeParse: (input: unknown) => ParseEventResult<E>;
}

/**
 * Creates an {@link EventParser} for a playbook definition. Unknown event types, wrong payloads,
 * unknown keys and over-long strings are reported as issues with paths.
 *
 * @example
 * ```ts
 * import { createEventParser, defaultPlaybook } from 'crisis-playbook';
 *
 * const { safeParse } = createEventParser(defaultPlaybook);
 * const result = safeParse({ type: 'acess.denied' });
 * if (!result.success) console.log(result.error.issues[0].message);
 * // Unknown event type "acess.denied" (did you mean "access.denied"?); expected one of "facts.update", ...
 * ```
 *
 * @category Events
 */
export function createEventParser<const D extends PlaybookDefinition>(definition: D): EventParser<EventOf<D>> {
  // Each type's schema is built the first time an event of that type is parsed (and compiled
  // then, see `fastSchema`): building them all made importing the library slower.
  const types = Object.keys(definition.events);
  const schemas = new Map(types.map((type) => [type, fastSchema(() => createEventSchema(definition, type))]));
  const expected = `${types.slice(0, 20).map((type) => `"${type}"`).join(', ')}${types.length > 20 ? ` and ${types.length - 20} more` : ''}`;
  const fail = (issues: Issue<EventIssueCode>[]) => ({ success: false, error: new EventValidationError(issues) }) as const;

  function safeParse(input: unknown): ParseEventResult<EventOf<D>> {
    try {
      return parseOnce(input);
    } catch {
      // A Proxy or a getter that throws: nothing about the value can be trusted.
      return fail([{ code: 'invalid_type', path: [], message: `Expected an event object with a "type"; received ${quote(input)}` }]);
    }
  }

  function parseOnce(input: unknown): ParseEventResult<EventOf<D>> {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return fail([
        {
          code: 'invalid_type',
          path: [],
          message: `Expected an event object with a "type"; received ${quote(input)}`,
        },
      ]);
    }
    const type = Object.hasOwn(input, 'type') ? (input as { type: unknown }).type : undefined;
    const schema = typeof type === 'string' ? schemas.get(type) : undefined;
    if (!schema) {
      // A typo of a type (`mesage.sent`): the one meant first, then the list.
      const guess = typeof type === 'string' ? suggestion(type, types) : '';
      return fail([
        {
          code: 'unknown_event',
          path: ['type'],
          message: `Unknown event type ${quote(type)}${guess}; expected one of ${expected}`,
        },
      ]);
    }
    const result = schema.get().safeParse(input, { reportInput: true });
    if (!result.success) return fail(fromZodIssues(result.error.issues, [], 'length'));
    return { success: true, data: result.data as EventOf<D> };
  }

  return {
    safeParse,
    parse(input) {
      const result = safeParse(input);
      if (!result.success) throw result.error;
      return result.data;
    },
  };
}
