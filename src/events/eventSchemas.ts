import { z } from 'zod';
import { incidentFactsSchema } from './facts.js';
import type { PayloadField, PlaybookDefinition } from '../definition/types.js';

/**
 * Bounds of the metadata fields every event may carry.
 *
 * @category Events
 */
export const metadataShape = {
  by: z.string().min(1).max(120).optional(),
  note: z.string().max(2000).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
};

function fieldSchema(field: PayloadField): z.ZodType {
  const required = (() => {
    switch (field.type) {
      case 'string':
        return z.string().max(field.maxLength ?? 2000);
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
 *
 * @category Events
 */
export function createEventSchemas(definition: PlaybookDefinition): ReadonlyMap<string, z.ZodType> {
  const schemas = new Map<string, z.ZodType>();
  for (const [type, spec] of Object.entries(definition.events)) {
    const payload = Object.fromEntries(
      Object.entries(spec.payload ?? {}).map(([name, field]) => [name, fieldSchema(field)]),
    );
    const shape = spec.schema ? spec.schema.shape : payload;
    schemas.set(type, z.strictObject({ ...metadataShape, ...shape, type: z.literal(type) }));
  }
  return schemas;
}
