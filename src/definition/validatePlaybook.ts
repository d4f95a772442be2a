import { builtinActionNames } from '../compile/actions.js';
import { conditionGuardNames } from './conditions.js';
import { toMilliseconds } from './durations.js';
import { playbookDefinitionSchema } from './schema.js';
import type { Condition, PlaybookDefinition, TransitionSpec } from './types.js';
import { fromZodIssues, PlaybookDefinitionError, type PlaybookIssue } from '../errors.js';

/**
 * The result of {@link validatePlaybook}: the definition, or every issue found.
 *
 * @example
 * ```ts
 * import { validatePlaybook, defaultPlaybook, type ValidatePlaybookResult } from 'crisis-playbook';
 *
 * const result: ValidatePlaybookResult = validatePlaybook(defaultPlaybook);
 * ```
 *
 * @category Playbook definition
 */
export type ValidatePlaybookResult =
  | { readonly success: true; readonly data: PlaybookDefinition }
  | { readonly success: false; readonly error: PlaybookDefinitionError };

/**
 * Options for {@link validatePlaybook}: names of guards and actions implemented in code, so
 * that references to them are not reported as unknown.
 *
 * @example
 * ```ts
 * import { validatePlaybook, defaultPlaybook, type ValidateOptions } from 'crisis-playbook';
 *
 * const options: ValidateOptions = { guards: ['isVipCustomer'] };
 * validatePlaybook(defaultPlaybook, options);
 * ```
 *
 * @category Playbook definition
 */
export interface ValidateOptions {
  /** Names of extra guards implemented in code (given to `compilePlaybook`). */
  readonly guards?: readonly string[];
  /** Names of extra actions implemented in code (given to `compilePlaybook`). */
  readonly actions?: readonly string[];
}

type Path = (string | number)[];

/**
 * Checks a playbook definition and returns *all* problems at once: the shape (zod), then
 * duplicate ids, unknown rungs, states, events, guards, windows and actions, invalid
 * durations, rungs unreachable from the start and rungs from which no final rung can be
 * reached (traps). Never throws.
 *
 * @example
 * ```ts
 * import { validatePlaybook, defaultPlaybook } from 'crisis-playbook';
 *
 * const result = validatePlaybook({ ...defaultPlaybook, windows: {} });
 * if (!result.success) {
 *   for (const issue of result.error.issues) console.log(issue.code, issue.path.join('.'));
 *   // unknown_window ladder.rungs.1.after.0.window ...
 * }
 * ```
 *
 * @category Playbook definition
 */
export function validatePlaybook(input: unknown, options: ValidateOptions = {}): ValidatePlaybookResult {
  const keyIssues = reservedKeys(input);
  if (keyIssues.length > 0) return { success: false, error: new PlaybookDefinitionError(keyIssues) };
  const { data: json, issues: schemaIssues } = separateEventSchemas(input);
  const shape = playbookDefinitionSchema.safeParse(json, { reportInput: true });
  if (!shape.success || schemaIssues.length > 0) {
    const issues = [...schemaIssues, ...(shape.success ? [] : fromZodIssues(shape.error.issues))];
    return { success: false, error: new PlaybookDefinitionError(issues) };
  }
  const definition = shape.data as PlaybookDefinition;
  const issues = checkReferences(definition, options);
  if (issues.length > 0) return { success: false, error: new PlaybookDefinitionError(issues) };
  return { success: true, data: input as PlaybookDefinition };
}

/**
 * Like {@link validatePlaybook}, but throws {@link PlaybookDefinitionError} listing every issue.
 *
 * @example
 * ```ts
 * import { assertValidPlaybook, defaultPlaybook } from 'crisis-playbook';
 *
 * assertValidPlaybook(defaultPlaybook); // passes
 * ```
 *
 * @category Playbook definition
 */
export function assertValidPlaybook(input: unknown, options: ValidateOptions = {}): PlaybookDefinition {
  const result = validatePlaybook(input, options);
  if (!result.success) throw result.error;
  return result.data;
}

function checkReferences(definition: PlaybookDefinition, options: ValidateOptions): PlaybookIssue[] {
  const issues: PlaybookIssue[] = [];
  const add = (code: string, path: Path, message: string) => issues.push({ code, path, message });
  const list = (names: Iterable<string>) => [...names].map((name) => `"${name}"`).join(', ');

  const guardNames = new Set([...Object.keys(definition.guards), ...(options.guards ?? [])]);
  const actionNames = new Set<string>([...builtinActionNames, ...(options.actions ?? [])]);
  const eventNames = new Set(Object.keys(definition.events));
  const windowNames = new Set(Object.keys(definition.windows));
  const rungs = definition.ladder.rungs;
  const rungIds = new Set<string>();
  rungs.forEach((rung, index) => {
    if (rungIds.has(rung.id)) add('duplicate_id', ['ladder', 'rungs', index, 'id'], `Rung id "${rung.id}" is used twice`);
    if (rung.id === 'active') add('reserved_id', ['ladder', 'rungs', index, 'id'], 'The rung id "active" is reserved for the open incident');
    rungIds.add(rung.id);
  });
  const finalIds = new Set(rungs.filter((rung) => rung.final).map((rung) => rung.id));

  const checkCondition = (condition: Condition, path: Path) => {
    for (const name of conditionGuardNames(condition)) {
      if (!guardNames.has(name)) {
        add('unknown_guard', path, `Unknown guard "${name}"; expected one of ${list(guardNames)}`);
      }
    }
  };
  const checkActions = (actions: readonly string[] | undefined, path: Path) => {
    actions?.forEach((action, index) => {
      if (!actionNames.has(action)) {
        add('unknown_action', [...path, index], `Unknown action "${action}"; expected one of ${list(actionNames)}`);
      }
    });
  };
  const checkTransition = (transition: TransitionSpec, path: Path, targets: Set<string>, kind: string) => {
    if (!eventNames.has(transition.event)) {
      add('unknown_event', [...path, 'event'], `Event "${transition.event}" is used but not declared in "events"`);
    }
    if (transition.target !== undefined && !targets.has(transition.target)) {
      add(`unknown_${kind}`, [...path, 'target'], `Unknown ${kind} "${transition.target}"; expected one of ${list(targets)}`);
    }
    if (transition.guard !== undefined) checkCondition(transition.guard, [...path, 'guard']);
    checkActions(transition.actions, [...path, 'actions']);
  };
  const checkAdvice = (advice: readonly { when?: Condition; because?: readonly string[] }[], path: Path) => {
    advice.forEach((item, index) => {
      if (item.when !== undefined) checkCondition(item.when, [...path, index, 'when']);
      item.because?.forEach((name, at) => {
        if (!guardNames.has(name)) {
          add('unknown_guard', [...path, index, 'because', at], `Unknown guard "${name}"; expected one of ${list(guardNames)}`);
        }
      });
    });
  };

  // Guards: references and cycles.
  for (const [name, guard] of Object.entries(definition.guards)) {
    checkCondition(guard.condition, ['guards', name, 'condition']);
    if (reachesGuard(name, guard.condition, definition.guards, new Set())) {
      add('guard_cycle', ['guards', name, 'condition'], `Guard "${name}" refers back to itself`);
    }
  }
  for (const [name, window] of Object.entries(definition.windows)) {
    if (toMilliseconds(window.duration) === undefined) {
      add(
        'invalid_duration',
        ['windows', name, 'duration'],
        `Expected a positive duration of at most 24 days, such as 86400000 or "24h"; received ${JSON.stringify(window.duration)}`,
      );
    }
  }
  for (const [type, spec] of Object.entries(definition.events)) {
    if (spec.payload && Object.hasOwn(spec.payload, 'type')) {
      add('reserved_field', ['events', type, 'payload', 'type'], 'The payload field "type" is reserved for the event type');
    }
  }

  // Ladder.
  if (!rungIds.has(definition.ladder.initial)) {
    add('unknown_rung', ['ladder', 'initial'], `Unknown rung "${definition.ladder.initial}"; expected one of ${list(rungIds)}`);
  } else if (finalIds.has(definition.ladder.initial)) {
    add('final_initial', ['ladder', 'initial'], `The ladder cannot start on the final rung "${definition.ladder.initial}"`);
  }
  if (finalIds.size === 0) add('no_final_rung', ['ladder', 'rungs'], 'Expected at least one rung with "final": true');
  definition.ladder.fromEveryRung?.forEach((transition, index) =>
    checkTransition(transition, ['ladder', 'fromEveryRung', index], rungIds, 'rung'),
  );
  rungs.forEach((rung, index) => {
    const path: Path = ['ladder', 'rungs', index];
    if (rung.final && ((rung.on?.length ?? 0) > 0 || (rung.after?.length ?? 0) > 0)) {
      add('final_with_transitions', path, `Final rung "${rung.id}" cannot have transitions`);
    }
    rung.on?.forEach((transition, at) => checkTransition(transition, [...path, 'on', at], rungIds, 'rung'));
    rung.after?.forEach((timeout, at) => {
      const timeoutPath: Path = [...path, 'after', at];
      if (!windowNames.has(timeout.window)) {
        add('unknown_window', [...timeoutPath, 'window'], `Unknown window "${timeout.window}"; expected one of ${list(windowNames)}`);
      }
      if (!rungIds.has(timeout.target)) {
        add('unknown_rung', [...timeoutPath, 'target'], `Unknown rung "${timeout.target}"; expected one of ${list(rungIds)}`);
      }
      if (timeout.guard !== undefined) checkCondition(timeout.guard, [...timeoutPath, 'guard']);
      checkActions(timeout.actions, [...timeoutPath, 'actions']);
    });
    checkAdvice(rung.advice, [...path, 'advice']);
  });

  // Reachability and traps over the ladder, only when its references resolve.
  const graphBroken = issues.some(
    (issue) => issue.path[0] === 'ladder' && ['unknown_rung', 'final_initial', 'no_final_rung'].includes(issue.code),
  );
  if (!graphBroken) {
    const edges = ladderEdges(definition);
    const reachable = walk([definition.ladder.initial], (id) => edges.get(id) ?? []);
    rungs.forEach((rung, index) => {
      if (!reachable.has(rung.id)) {
        add('unreachable_rung', ['ladder', 'rungs', index], `Rung "${rung.id}" cannot be reached from "${definition.ladder.initial}"`);
      }
    });
    const reverse = new Map<string, string[]>();
    for (const [from, targets] of edges) {
      for (const target of targets) reverse.set(target, [...(reverse.get(target) ?? []), from]);
    }
    const leadsToFinal = walk(finalIds, (id) => reverse.get(id) ?? []);
    rungs.forEach((rung, index) => {
      if (!rung.final && reachable.has(rung.id) && !leadsToFinal.has(rung.id)) {
        add('trap', ['ladder', 'rungs', index], `No final rung can be reached from rung "${rung.id}"`);
      }
    });
  }

  // Side tracks.
  const regionIds = new Set(['ladder']);
  definition.tracks.forEach((track, index) => {
    const path: Path = ['tracks', index];
    if (regionIds.has(track.id)) add('duplicate_id', [...path, 'id'], `Track id "${track.id}" is used twice (or is "ladder")`);
    regionIds.add(track.id);
    const stateIds = new Set<string>();
    track.states.forEach((state, at) => {
      if (stateIds.has(state.id)) {
        add('duplicate_id', [...path, 'states', at, 'id'], `State id "${state.id}" is used twice in track "${track.id}"`);
      }
      stateIds.add(state.id);
    });
    if (!stateIds.has(track.initial)) {
      add('unknown_state', [...path, 'initial'], `Unknown state "${track.initial}"; expected one of ${list(stateIds)}`);
      return;
    }
    track.states.forEach((state, at) => {
      state.on?.forEach((transition, t) =>
        checkTransition(transition, [...path, 'states', at, 'on', t], stateIds, 'state'),
      );
      checkAdvice(state.advice, [...path, 'states', at, 'advice']);
    });
    const reachable = walk([track.initial], (id) =>
      (track.states.find((state) => state.id === id)?.on ?? []).flatMap((t) => (t.target ? [t.target] : [])),
    );
    track.states.forEach((state, at) => {
      if (!reachable.has(state.id)) {
        add('unreachable_state', [...path, 'states', at], `State "${state.id}" of track "${track.id}" cannot be reached from "${track.initial}"`);
      }
    });
  });
  return issues;
}

const reserved = new Set(['__proto__', 'constructor', 'prototype']);

/** Keys that would reach object prototypes (`__proto__`, `constructor`, `prototype`) anywhere in the document. */
function reservedKeys(value: unknown, path: (string | number)[] = [], issues: PlaybookIssue[] = []): PlaybookIssue[] {
  if (value === null || typeof value !== 'object' || path.length > 64) return issues;
  if (Array.isArray(value)) {
    value.forEach((item, index) => reservedKeys(item, [...path, index], issues));
    return issues;
  }
  if (path.at(-1) === 'schema' && '_zod' in value) return issues;
  for (const key of Object.keys(value)) {
    if (reserved.has(key)) {
      issues.push({ code: 'reserved_key', path: [...path, key], message: `The key "${key}" is not allowed in a playbook` });
    } else {
      reservedKeys((value as Record<string, unknown>)[key], [...path, key], issues);
    }
  }
  return issues;
}

function isZodObject(value: unknown): value is { shape: Record<string, unknown> } {
  return (
    typeof value === 'object' &&
    value !== null &&
    '_zod' in value &&
    'shape' in value &&
    typeof (value as { shape: unknown }).shape === 'object'
  );
}

/**
 * Takes the TypeScript-only zod `schema` of each event out of a definition, so that the rest
 * can be checked as JSON, and reports schemas that are not zod objects.
 */
function separateEventSchemas(input: unknown): { data: unknown; issues: PlaybookIssue[] } {
  if (typeof input !== 'object' || input === null || !('events' in input)) return { data: input, issues: [] };
  const events = (input as { events: unknown }).events;
  if (typeof events !== 'object' || events === null) return { data: input, issues: [] };
  const issues: PlaybookIssue[] = [];
  const stripped: Record<string, unknown> = {};
  for (const [type, spec] of Object.entries(events)) {
    if (typeof spec !== 'object' || spec === null || !('schema' in spec)) {
      stripped[type] = spec;
      continue;
    }
    const { schema, ...rest } = spec as { schema: unknown; payload?: unknown };
    if (!isZodObject(schema)) {
      issues.push({ code: 'invalid_schema', path: ['events', type, 'schema'], message: 'Expected a zod object schema (z.object({...}))' });
    } else if (rest.payload !== undefined) {
      issues.push({ code: 'conflicting_payload', path: ['events', type], message: 'Give either "payload" or "schema", not both' });
    } else if (Object.hasOwn(schema.shape, 'type')) {
      issues.push({ code: 'reserved_field', path: ['events', type, 'schema', 'type'], message: 'The payload field "type" is reserved for the event type' });
    }
    stripped[type] = rest;
  }
  return { data: { ...input, events: stripped }, issues };
}

/**
 * Every rung's outgoing targets, including the transitions available from every rung.
 *
 * @category Playbook definition
 */
function ladderEdges(definition: PlaybookDefinition): Map<string, string[]> {
  const shared = (definition.ladder.fromEveryRung ?? []).flatMap((t) => (t.target ? [t.target] : []));
  return new Map(
    definition.ladder.rungs.map((rung) => [
      rung.id,
      rung.final
        ? []
        : [
            ...shared,
            ...(rung.on ?? []).flatMap((t) => (t.target ? [t.target] : [])),
            ...(rung.after ?? []).map((t) => t.target),
          ],
    ]),
  );
}

function walk(start: Iterable<string>, next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>(start);
  const queue = [...seen];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const target of next(id)) {
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

function reachesGuard(
  name: string,
  condition: Condition,
  guards: PlaybookDefinition['guards'],
  seen: Set<string>,
): boolean {
  for (const ref of conditionGuardNames(condition)) {
    if (ref === name) return true;
    const guard = Object.hasOwn(guards, ref) ? guards[ref] : undefined;
    if (guard && !seen.has(ref)) {
      seen.add(ref);
      if (reachesGuard(name, guard.condition, guards, seen)) return true;
    }
  }
  return false;
}
