import type { z } from 'zod';
import type { EventMetadata, PayloadField } from './eventSpec.js';
import type { IncidentFacts } from './facts.js';
import type { PlaybookDefinition } from './types.js';

/**
 * The TypeScript type of a {@link PayloadField}.
 *
 * @example
 * ```ts
 * import type { FieldType } from 'crisis-playbook';
 *
 * type Kind = FieldType<{ type: 'enum'; values: readonly ['visit', 'violence'] }>; // 'visit' | 'violence'
 * ```
 *
 * @category Playbook definition
 */
export type FieldType<F> = F extends { type: 'string' }
  ? string
  : F extends { type: 'boolean' }
    ? boolean
    : F extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : F extends { type: 'facts' }
        ? Partial<IncidentFacts>
        : never;

/**
 * The TypeScript type of an event payload described by {@link EventSpec.payload}: required
 * fields, and optional ones marked `optional: true`.
 *
 * @example
 * ```ts
 * import type { PayloadOf } from 'crisis-playbook';
 *
 * type Call = PayloadOf<{ apology: { type: 'boolean' }; note: { type: 'string'; optional: true } }>;
 * const call: Call = { apology: true };
 * ```
 *
 * @category Playbook definition
 */
export type PayloadOf<P> = [P] extends [Readonly<Record<string, PayloadField>>]
  ? {
      [K in keyof P as P[K] extends { optional: true } ? never : K]: FieldType<P[K]>;
    } & {
      [K in keyof P as P[K] extends { optional: true } ? K : never]?: FieldType<P[K]>;
    }
  : unknown;

/**
 * The TypeScript type of an event's payload: from its zod `schema` when it has one, else from
 * its `payload` fields.
 *
 * @example
 * ```ts
 * import type { EventPayloadOf } from 'crisis-playbook';
 *
 * type Reply = EventPayloadOf<{ payload: { phone: { type: 'string'; optional: true } } }>; // { phone?: string }
 * ```
 *
 * @category Playbook definition
 */
export type EventPayloadOf<S> = S extends { schema: infer Z extends z.ZodObject }
  ? z.output<Z>
  : S extends { payload: infer P }
    ? PayloadOf<P>
    : unknown;

/**
 * The typed event union of a playbook definition.
 *
 * @example
 * ```ts
 * import type { defaultPlaybook, EventOf } from 'crisis-playbook';
 *
 * type Threat = Extract<EventOf<typeof defaultPlaybook>, { type: 'threat.reported' }>;
 * const threat: Threat = { type: 'threat.reported', kind: 'visit' };
 * ```
 *
 * @category Playbook definition
 */
export type EventOf<D extends PlaybookDefinition> = {
  [T in keyof D['events'] & string]: {
    [K in keyof ({ type: T } & EventPayloadOf<D['events'][T]> & EventMetadata)]: ({
      type: T;
    } & EventPayloadOf<D['events'][T]> &
      EventMetadata)[K];
  };
}[keyof D['events'] & string];

/**
 * The rung ids of a playbook definition.
 *
 * @example
 * ```ts
 * import type { defaultPlaybook, RungOf } from 'crisis-playbook';
 *
 * const rung: RungOf<typeof defaultPlaybook> = 'directMessage';
 * ```
 *
 * @category Playbook definition
 */
export type RungOf<D extends PlaybookDefinition> = D['ladder']['rungs'][number]['id'];

/**
 * The names of a playbook definition's waiting windows.
 *
 * @example
 * ```ts
 * import type { defaultPlaybook, WindowOf } from 'crisis-playbook';
 *
 * const window: WindowOf<typeof defaultPlaybook> = 'replyWindow';
 * ```
 *
 * @category Playbook definition
 */
export type WindowOf<D extends PlaybookDefinition> = keyof D['windows'] & string;

/**
 * The names of a playbook definition's guards.
 *
 * @example
 * ```ts
 * import type { defaultPlaybook, GuardOf } from 'crisis-playbook';
 *
 * const guard: GuardOf<typeof defaultPlaybook> = 'isPosterKnown';
 * ```
 *
 * @category Playbook definition
 */
export type GuardOf<D extends PlaybookDefinition> = keyof D['guards'] & string;
