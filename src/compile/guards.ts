import { and, not, or, type AnyEventObject } from 'xstate';
import type { IncidentContext } from './context.js';
import { conditionText, evaluateCondition, type ConditionScope } from '../definition/conditions.js';
import type { Condition, PlaybookDefinition } from '../definition/types.js';
import type { GuardOf } from '../definition/typesOf.js';
import { limits } from '../limits.js';

/**
 * The arguments XState passes to a guard of a compiled playbook.
 *
 * @example
 * ```ts
 * import { crisisGuards, type GuardArgs } from 'crisis-playbook';
 *
 * const args: GuardArgs = { context: { facts: { knowsPoster: true } }, event: { type: 'assessment.complete' } };
 * console.log(crisisGuards.isPosterKnown(args)); // true
 * ```
 *
 * @category Compiler
 */
export interface GuardArgs {
  readonly context: Pick<IncidentContext, 'facts'> & Partial<Pick<IncidentContext, 'threats' | 'supporters' | 'timeline'>>;
  readonly event: AnyEventObject;
}

/**
 * A guard implementation of a compiled playbook: a yes/no predicate over the context and
 * the event.
 *
 * @example
 * ```ts
 * import type { GuardPredicate } from 'crisis-playbook';
 *
 * const isUrgent: GuardPredicate = ({ context }) => context.facts.venue === 'public-group';
 * ```
 *
 * @category Compiler
 */
export type GuardPredicate = (args: GuardArgs) => boolean;

const noThreats: readonly string[] = Object.freeze([]);

/**
 * What a condition sees: the facts, the event, the kinds of threat and the supporter count: a
 * plain object with its own properties only (conditions read own properties), made at once.
 */
export function scopeOf({ context, event }: GuardArgs): ConditionScope {
  const threats = context.threats;
  return {
    facts: context.facts,
    event,
    threats: threats === undefined || threats.length === 0 ? noThreats : threats.map((threat) => threat.kind),
    supporters: context.supporters ?? 0,
  };
}

/**
 * A guard as XState resolves it: a name (looked up in the machine's implementations when it
 * is evaluated, so `provide` reaches it), a parameterised reference, or a composition made
 * with XState's `and`, `or` and `not`.
 */
export type GuardReference = string | { readonly type: string; readonly params?: unknown } | ((...args: never[]) => boolean);

/**
 * A data condition as an XState guard: named guards stay names, `all`/`any`/`not` become
 * XState's `and`/`or`/`not`, and each comparison the parameterised `matches` guard. Names are
 * resolved when the guard is evaluated, through the machine's implementations.
 */
export function toGuardReference(condition: Condition): GuardReference {
  if (typeof condition === 'string') return condition;
  if ('all' in condition) return and(condition.all.map(toGuardReference) as never);
  if ('any' in condition) return or(condition.any.map(toGuardReference) as never);
  if ('not' in condition) return not(toGuardReference(condition.not) as never);
  return { type: 'matches', params: condition };
}

type Implementations = Readonly<Record<string, unknown>>;

/** The implementation of the guard named `name`: an own property only (a name is not inherited), else `undefined`. */
const implementationOf = (implementations: Implementations, name: string): unknown => (Object.hasOwn(implementations, name) ? implementations[name] : undefined);

/** Whether a guard's implementation is a predicate XState calls with the arguments and the params, rather than a guard it evaluates through `check` (`and`, `or`, `not`, a transition guard). */
const isPredicate = (implementation: unknown): implementation is (args: GuardArgs, params?: unknown) => boolean => typeof implementation === 'function' && !('check' in implementation);

/** The snapshot XState hands a guard's `check`: the machine, whose implementations name the guards. */
interface GuardSnapshot {
  readonly machine: { readonly implementations: { readonly guards: Implementations } };
}
/** A guard XState evaluates by calling its `check` with the snapshot (as it does its own `and`). */
type CheckedGuard = ((...args: never[]) => boolean) & { check: (snapshot: GuardSnapshot, args: GuardArgs, guard: unknown) => boolean };

/**
 * Evaluates `reference` the way XState's `evaluateGuard` would, with a direct path for the
 * common cases: a name whose implementation is a plain predicate (called as XState calls it,
 * with no params), and a comparison (`matches` with params) while `matches` is this module's.
 * Anything else goes through XState itself (`fallback`, its `and` of the one reference).
 */
function evaluateReference(reference: GuardReference, guards: Implementations, snapshot: GuardSnapshot, args: GuardArgs, fallback: CheckedGuard): boolean {
  let resolved: unknown = reference;
  if (typeof reference === 'string') {
    resolved = implementationOf(guards, reference);
    if (isPredicate(resolved)) return resolved(args, undefined);
  }
  if (resolved !== null && typeof resolved === 'object' && (resolved as { type?: unknown }).type === 'matches' && guards.matches === matches) {
    return matches(args, (resolved as { params?: unknown }).params);
  }
  // XState's `and` reads its parts from its third argument, the guard itself.
  return fallback.check(snapshot, args, fallback);
}

// XState's own resolution of `isEventValid`, the same for every transition guard.
const isEventValidFallback = and(['isEventValid'] as never) as unknown as CheckedGuard;

/**
 * The guard of a transition: the event is valid (and the timeline has room), and the
 * condition, if any, holds. A guard with a condition is one function that XState calls with
 * the snapshot (as it calls its own `and`): it asks `isEventValid`, then the condition, both
 * looked up by name in the machine's implementations when evaluated (so `provide` reaches
 * them), without XState's guard resolution for each part. It keeps the shape of XState's
 * `and` (`guards`: `isEventValid` and the condition as a guard reference) and shows as the
 * condition itself: in JSON as the guard's name (or `matches` with the condition as params),
 * and by its function name (which the Stately inspector shows) as the guard's name or the
 * condition as text.
 */
export function transitionGuard(condition: Condition | undefined): GuardReference {
  if (condition === undefined) return 'isEventValid';
  const reference = toGuardReference(condition);
  const holds = and([reference] as never) as unknown as CheckedGuard;
  const guard = function (): boolean {
    // XState calls `check`; called directly (outside a machine) there are no implementations to ask.
    throw new TypeError('A transition guard is evaluated by XState, through its check');
  } as unknown as CheckedGuard & { guards: readonly GuardReference[]; toJSON: () => unknown };
  guard.check = (snapshot, args) => {
    const guards = snapshot.machine.implementations.guards;
    return evaluateReference('isEventValid', guards, snapshot, args, isEventValidFallback) && evaluateReference(reference, guards, snapshot, args, holds);
  };
  guard.guards = ['isEventValid', reference];
  const shown = typeof condition === 'string' ? { type: condition } : { type: 'matches', params: condition };
  guard.toJSON = () => shown;
  Object.defineProperty(guard, 'name', { value: typeof condition === 'string' ? condition : conditionText(condition) });
  return guard as unknown as GuardReference;
}

/** The `matches` guard: one comparison of a condition, given as params. */
export function matches(args: GuardArgs, params: unknown): boolean {
  return evaluateCondition(params as Condition, scopeOf(args), () => false);
}

const guardDepth = (limits.guardChain + 1) * (limits.conditionDepth + 2);

const composition = {
  and: (and([]) as unknown as { check: unknown }).check,
  or: (or([]) as unknown as { check: unknown }).check,
  not: (not('' as never) as unknown as { check: unknown }).check,
};

/**
 * Evaluates a guard reference as XState would, against a machine's implementations: names are
 * looked up (so guards given through `provide` count), and `and`/`or`/`not` are followed.
 * Used for advice, which asks guards outside of a transition.
 */
export function checkGuard(reference: unknown, args: GuardArgs, implementations: Implementations, depth = 0): boolean {
  // As deep as a valid playbook's guards go (a chain of named guards, each condition nested to
  // the limit); deeper only through guards given in code that refer to each other.
  if (depth > guardDepth) throw new TypeError(`Guards refer to each other more than ${guardDepth} levels deep`);
  if (typeof reference === 'string') {
    if (!Object.hasOwn(implementations, reference)) throw new TypeError(`The machine has no guard named "${reference}"`);
    return checkGuard(implementations[reference], args, implementations, depth + 1);
  }
  if (typeof reference === 'function') {
    const composed = reference as unknown as { check?: unknown; guards?: readonly unknown[] };
    if (composed.check === composition.and) return composed.guards!.every((guard) => checkGuard(guard, args, implementations, depth + 1));
    if (composed.check === composition.or) return composed.guards!.some((guard) => checkGuard(guard, args, implementations, depth + 1));
    if (composed.check === composition.not) return !checkGuard(composed.guards![0], args, implementations, depth + 1);
    // A transition guard (see `transitionGuard`): all of its parts.
    if (typeof composed.check === 'function' && Array.isArray(composed.guards)) return composed.guards.every((guard) => checkGuard(guard, args, implementations, depth + 1));
    return (reference as (args: GuardArgs, params?: unknown) => boolean)(args, undefined);
  }
  if (reference !== null && typeof reference === 'object' && typeof (reference as { type?: unknown }).type === 'string') {
    const { type, params } = reference as { type: string; params?: unknown };
    const implementation = implementationOf(implementations, type);
    if (isPredicate(implementation)) return implementation(args, params);
    return checkGuard(type, args, implementations, depth + 1);
  }
  throw new TypeError(`Cannot evaluate the guard ${String(reference)}`);
}

/**
 * Turns a definition's named guards (conditions as data) into guard predicates, for reuse in
 * other machines. Guards given in `extra` can be referenced by name from the conditions.
 *
 * @example
 * ```ts
 * import { compileGuards } from 'crisis-playbook/authoring';
 * import { defaultPlaybook } from 'crisis-playbook';
 *
 * const guards = compileGuards(defaultPlaybook);
 * guards.isPosterKnown({ context: { facts: { knowsPoster: true } }, event: { type: 'assessment.complete' } }); // true
 * ```
 *
 * @category Compiler
 */
export function compileGuards<D extends PlaybookDefinition>(
  definition: D,
  extra: Readonly<Record<string, GuardPredicate>> = {},
): Record<GuardOf<D>, GuardPredicate> {
  const predicates: Record<string, GuardPredicate> = {};
  const call = (name: string, args: GuardArgs): boolean => {
    const predicate = Object.hasOwn(predicates, name) ? predicates[name] : undefined;
    if (!predicate) throw new TypeError(`Unknown guard "${name}"`);
    return predicate(args);
  };
  for (const [name, guard] of Object.entries(definition.guards)) {
    // Evaluated without the stack for all/any/not, however deep (this does not validate).
    predicates[name] = (args) => evaluateCondition(guard.condition, scopeOf(args), (ref) => call(ref, args));
  }
  return Object.assign(predicates, extra) as Record<GuardOf<D>, GuardPredicate>;
}

/** A definition's named guards as XState guard references, resolved by name when evaluated. */
export function namedGuards(definition: PlaybookDefinition): Record<string, GuardReference> {
  return Object.fromEntries(Object.entries(definition.guards).map(([name, guard]) => [name, toGuardReference(guard.condition)]));
}
