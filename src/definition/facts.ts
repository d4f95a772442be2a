import { z } from 'zod';

/**
 * Where the angry posts can have been made: the values of `venue` in {@link IncidentFacts}.
 *
 * @example
 * ```ts
 * import { venues } from 'crisis-playbook';
 *
 * console.log(venues.includes('private-group')); // true
 * ```
 *
 * @category Events
 */
export const venues = ['personal-feed', 'public-group', 'private-group', 'unknown'] as const;

/**
 * Zod schema of what the responder has learned about the incident.
 *
 * @example
 * ```ts
 * import { incidentFactsSchema } from 'crisis-playbook';
 *
 * const facts = incidentFactsSchema.partial().parse({ venue: 'private-group', witnessed: false });
 * console.log(facts.venue); // 'private-group'
 * ```
 *
 * @category Events
 */
export const incidentFactsSchema = z.strictObject({
  /** Did the responder see the posts themselves? */
  witnessed: z.boolean(),
  /** Does the responder know the upset person? */
  knowsPoster: z.boolean(),
  /** Is the responder connected to that person (friends, followers), so they can read the posts? */
  connectedToPoster: z.boolean(),
  /** Where the posts were made. */
  venue: z.enum(venues),
  /** Is the responder a member of that group? */
  memberOfVenue: z.boolean(),
  /** Is anyone else in the organisation a member of that group? */
  insiderInVenue: z.boolean(),
});

/**
 * What the responder has learned about the incident: the answers to the questions of the
 * default playbook's first rung, "Gather information" (see "The default playbook" in the
 * concepts guide).
 *
 * @example
 * ```ts
 * import type { IncidentFacts } from 'crisis-playbook';
 *
 * const facts: Partial<IncidentFacts> = { venue: 'private-group', insiderInVenue: true };
 * ```
 *
 * @category Events
 */
export type IncidentFacts = z.infer<typeof incidentFactsSchema>;
