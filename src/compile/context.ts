import { z } from 'zod';
import { incidentFactsSchema, type IncidentFacts } from '../definition/facts.js';
import { toMilliseconds, type Duration } from '../definition/durations.js';
import { once } from '../definition/fastSchema.js';
import type { PlaybookDefinition } from '../definition/types.js';
import type { WindowOf } from '../definition/typesOf.js';
import { InputValidationError } from '../errors/errors.js';
import { fromZodIssues } from '../errors/issues.js';
import { limitMessages, limits } from '../limits.js';
import { quote } from '../quote.js';
import { now, type SystemWithClock } from './clock.js';

/**
 * One entry of the incident's append-only audit timeline: when, which event, the rung before
 * and after, and who recorded it.
 *
 * @example
 * ```ts
 * import type { TimelineEntry } from 'crisis-playbook';
 *
 * const entry: TimelineEntry = {
 *   at: '2026-04-06T19:05:00.000Z',
 *   type: 'access.denied',
 *   from: 'requestingAccess',
 *   to: 'directMessage',
 *   by: 'Ana',
 * };
 * ```
 *
 * @category Compiler
 */
export interface TimelineEntry {
  /** ISO 8601 time the event was processed; never earlier than the entry before it. */
  readonly at: string;
  /** When the event happened, as claimed by its `at` field (backfilled events). */
  readonly occurredAt?: string;
  /** The event type, `window.elapsed` when a waiting window ran out, or `reminder.due` when a reminder fell due. */
  readonly type: string;
  /** The rung before the event. */
  readonly from: string;
  /** The rung after the event (the same rung when the event did not move the ladder). */
  readonly to: string;
  /** The waiting window that ran out, for `window.elapsed` entries. */
  readonly window?: string;
  /** For a `window.elapsed` entry that sent a follow-up instead of moving on: which one (1, 2, …) on this rung. */
  readonly followUp?: number;
  /** For a `reminder.due` entry: which reminder fell due (`first-response`). */
  readonly reminder?: string;
  /** For a `reminder.due` entry: the severity level whose target it was. */
  readonly severity?: string;
  readonly by?: string;
  readonly note?: string;
}

/**
 * A reminder of a response-time target (see `SeverityLevelSpec.respondWithin`): while nobody
 * has responded, the first response is due at the opening plus the target of the current
 * severity level. Reminders are kept as data (`context.reminders`) and never move the incident:
 * when one falls due, the timeline records a `reminder.due` entry, once per level.
 *
 * @example
 * ```ts
 * import type { Reminder } from 'crisis-playbook';
 *
 * const reminder: Reminder = { reminder: 'first-response', severity: 'critical', due: '2026-04-06T19:15:00.000Z' };
 * ```
 *
 * @category Compiler
 */
export interface Reminder {
  /** Which reminder: `first-response` (the only one today). */
  readonly reminder: string;
  /** The severity level whose response-time target it is. */
  readonly severity: string;
  /** ISO 8601 time it falls due. */
  readonly due: string;
}

/**
 * What a live incident emits when a reminder falls due and is recorded: listen with
 * `incident.on('reminder', …)`.
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine, type EmittedReminder } from 'crisis-playbook';
 *
 * const incident = createIncident(crisisMachine).start();
 * incident.on('reminder', (event) => {
 *   const { severity, at } = event as EmittedReminder;
 *   console.log(`First response overdue (${severity}), recorded at ${at}`);
 * });
 * incident.stop();
 * ```
 *
 * @category Live incidents
 */
export interface EmittedReminder {
  readonly type: 'reminder';
  /** Which reminder (`first-response`). */
  readonly reminder: string;
  /** The severity level whose target passed. */
  readonly severity: string;
  /** When the timeline recorded it (ISO 8601). */
  readonly at: string;
}

/**
 * A recorded threat.
 *
 * @example
 * ```ts
 * import type { ThreatRecord } from 'crisis-playbook';
 *
 * const threat: ThreatRecord = { kind: 'visit', at: '2026-04-07T18:00:00.000Z' };
 * ```
 *
 * @category Compiler
 */
export interface ThreatRecord {
  readonly kind: string;
  readonly at: string;
  readonly note?: string;
}

/**
 * The context of an incident actor.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { crisisMachine, type IncidentContext } from 'crisis-playbook';
 *
 * const context: IncidentContext = createActor(crisisMachine).getSnapshot().context;
 * console.log(context.timeline.length); // 0
 * ```
 *
 * @category Compiler
 */
export interface IncidentContext {
  /** What is known so far. */
  readonly facts: Partial<IncidentFacts>;
  /** Per-incident waiting windows in milliseconds (from the input); others use the defaults. */
  readonly windows: Readonly<Record<string, number>>;
  /** One entry per accepted event, in order. Never rewritten. */
  readonly timeline: readonly TimelineEntry[];
  readonly threats: readonly ThreatRecord[];
  /** How many times supporters were reported speaking up. */
  readonly supporters: number;
  /** The phone number the person gave in their reply, if any. */
  readonly replyPhone: string | null;
  /** The colleague asked to act as intermediary, if named. */
  readonly intermediary: string | null;
  /** The outcome of the last call, if one happened. */
  readonly call: { readonly apology: boolean; readonly agreement: boolean } | null;
  /** Why the responder closed the incident, if they did. */
  readonly closeReason: string | null;
  /**
   * The waiting windows running on the current rung, with their absolute due times: they are
   * recorded when the rung is entered and removed when it is left, so they survive a restart.
   */
  readonly deadlines: readonly Deadline[];
  /**
   * ISO 8601 time the incident was opened. Incidents stored by earlier development versions of the
   * library do not have it.
   */
  readonly openedAt?: string;
  /**
   * How many follow-ups the current rung sent (see the rung's `followUps`), by rung: set when a
   * follow-up is recorded, dropped when the ladder leaves the rung. Absent when none was sent.
   */
  readonly followUps?: Readonly<Record<string, number>>;
  /**
   * The reminders pending, earliest first (see {@link Reminder}): kept with every change of
   * the incident, for playbooks whose severity levels have response-time targets. Absent when
   * none is pending.
   */
  readonly reminders?: readonly Reminder[];
}

/**
 * A waiting window running on a rung, with the time it falls due.
 *
 * @example
 * ```ts
 * import type { Deadline } from 'crisis-playbook';
 *
 * const deadline: Deadline = { window: 'replyWindow', rung: 'directMessage', due: '2026-04-07T21:30:00.000Z' };
 * ```
 *
 * @category Compiler
 */
export interface Deadline {
  readonly window: string;
  readonly rung: string;
  /** ISO 8601 time the window runs out. */
  readonly due: string;
}

/**
 * The input of an incident actor: the facts known at the start (partial) and per-incident
 * waiting windows.
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine, type IncidentInput } from 'crisis-playbook';
 *
 * const input: IncidentInput = { facts: { venue: 'private-group' }, windows: { replyWindow: '12h' } };
 * const incident = createIncident(crisisMachine, { input });
 * ```
 *
 * @category Compiler
 */
export interface IncidentInput<D extends PlaybookDefinition = PlaybookDefinition> {
  readonly facts?: Partial<IncidentFacts>;
  readonly windows?: Partial<Record<WindowOf<D>, Duration>>;
}

/**
 * What a finished incident actor outputs.
 *
 * @example
 * ```ts
 * import type { IncidentOutput } from 'crisis-playbook';
 *
 * const output: IncidentOutput = {
 *   outcome: 'resolved',
 *   apology: true,
 *   closeReason: null,
 *   threats: ['visit', 'police-report'],
 *   timelineLength: 13,
 * };
 * ```
 *
 * @category Compiler
 */
export interface IncidentOutput {
  /** The final rung reached (`resolved` or `closed` in the default playbook). */
  readonly outcome: string;
  /** Whether an apology was made on the last call; `null` when no call happened. */
  readonly apology: boolean | null;
  readonly closeReason: string | null;
  /** The kinds of threat recorded, in order. */
  readonly threats: readonly string[];
  readonly timelineLength: number;
}

// Built the first time an input schema is, not at import (building zod schemas slows importing).
const durationSchema = once(() =>
  z.union([z.number(), z.string().max(limits.timeLength)]).transform((value, ctx) => {
    const ms = toMilliseconds(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `Expected ${limitMessages.window}; received ${quote(value)}` });
      return z.NEVER;
    }
    return ms;
  }),
);

/**
 * Builds the zod schema of a definition's input (known window names only).
 *
 * @category Compiler
 */
export function createInputSchema(definition: PlaybookDefinition) {
  const windows = Object.fromEntries(Object.keys(definition.windows).map((name) => [name, durationSchema().optional()]));
  return z
    .strictObject({
      facts: incidentFactsSchema.partial().optional(),
      windows: z.strictObject(windows).optional(),
    })
    .optional();
}

/**
 * Validates the input and builds the initial context; throws {@link InputValidationError}.
 *
 * @category Compiler
 */
export function createContext(
  schema: { readonly get: () => ReturnType<typeof createInputSchema> },
  input: unknown,
  system?: SystemWithClock,
): IncidentContext {
  let data: z.output<ReturnType<typeof createInputSchema>>;
  if (input === undefined) data = undefined; // no facts known yet, the playbook's windows
  else {
    let result;
    try {
      result = schema.get().safeParse(input, { reportInput: true });
    } catch {
      throw new InputValidationError([{ code: 'invalid_type', path: [], message: `Expected the incident input as an object; received ${quote(input)}` }]);
    }
    if (!result.success) throw new InputValidationError(fromZodIssues(result.error.issues, [], 'length'));
    data = result.data;
  }
  const windows = data?.windows === undefined ? {} : Object.fromEntries(
    Object.entries(data.windows).filter((entry): entry is [string, number] => entry[1] !== undefined),
  );
  return {
    facts: data?.facts ?? {},
    windows,
    timeline: [],
    threats: [],
    supporters: 0,
    replyPhone: null,
    intermediary: null,
    call: null,
    closeReason: null,
    deadlines: [],
    openedAt: new Date(now(system)).toISOString(),
  };
}

/**
 * The output of a finished incident.
 *
 * @category Compiler
 */
export function toOutput(context: IncidentContext): IncidentOutput {
  return {
    outcome: context.timeline.at(-1)?.to ?? '',
    apology: context.call?.apology ?? null,
    closeReason: context.closeReason,
    threats: context.threats.map((threat) => threat.kind),
    timelineLength: context.timeline.length,
  };
}

/**
 * A number the context keeps by name (a rung's follow-ups, a window's length), read by its own
 * key only: a rung or window may be called `valueOf` or `toString`, names every plain object has.
 */
export function ownNumber(record: Readonly<Record<string, number>> | undefined, name: string): number | undefined {
  return record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}

/** How long `window` lasts for this incident: the length it started with, else the playbook's (`defaults`). */
export function windowMsOf(context: IncidentContext, window: string, defaults: Readonly<Record<string, number>>): number | undefined {
  return ownNumber(context.windows, window) ?? ownNumber(defaults, window);
}
