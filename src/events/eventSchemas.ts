import { bySchemaOnce, timeSchemaOnce } from './fieldSchemas.js';

// The field schemas the stored-incident schema shares with the event schemas. The main entry
// imports fieldSchemas.js only, so that importing it builds none of them.
export { createEventSchema, createEventSchemas, textSchema } from './fieldSchemas.js';

/** An ISO 8601 time with an offset, within the times an incident can be processed at. */
export const timeSchema = timeSchemaOnce();

/** Who recorded an event: a name on one line. */
export const bySchema = bySchemaOnce();
