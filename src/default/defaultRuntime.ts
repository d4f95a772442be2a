import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { crisisMachine } from './crisisMachine.js';
import type { IncidentError, SafeResult } from '../errors/errors.js';
import type { DecideResult, Decision } from '../runtime/decision.js';
import type { IncidentActor } from '../runtime/incidentActor.js';
import { createIncidentRuntime, type IncidentRuntime, type RestoreOptions } from '../runtime/incidentRuntime.js';
import type { StoredIncident } from '../runtime/storedIncident.js';
import type { IncidentSummary, SummarizeOptions } from '../runtime/summary.js';
import type { DecideOptions } from '../runtime/time.js';

let runtime: IncidentRuntime | undefined;
const defaultRuntime = () => (runtime ??= createIncidentRuntime({ playbooks: [crisisMachine] }));

/**
 * Opens a new incident of the default playbook as a stored incident (plain JSON). Throws
 * `IncidentError` (`invalid_time`, `invalid_input`); {@link safeOpenIncident} returns it.
 *
 * @example
 * ```ts
 * import { openIncident } from 'crisis-playbook/server';
 *
 * const { incident, rung } = openIncident({ now: Date.now(), input: { facts: { venue: 'private-group' } } });
 * console.log(rung); // 'gatheringInfo'
 * ```
 *
 * @category Server runtime
 */
export function openIncident(options: DecideOptions & { readonly input?: unknown }): Decision {
  return defaultRuntime().open(options);
}

/**
 * Like {@link openIncident}, but returns `{ success: false, error }` instead of throwing.
 *
 * @example
 * ```ts
 * import { safeOpenIncident } from 'crisis-playbook/server';
 *
 * const result = safeOpenIncident({ now: Date.now(), input: { windows: { replyWindow: '90d' } } });
 * if (!result.success) console.log(result.error.code); // 'invalid_input'
 * ```
 *
 * @category Server runtime
 */
export function safeOpenIncident(options: DecideOptions & { readonly input?: unknown }): DecideResult {
  return defaultRuntime().safeOpen(options);
}

/**
 * Applies an event (unknown input, validated) to a stored incident of the default playbook:
 * pure, deterministic for a given `now`. Throws `IncidentError`; the stored incident is never
 * changed in place. Use {@link createIncidentRuntime} for custom playbooks.
 *
 * @example
 * ```ts
 * import { decide, openIncident } from 'crisis-playbook/server';
 *
 * const { incident } = openIncident({ now: Date.parse('2026-04-06T19:00:00Z') });
 * const next = decide(incident, { type: 'assessment.complete', by: 'Ana' }, { now: '2026-04-06T19:05:00Z' });
 * console.log(next.rung, next.added.length, next.deadlines[0]?.at); // 'directMessage' 1 '2026-04-07T19:05:00.000Z'
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
 * import { openIncident, safeDecide } from 'crisis-playbook/server';
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
 * import { decide, decideDue, openIncident } from 'crisis-playbook/server';
 *
 * const opened = openIncident({ now: Date.parse('2026-04-06T19:00:00Z') });
 * const waiting = decide(opened.incident, { type: 'assessment.complete' }, { now: '2026-04-06T19:00:00Z' });
 * const later = decideDue(waiting.incident, { now: '2026-04-08T09:00:00Z' });
 * console.log(later.rung); // 'monitoring' (the reply window ran out)
 * ```
 *
 * @category Server runtime
 */
export function decideDue(stored: unknown, options: DecideOptions): Decision {
  return defaultRuntime().decideDue(stored, options);
}

/**
 * Like {@link decideDue}, but returns `{ success: false, error }` instead of throwing.
 *
 * @example
 * ```ts
 * import { safeDecideDue } from 'crisis-playbook/server';
 *
 * const result = safeDecideDue('{"not":"an incident"}', { now: Date.now() });
 * if (!result.success) console.log(result.error.code); // 'invalid_document'
 * ```
 *
 * @category Server runtime
 */
export function safeDecideDue(stored: unknown, options: DecideOptions): DecideResult {
  return defaultRuntime().safeDecideDue(stored, options);
}

/**
 * Checks a stored incident of the default playbook (object or JSON text) and returns it:
 * throws `IncidentError` for corrupted, truncated, tampered or future-format documents.
 *
 * @example
 * ```ts
 * import { openIncident, parseStoredIncident } from 'crisis-playbook/server';
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
 * Like {@link parseStoredIncident}, but returns `{ success: false, error }` instead of throwing.
 *
 * @example
 * ```ts
 * import { safeParseStoredIncident } from 'crisis-playbook/server';
 *
 * const result = safeParseStoredIncident('{"format":"crisis-playbook/incident"');
 * if (!result.success) console.log(result.error.code); // 'invalid_json'
 * ```
 *
 * @category Server runtime
 */
export function safeParseStoredIncident(stored: unknown): SafeResult<StoredIncident, IncidentError> {
  return defaultRuntime().safeParse(stored);
}

/**
 * The stored form (versioned envelope, plain JSON) of a snapshot of the default playbook.
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine } from 'crisis-playbook';
 * import { serializeIncident } from 'crisis-playbook/server';
 *
 * const incident = createIncident(crisisMachine).start();
 * const json = JSON.stringify(serializeIncident(incident.getSnapshot()));
 * incident.stop();
 * ```
 *
 * @category Server runtime
 */
export function serializeIncident(snapshot: AnyMachineSnapshot): StoredIncident {
  return defaultRuntime().serialize(snapshot);
}

/**
 * Like {@link serializeIncident}, but returns `{ success: false, error }` instead of throwing.
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine } from 'crisis-playbook';
 * import { safeSerializeIncident } from 'crisis-playbook/server';
 *
 * const incident = createIncident(crisisMachine).start();
 * const result = safeSerializeIncident(incident.getSnapshot());
 * if (result.success) console.log(result.data.playbook.id); // 'crisis'
 * incident.stop();
 * ```
 *
 * @category Server runtime
 */
export function safeSerializeIncident(snapshot: AnyMachineSnapshot): SafeResult<StoredIncident, IncidentError> {
  return defaultRuntime().safeSerialize(snapshot);
}

/**
 * A live incident (see `createIncident`) for a stored incident of the default playbook, with
 * its deadlines re-armed: those that fell due before `now` (default: the current time) are
 * applied at once, the others fire after their remaining time, however long. Started.
 *
 * @example
 * ```ts
 * import { decide, openIncident, restoreIncident } from 'crisis-playbook/server';
 *
 * const opened = openIncident({ now: Date.now() });
 * const waiting = decide(opened.incident, { type: 'assessment.complete' }, { now: Date.now() });
 * const incident = restoreIncident(JSON.stringify(waiting.incident)); // the reply window keeps running
 * incident.stop();
 * ```
 *
 * @category Server runtime
 */
export function restoreIncident(stored: unknown, options?: RestoreOptions): IncidentActor<AnyStateMachine> {
  return defaultRuntime().restore(stored, options);
}

/**
 * Like {@link restoreIncident}, but returns `{ success: false, error }` instead of throwing.
 *
 * @example
 * ```ts
 * import { safeRestoreIncident } from 'crisis-playbook/server';
 *
 * const result = safeRestoreIncident('not json');
 * if (!result.success) console.log(result.error.code); // 'invalid_json'
 * ```
 *
 * @category Server runtime
 */
export function safeRestoreIncident(stored: unknown, options?: RestoreOptions): SafeResult<IncidentActor<AnyStateMachine>, IncidentError> {
  return defaultRuntime().safeRestore(stored, options);
}

/**
 * The figures a team reports on after an incident of the default playbook (see
 * {@link IncidentSummary}): time to the first response and to the first direct contact, time
 * on each rung, threats, supporters, outcome and the number of events, in milliseconds and
 * ISO times. The reason for closing is personal data: it is included only with
 * `includePersonal`. Throws `IncidentError` for a document that fails the runtime's checks;
 * {@link safeSummarizeIncident} returns it. For custom playbooks, use `summarize` of
 * {@link createIncidentRuntime}.
 *
 * @example
 * ```ts
 * import { decide, openIncident, summarizeIncident } from 'crisis-playbook/server';
 *
 * let { incident } = openIncident({ now: '2026-04-06T19:00:00Z' });
 * incident = decide(incident, { type: 'assessment.complete' }, { now: '2026-04-06T19:05:00Z' }).incident;
 * incident = decide(incident, { type: 'message.sent' }, { now: '2026-04-06T19:20:00Z' }).incident;
 * incident = decide(incident, { type: 'incident.closed', reason: 'Died down' }, { now: '2026-04-07T09:00:00Z' }).incident;
 * const summary = summarizeIncident(incident);
 * console.log(summary.firstResponse?.afterMs, summary.firstDirectContact?.event); // 300000 'message.sent'
 * console.log(summary.outcome); // { finalRung: 'closed', apology: null, agreement: null }
 * ```
 *
 * @category Server runtime
 */
export function summarizeIncident(stored: unknown, options?: SummarizeOptions): IncidentSummary {
  return defaultRuntime().summarize(stored, options);
}

/**
 * Like {@link summarizeIncident}, but returns `{ success: false, error }` instead of throwing.
 *
 * @example
 * ```ts
 * import { safeSummarizeIncident } from 'crisis-playbook/server';
 *
 * const result = safeSummarizeIncident({ format: 'something else' });
 * if (!result.success) console.log(result.error.code);
 * ```
 *
 * @category Server runtime
 */
export function safeSummarizeIncident(stored: unknown, options?: SummarizeOptions): SafeResult<IncidentSummary, IncidentError> {
  return defaultRuntime().safeSummarize(stored, options);
}
