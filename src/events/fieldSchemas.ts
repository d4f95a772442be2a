import { z } from 'zod';
import { incidentFactsSchema } from '../definition/facts.js';
import { once } from '../definition/fastSchema.js';
import type { PayloadField } from '../definition/eventSpec.js';
import type { PlaybookDefinition } from '../definition/types.js';
import { isCleanText, isOneLineText, isProcessableTime, limitMessages, limits } from '../limits.js';
import { parseTime } from '../isoTime.js';

/** Free text of at most `max` characters, without control characters other than tab and line breaks. */
export function textSchema(max: number = limits.textLength) {
  return z.string().max(max).refine(isCleanText, { message: `Expected ${limitMessages.text}` });
}

// The schemas below are built the first time an event schema (or the stored-incident schema)
// needs them, not at import: building zod schemas is most of what importing would cost.

/** An ISO 8601 time with an offset, within the times an incident can be processed at (one schema, built on first use). */
export const timeSchemaOnce = once(() =>
  z.iso
    .datetime({ offset: true })
    .max(limits.timeLength)
    .refine((value) => isProcessableTime(parseTime(value)), { message: `Expected ${limitMessages.time}` }),
);

/** Who recorded an event: a name on one line (one schema, built on first use). */
export const bySchemaOnce = once(() =>
  z
    .string()
    .min(1)
    .max(limits.byLength)
    .refine(isOneLineText, {
      message: `Expected a name of at most ${limits.byLength} characters on one line, without control characters`,
    }),
);

/** Bounds of the metadata fields every event may carry (built on first use). */
const metadataShape = once(() => ({ by: bySchemaOnce().optional(), note: textSchema().optional(), at: timeSchemaOnce().optional() }));

function fieldSchema(field: PayloadField): z.ZodType {
  const required = (() => {
    switch (field.type) {
      case 'string':
        return textSchema(Math.min(field.maxLength ?? limits.textLength, limits.textLength));
      case 'boolean':
        return z.boolean();
      case 'enum':
        return z.enum(field.values as [string, ...string[]]);
      case 'facts':
        return incidentFactsSchema.partial();
    }
  })();
  return field.optional ? required.optional() : required;
}

/**
 * Builds one strict zod object schema per event type of a definition: the payload fields,
 * the metadata fields (`by`, `note`, `at`) and the literal `type`. Unknown keys are rejected.
 * Every string of an event, including those of payloads given as zod schemas, is free text
 * within {@link limits}.
 *
 * @category Events
 */
export function createEventSchemas(definition: PlaybookDefinition): ReadonlyMap<string, z.ZodType> {
  return new Map(Object.keys(definition.events).map((type) => [type, createEventSchema(definition, type)]));
}

/** The schema of one event type of `definition` (declared there), as in {@link createEventSchemas}. */
export function createEventSchema(definition: PlaybookDefinition, type: string): z.ZodType {
  const spec = definition.events[type]!;
  const payload = Object.fromEntries(Object.entries(spec.payload ?? {}).map(([name, field]) => [name, fieldSchema(field)]));
  const object = z.strictObject({ ...metadataShape(), ...(spec.schema ? spec.schema.shape : payload), type: z.literal(type) });
  // A payload written as a zod schema may allow any string; the incident keeps no text beyond the limits.
  return spec.schema ? object.superRefine(checkStrings) : object;
}

function checkStrings(value: unknown, ctx: z.RefinementCtx, path: (string | number)[] = [], depth = 0): void {
  if (typeof value === 'string') {
    if (value.length > limits.textLength || !isCleanText(value)) {
      ctx.addIssue({ code: 'custom', path, message: `Expected ${limitMessages.text}; received a string of ${value.length} characters` });
    }
    return;
  }
  if (value === null || typeof value !== 'object' || depth > 16) return;
  for (const [key, child] of Object.entries(value)) checkStrings(child, ctx, [...path, Array.isArray(value) ? Number(key) : key], depth + 1);
}
