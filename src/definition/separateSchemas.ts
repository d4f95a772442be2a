import type { Issue } from '../errors/issues.js';
import type { PlaybookIssueCode } from '../errors/errors.js';
import { metadataFields, metadataMessage, prototypeFieldMessage } from './builtins.js';

/** A zod object schema: `_zod` with the type "object", and a shape of zod schemas. */
function isZodObject(value: unknown): value is { shape: Record<string, unknown> } {
  try {
    if (typeof value !== 'object' || value === null || !('_zod' in value) || !('shape' in value)) return false;
    const { _zod: internals, shape } = value as { _zod: { def?: { type?: unknown } }; shape: unknown };
    return (
      internals?.def?.type === 'object' &&
      typeof shape === 'object' &&
      shape !== null &&
      Object.values(shape).every((field) => typeof field === 'object' && field !== null && '_zod' in field)
    );
  } catch {
    return false;
  }
}

/**
 * Takes the TypeScript-only zod `schema` of each event out of a definition, so that the rest
 * can be checked as JSON, and reports schemas that are not zod objects.
 */
export function separateEventSchemas(input: unknown): { data: unknown; issues: Issue<PlaybookIssueCode>[] } {
  if (typeof input !== 'object' || input === null || !('events' in input)) return { data: input, issues: [] };
  const events = (input as { events: unknown }).events;
  if (typeof events !== 'object' || events === null || Array.isArray(events)) return { data: input, issues: [] };
  const issues: Issue<PlaybookIssueCode>[] = [];
  const stripped: Record<string, unknown> = {};
  for (const [type, spec] of Object.entries(events)) {
    if (typeof spec !== 'object' || spec === null || !('schema' in spec)) {
      stripped[type] = spec;
      continue;
    }
    const { schema, ...rest } = spec as { schema: unknown; payload?: unknown };
    if (!isZodObject(schema)) {
      issues.push({ code: 'invalid_schema', path: ['events', type, 'schema'], message: 'Expected a zod object schema (z.object({...}))' });
    } else if (rest.payload !== undefined) {
      issues.push({ code: 'conflicting_payload', path: ['events', type], message: 'Give either "payload" or "schema", not both' });
    } else if (Object.hasOwn(schema.shape, 'type')) {
      issues.push({ code: 'reserved_field', path: ['events', type, 'schema', 'type'], message: 'The payload field "type" is reserved for the event type' });
    } else {
      for (const field of metadataFields) {
        if (Object.hasOwn(schema.shape, field)) issues.push({ code: 'reserved_field', path: ['events', type, 'schema', field], message: metadataMessage(field) });
      }
      for (const field of Object.keys(schema.shape)) {
        // An optional field left out would read the one every object has (a function).
        if (field in Object.prototype && (schema.shape[field] as { safeParse?: (value: unknown) => { success: boolean } }).safeParse?.(undefined).success === true) {
          issues.push({ code: 'reserved_field', path: ['events', type, 'schema', field], message: prototypeFieldMessage(field) });
        }
      }
    }
    stripped[type] = rest;
  }
  return { data: { ...input, events: stripped }, issues };
}

