import { assign } from 'xstate';
import { parseTime } from '../isoTime.js';
import { isProcessableTime } from '../limits.js';
import { now, safeNow, type SystemWithClock } from './clock.js';
import { ownNumber, type Deadline, type IncidentContext, type Reminder, type ThreatRecord, type TimelineEntry } from './context.js';
import { reminderEventType } from './reminders.js';
import { builtinActionNames, recordedEventTypes } from '../definition/builtins.js';
import { incidentFactsSchema } from '../definition/facts.js';

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
 *   `enter` the windows that start on the rung entered, due one window after this entry;
 * - counts follow-ups: with `followUp`, the entry records follow-up *n* of the rung and
 *   `context.followUps` counts it; a move to another rung drops the count.
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
  /** The window ran out and the rung sends a follow-up instead of moving on (see `followUps`). */
  readonly followUp?: true;
  /** The earliest pending reminder fell due: the entry records it (`reminder.due`) and nothing moves. */
  readonly reminder?: true;
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

// One-entry caches of the time conversions: consecutive events read back the time of the entry
// before, which is usually the last one made, and events processed within the same millisecond
// share their stamp.
let parsedText: string | undefined;
let parsedTime = 0;
function timeOf(iso: string): number {
  if (iso !== parsedText) {
    parsedTime = Date.parse(iso);
    parsedText = iso;
  }
  return parsedTime;
}
let formattedTime: number | undefined;
let formattedText = '';
function isoOf(time: number): string {
  if (time !== formattedTime) {
    formattedText = new Date(time).toISOString();
    formattedTime = time;
  }
  return formattedText;
}

/**
 * The time to record an entry at: the clock's, never earlier than `floor` (the entry before, or
 * the opening: the timeline stays ordered). A clock that throws or reads no processable time
 * (a timer firing after the app's clock broke) leaves the entry at `floor`, rather than putting
 * the incident in error over a time it cannot write.
 */
function recordTime(system: SystemWithClock | undefined, floor: number | undefined): number {
  const time = safeNow(system);
  if (floor === undefined) return isProcessableTime(time) ? time : Date.now();
  return isProcessableTime(time) ? Math.max(time, floor) : floor;
}

/**
 * The time an event happened: its `at` field, or the processing time.
 *
 * @category Compiler
 */
export function eventTime(event: AnyEvent, system?: SystemWithClock): string {
  return text(event.at) ?? isoOf(now(system));
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Update = Partial<Mutable<IncidentContext>>;
type Effect = (context: IncidentContext, event: AnyEvent, system: SystemWithClock | undefined) => Update;

/**
 * The facts of an event that are facts of the incident, each of its kind: all of them for a
 * payload field of the facts kind (checked already); for a custom event's own schema, which may
 * say otherwise, a fact the incident cannot hold is left out rather than stored (the stored
 * incident would be refused when read back).
 */
function knownFacts(facts: unknown): IncidentContext['facts'] | undefined {
  if (facts === null || typeof facts !== 'object') return undefined;
  const shape = incidentFactsSchema.shape as Readonly<Record<string, { safeParse(value: unknown): { success: boolean } }>>;
  let kept: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(facts)) {
    if (value === undefined || !Object.hasOwn(shape, name) || !shape[name]!.safeParse(value).success) continue;
    (kept ??= {})[name] = value;
  }
  return kept as IncidentContext['facts'] | undefined;
}

/** What each built-in action does to the context. Each reads its event defensively, so a custom event reusing an action cannot corrupt the context. */
const effects: Readonly<Record<BuiltinActionName, Effect>> = {
  updateFacts: (context, event) => ({ facts: { ...context.facts, ...knownFacts(event.facts) } }),
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

/** The changes the built-in actions still implemented by their markers (not replaced through `provide`) make to `context`. */
function applyBuiltins(context: IncidentContext, names: readonly BuiltinActionName[], { event, system, self }: ActionArgs): Update {
  const implementations = (self as Implementations | undefined)?.logic?.implementations?.actions;
  let update: Update | undefined;
  for (const name of names) {
    if (implementations !== undefined && implementations[name] !== markers[name]) continue;
    // Each action sees the changes of those before it.
    const changes = effects[name](update === undefined ? context : { ...context, ...update }, event, system);
    update = update === undefined ? changes : Object.assign(update, changes);
  }
  return update ?? {};
}

/** How long a window of the current machine lasts for `context` (see `windowLength`). */
export type WindowLength = (window: string, context: IncidentContext, args: ActionArgs) => number;

/** The reminders pending for `context` on the machine an action runs on (see `pendingRemindersOf`). */
export type RemindersFor = (context: IncidentContext, update: Partial<IncidentContext>, args: ActionArgs, appended?: TimelineEntry) => readonly Reminder[];

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
  const kept = deadlines.length === 0 ? deadlines : deadlines.filter((d) => d.rung !== params.leave && !(entering && d.rung === rung));
  if (!entering) return kept;
  const started = params.enter!.map((window): Deadline => ({ window, rung, due: new Date(start + length(window)).toISOString() }));
  return kept.length === 0 ? started : [...kept, ...started];
}

/** Sets `update.reminders` to what is pending after `update` (or clears it), `appended` being the timeline's new entry if any. */
function keepReminders(remindersFor: RemindersFor, context: IncidentContext, update: Update, args: ActionArgs, appended?: TimelineEntry): void {
  const pending = remindersFor(context, update, args, appended);
  if (pending.length > 0) update.reminders = pending;
  else if (context.reminders !== undefined) update.reminders = undefined;
}

/**
 * The actions of a compiled machine: `appendTimeline` (one `assign` per transition, see
 * {@link TimelineParams}), `applyActions`, `clearDeadlines` (a window is over without a move)
 * and the built-in actions' markers.
 *
 * @category Compiler
 */
export function createBuiltinActions(initialRung: string, windowLength: WindowLength, remindersFor?: RemindersFor) {
  return {
    ...markers,
    appendTimeline: assign((args: ActionArgs, params: TimelineParams) => {
      const { context, event, system } = args;
      // The built-in actions never change the timeline, the deadlines or the windows.
      const update: Update = params.actions === undefined ? {} : applyBuiltins(context, params.actions, args);
      const last = context.timeline.at(-1);
      const current = last === undefined ? initialRung : last.to;
      // The processing time, never earlier than the entry before or the opening (the timeline stays ordered).
      const since = last === undefined ? context.openedAt : last.at;
      let floor = since === undefined ? undefined : timeOf(since);
      if (params.window !== undefined) {
        // A window runs out no earlier than its deadline, whatever the wall clock says (a clock
        // set back while the timer ran): the entry agrees with the deadline it applies.
        const due = context.deadlines.find((deadline) => deadline.window === params.window && deadline.rung === current)?.due;
        if (due !== undefined) floor = Math.max(floor ?? -Infinity, parseTime(due));
      }
      const at = isoOf(recordTime(system, floor));
      const type = params.window !== undefined ? recordedEventTypes.windowElapsed : params.reminder ? reminderEventType : event.type;
      const from = params.from ?? current;
      const to = params.to ?? current;
      const occurredAt = text(event.at);
      // Built key by key, in the order of `TimelineEntry`, without throw-away objects.
      const entry: Mutable<TimelineEntry> = occurredAt === undefined ? { at, type, from, to } : { at, occurredAt, type, from, to };
      if (params.window !== undefined) entry.window = params.window;
      const fired = params.reminder ? context.reminders?.[0] : undefined;
      if (fired !== undefined) {
        entry.reminder = fired.reminder;
        entry.severity = fired.severity;
      }
      if (params.followUp) {
        const sent = (ownNumber(context.followUps, to) ?? 0) + 1;
        entry.followUp = sent;
        update.followUps = { [to]: sent };
      } else if (context.followUps !== undefined && from !== to) update.followUps = undefined;
      const by = text(event.by);
      if (by !== undefined) entry.by = by;
      const note = text(event.note);
      if (note !== undefined) entry.note = note;
      // A long timeline is copied by `concat`, which V8 copies as one block whatever the array's
      // element kind: a restored timeline comes out of its schema holey, which spread copies
      // entry by entry (the cost of a long-lived incident's events grew with its timeline).
      update.timeline = context.timeline.length < 64 ? [...context.timeline, entry] : context.timeline.concat([entry]);
      if (params.leave !== undefined || params.enter !== undefined) {
        update.deadlines = nextDeadlines(context.deadlines, params, to, timeOf(at), (window) => windowLength(window, context, args));
      }
      // Kept with every change: a response drops them, a rise in severity brings the target forward.
      if (remindersFor !== undefined) keepReminders(remindersFor, context, update, args, entry);
      return update;
    }),
    applyActions: assign((args: ActionArgs, params: ApplyActionsParams) => {
      const update = applyBuiltins(args.context, params.actions, args);
      // A threat recorded by a side track can raise the severity.
      if (remindersFor !== undefined) keepReminders(remindersFor, args.context, update, args);
      return update;
    }),
    clearDeadlines: assign(({ context }: ActionArgs, params: { readonly rung: string; readonly window?: string }) => ({
      deadlines: context.deadlines.filter((d) => d.rung !== params.rung || (params.window !== undefined && d.window !== params.window)),
    })),
  };
}

/** Whether `name` is a built-in action. */
export const isBuiltinAction = (name: string): name is BuiltinActionName => Object.hasOwn(effects, name);
