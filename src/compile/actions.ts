import { assign } from 'xstate';
import { now, type SystemWithClock } from './clock.js';
import type { Deadline, IncidentContext, ThreatRecord, TimelineEntry } from './context.js';
import { builtinActionNames } from '../definition/builtins.js';

export type AnyEvent = { readonly type: string } & Readonly<Record<string, unknown>>;
export interface ActionArgs {
  readonly context: IncidentContext;
  readonly event: AnyEvent;
  readonly system?: SystemWithClock;
  readonly self?: unknown;
}

/** The name of a built-in action. */
export type BuiltinActionName = (typeof builtinActionNames)[number];

/**
 * Parameters of the `appendTimeline` action, filled in by the compiler. Each transition runs
 * one `appendTimeline` (one XState `assign`), which does everything the transition records:
 *
 * - adds the timeline entry: `from`/`to` are the rung before and after a ladder move (track
 *   transitions leave them out: the rung does not change), `window` the window that ran out;
 * - applies the built-in actions of the transition listed in `actions` (they are also listed
 *   on the transition by name, where the inspector shows them and `provide` can replace them:
 *   a replaced one is left to its replacement);
 * - keeps the deadlines: `leave` is the rung whose windows end (it is left or re-entered),
 *   `enter` the windows that start on the rung entered, due one window after this entry.
 *
 * @example
 * ```ts
 * import type { TimelineParams } from 'crisis-playbook';
 *
 * const params: TimelineParams = {
 *   from: 'requestingAccess',
 *   to: 'directMessage',
 *   window: 'accessWindow',
 *   leave: 'requestingAccess',
 *   enter: ['replyWindow'],
 * };
 * ```
 *
 * @category Compiler
 */
export interface TimelineParams {
  readonly from?: string;
  readonly to?: string;
  readonly window?: string;
  /** Built-in actions of the transition, applied in this one update. */
  readonly actions?: readonly BuiltinActionName[];
  /** The rung whose deadlines end. */
  readonly leave?: string;
  /** The windows that start on `to`. */
  readonly enter?: readonly string[];
}

/**
 * Parameters of the `applyActions` action: the built-in actions of a transition that adds no
 * timeline entry (a side track's move on an event the ladder records), applied in one update.
 *
 * @example
 * ```ts
 * import type { ApplyActionsParams } from 'crisis-playbook';
 *
 * const params: ApplyActionsParams = { actions: ['recordThreat'] };
 * ```
 *
 * @category Compiler
 */
export interface ApplyActionsParams {
  readonly actions: readonly BuiltinActionName[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

// One-entry caches of the time conversions of the last stamp: consecutive events read back the
// time of the entry before, which is usually the last one made.
let lastText: string | undefined;
let lastTime = 0;
function timeOf(iso: string): number {
  if (iso !== lastText) {
    lastText = iso;
    lastTime = Date.parse(iso);
  }
  return lastTime;
}
function isoOf(time: number): string {
  if (time !== lastTime || lastText === undefined) {
    lastTime = time;
    lastText = new Date(time).toISOString();
  }
  return lastText;
}

/**
 * The time an event happened: its `at` field, or the processing time.
 *
 * @category Compiler
 */
export function eventTime(event: AnyEvent, system?: SystemWithClock): string {
  return text(event.at) ?? isoOf(now(system));
}

/**
 * The rung the ladder is on, read from the timeline (the initial rung before any entry).
 *
 * @category Compiler
 */
export function currentRungOf(context: IncidentContext, initial: string): string {
  return context.timeline.at(-1)?.to ?? initial;
}

type Update = { -readonly [K in keyof IncidentContext]?: IncidentContext[K] };
type Effect = (context: IncidentContext, event: AnyEvent, system: SystemWithClock | undefined) => Update;

/** What each built-in action does to the context. Each reads its event defensively, so a custom event reusing an action cannot corrupt the context. */
const effects: Readonly<Record<BuiltinActionName, Effect>> = {
  updateFacts: (context, event) => ({ facts: { ...context.facts, ...(event.facts as IncidentContext['facts'] | undefined) } }),
  recordAccessGranted: (context) => ({ facts: { ...context.facts, memberOfVenue: true } }),
  recordReply: (context, event) => ({ replyPhone: text(event.phone) ?? context.replyPhone }),
  recordIntermediary: (context, event) => ({ intermediary: text(event.name) ?? context.intermediary }),
  recordCall: (_, event) => ({ call: { apology: event.apology === true, agreement: event.agreement === true } }),
  recordSupport: (context) => ({ supporters: context.supporters + 1 }),
  recordThreat: (context, event, system) => {
    const threat: ThreatRecord = {
      kind: text(event.kind) ?? 'other',
      at: eventTime(event, system),
      ...(text(event.note) !== undefined ? { note: text(event.note) } : {}),
    };
    return { threats: [...context.threats, threat] };
  },
  recordClosure: (_, event) => ({ closeReason: text(event.reason) ?? null }),
};

type Implementations = { readonly logic?: { readonly implementations?: { readonly actions?: Readonly<Record<string, unknown>> } } };

/**
 * Where the built-in actions are named on a transition, the machine runs these: they do
 * nothing themselves (the transition's one `assign` applies their effect), so that the
 * inspector shows them by name and `provide` can replace any of them.
 */
const markers = Object.fromEntries(builtinActionNames.map((name) => [name, Object.defineProperty(() => undefined, 'name', { value: name })])) as Readonly<
  Record<BuiltinActionName, () => undefined>
>;

/** Applies the built-in actions still implemented by their markers (not replaced through `provide`) to `context`. */
function applyBuiltins(context: IncidentContext, names: readonly BuiltinActionName[], { event, system, self }: ActionArgs): IncidentContext {
  const implementations = (self as Implementations | undefined)?.logic?.implementations?.actions;
  let next = context;
  for (const name of names) {
    if (implementations !== undefined && implementations[name] !== markers[name]) continue;
    next = { ...next, ...effects[name](next, event, system) };
  }
  return next;
}

/** How long a window of the current machine lasts for `context` (see `windowLength`). */
export type WindowLength = (window: string, context: IncidentContext, args: ActionArgs) => number;

/**
 * The deadlines of the windows `enter` started at `start` on `rung`, with those of `leave` dropped.
 */
export function nextDeadlines(
  deadlines: readonly Deadline[],
  params: Pick<TimelineParams, 'leave' | 'enter'>,
  rung: string,
  start: number,
  length: (window: string) => number,
): readonly Deadline[] {
  const entering = params.enter !== undefined && params.enter.length > 0;
  const kept = deadlines.filter((d) => d.rung !== params.leave && !(entering && d.rung === rung));
  if (!entering) return kept;
  return [...kept, ...params.enter!.map((window) => ({ window, rung, due: new Date(start + length(window)).toISOString() }))];
}

/**
 * The actions of a compiled machine: `appendTimeline` (one `assign` per transition, see
 * {@link TimelineParams}), `applyActions`, `clearDeadlines` (a window is over without a move)
 * and the built-in actions' markers.
 *
 * @category Compiler
 */
export function createBuiltinActions(initialRung: string, windowLength: WindowLength) {
  return {
    ...markers,
    appendTimeline: assign((args: ActionArgs, params: TimelineParams) => {
      const { event, system } = args;
      const context = params.actions === undefined ? args.context : applyBuiltins(args.context, params.actions, args);
      const last = context.timeline.at(-1);
      const current = last?.to ?? initialRung;
      const delayed = params.window !== undefined;
      // The processing time, never earlier than the entry before or the opening (the timeline stays ordered).
      const floor = last?.at ?? context.openedAt;
      const time = now(system);
      const at = isoOf(floor === undefined ? time : Math.max(time, timeOf(floor)));
      const occurredAt = text(event.at);
      const by = text(event.by);
      const note = text(event.note);
      const entry: TimelineEntry = {
        at,
        ...(occurredAt !== undefined ? { occurredAt } : {}),
        type: delayed ? 'window.elapsed' : event.type,
        from: params.from ?? current,
        to: params.to ?? current,
        ...(delayed ? { window: params.window } : {}),
        ...(by !== undefined ? { by } : {}),
        ...(note !== undefined ? { note } : {}),
      };
      const update: Update = { ...(context === args.context ? {} : context), timeline: [...context.timeline, entry] };
      if (params.leave !== undefined || params.enter !== undefined) {
        update.deadlines = nextDeadlines(context.deadlines, params, entry.to, timeOf(at), (window) => windowLength(window, context, args));
      }
      return update;
    }),
    applyActions: assign((args: ActionArgs, params: ApplyActionsParams) => applyBuiltins(args.context, params.actions, args)),
    clearDeadlines: assign(({ context }: ActionArgs, params: { readonly rung: string; readonly window?: string }) => ({
      deadlines: context.deadlines.filter((d) => d.rung !== params.rung || (params.window !== undefined && d.window !== params.window)),
    })),
  };
}

/** Whether `name` is a built-in action. */
export const isBuiltinAction = (name: string): name is BuiltinActionName => Object.hasOwn(effects, name);
