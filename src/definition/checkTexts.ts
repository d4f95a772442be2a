import { incidentFactsSchema } from './facts.js';
import { personalContextPaths, placeholdersOf } from './placeholders.js';
import type { AdviceSpec, PlaybookDefinition } from './types.js';
import type { PlaybookIssueCode } from '../errors/errors.js';
import type { Issue } from '../errors/issues.js';
import { quote } from '../quote.js';

type Path = (string | number)[];

/** What a `{placeholder}` in a reason may read: a recorded fact, the threats, the supporters. */
const readable = ['threats', 'supporters', ...Object.keys(incidentFactsSchema.shape).map((key) => `facts.${key}`)];
const draftReadable = [...readable, ...personalContextPaths];

/**
 * The placeholders of the guards' reasons and of the drafts: each must name something an
 * incident records (drafts may also read `values.<name>`, given by the app).
 */
export function checkTexts(definition: PlaybookDefinition): Issue<PlaybookIssueCode>[] {
  const issues: Issue<PlaybookIssueCode>[] = [];
  const check = (text: string, path: Path, allowed: readonly string[], values: boolean) => {
    for (const placeholder of placeholdersOf(text)) {
      if (allowed.includes(placeholder) || (values && /^values\.[A-Za-z_$][\w$]*$/.test(placeholder))) continue;
      const expected = [...allowed, ...(values ? ['values.<name>'] : [])].map((item) => `"{${item}}"`).join(', ');
      issues.push({ code: 'unknown_placeholder', path, message: `Unknown placeholder ${quote(`{${placeholder}}`)}; expected one of ${expected}` });
    }
  };
  for (const [name, guard] of Object.entries(definition.guards)) {
    if (guard.reason === undefined) continue;
    for (const form of ['true', 'false', 'unknown'] as const) {
      const text = guard.reason[form];
      if (text !== undefined) check(text, ['guards', name, 'reason', form], readable, false);
    }
  }
  const checkAdvice = (advice: readonly AdviceSpec[], path: Path) =>
    advice.forEach((item, index) => item.drafts?.forEach((draft, at) => check(draft.text, [...path, index, 'drafts', at, 'text'], draftReadable, true)));
  definition.ladder.rungs.forEach((rung, index) => checkAdvice(rung.advice, ['ladder', 'rungs', index, 'advice']));
  definition.tracks.forEach((track, index) =>
    track.states.forEach((state, at) => checkAdvice(state.advice, ['tracks', index, 'states', at, 'advice'])),
  );
  return issues;
}
