// Reminders: the response-time targets of the severity levels, kept as deadlines-as-data.
// They never move the incident: a reminder that falls due adds a `reminder.due` entry to the
// timeline and nothing else.
import { checkGuard, scopeOf, type GuardArgs } from './guards.js';
import type { IncidentContext, Reminder, TimelineEntry } from './context.js';
import { recordedEventTypes } from '../definition/builtins.js';
import { evaluateCondition } from '../definition/conditions.js';
import { toMilliseconds } from '../definition/durations.js';
import { finalRungIds, isResponse } from '../definition/graph.js';
import type { Condition, PlaybookDefinition, SeverityRuleSpec } from '../definition/types.js';
import { parseTime } from '../isoTime.js';
import { now, type SystemWithClock } from './clock.js';

/** The timeline entry type (and internal event) of a reminder that fell due. */
export const reminderEventType = recordedEventTypes.reminderDue;

/** The id of the one reminder the severity levels give today: the first response is due. */
export const firstResponse = 'first-response';

/** The event severity rules are evaluated with: none is being processed. */
export const neutralEvent = { type: 'crisis.recommend' } as const;

/**
 * The level a playbook's severity rules put an incident at: its rank (0, the lowest, when no
 * rule holds) and the rule that raised it. `holds` answers a rule's condition now.
 */
export function severityRankOf(
  definition: PlaybookDefinition,
  holds: (condition: Condition) => boolean,
): { readonly rank: number; readonly rule: SeverityRuleSpec | undefined } {
  const levels = definition.severity?.levels ?? [];
  let rank = 0;
  let raisedBy: SeverityRuleSpec | undefined;
  for (const rule of definition.severity?.rules ?? []) {
    const at = levels.findIndex((level) => level.id === rule.level);
    if (at <= rank || !holds(rule.when)) continue;
    rank = at;
    raisedBy = rule;
  }
  return { rank, rule: raisedBy };
}

/** Whether a playbook gives reminders: one of its severity levels has a response-time target. */
export function hasReminders(definition: PlaybookDefinition): boolean {
  return definition.severity?.levels.some((level) => level.respondWithin !== undefined) === true;
}

// Each playbook's response-time targets by level, read once (a target is a duration string to parse).
const targets = new WeakMap<PlaybookDefinition, ReadonlyMap<string, number | undefined>>();

/** The response-time target of a severity level (by id), in milliseconds, if it has one. */
export function responseTarget(definition: PlaybookDefinition, level: string | undefined): number | undefined {
  let byLevel = targets.get(definition);
  if (byLevel === undefined) {
    const levels = definition.severity?.levels ?? [];
    // The first level of an id counts, as `find` would.
    byLevel = new Map([...levels].reverse().map((spec) => [spec.id, spec.respondWithin === undefined ? undefined : toMilliseconds(spec.respondWithin)]));
    targets.set(definition, byLevel);
  }
  return level === undefined ? undefined : byLevel.get(level);
}

/** The rank of a severity level by id, or -1. */
export function levelRank(definition: PlaybookDefinition, level: string | undefined): number {
  return definition.severity?.levels.findIndex((spec) => spec.id === level) ?? -1;
}

/** What the reminders read from a timeline: whether it records a first response, and the highest level a reminder fired at. */
export interface TimelineFacts {
  readonly responded: boolean;
  readonly firedRank: number;
}

// Per timeline array (a timeline is never changed in place: each entry makes a new array), so
// that a transition reads the facts of the timeline before it and looks at its one new entry.
// Kept only while nobody has responded: after that nothing about reminders changes, and a scan
// that stops at the first response (usually one of the first entries) tells so without keeping
// anything for the incident's life.
const factsByTimeline = new WeakMap<readonly TimelineEntry[], TimelineFacts>();
const respondedFacts: TimelineFacts = Object.freeze({ responded: true, firedRank: -1 });

// A new incident's: nothing recorded yet (not kept per timeline: every incident starts with one).
const openingFacts: TimelineFacts = Object.freeze({ responded: false, firedRank: -1 });

function factsOf(definition: PlaybookDefinition, timeline: readonly TimelineEntry[]): TimelineFacts {
  if (timeline.length === 0) return openingFacts;
  let facts = factsByTimeline.get(timeline);
  if (facts !== undefined) return facts;
  let firedRank = -1;
  for (const entry of timeline) {
    if (isResponse(definition, entry)) return respondedFacts;
    if (entry.type === reminderEventType && entry.reminder === firstResponse) firedRank = Math.max(firedRank, levelRank(definition, entry.severity));
  }
  facts = { responded: false, firedRank };
  factsByTimeline.set(timeline, facts);
  return facts;
}

/**
 * Remembers the facts of `next`, the timeline `previous` with `entry` appended, from those of
 * `previous`: the cost of a transition does not grow with the timeline.
 */
export function noteAppended(definition: PlaybookDefinition, previous: readonly TimelineEntry[], next: readonly TimelineEntry[], entry: TimelineEntry): TimelineFacts {
  if (isResponse(definition, entry)) return respondedFacts;
  const before = factsOf(definition, previous);
  if (before.responded) return respondedFacts;
  const fired = entry.type === reminderEventType && entry.reminder === firstResponse ? levelRank(definition, entry.severity) : -1;
  const facts: TimelineFacts = { responded: false, firedRank: Math.max(before.firedRank, fired) };
  factsByTimeline.set(next, facts);
  return facts;
}

/** Whether the timeline ends on a final rung: the incident is over (a window can close it before anyone responded). */
export function isFinished(definition: PlaybookDefinition, context: Pick<IncidentContext, 'timeline'>): boolean {
  const to = context.timeline.at(-1)?.to;
  return to !== undefined && finalRungIds(definition).has(to);
}

/** Whether the timeline records a first response: an event of the kind that moves the ladder. */
export function hasResponded(definition: PlaybookDefinition, context: Pick<IncidentContext, 'timeline'>): boolean {
  return factsOf(definition, context.timeline).responded;
}

/**
 * The reminders now pending for `context`, earliest first: while nobody has responded (no
 * event that moves the ladder is recorded), the first response of the current level is due at
 * the opening plus the level's `respondWithin`. A reminder fires once per level: once recorded
 * at a level, it is pending again only when the severity rises above that level (the higher
 * level's target then counts, from the opening). Guards are answered through `implementations`
 * (so `provide` counts); a guard given in code that throws counts as not holding.
 */
export function pendingRemindersOf(
  definition: PlaybookDefinition,
  context: IncidentContext,
  implementations: Readonly<Record<string, unknown>>,
): readonly Reminder[] {
  const levels = definition.severity?.levels;
  if (levels === undefined) return [];
  const facts = factsOf(definition, context.timeline);
  if (facts.responded) return [];
  const opened = context.openedAt ?? context.timeline[0]?.at;
  if (opened === undefined) return [];
  const args: GuardArgs = { context, event: neutralEvent };
  const named = (name: string): boolean => {
    try {
      return checkGuard(name, args, implementations);
    } catch {
      return false;
    }
  };
  const scope = scopeOf(args);
  const { rank } = severityRankOf(definition, (condition) => evaluateCondition(condition, scope, named));
  const level = levels[rank]!;
  const within = responseTarget(definition, level.id);
  if (within === undefined) return [];
  if (facts.firedRank >= rank) return [];
  return [{ reminder: firstResponse, severity: level.id, due: dueAfter(opened, within) }];
}

// The last due time worked out: the events before the first response ask for the same one again.
let lastDue = { opened: '', within: Number.NaN, due: '' };

/** The time `within` ms after `opened` (ISO 8601). */
function dueAfter(opened: string, within: number): string {
  if (lastDue.opened !== opened || lastDue.within !== within) lastDue = { opened, within, due: new Date(parseTime(opened) + within).toISOString() };
  return lastDue.due;
}

/**
 * The reminder a `reminder.due` entry of the timeline recorded, with the time it fell due (the
 * opening plus its level's target); `undefined` for any other entry.
 */
export function reminderOfEntry(definition: PlaybookDefinition, context: IncidentContext, entry: TimelineEntry): Reminder | undefined {
  if (entry.type !== reminderEventType || entry.reminder === undefined || entry.severity === undefined) return undefined;
  const within = responseTarget(definition, entry.severity);
  const opened = context.openedAt ?? context.timeline[0]?.at;
  const due = within === undefined || opened === undefined ? entry.at : dueAfter(opened, within);
  return { reminder: entry.reminder, severity: entry.severity, due };
}

/**
 * The event that records a reminder when it falls due. The library sends this very object (a
 * live incident's timer, `decideDue`): the machine's `isReminderDue` guard knows it by identity,
 * so no event an app sends can record a reminder.
 */
export const reminderDueEvent: { readonly type: typeof reminderEventType } = Object.freeze({ type: reminderEventType });

/** A clock timers are set on: an actor system's (XState's `SimulatedClock` in tests). */
interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** The `_unregister` of an actor system before {@link clearOnStop} took its place. */
const unregisterBefore = Symbol('crisis-playbook.unregister');

/** What XState calls on an actor's system when the actor stops, normally or with an error. */
interface StopNotices {
  _unregister?: (this: StopNotices, actor: object) => unknown;
  [unregisterBefore]?: (this: StopNotices, actor: object) => unknown;
}

/** What a running actor offers to time its reminder: its system's clock (XState's `SimulatedClock` in tests). */
interface Timed {
  readonly system?: SystemWithClock & StopNotices & { readonly _clock?: Clock };
  readonly _processingStatus?: number;
  readonly _send?: (event: object) => void;
}

// The reminder timer of each running actor, which reminder it is for, and the clock it is set on.
const armed = new WeakMap<object, { readonly key: string; readonly timer: unknown; readonly clock: Clock }>();

/** Clears the reminder timer of `actor`, if it has one. */
function disarm(actor: object): void {
  const current = armed.get(actor);
  if (current === undefined) return;
  armed.delete(actor);
  current.clock.clearTimeout(current.timer);
}

/** A system's `_unregister` that first clears the stopping actor's reminder timer (XState calls it as a method of the system). */
function unregisterClearing(this: StopNotices, actor: object): unknown {
  disarm(actor);
  return this[unregisterBefore]!.call(this, actor);
}

/**
 * Makes `system` clear an actor's reminder timer when the actor stops (`stop()`, or an error):
 * XState unregisters a stopping actor from its system, and cancels its own delayed events then,
 * but not a timer the library set. Without this a stopped incident nobody had answered yet would
 * stay in memory, held by its timer, until its reminder fell due (a day for a low severity).
 */
function clearOnStop(system: StopNotices): void {
  const unregister = system._unregister;
  // Done already; or not the shape expected (another XState release): the timer does nothing once the actor has stopped anyway.
  if (unregister === unregisterClearing || typeof unregister !== 'function') return;
  // One function for every system, the one it replaces kept on the system: no closure per incident.
  system[unregisterBefore] = unregister;
  system._unregister = unregisterClearing;
}

/**
 * Keeps a running actor's reminder timer on its earliest pending reminder: the `armReminder`
 * action after each change (and at the start), and a restored incident when it starts.
 * Executed only by running actors (a pure transition executes no action). The timer runs on the
 * actor's clock and, being advice rather than a move, never keeps a Node.js process alive on its
 * own (it is `unref`'d); it is cleared when the actor stops.
 */
export function armReminder({ context, self }: { readonly context: IncidentContext; readonly self: unknown }): void {
  const actor = self as Timed | undefined;
  const clock = actor?.system?._clock;
  if (actor === undefined || clock === undefined || typeof actor._send !== 'function') return;
  // Only a running actor (XState's status 1) keeps a timer: a restored incident that finished as
  // it started has already stopped, and nothing would clear a timer armed for it.
  if (actor._processingStatus !== undefined && actor._processingStatus !== 1) return;
  const next = context.reminders?.[0];
  const key = next === undefined ? '' : `${next.reminder}\u0000${next.severity}\u0000${next.due}`;
  const current = armed.get(actor);
  if ((current?.key ?? '') === key) return;
  disarm(actor);
  if (next === undefined) return;
  const send = () => {
    armed.delete(actor);
    // Running (XState's status 1): a stopped incident records nothing more.
    if (actor._processingStatus === undefined || actor._processingStatus === 1) actor._send!(reminderDueEvent);
  };
  const delay = parseTime(next.due) - now(actor.system);
  // Already due (the severity rose past its target): recorded right after this event, as
  // `decideDue` would at this time, rather than on a later turn of the event loop.
  if (delay <= 0) return send();
  clearOnStop(actor.system!);
  const timer = clock.setTimeout(send, delay);
  (timer as { unref?: () => void } | null)?.unref?.();
  armed.set(actor, { key, timer, clock });
}
