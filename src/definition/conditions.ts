import type { Condition, ConditionValue } from './types.js';

/**
 * What a condition can look at: the incident's facts, the event being handled, and the kinds
 * of threat recorded so far.
 *
 * @category Playbook definition
 */
export interface ConditionScope {
  readonly facts: Readonly<Record<string, unknown>>;
  readonly event: Readonly<Record<string, unknown>>;
  readonly threats: readonly string[];
  readonly supporters: number;
}

/**
 * Resolves a named guard when a condition refers to one.
 *
 * @category Playbook definition
 */
export type GuardLookup = (name: string, scope: ConditionScope) => boolean;

/**
 * Reads a dotted path (`facts.venue`) from the scope; own properties only.
 *
 * @category Playbook definition
 */
export function readPath(scope: ConditionScope, path: string): unknown {
  let value: unknown = scope;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Evaluates a data condition. Named guards are resolved through `lookup`.
 *
 * @category Playbook definition
 */
export function evaluateCondition(
  condition: Condition,
  scope: ConditionScope,
  lookup: GuardLookup,
): boolean {
  if (typeof condition === 'string') return lookup(condition, scope);
  if ('all' in condition) return condition.all.every((part) => evaluateCondition(part, scope, lookup));
  if ('any' in condition) return condition.any.some((part) => evaluateCondition(part, scope, lookup));
  if ('not' in condition) return !evaluateCondition(condition.not, scope, lookup);
  const value = readPath(scope, condition.path);
  if ('equals' in condition) return value === condition.equals;
  if ('in' in condition) return condition.in.includes(value as ConditionValue);
  if ('atLeast' in condition) {
    const amount = Array.isArray(value) ? value.length : value;
    return typeof amount === 'number' && amount >= condition.atLeast;
  }
  return Array.isArray(value) && value.includes(condition.includes);
}

/**
 * The paths a condition reads, following named guards through `guards`.
 *
 * @category Playbook definition
 */
export function conditionPaths(
  condition: Condition,
  guards: Readonly<Record<string, { readonly condition: Condition }>>,
  seen: Set<string> = new Set(),
): string[] {
  if (typeof condition === 'string') {
    const guard = Object.hasOwn(guards, condition) ? guards[condition] : undefined;
    if (!guard || seen.has(condition)) return [];
    seen.add(condition);
    return conditionPaths(guard.condition, guards, seen);
  }
  if ('all' in condition) return condition.all.flatMap((part) => conditionPaths(part, guards, seen));
  if ('any' in condition) return condition.any.flatMap((part) => conditionPaths(part, guards, seen));
  if ('not' in condition) return conditionPaths(condition.not, guards, seen);
  return [condition.path];
}

/**
 * The named guards a condition refers to, directly or inside `all`/`any`/`not`.
 *
 * @category Playbook definition
 */
export function conditionGuardNames(condition: Condition): string[] {
  if (typeof condition === 'string') return [condition];
  if ('all' in condition) return condition.all.flatMap(conditionGuardNames);
  if ('any' in condition) return condition.any.flatMap(conditionGuardNames);
  if ('not' in condition) return conditionGuardNames(condition.not);
  return [];
}
