import type { EventObject, StateMachine, StateSchema, UnknownAction } from 'xstate';
import type { ApplyActionsParams, TimelineParams } from './actions.js';
import type { IncidentContext, IncidentInput, IncidentOutput } from './context.js';
import type { GuardPredicate } from './guards.js';
import type { builtinActionNames } from '../definition/builtins.js';
import type { AdviceSpec, Condition, GuardSpec, PlaybookDefinition } from '../definition/types.js';
import type { EventOf, GuardOf, WindowOf } from '../definition/typesOf.js';
import type { PlaybookDefinitionError } from '../errors/errors.js';

/**
 * What every compiled state node carries in `meta`: its title and its advice. The machine's
 * root `meta` carries the playbook's identity and its guards (for explanations).
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { crisisMachine, type StateMeta } from 'crisis-playbook';
 *
 * const meta = createActor(crisisMachine).getSnapshot().getMeta() as Record<string, StateMeta>;
 * console.log(meta['crisis.active.ladder.gatheringInfo']?.title); // 'Gather information'
 * ```
 *
 * @category Compiler
 */
export interface StateMeta {
  readonly title?: string;
  readonly advice?: readonly AdviceSpec[];
  readonly playbook?: {
    readonly id: string;
    readonly version: string;
    readonly title: string;
    readonly initial: string;
    readonly guards: Readonly<Record<string, GuardSpec>>;
  };
}

/**
 * Options of {@link authoring!compilePlaybook}.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { type CompileOptions } from 'crisis-playbook';
 * import { compilePlaybook } from 'crisis-playbook/authoring';
 *
 * const options: CompileOptions<'isWeekend'> = {
 *   guards: { isWeekend: () => [0, 6].includes(new Date().getDay()) },
 * };
 * const machine = compilePlaybook(defaultPlaybook, options);
 * ```
 *
 * @category Compiler
 */
export interface CompileOptions<G extends string = string, A extends string = string> {
  /**
   * Guards implemented in code, by name. They can be referenced by name in the definition's
   * conditions, like the data guards.
   */
  readonly guards?: Readonly<Record<G, GuardPredicate>>;
  /**
   * Actions implemented in code, by name (XState actions, for example made with `assign`).
   * Transitions of the definition can name them in `actions`, like the built-in ones.
   */
  readonly actions?: Readonly<Record<A, UnknownAction>>;
}

/**
 * The actions of a compiled machine, with their parameters.
 *
 * @example
 * ```ts
 * import type { PlaybookAction } from 'crisis-playbook';
 *
 * const action: PlaybookAction = { type: 'appendTimeline', params: { from: 'monitoring', to: 'closed' } };
 * ```
 *
 * @category Compiler
 */
export type PlaybookAction =
  | { type: 'appendTimeline'; params: TimelineParams }
  | { type: 'applyActions'; params: ApplyActionsParams }
  | { type: 'clearDeadlines'; params: { rung: string; window?: string } }
  | { type: (typeof builtinActionNames)[number]; params: undefined }
  | { type: string & {}; params: undefined };

/**
 * The guards of a compiled machine: the playbook's named guards, guards given in code,
 * `isEventValid` and the parameterised comparison `matches`.
 *
 * @example
 * ```ts
 * import type { defaultPlaybook, PlaybookGuard } from 'crisis-playbook';
 *
 * const guard: PlaybookGuard<typeof defaultPlaybook> = { type: 'isPosterKnown', params: undefined };
 * ```
 *
 * @category Compiler
 */
export type PlaybookGuard<D extends PlaybookDefinition, G extends string = never> =
  | { type: GuardOf<D> | G | 'isEventValid'; params: undefined }
  | { type: 'matches'; params: Condition };

/**
 * The state value of a compiled playbook's snapshot: a final rung id once the incident is
 * done, otherwise the open rung of the ladder and the state of each side track.
 *
 * @example
 * ```ts
 * import type { defaultPlaybook, PlaybookStateValue } from 'crisis-playbook';
 *
 * const value: PlaybookStateValue<typeof defaultPlaybook> = {
 *   active: { ladder: 'directMessage', community: 'quiet', safety: 'none' },
 * };
 * ```
 *
 * @category Compiler
 */
export type PlaybookStateValue<D extends PlaybookDefinition> =
  | Extract<D['ladder']['rungs'][number], { readonly final: true }>['id']
  | {
      active: { ladder: Exclude<D['ladder']['rungs'][number], { readonly final: true }>['id'] } & {
        [track: string]: string;
      };
    };

/**
 * The machine type {@link authoring!compilePlaybook} returns for a definition: typed events (from the
 * definition's `events`), context, input, output, guards and delays.
 *
 * @example
 * ```ts
 * import { defaultPlaybook, type PlaybookMachine } from 'crisis-playbook';
 *
 * type DefaultMachine = PlaybookMachine<typeof defaultPlaybook>;
 * ```
 *
 * @category Compiler
 */
export type PlaybookMachine<D extends PlaybookDefinition, G extends string = never> = StateMachine<
  IncidentContext,
  EventOf<D>,
  Record<string, never>,
  never,
  PlaybookAction,
  PlaybookGuard<D, G>,
  WindowOf<D>,
  PlaybookStateValue<D>,
  string,
  IncidentInput<D> | undefined,
  IncidentOutput,
  EventObject,
  StateMeta,
  StateSchema
>;

/**
 * The result of {@link authoring!safeCompilePlaybook}.
 *
 * @example
 * ```ts
 * import { type CompileResult, defaultPlaybook } from 'crisis-playbook';
 * import { safeCompilePlaybook } from 'crisis-playbook/authoring';
 *
 * const result: CompileResult<typeof defaultPlaybook> = safeCompilePlaybook(defaultPlaybook);
 * ```
 *
 * @category Compiler
 */
export type CompileResult<D extends PlaybookDefinition, G extends string = never> =
  | { readonly success: true; readonly data: PlaybookMachine<D, G> }
  | { readonly success: false; readonly error: PlaybookDefinitionError };
