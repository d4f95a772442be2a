import { z } from 'zod';
import type { IncidentContext, IncidentOutput } from '../compile/context.js';
import { toOutput } from '../compile/context.js';
import { incidentFactsSchema } from '../events/facts.js';
import type { PlaybookDefinition } from '../definition/types.js';
import { fromZodIssues, type PlaybookIssue } from '../errors.js';

/**
 * The `format` of a stored incident document.
 *
 * @category Server runtime
 */
export const incidentFormat = 'crisis-playbook/incident';

/**
 * The current format version of stored incidents. Older documents go through the runtime's
 * migration hook; newer ones are refused.
 *
 * @example
 * ```ts
 * import { incidentFormatVersion } from 'crisis-playbook';
 *
 * console.log(incidentFormatVersion); // 1
 * ```
 *
 * @category Server runtime
 */
export const incidentFormatVersion = 1;

/**
 * A stored state value: a final rung id, or the open rung and the side tracks.
 *
 * @example
 * ```ts
 * import type { StoredStateValue } from 'crisis-playbook';
 *
 * const open: StoredStateValue = { active: { ladder: 'intermediary', community: 'supported', safety: 'none' } };
 * const done: StoredStateValue = 'resolved';
 * ```
 *
 * @category Server runtime
 */
export type StoredStateValue = string | { readonly active: Readonly<Record<string, string>> };

/**
 * An incident as stored: plain JSON in a versioned envelope with the playbook it runs on.
 * Produced by {@link serializeIncident} and the decisions of {@link decide}; checked by
 * {@link parseStoredIncident} before any use.
 *
 * @example
 * ```ts
 * import { openIncident, type StoredIncident } from 'crisis-playbook';
 *
 * const stored: StoredIncident = openIncident({ now: Date.now() }).incident;
 * console.log(stored.playbook); // { id: 'crisis', version: '1.0.0' }
 * ```
 *
 * @category Server runtime
 */
export interface StoredIncident {
  readonly format: typeof incidentFormat;
  readonly formatVersion: number;
  readonly playbook: { readonly id: string; readonly version: string };
  readonly snapshot: {
    readonly status: 'active' | 'done';
    readonly value: StoredStateValue;
    readonly context: IncidentContext;
    readonly output?: IncidentOutput;
  };
}

/** The most entries a stored incident's timeline keeps; `decide` refuses events beyond it. */
export const maxTimeline = 10_000;

const iso = z.iso.datetime({ offset: true });
const name = z.string().min(1).max(100);
const text = (max: number) => z.string().max(max);

const contextSchema = z.strictObject({
  facts: incidentFactsSchema.partial(),
  windows: z.record(name, z.number().int().positive().max(Number.MAX_SAFE_INTEGER)),
  timeline: z
    .array(
      z.strictObject({
        at: iso,
        occurredAt: iso.optional(),
        type: name,
        from: name,
        to: name,
        window: name.optional(),
        by: text(120).optional(),
        note: text(2000).optional(),
      }),
    )
    .max(maxTimeline),
  threats: z.array(z.strictObject({ kind: name, at: iso, note: text(2000).optional() })).max(10_000),
  supporters: z.number().int().min(0).max(1_000_000),
  replyPhone: text(2000).nullable(),
  intermediary: text(2000).nullable(),
  call: z.strictObject({ apology: z.boolean(), agreement: z.boolean() }).nullable(),
  closeReason: text(2000).nullable(),
  deadlines: z.array(z.strictObject({ window: name, rung: name, due: iso })).max(100),
});

const outputSchema = z.strictObject({
  outcome: name,
  apology: z.boolean().nullable(),
  closeReason: text(2000).nullable(),
  threats: z.array(name),
  timelineLength: z.number().int().min(0),
});

/**
 * The shape of a stored incident of the current format (cross-checks come after).
 *
 * @category Server runtime
 */
export const storedIncidentSchema = z.strictObject({
  format: z.literal(incidentFormat),
  formatVersion: z.literal(incidentFormatVersion),
  playbook: z.strictObject({ id: name, version: text(40).min(1) }),
  snapshot: z.strictObject({
    status: z.enum(['active', 'done']),
    value: z.union([name, z.strictObject({ active: z.record(name, name) })]),
    context: contextSchema,
    output: outputSchema.optional(),
  }),
});

/** JSON with sorted keys, so that documents compare equal whatever order a database keeps. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The shape checks of a stored incident, as issues.
 *
 * @category Server runtime
 */
export function checkShape(document: unknown): { data?: StoredIncident; issues: PlaybookIssue[] } {
  const result = storedIncidentSchema.safeParse(document, { reportInput: true });
  return result.success
    ? { data: result.data as StoredIncident, issues: [] }
    : { issues: fromZodIssues(result.error.issues) };
}

/**
 * Checks a stored incident against the playbook it claims to run on: the state is one of the
 * playbook's, the timeline is a chain of rungs in time order ending on the current rung, the
 * deadlines belong to the current rung, and the output matches the context.
 *
 * @category Server runtime
 */
export function checkAgainstPlaybook(stored: StoredIncident, definition: PlaybookDefinition): PlaybookIssue[] {
  const issues: PlaybookIssue[] = [];
  const add = (path: (string | number)[], message: string) =>
    issues.push({ code: 'invalid_document', path: ['snapshot', ...path], message });
  const { status, value, context, output } = stored.snapshot;
  const rungs = definition.ladder.rungs;
  const rungIds = new Set(rungs.map((r) => r.id));
  const finals = new Set(rungs.filter((r) => r.final).map((r) => r.id));
  const known = (id: string) => rungIds.has(id);
  const json = JSON.stringify;

  let current: string | undefined;
  if (typeof value === 'string') {
    if (!finals.has(value)) add(['value'], `Expected a final rung of "${definition.id}"; received ${json(value)}`);
    else current = value;
    if (status !== 'done') add(['status'], `An incident on the final rung ${json(value)} must be "done"`);
  } else {
    const regions = value.active;
    const expected = ['ladder', ...definition.tracks.map((t) => t.id)];
    if (json(Object.keys(regions).sort()) !== json([...expected].sort())) {
      add(['value', 'active'], `Expected the regions ${json(expected)}; received ${json(Object.keys(regions))}`);
    }
    const ladder = regions.ladder;
    if (ladder === undefined || !known(ladder) || finals.has(ladder)) {
      add(['value', 'active', 'ladder'], `Unknown open rung ${json(ladder)} in playbook "${definition.id}"`);
    } else current = ladder;
    for (const track of definition.tracks) {
      const state = regions[track.id];
      if (state !== undefined && !track.states.some((s) => s.id === state)) {
        add(['value', 'active', track.id], `Unknown state ${json(state)} of track "${track.id}"`);
      }
    }
    if (status !== 'active') add(['status'], 'An incident with open regions must be "active"');
  }

  const declared = new Set(Object.keys(definition.events));
  // The moves the playbook allows: event → from → targets (a stay is always allowed for a
  // declared event: track events and recorded events do not move the ladder).
  const moves = new Set<string>();
  const shared = definition.ladder.fromEveryRung ?? [];
  for (const rung of rungs.filter((r) => !r.final)) {
    for (const t of [...shared, ...(rung.on ?? [])]) if (t.target !== undefined) moves.add(`${t.event}|${rung.id}|${t.target}`);
    for (const t of rung.after ?? []) moves.add(`window.elapsed:${t.window}|${rung.id}|${t.target}`);
  }
  const allowed = (entry: IncidentContext['timeline'][number]) =>
    entry.type === 'window.elapsed'
      ? moves.has(`window.elapsed:${entry.window}|${entry.from}|${entry.to}`)
      : declared.has(entry.type) && (entry.from === entry.to || moves.has(`${entry.type}|${entry.from}|${entry.to}`));
  let previous = definition.ladder.initial;
  let previousAt = -Infinity;
  context.timeline.forEach((entry, index) => {
    const path = ['context', 'timeline', index];
    if (!known(entry.from) || !known(entry.to)) add(path, `Unknown rung in ${json({ from: entry.from, to: entry.to })}`);
    if (entry.type !== 'window.elapsed' && !declared.has(entry.type)) add([...path, 'type'], `Unknown event type ${json(entry.type)}`);
    else if (known(entry.from) && known(entry.to) && !allowed(entry)) {
      add(path, `The playbook has no move from ${json(entry.from)} to ${json(entry.to)} on ${json(entry.window ?? entry.type)}`);
    }
    if (entry.from !== previous) {
      add([...path, 'from'], `The timeline is out of order: entry ${index} starts at ${json(entry.from)} but the one before ended at ${json(previous)}`);
    }
    const at = Date.parse(entry.at);
    if (at < previousAt) add([...path, 'at'], `The timeline is out of order: entry ${index} is earlier than the one before`);
    previous = entry.to;
    previousAt = at;
  });
  if (current !== undefined && previous !== current) {
    add(['context', 'timeline'], `The timeline ends at ${json(previous)} but the incident is at ${json(current)}`);
  }
  for (const window of Object.keys(context.windows)) {
    if (!Object.hasOwn(definition.windows, window)) add(['context', 'windows', window], `Unknown waiting window ${json(window)}`);
  }
  const rungWindows = new Set(
    (rungs.find((r) => r.id === current)?.after ?? []).map((t) => t.window),
  );
  const pending = new Set<string>();
  context.deadlines.forEach((deadline, index) => {
    if (pending.has(deadline.window)) add(['context', 'deadlines', index], `The deadline ${json(deadline.window)} is pending twice`);
    pending.add(deadline.window);
    if (deadline.rung !== current || !rungWindows.has(deadline.window)) {
      add(['context', 'deadlines', index], `A deadline for ${json(deadline)} cannot be pending on rung ${json(current)}`);
    }
  });
  if (status === 'done' && (output === undefined || canonical(output) !== canonical(toOutput(context)))) {
    add(['output'], 'The output of a finished incident does not match its context');
  }
  if (status === 'active' && output !== undefined) add(['output'], 'An active incident has no output');
  return issues;
}
