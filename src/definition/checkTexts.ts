import { incidentFactsSchema } from './facts.js';
import { personalContextPaths, placeholdersOf } from './placeholders.js';
import { asList, asRecord } from './wellFormed.js';
import type { PlaybookIssueCode } from '../errors/errors.js';
import type { Issue } from '../errors/issues.js';
import { quote } from '../quote.js';

type Path = (string | number)[];

/** What a `{placeholder}` in a reason may read: a recorded fact, the threats, the supporters. */
const readable = ['threats', 'supporters', ...Object.keys(incidentFactsSchema.shape).map((key) => `facts.${key}`)];
const draftReadable = [...readable, ...personalContextPaths];

/**
 * The placeholders of the guards' reasons and of the drafts, wherever they are text: each must
 * name something an incident records (drafts may also read `values.<name>`, given by the app).
 */
export function checkTexts(document: unknown): Issue<PlaybookIssueCode>[] {
  const issues: Issue<PlaybookIssueCode>[] = [];
  const check = (text: unknown, path: Path, allowed: readonly string[], values: boolean) => {
    if (typeof text !== 'string') return;
    for (const placeholder of placeholdersOf(text)) {
      if (allowed.includes(placeholder) || (values && /^values\.[A-Za-z_$][\w$]*$/.test(placeholder))) continue;
      const expected = [...allowed, ...(values ? ['values.<name>'] : [])].map((item) => `"{${item}}"`).join(', ');
      issues.push({ code: 'unknown_placeholder', path, message: `Unknown placeholder ${quote(`{${placeholder}}`)}; expected one of ${expected}` });
    }
  };
  const root = asRecord(document) ?? {};
  for (const [name, value] of Object.entries(asRecord(root.guards) ?? {})) {
    const reason = asRecord(asRecord(value)?.reason);
    if (reason === undefined) continue;
    for (const form of ['true', 'false', 'unknown'] as const) check(reason[form], ['guards', name, 'reason', form], readable, false);
  }
  const checkAdvice = (advice: unknown, path: Path) =>
    asList(advice)?.forEach((item, index) =>
      asList(asRecord(item)?.drafts)?.forEach((draft, at) => check(asRecord(draft)?.text, [...path, index, 'drafts', at, 'text'], draftReadable, true)),
    );
  asList(asRecord(root.ladder)?.rungs)?.forEach((rung, index) => checkAdvice(asRecord(rung)?.advice, ['ladder', 'rungs', index, 'advice']));
  asList(root.tracks)?.forEach((track, index) =>
    asList(asRecord(track)?.states)?.forEach((state, at) => checkAdvice(asRecord(state)?.advice, ['tracks', index, 'states', at, 'advice'])),
  );
  asList(asRecord(root.severity)?.levels)?.forEach((level, index) => checkAdvice(asRecord(level)?.advice, ['severity', 'levels', index, 'advice']));
  // A translation fills in what the text it translates fills in, no more: any other placeholder
  // would be left as "[name]" in the responder's language only.
  for (const [locale, texts] of Object.entries(asRecord(root.translations) ?? {})) {
    for (const [english, translated] of Object.entries(asRecord(texts) ?? {})) {
      if (typeof translated !== 'string') continue;
      const known = new Set(placeholdersOf(english));
      for (const placeholder of placeholdersOf(translated)) {
        if (known.has(placeholder)) continue;
        const expected = known.size === 0 ? 'the text it translates has none' : `expected one of ${[...known].map((item) => `"{${item}}"`).join(', ')}, as in the text it translates`;
        issues.push({ code: 'unknown_placeholder', path: ['translations', locale, english], message: `Unknown placeholder ${quote(`{${placeholder}}`)}; ${expected}` });
      }
    }
  }
  return issues;
}
