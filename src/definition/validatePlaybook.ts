import { builtinActionNames } from '../compile/actions.js';
import { conditionGuardNames } from './conditions.js';
import { toMilliseconds } from './durations.js';
import { aboutCuts, describeError, readDefinition } from './readDefinition.js';
import { playbookDefinitionSchema } from './schema.js';
import type { Condition, PlaybookDefinition, TransitionSpec } from './types.js';
import { fromZodIssues, PlaybookDefinitionError, type PlaybookIssue } from '../errors.js';
import { limitMessages, limits } from '../limits.js';
import { quote } from '../quote.js';

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
 * Checks a playbook definition and returns *all* problems at once: the size and nesting of
 * the document, its shape (zod), then duplicate ids, unknown rungs, states, events, guards,
 * windows and actions, guard cycles and guard chains that are too long, invalid durations,
 * rungs unreachable from the start and rungs from which no final rung can be reached (traps).
 * Never throws, whatever the input (cyclic objects, getters that throw, Proxies, BigInts,
 * functions, huge or deeply nested values), and takes time linear in the size of the input.
 * The document is read once: on success, `data` is a plain copy of what was checked (own
 * enumerable properties; zod `schema`s of events are kept as they are).
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
  try {
    return validate(input, options);
  } catch (error) {
    return { success: false, error: new PlaybookDefinitionError([unexpectedIssue(error)]) };
  }
}

/**
 * The issue reported when checking or compiling fails in a way no check foresaw: the safe forms
 * return it rather than throw.
 *
 * @internal
 */
export function unexpectedIssue(error: unknown): PlaybookIssue {
  return { code: 'unexpected_error', path: [], message: `The playbook could not be checked: ${describeError(error)}` };
}

function validate(input: unknown, options: ValidateOptions): ValidatePlaybookResult {
  // Size, nesting, cycles and unreadable values first, iteratively: zod's recursive schemas
  // would overflow the stack on deep input.
  const read = readDefinition(input);
  if (!read.complete) return { success: false, error: new PlaybookDefinitionError(read.issues) };
  const { data: json, issues: schemaIssues } = separateEventSchemas(read.value);
  const shape = playbookDefinitionSchema.safeParse(json, { reportInput: true });
  const isAboutCut = aboutCuts(read.cuts);
  const issues = [
    ...read.issues,
    ...schemaIssues,
    ...(shape.success ? [] : fromZodIssues(shape.error.issues).filter((issue) => !isAboutCut(issue))),
  ];
  if (shape.success) issues.push(...checkReferences(shape.data as PlaybookDefinition, options));
  if (issues.length > 0) return { success: false, error: new PlaybookDefinitionError(issues) };
  return { success: true, data: read.value as PlaybookDefinition };
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
  const list = expectedNames;

  const guardNames = new Set([...Object.keys(definition.guards), ...namesIn(options.guards)]);
  const actionNames = new Set<string>([...builtinActionNames, ...namesIn(options.actions)]);
  const eventNames = new Set(Object.keys(definition.events));
  const windowNames = new Set(Object.keys(definition.windows));
  const rungs = definition.ladder.rungs;
  const rungIds = new Set<string>();
  rungs.forEach((rung, index) => {
    if (rungIds.has(rung.id)) add('duplicate_id', ['ladder', 'rungs', index, 'id'], `Rung id ${quote(rung.id)} is used twice`);
    if (rung.id === 'active') add('reserved_id', ['ladder', 'rungs', index, 'id'], 'The rung id "active" is reserved for the open incident');
    rungIds.add(rung.id);
  });
  const finalIds = new Set(rungs.filter((rung) => rung.final).map((rung) => rung.id));

  const checkCondition = (condition: Condition, path: Path) => {
    for (const name of conditionGuardNames(condition)) {
      if (!guardNames.has(name)) {
        add('unknown_guard', path, `Unknown guard ${quote(name)}; expected one of ${list(guardNames)}`);
      }
    }
  };
  const checkActions = (actions: readonly string[] | undefined, path: Path) => {
    actions?.forEach((action, index) => {
      if (!actionNames.has(action)) {
        add('unknown_action', [...path, index], `Unknown action ${quote(action)}; expected one of ${list(actionNames)}`);
      }
    });
  };
  const checkTransition = (transition: TransitionSpec, path: Path, targets: Set<string>, kind: string) => {
    if (!eventNames.has(transition.event)) {
      add('unknown_event', [...path, 'event'], `Event ${quote(transition.event)} is used but not declared in "events"`);
    }
    if (transition.target !== undefined && !targets.has(transition.target)) {
      add(`unknown_${kind}`, [...path, 'target'], `Unknown ${kind} ${quote(transition.target)}; expected one of ${list(targets)}`);
    }
    if (transition.guard !== undefined) checkCondition(transition.guard, [...path, 'guard']);
    checkActions(transition.actions, [...path, 'actions']);
  };
  const checkAdvice = (advice: readonly { when?: Condition; because?: readonly string[] }[], path: Path) => {
    advice.forEach((item, index) => {
      if (item.when !== undefined) checkCondition(item.when, [...path, index, 'when']);
      item.because?.forEach((name, at) => {
        if (!guardNames.has(name)) {
          add('unknown_guard', [...path, index, 'because', at], `Unknown guard ${quote(name)}; expected one of ${list(guardNames)}`);
        }
      });
    });
  };

  // Guards: references, cycles and chains, in one linear pass over the guards.
  const chains = guardChains(definition.guards);
  for (const [name, guard] of Object.entries(definition.guards)) {
    checkCondition(guard.condition, ['guards', name, 'condition']);
    const chain = chains.get(name);
    if (chain === 'cycle') {
      add('guard_cycle', ['guards', name, 'condition'], `Guard ${quote(name)} refers back to itself`);
    } else if (chain !== undefined) {
      add(
        'guard_chain_too_long',
        ['guards', name, 'condition'],
        `Guard ${quote(name)} starts a chain of ${chain.length} named guards (${describeChain(chain)}): ${limitMessages.guardChain}`,
      );
    }
  }
  for (const [name, window] of Object.entries(definition.windows)) {
    if (toMilliseconds(window.duration) === undefined) {
      add('invalid_duration', ['windows', name, 'duration'], `Expected ${limitMessages.window}; received ${quote(window.duration)}`);
    }
  }
  for (const [type, spec] of Object.entries(definition.events)) {
    if (type.startsWith('xstate.')) {
      add('reserved_id', ['events', type], `Event types starting with "xstate." are XState's own; received ${quote(type)}`);
    }
    if (spec.payload && Object.hasOwn(spec.payload, 'type')) {
      add('reserved_field', ['events', type, 'payload', 'type'], 'The payload field "type" is reserved for the event type');
    }
  }

  // Ladder.
  if (!rungIds.has(definition.ladder.initial)) {
    add('unknown_rung', ['ladder', 'initial'], `Unknown rung ${quote(definition.ladder.initial)}; expected one of ${list(rungIds)}`);
  } else if (finalIds.has(definition.ladder.initial)) {
    add('final_initial', ['ladder', 'initial'], `The ladder cannot start on the final rung ${quote(definition.ladder.initial)}`);
  }
  if (finalIds.size === 0) add('no_final_rung', ['ladder', 'rungs'], 'Expected at least one rung with "final": true');
  definition.ladder.fromEveryRung?.forEach((transition, index) =>
    checkTransition(transition, ['ladder', 'fromEveryRung', index], rungIds, 'rung'),
  );
  rungs.forEach((rung, index) => {
    const path: Path = ['ladder', 'rungs', index];
    if (rung.final && ((rung.on?.length ?? 0) > 0 || (rung.after?.length ?? 0) > 0)) {
      add('final_with_transitions', path, `Final rung ${quote(rung.id)} cannot have transitions`);
    }
    rung.on?.forEach((transition, at) => checkTransition(transition, [...path, 'on', at], rungIds, 'rung'));
    rung.after?.forEach((timeout, at) => {
      const timeoutPath: Path = [...path, 'after', at];
      if (!windowNames.has(timeout.window)) {
        add('unknown_window', [...timeoutPath, 'window'], `Unknown window ${quote(timeout.window)}; expected one of ${list(windowNames)}`);
      }
      if (!rungIds.has(timeout.target)) {
        add('unknown_rung', [...timeoutPath, 'target'], `Unknown rung ${quote(timeout.target)}; expected one of ${list(rungIds)}`);
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
        add('unreachable_rung', ['ladder', 'rungs', index], `Rung ${quote(rung.id)} cannot be reached from ${quote(definition.ladder.initial)}`);
      }
    });
    const reverse = new Map<string, string[]>();
    for (const [from, targets] of edges) {
      for (const target of targets) {
        const sources = reverse.get(target);
        if (sources) sources.push(from);
        else reverse.set(target, [from]);
      }
    }
    const leadsToFinal = walk(finalIds, (id) => reverse.get(id) ?? []);
    rungs.forEach((rung, index) => {
      if (!rung.final && reachable.has(rung.id) && !leadsToFinal.has(rung.id)) {
        add('trap', ['ladder', 'rungs', index], `No final rung can be reached from rung ${quote(rung.id)}`);
      }
    });
  }

  // Side tracks.
  const regionIds = new Set(['ladder']);
  definition.tracks.forEach((track, index) => {
    const path: Path = ['tracks', index];
    if (regionIds.has(track.id)) add('duplicate_id', [...path, 'id'], `Track id ${quote(track.id)} is used twice (or is "ladder")`);
    regionIds.add(track.id);
    const stateIds = new Set<string>();
    track.states.forEach((state, at) => {
      if (stateIds.has(state.id)) {
        add('duplicate_id', [...path, 'states', at, 'id'], `State id ${quote(state.id)} is used twice in track ${quote(track.id)}`);
      }
      stateIds.add(state.id);
    });
    if (!stateIds.has(track.initial)) {
      add('unknown_state', [...path, 'initial'], `Unknown state ${quote(track.initial)}; expected one of ${list(stateIds)}`);
      return;
    }
    track.states.forEach((state, at) => {
      state.on?.forEach((transition, t) =>
        checkTransition(transition, [...path, 'states', at, 'on', t], stateIds, 'state'),
      );
      checkAdvice(state.advice, [...path, 'states', at, 'advice']);
    });
    const byId = new Map(track.states.map((state) => [state.id, state]));
    const reachable = walk([track.initial], (id) => (byId.get(id)?.on ?? []).flatMap((t) => (t.target ? [t.target] : [])));
    track.states.forEach((state, at) => {
      if (!reachable.has(state.id)) {
        add('unreachable_state', [...path, 'states', at], `State ${quote(state.id)} of track ${quote(track.id)} cannot be reached from ${quote(track.initial)}`);
      }
    });
  });
  return issues;
}

/** A zod object schema: `_zod` with the type "object", and a shape of zod schemas. */
function isZodObject(value: unknown): value is { shape: Record<string, unknown> } {
  try {
    if (typeof value !== 'object' || value === null || !('_zod' in value) || !('shape' in value)) return false;
    const { _zod: internals, shape } = value as { _zod: { def?: { type?: unknown } }; shape: unknown };
    return (
      internals?.def?.type === 'object' &&
      typeof shape === 'object' &&
      shape !== null &&
      Object.values(shape).every((field) => typeof field === 'object' && field !== null && '_zod' in field)
    );
  } catch {
    return false;
  }
}

/**
 * Takes the TypeScript-only zod `schema` of each event out of a definition, so that the rest
 * can be checked as JSON, and reports schemas that are not zod objects.
 */
function separateEventSchemas(input: unknown): { data: unknown; issues: PlaybookIssue[] } {
  if (typeof input !== 'object' || input === null || !('events' in input)) return { data: input, issues: [] };
  const events = (input as { events: unknown }).events;
  if (typeof events !== 'object' || events === null || Array.isArray(events)) return { data: input, issues: [] };
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

/** Stands for "every open rung" in the ladder graph; not a possible rung id. */
const everyRung = ' every rung';

/**
 * Every rung's outgoing targets. The transitions available from every rung are edges of one
 * extra node that every open rung leads to, so the graph stays as large as the definition.
 */
function ladderEdges(definition: PlaybookDefinition): Map<string, string[]> {
  const shared = (definition.ladder.fromEveryRung ?? []).flatMap((t) => (t.target ? [t.target] : []));
  const edges = new Map<string, string[]>([[everyRung, shared]]);
  for (const rung of definition.ladder.rungs) {
    edges.set(
      rung.id,
      rung.final
        ? []
        : [
            everyRung,
            ...(rung.on ?? []).flatMap((t) => (t.target ? [t.target] : [])),
            ...(rung.after ?? []).map((t) => t.target),
          ],
    );
  }
  return edges;
}

function walk(start: Iterable<string>, next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>(start);
  const queue = [...seen];
  for (let index = 0; index < queue.length; index++) {
    for (const target of next(queue[index]!)) {
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

/** Names for a message: the first ten, quoted, and how many more there are. */
function expectedNames(names: Iterable<string>): string {
  const all = [...names];
  const shown = all.slice(0, 10).map((name) => quote(name)).join(', ');
  return all.length > 10 ? `${shown} and ${all.length - 10} more` : shown;
}

/** The strings of an option that should list names (an array or another iterable); anything else lists none. */
function namesIn(names: unknown): string[] {
  const iterable = typeof names === 'object' && names !== null && Symbol.iterator in names;
  return iterable ? Array.from(names as Iterable<unknown>).filter((name): name is string => typeof name === 'string') : [];
}

function describeChain(chain: readonly string[]): string {
  const names = chain.map((name) => quote(name));
  return (names.length > 4 ? [...names.slice(0, 3), '…', names.at(-1)!] : names).join(' → ');
}

/**
 * The problems of the named guards' references to one another, in one linear pass (Tarjan's
 * strongly connected components, iteratively): `'cycle'` for each guard that refers back to
 * itself, and for each guard where a chain first grows longer than {@link limits.guardChain},
 * the chain (the guard, the guard it refers to, and so on). A guard that refers to a guard on
 * a cycle is not reported: the cycle is.
 */
function guardChains(guards: PlaybookDefinition['guards']): Map<string, 'cycle' | string[]> {
  const names = Object.keys(guards);
  const indexOf = new Map(names.map((name, index) => [name, index]));
  const refs = names.map((name) => [
    ...new Set(conditionGuardNames(guards[name]!.condition).flatMap((ref) => (indexOf.has(ref) ? [indexOf.get(ref)!] : []))),
  ]);
  const order = new Array<number>(names.length).fill(-1);
  const low = new Array<number>(names.length).fill(0);
  const onStack = new Array<boolean>(names.length).fill(false);
  const cyclic = new Array<boolean>(names.length).fill(false);
  const length = new Array<number>(names.length).fill(0);
  const next = new Array<number>(names.length).fill(-1);
  const components: number[] = [];
  let counter = 0;
  for (let start = 0; start < names.length; start++) {
    if (order[start] !== -1) continue;
    const frames: { node: number; edge: number }[] = [{ node: start, edge: 0 }];
    order[start] = low[start] = counter++;
    components.push(start);
    onStack[start] = true;
    while (frames.length > 0) {
      const frame = frames.at(-1)!;
      const { node } = frame;
      if (frame.edge < refs[node]!.length) {
        const ref = refs[node]![frame.edge++]!;
        if (order[ref] === -1) {
          order[ref] = low[ref] = counter++;
          components.push(ref);
          onStack[ref] = true;
          frames.push({ node: ref, edge: 0 });
        } else if (onStack[ref]) {
          low[node] = Math.min(low[node]!, order[ref]!);
        }
        continue;
      }
      frames.pop();
      const parent = frames.at(-1);
      if (parent) low[parent.node] = Math.min(low[parent.node]!, low[node]!);
      if (low[node] !== order[node]) continue;
      // `node` is the root of a component; every guard it refers to outside the component is
      // done, so chain lengths can be computed.
      const members: number[] = [];
      for (let member = components.pop()!; ; member = components.pop()!) {
        onStack[member] = false;
        members.push(member);
        if (member === node) break;
      }
      if (members.length > 1 || refs[node]!.includes(node)) {
        for (const member of members) cyclic[member] = true;
        continue;
      }
      let longest = 0;
      for (const ref of refs[node]!) {
        if (!cyclic[ref] && length[ref]! > longest) {
          longest = length[ref]!;
          next[node] = ref;
        }
      }
      length[node] = longest + 1;
    }
  }
  const problems = new Map<string, 'cycle' | string[]>();
  names.forEach((name, index) => {
    if (cyclic[index]) problems.set(name, 'cycle');
    else if (length[index] === limits.guardChain + 1) {
      const chain: string[] = [];
      for (let at = index; at !== -1; at = next[at]!) chain.push(names[at]!);
      problems.set(name, chain);
    }
  });
  return problems;
}
