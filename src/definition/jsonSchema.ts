import { z } from 'zod';
import { playbookDefinitionSchema } from './schema.js';

let cached: Record<string, unknown> | undefined;

/**
 * The JSON Schema (draft 2020-12) of a playbook definition, generated from
 * {@link playbookDefinitionSchema} with zod's `z.toJSONSchema`. Give it to an editor so that
 * people who keep playbooks as JSON get completion and checks; cross-references (targets,
 * guards, reachability) are still only checked by {@link safeParsePlaybook}.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { playbookJsonSchema } from 'crisis-playbook/authoring';
 *
 * writeFileSync('playbook.schema.json', JSON.stringify(playbookJsonSchema(), null, 2));
 * // then, in a playbook: { "$schema": "./playbook.schema.json", "id": "my-org", ... }
 * ```
 *
 * @category Playbook definition
 */
export function playbookJsonSchema(): Record<string, unknown> {
  cached ??= {
    ...z.toJSONSchema(playbookDefinitionSchema, { target: 'draft-2020-12' }),
    title: 'crisis-playbook definition',
    description: 'A crisis-playbook playbook: the ladder, side tracks, events, guards and waiting windows.',
  };
  return structuredClone(cached);
}
