import { compileValidPlaybook } from './buildMachine.js';
import type { CompileOptions, CompileResult, PlaybookMachine } from './types.js';
import { parsePlaybook, safeParsePlaybook, unexpectedIssue } from '../definition/parsePlaybook.js';
import type { PlaybookDefinition } from '../definition/types.js';
import { PlaybookDefinitionError } from '../errors/errors.js';

/**
 * Compiles a playbook definition into an XState v5 machine: named guards, named actions,
 * named delays, a `description`, `meta` (advice) and `tags` on every state. The ladder and the
 * side tracks run in parallel inside `active`; final rungs are final states of the machine,
 * so the actor is done when one is reached. Guards and actions are resolved by name when they
 * run, so `machine.provide({ guards, actions, delays })` reaches every transition and the
 * advice. Throws {@link PlaybookDefinitionError} listing every problem when the definition is
 * invalid.
 *
 * @example
 * ```ts
 * import { createIncident, defaultPlaybook } from 'crisis-playbook';
 * import { compilePlaybook, definePlaybook } from 'crisis-playbook/authoring';
 *
 * const patient = definePlaybook({
 *   ...defaultPlaybook,
 *   id: 'patient',
 *   windows: { ...defaultPlaybook.windows, replyWindow: { description: 'Give them two days.', duration: '48h' } },
 * });
 * const incident = createIncident(compilePlaybook(patient)).start();
 * incident.send({ type: 'assessment.complete' });
 * incident.stop();
 * ```
 *
 * @category Compiler
 */
export function compilePlaybook<const D extends PlaybookDefinition, G extends string = never, A extends string = never>(
  definition: D,
  options: CompileOptions<G, A> = {},
): PlaybookMachine<D, G> {
  // Compiles the plain copy that was checked, so that what runs is what was validated.
  const checked = parsePlaybook(definition, namesOf(options)) as D;
  return compileValidPlaybook(checked, options);
}

/**
 * Like {@link authoring!compilePlaybook} but never throws, whatever it is given: returns the machine, or
 * the {@link PlaybookDefinitionError} with every issue, the same sorted list as
 * {@link authoring!safeParsePlaybook} gives. The definition is checked once.
 *
 * @example
 * ```ts
 * import { formatIssues } from 'crisis-playbook';
 * import { safeCompilePlaybook } from 'crisis-playbook/authoring';
 *
 * const result = safeCompilePlaybook(JSON.parse('{"id":"empty"}'));
 * if (!result.success) console.log(formatIssues(result.error.issues));
 * ```
 *
 * @category Compiler
 */
export function safeCompilePlaybook<const D extends PlaybookDefinition, G extends string = never, A extends string = never>(
  definition: D,
  options: CompileOptions<G, A> = {},
): CompileResult<D, G> {
  try {
    const checked = safeParsePlaybook(definition, namesOf(options));
    if (!checked.success) return { success: false, error: checked.error };
    return { success: true, data: compileValidPlaybook(checked.data as D, options) };
  } catch (error) {
    return { success: false, error: new PlaybookDefinitionError([unexpectedIssue(error)]) };
  }
}

function namesOf(options: CompileOptions<string, string>) {
  return { guards: Object.keys(options.guards ?? {}), actions: Object.keys(options.actions ?? {}) };
}
