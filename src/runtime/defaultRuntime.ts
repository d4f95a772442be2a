import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { IncidentActor } from './incidentActor.js';
import {
  createIncidentRuntime,
  type DecideOptions,
  type DecideResult,
  type Decision,
  type IncidentRuntime,
  type RestoreOptions,
} from './incidentRuntime.js';
import type { StoredIncident } from './storedIncident.js';
import { crisisMachine } from '../machine/crisisMachine.js';

let runtime: IncidentRuntime | undefined;
const defaultRuntime = () => (runtime ??= createIncidentRuntime({ playbooks: [crisisMachine] }));

/**
 * Opens a new incident of the default playbook as a stored incident (plain JSON).
 *
 * @example
 * ```ts
 * import { openIncident } from 'crisis-playbook';
 *
 * const { incident, step } = openIncident({ now: Date.now(), input: { facts: { venue: 'private-group' } } });
 * console.log(step); // 'gatheringInfo'
 * ```
 *
 * @category Server runtime
 */
export function openIncident(options: DecideOptions & { readonly input?: unknown }): Decision {
  return defaultRuntime().open(options);
}

/**
 * Applies an event (unknown input, validated) to a stored incident of the default playbook:
 * pure, deterministic for a given `now`. Throws {@link IncidentError}; the stored incident is
 * never changed in place. Use {@link createIncidentRuntime} for custom playbooks.
 *
 * @example
 * ```ts
 * import { decide, openIncident } from 'crisis-playbook';
 *
 * const { incident } = openIncident({ now: Date.parse('2026-04-06T19:00:00Z') });
 * const next = decide(incident, { type: 'assessment.complete', by: 'Ana' }, { now: '2026-04-06T19:05:00Z' });
 * console.log(next.step, next.added.length, next.deadlines[0]?.at); // 'directMessage' 1 '2026-04-07T19:05:00.000Z'
 * ```
 *
 * @category Server runtime
 */
export function decide(stored: unknown, event: unknown, options: DecideOptions): Decision {
  return defaultRuntime().decide(stored, event, options);
}

/**
 * Like {@link decide} but never throws: `{ success: true, data }` or `{ success: false, error }`.
 *
 * @example
 * ```ts
 * import { openIncident, safeDecide } from 'crisis-playbook';
 *
 * const { incident } = openIncident({ now: 0 });
 * const result = safeDecide(incident, JSON.parse('{"type":"threat.reported","kind":"hug"}'), { now: 1 });
 * if (!result.success) console.log(result.error.code, result.error.issues[0]?.path); // 'invalid_event' ['kind']
 * ```
 *
 * @category Server runtime
 */
export function safeDecide(stored: unknown, event: unknown, options: DecideOptions): DecideResult {
  return defaultRuntime().safeDecide(stored, event, options);
}

/**
 * Applies every deadline of a stored incident of the default playbook that has fallen due by
 * `now`, in order and each exactly once (a window that started when another ran out is
 * applied too if it is also due).
 *
 * @example
 * ```ts
 * import { decide, decideDue, openIncident } from 'crisis-playbook';
 *
 * const opened = openIncident({ now: Date.parse('2026-04-06T19:00:00Z') });
 * const waiting = decide(opened.incident, { type: 'assessment.complete' }, { now: '2026-04-06T19:00:00Z' });
 * const later = decideDue(waiting.incident, { now: '2026-04-08T09:00:00Z' });
 * console.log(later.step); // 'monitoring' (the reply window ran out)
 * ```
 *
 * @category Server runtime
 */
export function decideDue(stored: unknown, options: DecideOptions): Decision {
  return defaultRuntime().decideDue(stored, options);
}

/**
 * Checks a stored incident of the default playbook (object or JSON text) and returns it:
 * throws {@link IncidentError} for corrupted, truncated, tampered or future-format documents.
 *
 * @example
 * ```ts
 * import { openIncident, parseStoredIncident } from 'crisis-playbook';
 *
 * const text = JSON.stringify(openIncident({ now: 0 }).incident);
 * const stored = parseStoredIncident(text);
 * ```
 *
 * @category Server runtime
 */
export function parseStoredIncident(stored: unknown): StoredIncident {
  return defaultRuntime().parse(stored);
}

/**
 * The stored form (versioned envelope, plain JSON) of a snapshot of the default playbook.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { crisisMachine, serializeIncident } from 'crisis-playbook';
 *
 * const actor = createActor(crisisMachine).start();
 * const json = JSON.stringify(serializeIncident(actor.getSnapshot()));
 * ```
 *
 * @category Server runtime
 */
export function serializeIncident(snapshot: AnyMachineSnapshot): StoredIncident {
  return defaultRuntime().serialize(snapshot);
}

/**
 * A live incident (see {@link createIncident}) for a stored incident of the default playbook,
 * with its deadlines re-armed: those that fell due before `now` (default: the current time)
 * are applied at once, the others fire after their remaining time, however long. Started.
 *
 * @example
 * ```ts
 * import { decide, openIncident, restoreIncident } from 'crisis-playbook';
 *
 * const opened = openIncident({ now: Date.now() });
 * const waiting = decide(opened.incident, { type: 'assessment.complete' }, { now: Date.now() });
 * const actor = restoreIncident(JSON.stringify(waiting.incident)); // the reply window keeps running
 * actor.stop();
 * ```
 *
 * @category Server runtime
 */
export function restoreIncident(stored: unknown, options?: RestoreOptions): IncidentActor<AnyStateMachine> {
  return defaultRuntime().restore(stored, options);
}
