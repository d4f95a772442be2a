import type { PlaybookDefinitionError } from '../errors/errors.js';
import type { PlaybookDefinition, TransitionSpec } from './types.js';
import type { RungOf } from './typesOf.js';

/**
 * The union of a definition's rung specs.
 *
 * @example
 * ```ts
 * import type { defaultPlaybook } from 'crisis-playbook';
 * import type { RungSpecOf } from 'crisis-playbook/authoring';
 *
 * type Final = Extract<RungSpecOf<typeof defaultPlaybook>, { final: true }>['id']; // 'resolved' | 'closed'
 * ```
 *
 * @category Playbook definition
 */
export type RungSpecOf<D extends PlaybookDefinition> = D['ladder']['rungs'][number];

/**
 * A definition whose rungs are `R`: the type {@link PlaybookBuilder} gives after a rung is
 * inserted, replaced or removed.
 *
 * @example
 * ```ts
 * import type { defaultPlaybook, RungOf } from 'crisis-playbook';
 * import type { RungSpecOf, WithRungs } from 'crisis-playbook/authoring';
 *
 * type WithoutMonitoring = WithRungs<typeof defaultPlaybook, Exclude<RungSpecOf<typeof defaultPlaybook>, { id: 'monitoring' }>>;
 * const rung: RungOf<WithoutMonitoring> = 'phoneCall';
 * ```
 *
 * @category Playbook definition
 */
export type WithRungs<D extends PlaybookDefinition, R> = Omit<D, 'ladder'> & {
  readonly ladder: Omit<D['ladder'], 'rungs'> & { readonly rungs: readonly R[] };
};

/**
 * A transition whose event and target belong to the definition `D`: what
 * {@link PlaybookBuilder.addTransitions} accepts, so that a misspelling does not compile. (Guard
 * names may also be guards given in code, so they are checked by `build()`.)
 *
 * @example
 * ```ts
 * import type { defaultPlaybook } from 'crisis-playbook';
 * import type { TransitionOf } from 'crisis-playbook/authoring';
 *
 * const call: TransitionOf<typeof defaultPlaybook> = { event: 'contact.received', target: 'phoneCall', guard: 'isPosterKnown' };
 * ```
 */
export type TransitionOf<D extends PlaybookDefinition> = Omit<TransitionSpec, 'event' | 'target'> & {
  readonly event: keyof D['events'] & string;
  readonly target?: RungOf<D>;
};

/**
 * Where {@link PlaybookBuilder.insertRung} puts a rung: before or after an existing one.
 *
 * @example
 * ```ts
 * import type { CrisisRung } from 'crisis-playbook';
 * import type { InsertPosition } from 'crisis-playbook/authoring';
 *
 * const beforeTheCall: InsertPosition<CrisisRung> = { before: 'phoneCall' };
 * ```
 *
 * @category Playbook definition
 */
export type InsertPosition<Id extends string> = { readonly before: Id } | { readonly after: Id };

/**
 * The result of {@link PlaybookBuilder.safeBuild}: the definition, or every issue found.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { type BuildResult, extendPlaybook } from 'crisis-playbook/authoring';
 *
 * const result: BuildResult<typeof defaultPlaybook> = extendPlaybook(defaultPlaybook).safeBuild();
 * ```
 *
 * @category Playbook definition
 */
export type BuildResult<D extends PlaybookDefinition> =
  | { readonly success: true; readonly data: D }
  | { readonly success: false; readonly error: PlaybookDefinitionError };
