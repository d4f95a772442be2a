import { recordedEventTypes } from '../definition/builtins.js';
import type { AnyMachineSnapshot } from 'xstate';
import { currentRung, currentTracks } from '../advice/currentRung.js';
import { currentSeverity, recommend, type Recommendation } from '../advice/recommend.js';
import type { Severity } from '../advice/severity.js';
import type { IncidentContext, IncidentOutput, Reminder, TimelineEntry } from '../compile/context.js';
import { compiledPlaybookOf } from '../compile/registry.js';
import { reminderOfEntry } from '../compile/reminders.js';
import { parseTime } from '../isoTime.js';
import type { IncidentError, SafeResult } from '../errors/errors.js';
import { signedJson } from './signing.js';
import type { StoredIncident } from './storedIncident.js';

/**
 * The event a host schedules for a deadline: at `at`, pass it to `decide` (or call
 * `decideDue`). A deadline whose rung was left meanwhile is a harmless no-op.
 *
 * @example
 * ```ts
 * import type { DeadlineEvent } from 'crisis-playbook/server';
 *
 * const event: DeadlineEvent = { type: 'window.elapsed', window: 'replyWindow', rung: 'directMessage' };
 * ```
 *
 * @category Server runtime
 */
export interface DeadlineEvent {
  readonly type: 'window.elapsed';
  readonly window: string;
  readonly rung: string;
}

/**
 * A deadline the host must schedule: call {@link decideDue} (or `decide` with `event`) at `at`.
 *
 * @example
 * ```ts
 * import type { ScheduledDeadline } from 'crisis-playbook/server';
 *
 * function schedule(deadline: ScheduledDeadline) {
 *   console.log(`run decideDue at ${deadline.at} for ${deadline.event.window}`);
 * }
 * ```
 *
 * @category Server runtime
 */
export interface ScheduledDeadline {
  readonly at: string;
  readonly event: DeadlineEvent;
}

/**
 * The reminders of a {@link Decision}: those this decision recorded (they fell due by its
 * `now`: remind the team, each is in exactly one decision) and those pending (each is due at
 * its `due`, which `nextDue` counts: call `decideDue` then).
 *
 * @example
 * ```ts
 * import { decide, openIncident, type DecisionReminders } from 'crisis-playbook/server';
 *
 * const opened = openIncident({ now: Date.parse('2026-04-06T19:00:00Z') });
 * const decision = decide(opened.incident, { type: 'threat.reported', kind: 'violence' }, { now: Date.parse('2026-04-06T19:05:00Z') });
 * const reminders: DecisionReminders = decision.reminders;
 * console.log(reminders.pending); // [{ reminder: 'first-response', severity: 'critical', due: '2026-04-06T19:15:00.000Z' }]
 * ```
 *
 * @category Server runtime
 */
export interface DecisionReminders {
  /** The reminders that fell due and were recorded by this decision (a `reminder.due` timeline entry each). */
  readonly due: readonly Reminder[];
  /** The reminders still to come, earliest first. */
  readonly pending: readonly Reminder[];
}

/**
 * The result of a pure decision: the next stored incident and everything a server needs to
 * answer and to schedule, with no timers and no I/O.
 *
 * @example
 * ```ts
 * import { decide, type Decision, openIncident } from 'crisis-playbook/server';
 *
 * const opened = openIncident({ now: Date.parse('2026-04-06T19:00:00Z') });
 * const decision: Decision = decide(opened.incident, { type: 'assessment.complete' }, { now: Date.parse('2026-04-06T19:05:00Z') });
 * console.log(decision.rung, decision.deadlines); // 'directMessage', [{ at: '2026-04-07T19:05:00.000Z', ... }]
 * ```
 *
 * @category Server runtime
 */
export interface Decision {
  /** The next stored incident (the same document when nothing changed). */
  readonly incident: StoredIncident;
  /** Whether anything changed. */
  readonly changed: boolean;
  readonly status: 'active' | 'done';
  /** The rung the incident is on. */
  readonly rung: string;
  readonly tracks: Readonly<Record<string, string>>;
  readonly recommendations: readonly Recommendation[];
  /** The timeline entries this decision added. */
  readonly added: readonly TimelineEntry[];
  /**
   * How severe the incident is by its playbook's rules, with the response-time target and, until
   * someone responded, when the first response is due (`undefined` without `severity` rules).
   * Worked out when first read.
   */
  readonly severity: Severity | undefined;
  /** Every deadline now pending: schedule these and drop any others for this incident. */
  readonly deadlines: readonly ScheduledDeadline[];
  /**
   * The reminders of the severity's response-time targets: recorded by this decision, and
   * pending. They never move the incident (see {@link DecisionReminders}).
   */
  readonly reminders: DecisionReminders;
  /**
   * The earliest time a deadline or a reminder falls due (ISO 8601), when one is pending: call
   * {@link decideDue} then. `undefined` when nothing is pending.
   */
  readonly nextDue: string | undefined;
  readonly output?: IncidentOutput;
  /**
   * `incident` as JSON text, exactly what `JSON.stringify(incident)` gives: store this rather
   * than writing the incident out again. A signing runtime has the text from signing the
   * document; otherwise it is written when read (each time: read it once and keep it). Not
   * enumerable, so spreading the decision or writing it as JSON leaves it out; read it before
   * changing `incident` in place (a signed document must never be).
   *
   * @example
   * ```ts
   * import { crisisMachine } from 'crisis-playbook';
   * import { createIncidentRuntime } from 'crisis-playbook/server';
   *
   * const runtime = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: ['a-secret-of-at-least-32-characters!!'] } });
   * const opened = runtime.open({ now: Date.parse('2026-04-06T19:00:00Z') });
   * // JSON text in, JSON text out: the signature is checked on the text as it came.
   * const next = runtime.decide(opened.json, { type: 'assessment.complete' }, { now: '2026-04-06T19:05:00Z' });
   * console.log(next.json === JSON.stringify(next.incident)); // true
   * ```
   */
  readonly json: string;
}

/**
 * The non-throwing result of {@link safeDecide}.
 *
 * @example
 * ```ts
 * import { type DecideResult, openIncident, safeDecide } from 'crisis-playbook/server';
 *
 * const { incident } = openIncident({ now: 0 });
 * const result: DecideResult = safeDecide(incident, { type: 'nope' }, { now: 1 });
 * if (!result.success) console.log(result.error.code); // 'invalid_event'
 * ```
 *
 * @category Server runtime
 */
export type DecideResult = SafeResult<Decision, IncidentError>;

/**
 * The decision after `snapshot`: `next` is its stored form. `changed` is known for an applied
 * event (it always adds a timeline entry) and for a new incident; otherwise the documents are
 * compared, since a window can run out without moving the rung (only its deadline goes).
 * `recommendations` are worked out when first read (an enumerable getter, so spreading,
 * comparing or writing the decision as JSON reads them as before).
 */
export function decisionOf(
  before: StoredIncident,
  next: StoredIncident,
  snapshot: AnyMachineSnapshot,
  added: readonly TimelineEntry[],
  known?: { readonly changed: boolean },
): Decision {
  const done = snapshot.status === 'done';
  const context = snapshot.context as IncidentContext;
  const changed = known?.changed ?? JSON.stringify(next.snapshot) !== JSON.stringify(before.snapshot);
  const incident = changed ? next : before;
  let recommendations: readonly Recommendation[] | undefined;
  let severity: Severity | null | undefined;
  // A finished incident has none pending (a document written by an earlier release may still list one).
  const pending = done ? [] : (context.reminders ?? []);
  let nextDue: string | undefined;
  for (const { due } of [...context.deadlines, ...pending]) if (nextDue === undefined || parseTime(due) < parseTime(nextDue)) nextDue = due;
  const definition = compiledPlaybookOf(snapshot.machine)?.definition;
  const fired: Reminder[] = [];
  for (const entry of added) {
    const reminder = definition === undefined ? undefined : reminderOfEntry(definition, context, entry);
    if (reminder !== undefined) fired.push(reminder);
  }
  const decision: Omit<Decision, 'json'> = {
    incident,
    changed,
    status: done ? 'done' : 'active',
    rung: currentRung(snapshot),
    tracks: currentTracks(snapshot),
    get recommendations() {
      return (recommendations ??= recommend(snapshot));
    },
    get severity() {
      if (severity === undefined) severity = currentSeverity(snapshot) ?? null;
      return severity ?? undefined;
    },
    added,
    deadlines: context.deadlines.map((d) => ({ at: d.due, event: { type: recordedEventTypes.windowElapsed, window: d.window, rung: d.rung } })),
    reminders: { due: fired, pending },
    nextDue,
    ...(done ? { output: incident.snapshot.output! } : {}),
  };
  // Not kept once written: holding the (often large) text in the decision measured as more
  // garbage-collector work than writing it again on a second read.
  return Object.defineProperty(decision, 'json', { get: () => signedJson(incident) ?? JSON.stringify(incident), enumerable: false }) as Decision;
}
