import { checkReferences } from './checkReferences.js';
import { aboutCuts, describeError, readDefinition } from './readDefinition.js';
import { playbookDefinitionSchema } from './schema.js';
import { separateEventSchemas } from './separateSchemas.js';
import type { PlaybookDefinition } from './types.js';
import { PlaybookDefinitionError, type PlaybookIssueCode } from '../errors/errors.js';
import { fromZodIssues, type Issue, sortIssues } from '../errors/issues.js';

/**
 * The result of {@link safeParsePlaybook}: the definition, or every issue found.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { type ParsePlaybookResult, safeParsePlaybook } from 'crisis-playbook/authoring';
 *
 * const result: ParsePlaybookResult = safeParsePlaybook(defaultPlaybook);
 * ```
 *
 * @category Playbook definition
 */
export type ParsePlaybookResult =
  | { readonly success: true; readonly data: PlaybookDefinition }
  | { readonly success: false; readonly error: PlaybookDefinitionError };

/**
 * Options of {@link authoring!parsePlaybook}: names of guards and actions implemented in code (given to
 * `compilePlaybook`), so that references to them are not reported as unknown.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { type ParsePlaybookOptions, safeParsePlaybook } from 'crisis-playbook/authoring';
 *
 * const options: ParsePlaybookOptions = { guards: ['isVipCustomer'] };
 * safeParsePlaybook(defaultPlaybook, options);
 * ```
 *
 * @category Playbook definition
 */
export interface ParsePlaybookOptions {
  /** Names of extra guards implemented in code. */
  readonly guards?: Iterable<string>;
  /** Names of extra actions implemented in code. */
  readonly actions?: Iterable<string>;
}

/**
 * Checks a playbook definition and returns it, or *every* problem at once: the size and
 * nesting of the document, its shape (zod), duplicate ids, unknown rungs, states, events,
 * guards, windows and actions, guard cycles and chains that are too long, invalid durations,
 * rungs unreachable from the start and rungs from which no final rung can be reached (traps).
 * Every layer is checked every time: references and the graph are checked on every part of
 * the document that has the right shape, whatever is wrong elsewhere; only what follows from
 * another problem is left out (see "Every problem at once" in the custom playbooks guide).
 * The issues are sorted by path ({@link index!compareIssues}), the same list as
 * {@link authoring!safeCompilePlaybook}, `safeBuild` and `crisis-playbook check` give.
 * Never throws, whatever the input (cyclic objects, getters that throw, Proxies, BigInts,
 * functions, huge or deeply nested values), and takes time linear in the size of the input.
 * The document is read once: on success, `data` is a plain copy of what was checked (own
 * enumerable properties; zod `schema`s of events are kept as they are).
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { safeParsePlaybook } from 'crisis-playbook/authoring';
 *
 * const result = safeParsePlaybook({ ...defaultPlaybook, windows: {} });
 * if (!result.success) {
 *   for (const issue of result.error.issues) console.log(issue.code, issue.path.join('.'));
 *   // unknown_window ladder.rungs.1.after.0.window ...
 * }
 * ```
 *
 * @category Playbook definition
 */
export function safeParsePlaybook(input: unknown, options: ParsePlaybookOptions = {}): ParsePlaybookResult {
  try {
    return check(input, options);
  } catch (error) {
    return { success: false, error: new PlaybookDefinitionError([unexpectedIssue(error)]) };
  }
}

/**
 * Like {@link safeParsePlaybook}, but returns the definition or throws
 * {@link PlaybookDefinitionError} listing every issue.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { parsePlaybook } from 'crisis-playbook/authoring';
 *
 * const definition = parsePlaybook(JSON.parse(JSON.stringify(defaultPlaybook)));
 * console.log(definition.id); // 'crisis'
 * ```
 *
 * @category Playbook definition
 */
export function parsePlaybook(input: unknown, options: ParsePlaybookOptions = {}): PlaybookDefinition {
  const result = safeParsePlaybook(input, options);
  if (!result.success) throw result.error;
  return result.data;
}

/** The issue reported when checking or compiling fails in a way no check foresaw: the safe forms return it rather than throw. */
export function unexpectedIssue(error: unknown): Issue<PlaybookIssueCode> {
  return { code: 'unexpected_error', path: [], message: `The playbook could not be checked: ${describeError(error)}` };
}

function check(input: unknown, options: ParsePlaybookOptions): ParsePlaybookResult {
  // Size, nesting, cycles and unreadable values first, iteratively: zod's recursive schemas
  // would overflow the stack on deep input.
  const read = readDefinition(input);
  if (!read.complete) return { success: false, error: new PlaybookDefinitionError(sortIssues(read.issues)) };
  const { data: json, issues: schemaIssues } = separateEventSchemas(read.value);
  const shape = playbookDefinitionSchema.safeParse(json, { reportInput: true });
  const isAboutCut = aboutCuts(read.cuts);
  // Every layer, every time: references and the graph are checked on every well-formed part of
  // the document, whatever its shape problems.
  const issues: Issue<PlaybookIssueCode>[] = [
    ...read.issues,
    ...schemaIssues,
    ...(shape.success ? [] : fromZodIssues(shape.error.issues).filter((issue) => !isAboutCut(issue))),
    ...checkReferences(read.value, options),
  ];
  if (issues.length > 0) return { success: false, error: new PlaybookDefinitionError(sortIssues(issues)) };
  return { success: true, data: read.value as PlaybookDefinition };
}
