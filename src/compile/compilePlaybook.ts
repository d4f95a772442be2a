import {
  setup,
  type AnyEventObject,
  type EventObject,
  type StateMachine,
  type StateSchema,
} from 'xstate';
import { createBuiltinActions, builtinActionNames, type DeadlineParams, type TimelineParams } from './actions.js';
import {
  createContext,
  createInputSchema,
  toOutput,
  type IncidentContext,
  type IncidentInput,
  type IncidentOutput,
} from './context.js';
import { buildGuardTable, requireValidEvent, type AnyGuard, type GuardArgs, type GuardPredicate } from './guards.js';
import { toMilliseconds } from '../definition/durations.js';
import { limits } from '../limits.js';
import type { SystemWithClock } from './clock.js';
import type {
  AdviceSpec,
  Condition,
  EventOf,
  GuardOf,
  GuardSpec,
  PlaybookDefinition,
  TimeoutSpec,
  TransitionSpec,
  WindowOf,
} from '../definition/types.js';
import { assertValidPlaybook, unexpectedIssue, validatePlaybook } from '../definition/validatePlaybook.js';
import { PlaybookDefinitionError } from '../errors.js';
import { createEventParser, type EventParser } from '../events/parseEvent.js';

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
 * Options of {@link compilePlaybook}.
 *
 * @example
 * ```ts
 * import { compilePlaybook, defaultPlaybook, type CompileOptions } from 'crisis-playbook';
 *
 * const options: CompileOptions<'isWeekend'> = {
 *   guards: { isWeekend: () => [0, 6].includes(new Date().getDay()) },
 * };
 * const machine = compilePlaybook(defaultPlaybook, options);
 * ```
 *
 * @category Compiler
 */
export interface CompileOptions<G extends string = string> {
  /**
   * Guards implemented in code, by name. They can be referenced by name in the definition's
   * conditions, like the data guards.
   */
  readonly guards?: Readonly<Record<G, GuardPredicate>>;
}

/**
 * Names of the guards every compiled machine has besides the playbook's own: `isEventValid`
 * (the event matches its schema) and `matches` (a condition written inline, as params).
 *
 * @example
 * ```ts
 * import { builtinGuardNames } from 'crisis-playbook';
 *
 * console.log(builtinGuardNames); // ['isEventValid', 'matches']
 * ```
 *
 * @category Compiler
 */
export const builtinGuardNames = ['isEventValid', 'matches'] as const;

/**
 * A data condition as one named XState guard, so the inspector shows it: a named guard by its
 * name, anything else as the parameterised `matches` guard carrying the condition. Unguarded
 * transitions use `isEventValid`.
 */
function toGuard(condition: Condition | undefined): string | { type: 'matches'; params: Condition } {
  if (condition === undefined) return 'isEventValid';
  return typeof condition === 'string' ? condition : { type: 'matches', params: condition };
}

/**
 * Compiles a playbook definition into an XState v5 machine: named guards, named actions,
 * named delays, a `description`, `meta` (advice) and `tags` on every state. The ladder and the
 * side tracks are parallel regions of `active`; final rungs are final states of the machine,
 * so the actor is done when one is reached. Throws {@link PlaybookDefinitionError} listing
 * every problem when the definition is invalid.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { compilePlaybook, defaultPlaybook, definePlaybook } from 'crisis-playbook';
 *
 * const patient = definePlaybook({
 *   ...defaultPlaybook,
 *   id: 'patient',
 *   windows: { ...defaultPlaybook.windows, replyWindow: { description: 'Give them two days.', duration: '48h' } },
 * });
 * const actor = createActor(compilePlaybook(patient)).start();
 * actor.send({ type: 'assessment.complete' });
 * ```
 *
 * @category Compiler
 */
export function compilePlaybook<const D extends PlaybookDefinition, G extends string = never>(
  definition: D,
  options: CompileOptions<G> = {},
): PlaybookMachine<D, G> {
  // Compiles the plain copy that was checked, so that what runs is what was validated.
  const checked = assertValidPlaybook(definition, { guards: Object.keys(options.guards ?? {}) }) as D;
  return compileValidPlaybook(checked, options);
}

/**
 * {@link compilePlaybook} without validating the definition first: for definitions already
 * known to be valid (the default playbook, which its tests validate), so that importing the
 * library does not run the playbook schema. Not exported from the package.
 *
 * @internal
 */
export function compileValidPlaybook<const D extends PlaybookDefinition, G extends string = never>(
  definition: D,
  options: CompileOptions<G> = {},
): PlaybookMachine<D, G> {
  const extraGuards = (options.guards ?? {}) as Readonly<Record<string, GuardPredicate>>;
  const { id, ladder } = definition;
  const parser = createEventParser(definition);
  const declared = new Set(Object.keys(definition.events));
  // Only declared events can take a transition; others (XState's own `xstate.after…` events,
  // the probe `recommend` uses) have nothing to validate. Every guard asks, so the answer is
  // kept per event object, together with the event's JSON: an app that mutates and resends
  // the same object is validated again.
  const checked = new WeakMap<object, { json: string; valid: boolean }>();
  const isEventValid = ({ context, event }: GuardArgs): boolean => {
    // A full timeline takes nothing more, not even a window running out (its deadline is dropped).
    if ((context.timeline?.length ?? 0) >= limits.timelineEntries) return false;
    if (!declared.has(event.type)) return true;
    let json: string;
    try {
      json = JSON.stringify(event);
    } catch {
      return false;
    }
    const known = checked.get(event);
    if (known?.json === json) return known.valid;
    const valid = parser.safeParse(event).success;
    checked.set(event, { json, valid });
    return valid;
  };
  const guardsWith = (overrides: Readonly<Record<string, AnyGuard>>) =>
    requireValidEvent({ isEventValid, ...buildGuardTable(definition, overrides) }, isEventValid);

  const finalIds = new Set(ladder.rungs.filter((rung) => rung.final).map((rung) => rung.id));
  const rungTarget = (target: string) => (finalIds.has(target) ? `#${id}.${target}` : target);

  // One timeline entry per accepted event: when several regions handle an event, only the
  // first of them (the ladder, then the tracks in order) records it, and that region gets a
  // recording stay-put transition wherever it would otherwise not handle the event.
  const recorders = timelineRecorders(definition);
  const records = (region: string, event: string) => (recorders.get(event) ?? region) === region;
  // The events each region records, so that each state only looks at its own region's.
  const recordedBy = new Map<string, string[]>();
  for (const [event, region] of recorders) {
    const events = recordedBy.get(region);
    if (events) events.push(event);
    else recordedBy.set(region, [event]);
  }
  const withRecordingFallback = (region: string, list: readonly TransitionSpec[]) => {
    const result = [...list];
    const last = new Map(list.map((t) => [t.event, t]));
    for (const event of recordedBy.get(region) ?? []) {
      const own = last.get(event);
      if (own === undefined || own.guard !== undefined) {
        result.push({ event, description: 'Recorded in the timeline; handled in another region.' });
      }
    }
    return result;
  };

  const transitionConfig = (
    transition: TransitionSpec,
    region: string,
    from: string | undefined,
    target?: string,
  ) => ({
    ...(target !== undefined ? { target } : {}),
    ...(transition.reenter && target !== undefined ? { reenter: true } : {}),
    guard: toGuard(transition.guard),
    actions: [
      ...(transition.actions ?? []),
      ...(records(region, transition.event)
        ? [
            {
              type: 'appendTimeline',
              params: {
                ...(from !== undefined ? { from } : {}),
                ...(from !== undefined ? { to: transition.target ?? from } : {}),
              },
            },
          ]
        : []),
    ],
    ...(transition.description ? { description: transition.description } : {}),
  });
  const timeoutConfig = (timeout: TimeoutSpec, from: string) => ({
    target: rungTarget(timeout.target),
    guard: toGuard(timeout.guard),
    actions: [
      ...(timeout.actions ?? []),
      { type: 'appendTimeline', params: { from, to: timeout.target, window: timeout.window } },
    ],
    ...(timeout.description ? { description: timeout.description } : {}),
  });
  const groupBy = <T, K extends string>(items: readonly T[], key: (item: T) => K) => {
    const groups: Record<string, T[]> = {};
    for (const item of items) (groups[key(item)] ??= []).push(item);
    return groups;
  };

  const rungStates = Object.fromEntries(
    ladder.rungs
      .filter((rung) => !rung.final)
      .map((rung) => {
        const own = rung.on ?? [];
        const ownEvents = new Set(own.map((t) => t.event));
        // Shared transitions apply where the rung does not handle the event itself; one that
        // targets the rung it starts from stays put instead of re-entering it.
        const shared = (ladder.fromEveryRung ?? []).filter((t) => !ownEvents.has(t.event));
        const on = groupBy(withRecordingFallback('ladder', [...own, ...shared]), (t) => t.event);
        const after = groupBy(rung.after ?? [], (t) => t.window);
        return [
          rung.id,
          {
            description: rung.description,
            tags: [...(rung.tags ?? [])],
            meta: { title: rung.title, advice: rung.advice },
            ...(rung.after?.length
              ? {
                  // Deadlines as data: recorded with their due time on entry, dropped on exit.
                  entry: [{ type: 'recordDeadlines', params: { rung: rung.id, windows: Object.keys(after) } }],
                  exit: [{ type: 'clearDeadlines', params: { rung: rung.id } }],
                }
              : {}),
            on: Object.fromEntries(
              Object.entries(on).map(([event, list]) => [
                event,
                list.map((t) =>
                  transitionConfig(
                    t,
                    'ladder',
                    rung.id,
                    t.target === undefined || (t.target === rung.id && !t.reenter) ? undefined : rungTarget(t.target),
                  ),
                ),
              ]),
            ),
            ...(rung.after?.length
              ? {
                  after: Object.fromEntries(
                    Object.entries(after).map(([window, list]) => [
                      window,
                      [
                        ...list.map((t) => timeoutConfig(t, rung.id)),
                        // When no timeout applies (its guard fails, or the timeline is full),
                        // the window is over all the same.
                        { actions: [{ type: 'clearDeadlines', params: { rung: rung.id, window } }] },
                      ],
                    ]),
                  ),
                }
              : {}),
          },
        ];
      }),
  );

  const trackStates = Object.fromEntries(
    definition.tracks.map((track) => [
      track.id,
      {
        description: track.description,
        meta: { title: `Side track: ${track.id}` },
        tags: ['side-track'],
        initial: track.initial,
        states: Object.fromEntries(
          track.states.map((state) => [
            state.id,
            {
              description: state.description,
              tags: [...(state.tags ?? [])],
              meta: { title: state.title, advice: state.advice },
              on: Object.fromEntries(
                Object.entries(
                  groupBy(withRecordingFallback(track.id, state.on ?? []), (t) => t.event),
                ).map(([event, list]) => [
                  event,
                  list.map((t) =>
                    transitionConfig(t, track.id, undefined, t.target === state.id && !t.reenter ? undefined : t.target),
                  ),
                ]),
              ),
            },
          ]),
        ),
      },
    ]),
  );

  const finalStates = Object.fromEntries(
    ladder.rungs
      .filter((rung) => rung.final)
      .map((rung) => [
        rung.id,
        {
          type: 'final' as const,
          description: rung.description,
          tags: [...(rung.tags ?? [])],
          meta: { title: rung.title, advice: rung.advice },
        },
      ]),
  );

  const inputSchema = createInputSchema(definition);
  const defaultWindows = Object.fromEntries(
    Object.entries(definition.windows).map(([name, window]) => [name, toMilliseconds(window.duration)!]),
  );
  const delays = Object.fromEntries(
    Object.keys(definition.windows).map((name) => [
      name,
      ({ context }: { context: IncidentContext }) => context.windows[name] ?? defaultWindows[name]!,
    ]),
  ) as Record<WindowOf<D>, ({ context }: { context: IncidentContext }) => number>;

  const rootMeta: StateMeta = {
    title: definition.title,
    playbook: {
      id,
      version: definition.version,
      title: definition.title,
      initial: ladder.initial,
      guards: definition.guards,
    },
  };

  const config = {
    id,
    description: definition.description,
    meta: rootMeta,
    tags: ['incident'],
    context: ({ input, self }: { input: unknown; self: { system?: SystemWithClock } }) => createContext(inputSchema, input, self.system),
    output: ({ context }: { context: IncidentContext }) => toOutput(context),
    initial: 'active',
    states: {
      active: {
        type: 'parallel',
        description: 'The incident is open: the ladder and the side tracks run side by side.',
        meta: { title: 'Open incident' },
        tags: ['open'],
        states: {
          ladder: {
            description: ladder.description,
            meta: { title: 'Escalation ladder' },
            tags: ['ladder'],
            initial: ladder.initial,
            states: rungStates,
          },
          ...trackStates,
        },
      },
      ...finalStates,
    },
  };

  const machine = setup({
    types: {} as {
      context: IncidentContext;
      events: EventOf<D>;
      input: IncidentInput<D> | undefined;
      output: IncidentOutput;
      meta: StateMeta;
    },
    guards: guardsWith(extraGuards) as Record<GuardOf<D> | G | 'isEventValid' | 'matches', AnyGuard>,
    // The built-in actions read their events defensively, so they fit any playbook's events.
    actions: createBuiltinActions(ladder.initial, defaultWindows) as unknown as Record<BuiltinActionName, never>,
    delays,
  }).createMachine(config as never) as unknown as PlaybookMachine<D, G>;
  compiled.set(machine, { definition, parser, delays, defaultWindows });
  return rebuildGuardsOnProvide(machine, extraGuards, guardsWith);
}

/**
 * What the compiler knows about a machine it built: the definition and its event parser.
 *
 * @category Compiler
 */
export interface CompiledPlaybook {
  readonly definition: PlaybookDefinition;
  readonly parser: EventParser<AnyEventObject>;
  /** The playbook's own delay implementations (they read `context.windows`). */
  readonly delays: Readonly<Record<string, unknown>>;
  /** Each window's default length in milliseconds. */
  readonly defaultWindows: Readonly<Record<string, number>>;
}

const compiled = new WeakMap<object, CompiledPlaybook>();

/**
 * The definition behind a machine built by {@link compilePlaybook} (or its `provide`).
 *
 * @category Compiler
 */
export function compiledPlaybookOf(machine: object): CompiledPlaybook | undefined {
  return compiled.get(machine);
}

/**
 * For each event handled by more than one region (the ladder and the tracks), the region that
 * records it in the timeline: the ladder if it handles the event, else the first track.
 */
function timelineRecorders(definition: PlaybookDefinition): Map<string, string> {
  const regions: [string, readonly TransitionSpec[]][] = [
    ['ladder', [...(definition.ladder.fromEveryRung ?? []), ...definition.ladder.rungs.flatMap((rung) => rung.on ?? [])]],
    ...definition.tracks.map((track) => [track.id, track.states.flatMap((state) => state.on ?? [])] as [string, TransitionSpec[]]),
  ];
  // One pass over the transitions: the first region that handles each event, and whether another does too.
  const first = new Map<string, string>();
  const shared = new Set<string>();
  for (const [region, transitions] of regions) {
    for (const { event } of transitions) {
      const earlier = first.get(event);
      if (earlier === undefined) first.set(event, region);
      else if (earlier !== region) shared.add(event);
    }
  }
  const recorders = new Map<string, string>();
  for (const event of Object.keys(definition.events)) {
    if (shared.has(event)) recorders.set(event, first.get(event)!);
  }
  return recorders;
}

/**
 * Makes `machine.provide({ guards })` rebuild the guard table: the provided guards replace
 * their namesakes, every data guard and inline condition that refers to them by name uses
 * them, and every guard still checks the event first.
 */
function rebuildGuardsOnProvide<M extends { provide: (implementations: never) => M }>(
  machine: M,
  overrides: Readonly<Record<string, AnyGuard>>,
  guardsWith: (overrides: Readonly<Record<string, AnyGuard>>) => Record<string, AnyGuard>,
): M {
  const provide = machine.provide.bind(machine) as (implementations: { guards?: Record<string, AnyGuard> }) => M;
  machine.provide = ((implementations: { guards?: Record<string, AnyGuard> }) => {
    const merged = implementations.guards ? { ...overrides, ...implementations.guards } : overrides;
    const next = provide(implementations.guards ? { ...implementations, guards: guardsWith(merged) } : implementations);
    const info = compiled.get(machine);
    if (info) compiled.set(next, info);
    return rebuildGuardsOnProvide(next, merged, guardsWith);
  }) as M['provide'];
  return machine;
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
  | { type: 'recordDeadlines'; params: DeadlineParams }
  | { type: 'clearDeadlines'; params: { rung: string; window?: string } }
  | { type: (typeof builtinActionNames)[number]; params: undefined };

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
 * The machine type {@link compilePlaybook} returns for a definition: typed events (from the
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

export { builtinActionNames };
export { compileGuards } from './guards.js';
export type { GuardArgs, GuardPredicate } from './guards.js';

type BuiltinActionName = (typeof builtinActionNames)[number] | 'appendTimeline' | 'recordDeadlines' | 'clearDeadlines';
export type { DeadlineParams, TimelineParams };

/**
 * The result of {@link safeCompilePlaybook}.
 *
 * @example
 * ```ts
 * import { safeCompilePlaybook, defaultPlaybook, type CompileResult } from 'crisis-playbook';
 *
 * const result: CompileResult<typeof defaultPlaybook> = safeCompilePlaybook(defaultPlaybook);
 * ```
 *
 * @category Compiler
 */
export type CompileResult<D extends PlaybookDefinition, G extends string = never> =
  | { readonly success: true; readonly data: PlaybookMachine<D, G> }
  | { readonly success: false; readonly error: PlaybookDefinitionError };

/**
 * Like {@link compilePlaybook} but never throws, whatever it is given: returns the machine, or
 * the {@link PlaybookDefinitionError} with every issue. The definition is validated once.
 *
 * @example
 * ```ts
 * import { safeCompilePlaybook, formatIssues } from 'crisis-playbook';
 *
 * const result = safeCompilePlaybook(JSON.parse('{"id":"empty"}'));
 * if (!result.success) console.log(formatIssues(result.error.issues));
 * ```
 *
 * @category Compiler
 */
export function safeCompilePlaybook<const D extends PlaybookDefinition, G extends string = never>(
  definition: D,
  options: CompileOptions<G> = {},
): CompileResult<D, G> {
  try {
    const validation = validatePlaybook(definition, { guards: Object.keys(options.guards ?? {}) });
    if (!validation.success) return { success: false, error: validation.error };
    return { success: true, data: compileValidPlaybook(validation.data as D, options) };
  } catch (error) {
    return { success: false, error: new PlaybookDefinitionError([unexpectedIssue(error)]) };
  }
}
