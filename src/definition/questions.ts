// How a form or the command line asks for what an event carries: the questions of the facts,
// and a question for any payload field.
import type { IncidentFacts } from './facts.js';
import type { PlaybookDefinition } from './types.js';

/**
 * The question a form or the command line asks for each fact of {@link IncidentFacts}, in the
 * order they are best asked.
 *
 * @example
 * ```ts
 * import { factQuestions } from 'crisis-playbook/authoring';
 *
 * for (const [fact, question] of factQuestions) console.log(fact, question);
 * // witnessed Did you see the posts yourself?
 * ```
 *
 * @category Authoring
 */
export const factQuestions: readonly (readonly [keyof IncidentFacts, string])[] = [
  ['witnessed', 'Did you see the posts yourself?'],
  ['knowsPoster', 'Do you know the upset person?'],
  ['connectedToPoster', 'Are you connected to them (friends, followers)?'],
  ['venue', 'Where were the posts made?'],
  ['memberOfVenue', 'Are you a member of that group?'],
  ['insiderInVenue', 'Is anyone else in the organisation a member of that group?'],
];

/**
 * The question for the payload field `name` of event `type`: the field's own `question` when the
 * playbook gives one, else one made from the event's description and the field's name.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { fieldQuestion } from 'crisis-playbook/authoring';
 *
 * console.log(fieldQuestion(defaultPlaybook, 'call.completed', 'apology')); // 'Did the organisation apologise?'
 * ```
 *
 * @category Authoring
 */
export function fieldQuestion(definition: Pick<PlaybookDefinition, 'events'>, type: string, name: string): string {
  const spec = definition.events[type];
  const question = spec?.payload?.[name]?.question;
  if (question !== undefined) return question;
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spec?.description ? `${spec.description.replace(/\.$/, '')}: what ${words}?` : `What ${words}?`;
}
