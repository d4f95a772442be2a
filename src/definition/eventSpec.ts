import type { z } from 'zod';

/**
 * One field of an event payload, described as data so that a playbook stays plain JSON.
 * `personal: true` marks a field that can carry personal data (a name, a phone number, free
 * text): {@link visualize!createRedactor} and the inspector helpers replace its value with
 * `"[redacted]"` wherever it appears (in events, and in the context and output fields the
 * built-in actions copy it into). For an event described with a zod `schema`, mark the field
 * with zod metadata instead: `z.string().meta({ personal: true })`. `question` is how a form
 * or the CLI asks for the value, saying who and what (`Did the organisation apologise?`);
 * without it, the question is built from the event's description and the field's name.
 *
 * @example
 * ```ts
 * import type { PayloadField } from 'crisis-playbook';
 *
 * const kind: PayloadField = { type: 'enum', values: ['visit', 'violence'], question: 'What did they threaten?' };
 * const phone: PayloadField = { type: 'string', optional: true, maxLength: 40, personal: true };
 * ```
 *
 * @category Playbook definition
 */
export type PayloadField =
  | { readonly type: 'string'; readonly optional?: boolean; readonly maxLength?: number; readonly personal?: boolean; readonly question?: string }
  | { readonly type: 'boolean'; readonly optional?: boolean; readonly personal?: boolean; readonly question?: string }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly optional?: boolean; readonly personal?: boolean; readonly question?: string }
  | { readonly type: 'facts'; readonly optional?: boolean; readonly personal?: boolean; readonly question?: string };

/**
 * An event the playbook understands: its meaning and its payload fields.
 *
 * @example
 * ```ts
 * import type { EventSpec } from 'crisis-playbook';
 *
 * const legalCleared: EventSpec = {
 *   description: 'Legal reviewed the case.',
 *   payload: { advice: { type: 'string', optional: true, maxLength: 500, question: 'What did legal advise?' } },
 * };
 * const callMade: EventSpec = { description: 'The responder called the person.', directContact: true };
 * ```
 *
 * @category Playbook definition
 */
export interface EventSpec {
  readonly description?: string;
  /**
   * The event is a direct exchange with the upset person (a private message sent to them,
   * their reply, their call, a conversation): `summarizeIncident` measures the time to the
   * first direct contact from the first event marked so.
   */
  readonly directContact?: boolean;
  /** The payload fields, as data (keeps the playbook plain JSON). */
  readonly payload?: Readonly<Record<string, PayloadField>>;
  /**
   * TypeScript only: the payload as a zod object schema, instead of `payload`. A playbook that
   * uses it is no longer plain JSON.
   */
  readonly schema?: z.ZodObject;
}

/**
 * Fields every event may carry for the timeline: who recorded it, a note, and when it
 * happened (ISO 8601; defaults to the time it is processed).
 *
 * @example
 * ```ts
 * import type { EventMetadata } from 'crisis-playbook';
 *
 * const meta: EventMetadata = { by: 'Ana', note: 'Asked the group admin', at: '2026-04-06T19:05:00Z' };
 * ```
 *
 * @category Playbook definition
 */
export interface EventMetadata {
  by?: string;
  note?: string;
  at?: string;
}
