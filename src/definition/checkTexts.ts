import { incidentFactsSchema } from './facts.js';
import { placeholdersOf } from './placeholders.js';
import type { PlaybookDefinition } from './types.js';
import type { PlaybookIssueCode } from '../errors/errors.js';
import type { Issue } from '../errors/issues.js';
import { quote } from '../quote.js';

/** What a `{placeholder}` in a reason may read: a recorded fact, the threats, the supporters. */
const readable = new Set(['threats', 'supporters', ...Object.keys(incidentFactsSchema.shape).map((key) => `facts.${key}`)]);

/** The `{placeholders}` of the guards' reasons: each must name something an incident records. */
export function checkTexts(definition: PlaybookDefinition): Issue<PlaybookIssueCode>[] {
  const issues: Issue<PlaybookIssueCode>[] = [];
  for (const [name, guard] of Object.entries(definition.guards)) {
    if (guard.reason === undefined) continue;
    for (const form of ['true', 'false', 'unknown'] as const) {
      const text = guard.reason[form];
      if (text === undefined) continue;
      for (const path of placeholdersOf(text)) {
        if (readable.has(path)) continue;
        issues.push({
          code: 'unknown_placeholder',
          path: ['guards', name, 'reason', form],
          message: `Unknown placeholder ${quote(`{${path}}`)}; expected one of ${[...readable].map((item) => `"{${item}}"`).join(', ')}`,
        });
      }
    }
  }
  return issues;
}
