import { z } from 'zod';
import { isCleanText, limits } from '../limits.js';
import type { Condition } from './types.js';

/** An id of a rung, state, track, guard, window or action (and a guard's name in a condition). */
export const idPattern = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** A dot-namespaced, lower-case event type, such as `access.denied`. */
export const eventTypePattern = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
/** The longest event type. */
export const eventTypeMaxLength = 100;
/** The longest duration written as text. */
export const durationTextMaxLength = 40;

const id = z.string().regex(idPattern, 'Expected an id of letters, digits, "_" or "-", starting with a letter');
const eventType = z
  .string()
  .regex(eventTypePattern, 'Expected a dot-namespaced, lower-case event type such as "access.denied"')
  .max(eventTypeMaxLength);
// Titles, descriptions and advice are shown in terminals, inspectors and diagrams: no control characters.
const text = (max: number) => z.string().min(1).max(max).refine(isCleanText, { message: 'Expected text without control characters other than tab and line breaks' });
const value = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
const path = z
  .string()
  .regex(
    /^(facts|event|threats|supporters)(\.[A-Za-z0-9_-]+)*$/,
    'Expected a path rooted at "facts", "event", "threats" or "supporters"',
  );

/**
 * Zod schema of a {@link Condition}: a named guard, `all`/`any`/`not`, or a comparison
 * (`equals`, `in`, `includes`, `atLeast`) of the value at `path`.
 *
 * @example
 * ```ts
 * import { conditionSchema } from 'crisis-playbook/authoring';
 *
 * conditionSchema.parse({ any: ['isPosterKnown', { path: 'facts.venue', in: ['personal-feed'] }] });
 * ```
 *
 * @category Playbook definition
 */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    id,
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
    z.strictObject({ path, equals: value }),
    z.strictObject({ path, in: z.array(value).min(1) }),
    z.strictObject({ path, includes: value }),
    z.strictObject({ path, atLeast: z.number().int().min(0) }),
  ]),
);

const duration = z.union([
  z.number(),
  z.string().max(durationTextMaxLength),
]);

// `personal: true`: the field can carry personal data; the redactor replaces its value.
const personal = z.boolean().optional();
// How a form or the CLI asks for the value.
const question = text(300).optional();
const payloadField = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('string'),
    optional: z.boolean().optional(),
    maxLength: z.number().int().positive().max(2000).optional(),
    personal,
    question,
  }),
  z.strictObject({ type: z.literal('boolean'), optional: z.boolean().optional(), personal, question }),
  z.strictObject({
    type: z.literal('enum'),
    values: z.array(z.string().min(1).max(100)).min(1),
    optional: z.boolean().optional(),
    personal,
    question,
  }),
  z.strictObject({ type: z.literal('facts'), optional: z.boolean().optional(), personal, question }),
]);

const transition = z.strictObject({
  event: eventType,
  target: id.optional(),
  reenter: z.boolean().optional(),
  guard: conditionSchema.optional(),
  actions: z.array(id).optional(),
  description: text(500).optional(),
});

const after = z.strictObject({
  window: id,
  target: id,
  guard: conditionSchema.optional(),
  actions: z.array(id).optional(),
  description: text(500).optional(),
});

const advice = z.strictObject({
  title: text(200),
  detail: text(2000),
  priority: z.number().int().min(0).max(1000),
  when: conditionSchema.optional(),
  because: z.array(id).optional(),
  drafts: z.array(z.strictObject({ title: text(200), text: text(4000), when: conditionSchema.optional() })).max(20).optional(),
});

const tags = z.array(z.string().regex(/^[a-z][a-z0-9-]*$/).max(40)).optional();

const rung = z.strictObject({
  id,
  title: text(200),
  description: text(1000),
  final: z.boolean().optional(),
  tags,
  advice: z.array(advice),
  on: z.array(transition).optional(),
  after: z.array(after).optional(),
  followUps: z
    .strictObject({ window: id, max: z.number().int().min(1).max(limits.followUps), description: text(500).optional() })
    .optional(),
});

const trackState = z.strictObject({
  id,
  title: text(200),
  description: text(1000),
  tags,
  advice: z.array(advice),
  on: z.array(transition).optional(),
});

const track = z.strictObject({
  id,
  title: text(200),
  description: text(1000),
  initial: id,
  states: z.array(trackState).min(1),
});

/**
 * Zod schema of a {@link index!PlaybookDefinition}: the shape of the data. Cross-references (targets,
 * events, guards, windows, reachability) are checked by {@link safeParsePlaybook}.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { playbookDefinitionSchema } from 'crisis-playbook/authoring';
 *
 * const result = playbookDefinitionSchema.safeParse(JSON.parse(JSON.stringify(defaultPlaybook)));
 * console.log(result.success); // true
 * ```
 *
 * @category Playbook definition
 */
export const playbookDefinitionSchema = z.strictObject({
  /** Lets editors find the JSON Schema; ignored by the compiler. */
  $schema: z.string().max(500).optional(),
  id,
  version: z.string().min(1).max(40),
  title: text(200),
  description: text(2000),
  events: z.record(eventType, z.strictObject({
    description: text(500).optional(),
    directContact: z.boolean().optional(),
    payload: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/).max(40), payloadField).optional(),
  })),
  guards: z.record(
    id,
    z.strictObject({
      description: text(500),
      condition: conditionSchema,
      reason: z.strictObject({ true: text(500), false: text(500), unknown: text(500).optional() }).optional(),
    }),
  ),
  windows: z.record(id, z.strictObject({ description: text(500), duration })),
  ladder: z.strictObject({
    initial: id,
    description: text(1000),
    fromEveryRung: z.array(transition).optional(),
    rungs: z.array(rung).min(1),
  }),
  tracks: z.array(track),
  severity: z
    .strictObject({
      levels: z.array(z.strictObject({ id, title: text(200), description: text(1000), respondWithin: duration.optional(), advice: z.array(advice).optional() })).min(1).max(10),
      rules: z.array(z.strictObject({ when: conditionSchema, level: id })).max(100),
    })
    .optional(),
  translations: z.record(z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/).max(35), z.record(text(4000), text(4000))).optional(),
});
