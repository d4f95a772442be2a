import type { IncidentIssueCode } from '../errors/errors.js';
import { z } from 'zod';
import type { IncidentContext, IncidentOutput } from '../compile/context.js';
import { bySchema, textSchema, timeSchema } from '../events/eventSchemas.js';
import { incidentFactsSchema } from '../definition/facts.js';
import { fastSchema } from '../definition/fastSchema.js';
import { fromZodIssues, type Issue } from '../errors/issues.js';
import { limits } from '../limits.js';
import { parseTime } from '../isoTime.js';

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

const contextSchema = z.strictObject({
  facts: incidentFactsSchema.partial(),
  windows: z.record(name, z.number().int().positive().max(limits.windowMs)),
  timeline: z
    .array(
      z.strictObject({
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
      }),
    )
    .max(limits.timelineEntries),
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

/**
 * JSON with sorted keys, so that documents compare equal whatever order a database keeps.
 * `texts` keeps the text of objects whose values are all primitives (timeline entries,
 * mostly) for later calls with the same `texts`: only for as long as none of them can change,
 * such as while one document is read and the next one written.
 */
export function canonical(value: unknown, texts?: WeakMap<object, string>): string {
  return canonicalData(value, texts) ?? canonicalAny(value);
}

/** `canonical` by a replacer: any value `JSON.stringify` takes (a `toJSON`, a class instance...). */
function canonicalAny(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

// A key that an object lists first, in numeric order, whatever order it was added in.
const indexKey = /^(?:0|[1-9]\d{0,9})$/;
const quotedKeys = new Map<string, string>();
// What JSON.stringify escapes in a string: quotes, backslashes, control characters, surrogates.
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 1024) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * `canonical` of plain JSON data, written directly (the same text as {@link canonicalAny}, a few
 * times faster), or `undefined` for anything else: a value with `toJSON`, an object that is not
 * plain, a key an object would list in numeric order.
 */
function canonicalData(value: unknown, texts: WeakMap<object, string> | undefined): string | undefined {
  switch (typeof value) {
    case 'string':
      // Most strings need no escape: quoted as they are, without a call into JSON.
      return needsEscape.test(value) ? JSON.stringify(value) : `"${value}"`;
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let text = '[';
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          const written = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : canonicalData(item, texts);
          if (written === undefined) return undefined;
          text += i === 0 ? written : `,${written}`;
        }
        return `${text}]`;
      }
      const known = texts?.get(value);
      if (known !== undefined) return known;
      const prototype = Object.getPrototypeOf(value) as unknown;
      if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value) return undefined;
      const keys = Object.keys(value);
      // Insertion sort for the few keys of most objects, often in order already (sort() compares
      // slowly); sort() for many, whose order an insertion sort would take quadratic time to find.
      if (keys.length > 16) keys.sort();
      else for (let i = 1; i < keys.length; i++) {
        const key = keys[i]!;
        let j = i - 1;
        while (j >= 0 && keys[j]! > key) {
          keys[j + 1] = keys[j]!;
          j--;
        }
        keys[j + 1] = key;
      }
      let text = '{';
      let leaf = true;
      for (const key of keys) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        const first = key.charCodeAt(0);
        if (first >= 48 && first <= 57 && indexKey.test(key) && Number(key) < 4_294_967_295) return undefined;
        if (item !== null && typeof item === 'object') leaf = false;
        const written = canonicalData(item, texts);
        if (written === undefined) return undefined;
        text += `${text.length === 1 ? '' : ','}${quoteKey(key)}:${written}`;
      }
      text += '}';
      if (leaf) texts?.set(value, text);
      return text;
    }
    default:
      return undefined;
  }
}

/**
 * Refuses documents far too large to be a stored incident before they are checked in full:
 * a list longer than any limit allows costs no more than reading its length.
 */
function checkSize(document: unknown): Issue<IncidentIssueCode>[] {
  const context = (document as { snapshot?: { context?: Record<string, unknown> } } | null)?.snapshot?.context;
  if (context === null || typeof context !== 'object') return [];
  const issues: Issue<IncidentIssueCode>[] = [];
  for (const key of ['timeline', 'threats', 'deadlines', 'reminders'] as const) {
    const list = Object.hasOwn(context, key) ? context[key] : undefined;
    if (Array.isArray(list) && list.length > limits.timelineEntries) {
      issues.push({
        code: 'too_large',
        path: ['snapshot', 'context', key],
        message: `Expected at most ${limits.timelineEntries} entries; received ${list.length.toLocaleString('en-US')}`,
      });
    }
  }
  return issues;
}

/**
 * The shape checks of a stored incident, as issues.
 *
 * @category Server runtime
 */
export function checkShape(document: unknown): { data?: StoredIncident; issues: Issue<IncidentIssueCode>[] } {
  const size = checkSize(document);
  if (size.length > 0) return { issues: size };
  const result = fastStoredIncidentSchema.get().safeParse(document, { reportInput: true });
  return result.success
    ? { data: result.data as StoredIncident, issues: [] }
    : { issues: fromZodIssues(result.error.issues) };
}


/**
 * An upper bound of `JSON.stringify(value).length` (a string counted as if every character
 * needed a six-character escape), or `Infinity` once it passes `budget` or for anything that is
 * not plain JSON data (a `toJSON` method, a class instance, a bigint): a cheap walk that tells
 * a document well within a size limit without writing it out.
 */
export function jsonLengthBound(value: unknown, budget: number): number {
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
          for (const element of item) if (!walk(element)) return false;
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
