import type { AnyActorRef, AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import { withNow } from '../compile/clock.js';
import type { Deadline, IncidentContext, TimelineEntry } from '../compile/context.js';
import type { Loaded } from './envelope.js';
import { pureTransition } from './pureTransition.js';
import { reminderDueEvent } from '../compile/reminders.js';
import { parseTime } from '../isoTime.js';

// Per machine, the snapshot `resolveState` gave for each state value (its JSON), at most a few
// hundred: what a snapshot of that value is but for its context, whatever document it came from.
const resolvedStates = new WeakMap<AnyStateMachine, Map<string, AnyMachineSnapshot>>();

/**
 * The snapshot of a stored incident, resolved on its machine: `resolveState` once per state
 * value, then the same snapshot with this incident's context (and its own state value, children
 * and history, as `resolveState` would make them).
 */
export function snapshotOf({ machine, stored }: Loaded): AnyMachineSnapshot {
  const { value, context } = stored.snapshot;
  const key = typeof value === 'string' ? value : JSON.stringify(value);
  let resolved = resolvedStates.get(machine);
  if (resolved === undefined) resolvedStates.set(machine, (resolved = new Map()));
  const known = resolved.get(key);
  if (known === undefined) {
    const snapshot = machine.resolveState({ value, context });
    // Kept without the context, which can be large and belongs to this incident.
    if (resolved.size < 256) resolved.set(key, { ...snapshot, context: undefined });
    return snapshot;
  }
  return { ...known, context, value: copyValue(known.value as StateValue), children: {}, historyValue: {} } as AnyMachineSnapshot;
}

function copyValue(value: StateValue): StateValue {
  if (typeof value === 'string') return value;
  const copy: Record<string, StateValue> = {};
  for (const key in value) copy[key] = copyValue(value[key]!);
  return copy;
}

/**
 * Applies the deadlines and reminders of a stored incident that fell due by `now`, earliest
 * first (a window before a reminder due at the same time), each at the time it fell due: the
 * snapshot after them, and the timeline entries they added. Each is applied once: a deadline
 * leaves the context when its rung is left, a reminder when it is recorded.
 */
export function applyDue(loaded: Loaded, now: number): { snapshot: AnyMachineSnapshot; added: TimelineEntry[] } {
  let snapshot = snapshotOf(loaded);
  const start = (snapshot.context as IncidentContext).timeline.length;
  // Each deadline leaves the context when its rung is left, so none can fire twice; the
  // bound only guards against a playbook whose windows keep re-arming themselves.
  for (let step = 0; step < 1_000 && snapshot.status !== 'done'; step++) {
    let due: Deadline | undefined;
    let dueAt = Infinity;
    // The earliest that fell due (the first of those due at the same time, as a stable sort keeps them).
    for (const deadline of (snapshot.context as IncidentContext).deadlines) {
      const at = parseTime(deadline.due);
      if (at <= now && at < dueAt) [due, dueAt] = [deadline, at];
    }
    const reminder = (snapshot.context as IncidentContext).reminders?.[0];
    const reminderAt = reminder === undefined ? Infinity : parseTime(reminder.due);
    if (reminderAt <= now && reminderAt < dueAt) {
      const before = snapshot;
      snapshot = withNow(reminderAt, () => pureTransition(loaded.machine, before, reminderDueEvent));
      // Recorded, or dropped at a full timeline: it left the pending reminders. Neither: nothing more can be.
      if ((snapshot.context as IncidentContext).reminders === (before.context as IncidentContext).reminders) break;
      continue;
    }
    if (!due) break;
    const type = loaded.layout.windows.get(due.rung)?.get(due.window)?.eventType;
    if (type === undefined) break;
    snapshot = withNow(dueAt, () => pureTransition(loaded.machine, snapshot, { type }));
  }
  return { snapshot, added: (snapshot.context as IncidentContext).timeline.slice(start) };
}

/**
 * Schedules each pending deadline of a restored actor for its remaining time after `now`,
 * under the id XState cancels when the rung is left.
 */
export function rearmDeadlines(actor: AnyActorRef, loaded: Loaded, deadlines: readonly Deadline[], now: number): void {
  for (const deadline of deadlines) {
    const type = loaded.layout.windows.get(deadline.rung)?.get(deadline.window)?.eventType;
    if (type !== undefined) actor.system.scheduler.schedule(actor, actor, { type }, Math.max(0, Date.parse(deadline.due) - now), type);
  }
}
