import { z } from 'zod';

// The building blocks of redaction: how one value is kept or replaced, by the schema that
// vouches for it, by a set of known names, or key by key. The playbook's rules are in redactionRules.ts.

/** What every redacted value is replaced with. */
export const REDACTED = '[redacted]';
/** Deepest nesting of a zod-described payload the redactor follows; deeper values are redacted. */
export const maxDepth = 16;
const isoTime = z.iso.datetime({ offset: true });

export type Schema = z.core.$ZodType;
interface Def {
  readonly type: string;
  readonly innerType?: Schema;
  readonly in?: Schema;
  readonly out?: Schema;
  readonly getter?: () => Schema;
  readonly options?: readonly Schema[];
  readonly left?: Schema;
  readonly right?: Schema;
  readonly shape?: Readonly<Record<string, Schema>>;
  readonly element?: Schema;
  readonly entries?: Readonly<Record<string, unknown>>;
}
export const defOf = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** True when the schema, or a schema it wraps, carries the zod metadata `{ personal: true }`. */
export function isPersonalSchema(schema: Schema | undefined, depth = 0): boolean {
  if (schema === undefined || depth > maxDepth) return false;
  if ((z.globalRegistry.get(schema) as { personal?: unknown } | undefined)?.personal === true) return true;
  const def = defOf(schema);
  if (def.innerType) return isPersonalSchema(def.innerType, depth + 1);
  if (def.type === 'pipe') return isPersonalSchema(def.in, depth + 1) || isPersonalSchema(def.out, depth + 1);
  if (def.type === 'lazy' && def.getter) return isPersonalSchema(def.getter(), depth + 1);
  // A union (`.or(z.null())`, `z.union([…])`) is personal when any of its options is; an intersection when either side is.
  if (def.options) return def.options.some((option) => isPersonalSchema(option, depth + 1));
  if (def.type === 'intersection') return isPersonalSchema(def.left, depth + 1) || isPersonalSchema(def.right, depth + 1);
  return false;
}

/** The schema inside `optional`, `nullable`, `default`, `readonly`, `catch`, pipes and lazy schemas. */
export function unwrap(schema: Schema): Schema {
  let current = schema;
  for (let depth = 0; depth < maxDepth; depth++) {
    const def = defOf(current);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : def.type === 'lazy' ? def.getter?.() : undefined);
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

export function parses(schema: Schema, value: unknown): boolean {
  try {
    return z.safeParse(schema, value).success;
  } catch {
    // Asynchronous refinements and throwing transforms vouch for nothing.
    return false;
  }
}

export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Own keys, minus `__proto__`, which would change the prototype of the copy. */
export const keysOf = (value: object) => Object.keys(value).filter((key) => key !== '__proto__');

/**
 * A value as its schema vouches for it: personal parts and values the schema rejects are
 * replaced, keys the schema does not know are left out, objects and arrays are followed.
 */
export function vouched(schema: Schema, value: unknown, depth = 0): unknown {
  if (value === undefined) return undefined;
  if (depth > maxDepth || isPersonalSchema(schema)) return REDACTED;
  if (value !== null && typeof value === 'object') {
    const def = defOf(unwrap(schema));
    if (def.type === 'object' && def.shape && !Array.isArray(value)) {
      const shape = def.shape;
      const result: Record<string, unknown> = {};
      for (const key of keysOf(value)) {
        if (!Object.hasOwn(shape, key)) continue;
        const kept = vouched(shape[key]!, (value as Record<string, unknown>)[key], depth + 1);
        if (kept !== undefined) result[key] = kept;
      }
      return result;
    }
    if (def.type === 'array' && def.element && Array.isArray(value)) {
      return value.map((item: unknown) => vouched(def.element!, item, depth + 1) ?? null);
    }
    return REDACTED;
  }
  return parses(schema, value) ? value : REDACTED;
}

/** A string from a known set, else `"[redacted]"`. */
export const known = (names: ReadonlySet<string>, value: unknown) => (typeof value === 'string' && names.has(value) ? value : REDACTED);
export const time = (value: unknown) => (typeof value === 'string' && isoTime.safeParse(value).success ? value : REDACTED);
export const count = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : REDACTED);

/** Copies the listed keys that are present, each through its rule; every other key is left out. */
export function pick(value: unknown, rules: Readonly<Record<string, (field: unknown) => unknown>>): unknown {
  if (value === undefined) return undefined;
  if (!isRecord(value)) return REDACTED;
  const result: Record<string, unknown> = {};
  for (const key of keysOf(value)) {
    if (!Object.hasOwn(rules, key) || value[key] === undefined) continue;
    result[key] = rules[key]!(value[key]);
  }
  return result;
}

export const listOf = (item: (value: unknown) => unknown) => (value: unknown) => (Array.isArray(value) ? value.map(item) : REDACTED);
