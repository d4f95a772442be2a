// The reminders of a live or restored incident, as a UI shows them.
import type { AnyMachineSnapshot } from 'xstate';
import type { IncidentContext, Reminder } from '../compile/context.js';
import { compiledPlaybookOf } from '../compile/registry.js';
import { hasResponded, isFinished, reminderOfEntry } from '../compile/reminders.js';
import type { PlaybookDefinition } from '../definition/types.js';

/**
 * The reminders of an incident: those still to come, and those that fell due while nobody has
 * responded yet.
 *
 * @example
 * ```ts
 * import type { CurrentReminders } from 'crisis-playbook';
 *
 * const reminders: CurrentReminders = {
 *   pending: [],
 *   overdue: [{ reminder: 'first-response', severity: 'critical', due: '2026-04-06T19:15:00.000Z' }],
 * };
 * ```
 *
 * @category Advice
 */
export interface CurrentReminders {
  /** Not due yet, earliest first: show "respond by …". */
  readonly pending: readonly Reminder[];
  /** Fell due and recorded in the timeline, and nobody has responded since: show "overdue". Empty once someone responded. */
  readonly overdue: readonly Reminder[];
}

/** The reminders of `context` on a playbook (see {@link currentReminders}). */
export function remindersIn(definition: PlaybookDefinition, context: IncidentContext): CurrentReminders {
  // A finished incident waits for no first response (a document of an earlier release may still list one).
  if (isFinished(definition, context)) return { pending: [], overdue: [] };
  const pending = context.reminders ?? [];
  const overdue: Reminder[] = [];
  if (definition.severity !== undefined && !hasResponded(definition, context)) {
    for (const entry of context.timeline) {
      const reminder = reminderOfEntry(definition, context, entry);
      if (reminder !== undefined) overdue.push(reminder);
    }
  }
  return { pending, overdue };
}

/**
 * The reminders of the severity's response-time targets for an incident (live or restored):
 * `pending`, the ones still to come, and `overdue`, the ones that fell due while nobody has
 * responded yet. A live incident records each reminder when it falls due and tells its
 * listeners (`incident.on('reminder', …)`); a server applies them with `decideDue`.
 *
 * @example
 * ```ts
 * import { SimulatedClock } from 'xstate';
 * import { createIncident, crisisMachine, currentReminders } from 'crisis-playbook';
 *
 * const clock = new SimulatedClock();
 * clock.set(Date.parse('2026-04-06T19:00:00Z'));
 * const incident = createIncident(crisisMachine, { clock }).start();
 * incident.send({ type: 'threat.reported', kind: 'violence' });
 * console.log(currentReminders(incident.getSnapshot()).pending);
 * // [{ reminder: 'first-response', severity: 'critical', due: '2026-04-06T19:15:00.000Z' }]
 * clock.increment(15 * 60_000);
 * console.log(currentReminders(incident.getSnapshot()).overdue.length); // 1
 * incident.stop();
 * ```
 *
 * @category Advice
 */
export function currentReminders(snapshot: AnyMachineSnapshot): CurrentReminders {
  const compiled = compiledPlaybookOf(snapshot.machine);
  if (compiled === undefined) throw new TypeError('Expected a snapshot of a machine compiled by crisis-playbook (its root meta has no playbook)');
  return remindersIn(compiled.definition, snapshot.context as IncidentContext);
}
