import type { PlaybookDefinition } from './types.js';

/**
 * Declares a playbook definition while keeping its literal types (rung ids, event types,
 * payload fields), so that the compiled machine's events and rungs are typed.
 * It returns the definition unchanged; validation happens in {@link authoring!compilePlaybook}.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { definePlaybook } from 'crisis-playbook/authoring';
 *
 * const myPlaybook = definePlaybook({ ...defaultPlaybook, id: 'my-org', version: '1.0.0' });
 * ```
 *
 * @category Playbook definition
 */
export function definePlaybook<const D extends PlaybookDefinition>(definition: D): D {
  return definition;
}
