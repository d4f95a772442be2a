import type { IncidentIssueCode } from '../errors/errors.js';
import { z } from 'zod';
import type { IncidentContext, IncidentOutput, TimelineEntry } from '../compile/context.js';
import { bySchema, textSchema, timeSchema } from '../events/eventSchemas.js';
import { incidentFactsSchema } from '../definition/facts.js';
import { fastSchema } from '../definition/fastSchema.js';
import { fromZodIssues, type Issue } from '../errors/issues.js';
import { groupDigits, isCleanText, isOneLineText, limits } from '../limits.js';
import { parseTime, strictTime } from '../isoTime.js';

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
 * import { incidentFormatVersion } from 'crisis-playbook/server';
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
 * import type { StoredStateValue } from 'crisis-playbook/server';
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
 * import { openIncident, type StoredIncident } from 'crisis-playbook/server';
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
  /** The runtime's signature, when it signs documents (`signing` in {@link createIncidentRuntime}). */
  readonly signature?: string;
}

const iso = z.iso
  .datetime({ offset: true })
  .max(limits.timeLength)
  .refine((value) => Number.isFinite(parseTime(value)), { message: 'Expected a valid date and time' });
const name = z.string().min(1).max(limits.nameLength);
const kind = textSchema();

const timelineEntrySchema = z.strictObject({
  at: timeSchema,
  occurredAt: timeSchema.optional(),
  type: name,
  from: name,
  to: name,
  window: name.optional(),
  followUp: z.number().int().min(1).max(limits.followUps).optional(),
  reminder: name.optional(),
  severity: name.optional(),
  by: bySchema.optional(),
  note: textSchema().optional(),
});

const contextSchema = z.strictObject({
  facts: incidentFactsSchema.partial(),
  windows: z.record(name, z.number().int().positive().max(limits.windowMs)),
  timeline: z.array(timelineEntrySchema).max(limits.timelineEntries),
  threats: z.array(z.strictObject({ kind, at: timeSchema, note: textSchema().optional() })).max(limits.timelineEntries),
  supporters: z.number().int().min(0).max(limits.timelineEntries),
  replyPhone: textSchema().nullable(),
  intermediary: textSchema().nullable(),
  call: z.strictObject({ apology: z.boolean(), agreement: z.boolean() }).nullable(),
  closeReason: textSchema().nullable(),
  deadlines: z.array(z.strictObject({ window: name, rung: name, due: iso })).max(limits.timelineEntries),
  openedAt: timeSchema.optional(),
  followUps: z.record(name, z.number().int().min(1).max(limits.followUps)).optional(),
  reminders: z.array(z.strictObject({ reminder: name, severity: name, due: iso })).max(limits.timelineEntries).optional(),
});

const outputSchema = z.strictObject({
  outcome: name,
  apology: z.boolean().nullable(),
  closeReason: textSchema().nullable(),
  threats: z.array(kind).max(limits.timelineEntries),
  timelineLength: z.number().int().min(0).max(limits.timelineEntries),
});

/**
 * The shape of a stored incident of the current format (cross-checks come after).
 *
 * @category Server runtime
 */
export const storedIncidentSchema = z.strictObject({
  format: z.literal(incidentFormat),
  formatVersion: z.literal(incidentFormatVersion),
  playbook: z.strictObject({ id: name, version: z.string().min(1).max(40) }),
  snapshot: z.strictObject({
    status: z.enum(['active', 'done']),
    value: z.union([name, z.strictObject({ active: z.record(name, name) })]),
    context: contextSchema,
    output: outputSchema.optional(),
  }),
  signature: z.string().max(200).optional(),
});

// Compiled by zod (4.5 and later) on the first check, not at import: the same issues, faster.
const fastStoredIncidentSchema = fastSchema(storedIncidentSchema);
const fastTimelineEntrySchema = fastSchema(timelineEntrySchema);

/**
 * The most issues one stored document is refused with: a hostile document can hold hundreds of
 * thousands of mistakes, and listing them all would take seconds and a message of megabytes.
 */
export const listedIssues = 100;

/** `issues`, the first {@link listedIssues} of them and a last one saying how many more there are. */
export function capIssues<T extends Issue<IncidentIssueCode>>(issues: T[]): Issue<IncidentIssueCode>[] {
  if (issues.length <= listedIssues) return issues;
  return [...issues.slice(0, listedIssues), { code: 'invalid_document', path: [], message: `and ${groupDigits(issues.length - listedIssues)} more issues, not listed (the first ${listedIssues} are)` }];
}

/**
 * JSON with sorted keys, so that documents compare equal whatever order a database keeps:
 * objects out of order are copied in order ({@link inOrder}) and written natively.
 */
export function canonical(value: unknown): string {
  const ordered = inOrder(value);
  return ordered === notPlain
    ? JSON.stringify(value, (_, v: unknown) =>
        // Any value `JSON.stringify` takes (a `toJSON`, a class instance...), by a replacer.
        v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
      )
    : JSON.stringify(ordered);
}

/** What {@link inOrder} gives for anything but plain JSON data. */
export const notPlain = Symbol('not plain');
export const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';
export const sortedKeys = (keys: readonly string[]) => keys.every((key, i) => i === 0 || keys[i - 1]! < key);

/**
 * `value` with the keys of every object in canonical order (sorted, as `canonical` writes
 * them), so that `JSON.stringify` of it is its canonical JSON: objects out of order are copied
 * in order, the rest shared. `known`: the same place in a document that is all in order, whose
 * parts are taken as they are. `notPlain` for anything but plain JSON data (a `toJSON`, a class
 * instance, a bigint, a `__proto__` key).
 */
export function inOrder(value: unknown, known?: unknown): unknown {
  if (value === known || typeof value !== 'object' || value === null) return typeof value === 'bigint' ? notPlain : value;
  const old = isObject(known) ? known : undefined;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = inOrder(item, (old as unknown[] | undefined)?.[i]);
      if (next === notPlain) return notPlain;
      if (next !== item) copy ??= value.slice();
      if (copy) copy[i] = next;
    }
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value || Object.hasOwn(value, '__proto__')) return notPlain;
  const keys = Object.keys(value);
  const sorted = sortedKeys(keys);
  if (!sorted) keys.sort();
  let copy: Record<string, unknown> | undefined = sorted ? undefined : {};
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key];
    const next = inOrder(item, old?.[key]);
    if (next === notPlain) return notPlain;
    if (next !== item && !copy) {
      copy = {};
      for (const earlier of keys) {
        if (earlier === key) break;
        copy[earlier] = (value as Record<string, unknown>)[earlier];
      }
    }
    if (copy) copy[key] = next;
  }
  return copy ?? value;
}

/**
 * Refuses documents far too large to be a stored incident before they are checked in full:
 * a list longer than any limit allows costs no more than reading its length. Run first on every
 * document read (before its signature is checked or it is migrated) and again by the shape check.
 */
export function checkSize(document: unknown): Issue<IncidentIssueCode>[] {
  const context = (document as { snapshot?: { context?: Record<string, unknown> } } | null)?.snapshot?.context;
  if (context === null || typeof context !== 'object') return [];
  const issues: Issue<IncidentIssueCode>[] = [];
  for (const key of ['timeline', 'threats', 'deadlines', 'reminders'] as const) {
    const list = Object.hasOwn(context, key) ? context[key] : undefined;
    if (Array.isArray(list) && list.length > limits.timelineEntries) {
      issues.push({
        code: 'too_large',
        path: ['snapshot', 'context', key],
        message: `Expected at most ${limits.timelineEntries} entries; received ${groupDigits(list.length)}`,
      });
    }
  }
  // The records too, by their number of keys: one per window, per rung, per region of the playbook.
  const value = (document as { snapshot?: { value?: { active?: unknown } } }).snapshot?.value;
  const records: [string[], unknown][] = [
    [['snapshot', 'context', 'windows'], Object.hasOwn(context, 'windows') ? context.windows : undefined],
    [['snapshot', 'context', 'followUps'], Object.hasOwn(context, 'followUps') ? context.followUps : undefined],
    [['snapshot', 'value', 'active'], value !== null && typeof value === 'object' && Object.hasOwn(value, 'active') ? value.active : undefined],
  ];
  for (const [path, record] of records) {
    const count = record !== null && typeof record === 'object' ? Object.keys(record).length : 0;
    if (count > limits.timelineEntries) {
      issues.push({ code: 'too_large', path, message: `Expected at most ${limits.timelineEntries} entries; received ${groupDigits(count)}` });
    }
  }
  return issues;
}

/**
 * What the shape check learned about a timeline on the way, for the checks after it: the
 * entries as checked (copies, as the schema's output), the time of each entry's `at`, and at
 * least what `jsonLengthBound` counts for its entries (without the array's brackets and commas).
 */
export interface CheckedTimeline {
  readonly entries: readonly TimelineEntry[];
  readonly times: Float64Array;
  readonly bound: number;
}

/**
 * The shape checks of a stored incident, as issues. The timeline, which holds most of a long
 * incident, is checked by {@link checkTimeline} and the rest by the schema; whatever that
 * check does not accept goes through the schema whole, which says what is wrong.
 *
 * @category Server runtime
 */
export function checkShape(document: unknown): { data?: StoredIncident; issues: Issue<IncidentIssueCode>[]; timeline?: CheckedTimeline } {
  const size = checkSize(document);
  if (size.length > 0) return { issues: size };
  const split = splitTimeline(document);
  if (split !== undefined && split.timeline !== undefined) {
    const result = fastStoredIncidentSchema.get().safeParse(split.rest, { reportInput: true });
    if (result.success) {
      const data = result.data as { snapshot: { context: { timeline: readonly TimelineEntry[] } } };
      data.snapshot.context.timeline = split.timeline.entries;
      return { data: data as unknown as StoredIncident, issues: [], timeline: split.timeline };
    }
  }
  if (split !== undefined && split.timeline === undefined && split.entries.length > 0) {
    // Something is wrong in the timeline: the rest through the schema, then the entries one by
    // one, until more issues are found than are listed (not every mistake of 10,000 entries).
    const rest = fastStoredIncidentSchema.get().safeParse(split.rest, { reportInput: true });
    const issues: Issue<IncidentIssueCode>[] = rest.success ? [] : fromZodIssues(rest.error.issues, [], 'length');
    const entrySchema = fastTimelineEntrySchema.get();
    let unlisted = 0;
    split.entries.forEach((entry, index) => {
      if (issues.length > listedIssues) return void unlisted++;
      const checked = entrySchema.safeParse(entry, { reportInput: true });
      if (!checked.success) issues.push(...fromZodIssues(checked.error.issues, ['snapshot', 'context', 'timeline', index], 'length'));
    });
    // A few: the whole document through the schema, for its issues in the schema's order.
    if (unlisted > 0 || issues.length > listedIssues) {
      const message = `and more issues, not listed (the first ${listedIssues} are; the last ${groupDigits(unlisted)} entries of the timeline were not checked)`;
      return { issues: [...issues.slice(0, listedIssues), { code: 'invalid_document', path: [], message }] };
    }
  }
  const result = fastStoredIncidentSchema.get().safeParse(document, { reportInput: true });
  return result.success
    ? { data: result.data as StoredIncident, issues: [] }
    : { issues: capIssues(fromZodIssues(result.error.issues, [], 'length')) };
}

const isPlain = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/**
 * A document with a timeline (a list), as that timeline as {@link checkTimeline} accepts it
 * (`undefined` when it does not), its entries, and a copy of the rest with an empty one, for
 * the schema; `undefined` for anything else. Only plain objects are split: their own keys,
 * which the copies keep, are then all the schema would read.
 */
function splitTimeline(document: unknown): { timeline: CheckedTimeline | undefined; entries: readonly unknown[]; rest: unknown } | undefined {
  if (!isPlain(document)) return undefined;
  const snapshot = document.snapshot;
  if (!isPlain(snapshot)) return undefined;
  const context = snapshot.context;
  if (!isPlain(context) || !Object.hasOwn(context, 'timeline') || !Array.isArray(context.timeline)) return undefined;
  const timeline = checkTimeline(context.timeline);
  return { timeline, entries: context.timeline as unknown[], rest: { ...document, snapshot: { ...snapshot, context: { ...context, timeline: [] } } } };
}

/**
 * At least what `jsonLengthBound` counts for an entry beyond its strings: braces, and every key
 * it can have with its colon and comma and a value of 25 (a number) or 5 (undefined).
 */
const entryBound = 2 + 20 + (['at', 'occurredAt', 'type', 'from', 'to', 'window', 'followUp', 'reminder', 'severity', 'by', 'note'] satisfies (keyof TimelineEntry)[]).reduce((sum, key) => sum + 4 + 6 * key.length + 5, 0);
/** `jsonLengthBound` of a string; 0 for anything else. */
const stringBound = (value: unknown) => (typeof value === 'string' ? 2 + 6 * value.length : 0);

/** Whether `key` is one of a timeline entry's. */
function isEntryKey(key: string): boolean {
  switch (key) {
    case 'at':
    case 'type':
    case 'from':
    case 'to':
    case 'by':
    case 'note':
    case 'occurredAt':
    case 'window':
    case 'followUp':
    case 'reminder':
    case 'severity':
      return true;
    default:
      return false;
  }
}

/** A name the schema accepts (`name`). */
const isName = (value: unknown): value is string => typeof value === 'string' && value.length >= 1 && value.length <= limits.nameLength;

/** Whether `text` is printable ASCII only: one-line clean text (a few times faster than the regular expressions for a short name). */
function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 || code > 126) return false;
  }
  return true;
}

/** A note the schema accepts (`textSchema()`). */
const isNote = (value: string): boolean => value.length <= limits.textLength && isCleanText(value);

/** A `by` the schema accepts (`bySchema`). */
const isBy = (value: string): boolean =>
  value.length >= 1 && value.length <= limits.byLength && (isPrintableAscii(value) || isOneLineText(value));

/**
 * The timeline of a stored incident checked as the schema checks it, without the schema (its
 * per-entry work is most of the shape check of a long incident): `undefined` unless `value` is
 * an array of entries the schema certainly accepts, with their times in the form the library
 * writes. Each entry is copied as the schema's output is: the keys it has, in the schema's order,
 * each read once.
 */
export function checkTimeline(value: unknown): CheckedTimeline | undefined {
  if (!Array.isArray(value) || value.length > limits.timelineEntries) return undefined;
  const count = value.length;
  const entries = new Array<TimelineEntry>(count);
  const times = new Float64Array(count);
  let bound = 0;
  for (let index = 0; index < count; index++) {
    const item: unknown = value[index];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
    const source = item as Record<string, unknown>;
    const { at, occurredAt, type, from, to, window, followUp, reminder, severity, by, note } = source;
    for (const key in source) if (!isEntryKey(key)) return undefined;
    const time = strictTime(at);
    if (
      Number.isNaN(time) ||
      !isName(type) ||
      !isName(from) ||
      !isName(to) ||
      !(occurredAt === undefined || !Number.isNaN(strictTime(occurredAt))) ||
      !(window === undefined || isName(window)) ||
      !(followUp === undefined || (typeof followUp === 'number' && Number.isInteger(followUp) && followUp >= 1 && followUp <= limits.followUps)) ||
      !(reminder === undefined || isName(reminder)) ||
      !(severity === undefined || isName(severity)) ||
      !(by === undefined || (typeof by === 'string' && isBy(by))) ||
      !(note === undefined || (typeof note === 'string' && isNote(note)))
    ) {
      return undefined;
    }
    // The keys it has (an optional one may be there as undefined), in the schema's order.
    const entry: Record<string, unknown> = occurredAt === undefined && !('occurredAt' in source) ? { at, type, from, to } : { at, occurredAt, type, from, to };
    if (window !== undefined || 'window' in source) entry.window = window;
    if (followUp !== undefined || 'followUp' in source) entry.followUp = followUp;
    if (reminder !== undefined || 'reminder' in source) entry.reminder = reminder;
    if (severity !== undefined || 'severity' in source) entry.severity = severity;
    if (by !== undefined || 'by' in source) entry.by = by;
    if (note !== undefined || 'note' in source) entry.note = note;
    entries[index] = entry as unknown as TimelineEntry;
    times[index] = time;
    bound +=
      entryBound +
      stringBound(at) +
      stringBound(occurredAt) +
      stringBound(type) +
      stringBound(from) +
      stringBound(to) +
      stringBound(window) +
      stringBound(reminder) +
      stringBound(severity) +
      stringBound(by) +
      stringBound(note);
  }
  return { entries, times, bound };
}


/**
 * An upper bound of `JSON.stringify(value).length` (a string counted as if every character
 * needed a six-character escape), or `Infinity` once it passes `budget` or for anything that is
 * not plain JSON data (a `toJSON` method, a class instance, a bigint): a cheap walk that tells
 * a document well within a size limit without writing it out. An array that starts with the
 * entries of `known` (the very objects) counts them by `known.bound` instead of walking them.
 */
export function jsonLengthBound(value: unknown, budget: number, known?: CheckedTimeline): number {
  let total = 0;
  const walk = (item: unknown): boolean => {
    switch (typeof item) {
      case 'string':
        total += 2 + 6 * item.length;
        break;
      case 'number':
        total += 25; // "-0.0000012345678901234567"
        break;
      case 'boolean':
      case 'undefined':
        total += 5;
        break;
      case 'object': {
        if (item === null) {
          total += 4;
          break;
        }
        if (Array.isArray(item)) {
          total += 2 + item.length;
          let start = 0;
          if (known !== undefined && known.entries.length > 0 && startsWith(item, known.entries)) {
            total += known.bound;
            start = known.entries.length;
          }
          for (let index = start; index < item.length; index++) if (!walk(item[index])) return false;
          break;
        }
        const prototype = Object.getPrototypeOf(item) as unknown;
        if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in item) return false;
        total += 2;
        for (const key in item) {
          total += 4 + 6 * key.length;
          if (!walk((item as Record<string, unknown>)[key])) return false;
        }
        break;
      }
      default:
        return false;
    }
    return total <= budget;
  };
  return walk(value) ? total : Infinity;
}

/** Whether `list` starts with the very elements of `start`. */
export function startsWith(list: readonly unknown[], start: readonly unknown[]): boolean {
  if (list.length < start.length) return false;
  for (let index = 0; index < start.length; index++) if (list[index] !== start[index]) return false;
  return true;
}
