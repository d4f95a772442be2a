import { z } from 'zod';
import { quote } from '../quote.js';
import { suggestion } from '../suggest.js';

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
export const incidentFactsSchema = z.strictObject(
  {
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
  },
  // A misnamed fact (`hasInsiderInVenue`, the guard's name): the one meant, and the list.
  { error: (issue) => (issue.code === 'unrecognized_keys' ? unknownFacts(issue.keys) : undefined) },
);

/** The answers each fact can take (advice tries them to see whether an unrecorded fact matters). */
export const factAnswers: { readonly [Fact in keyof IncidentFacts]: readonly IncidentFacts[Fact][] } = {
  witnessed: [true, false],
  knowsPoster: [true, false],
  connectedToPoster: [true, false],
  venue: venues,
  memberOfVenue: [true, false],
  insiderInVenue: [true, false],
};

/** The facts an incident records, by name. */
export const factNames: readonly string[] = Object.keys(factAnswers);

function unknownFacts(keys: readonly string[]): string {
  const named = keys.slice(0, 3).map((key) => {
    return `${quote(key, 40)}${suggestion(key.toLowerCase(), factNames, { normal: (name) => name.toLowerCase() })}`;
  });
  const more = keys.length > 3 ? ` and ${keys.length - 3} more` : '';
  return `Unknown fact${keys.length === 1 ? '' : 's'} ${named.join(', ')}${more}; the facts are ${factNames.join(', ')}`;
}

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
