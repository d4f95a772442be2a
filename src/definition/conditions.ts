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

// The keys of the paths conditions read, split once: a playbook has few paths, read on every guard.
const splitPaths = new Map<string, readonly string[]>();
function keysOf(path: string): readonly string[] {
  let keys = splitPaths.get(path);
  if (keys === undefined) {
    keys = path.split('.');
    if (splitPaths.size < 10_000) splitPaths.set(path, keys);
  }
  return keys;
}

/**
 * Reads a dotted path (`facts.venue`) from the scope; own properties only.
 *
 * @category Playbook definition
 */
export function readPath(scope: ConditionScope, path: string): unknown {
  let value: unknown = scope;
  for (const key of keysOf(path)) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** An `all`, `any` or `not` being evaluated: the conditions it combines and the next to look at. */
interface Pending {
  readonly kind: 'all' | 'any' | 'not';
  readonly parts: readonly Condition[];
  index: number;
}

/**
 * Evaluates a data condition. Named guards are resolved through `lookup`. Iterative over
 * `all`/`any`/`not`, so that nesting does not use the stack; parts are evaluated from left to
 * right and `all`/`any` stop at the first part that decides, as `every` and `some` do.
 *
 * @category Playbook definition
 */
export function evaluateCondition(
  condition: Condition,
  scope: ConditionScope,
  lookup: GuardLookup,
): boolean {
  if (typeof condition === 'string') return lookup(condition, scope);
  if (!('all' in condition) && !('any' in condition) && !('not' in condition)) return compare(condition, scope);
  const pending: Pending[] = [];
  let next: Condition | undefined = condition;
  let result = false;
  for (;;) {
    // Go down to the first part that is not a combination, and evaluate it.
    while (next !== undefined) {
      const node: Condition = next;
      next = undefined;
      if (typeof node === 'string') result = lookup(node, scope);
      else if ('not' in node) {
        pending.push({ kind: 'not', parts: [node.not], index: 0 });
        next = node.not;
      } else if ('all' in node || 'any' in node) {
        const kind = 'all' in node ? 'all' : 'any';
        const parts: readonly Condition[] = 'all' in node ? node.all : node.any;
        if (parts.length === 0) result = kind === 'all';
        else {
          pending.push({ kind, parts, index: 0 });
          next = parts[0];
        }
      } else result = compare(node, scope);
    }
    // Go up while the combinations are decided, or on to the next part of one that is not.
    while (next === undefined) {
      const top = pending.at(-1);
      if (top === undefined) return result;
      if (top.kind === 'not') {
        result = !result;
        pending.pop();
      } else if ((top.kind === 'all' ? !result : result) || ++top.index >= top.parts.length) {
        pending.pop();
      } else {
        next = top.parts[top.index];
      }
    }
  }
}

/** A comparison of the value at `path`. */
function compare(
  condition: Exclude<Condition, string | { readonly all: unknown } | { readonly any: unknown } | { readonly not: unknown }>,
  scope: ConditionScope,
): boolean {
  const value = readPath(scope, condition.path);
  if ('equals' in condition) return value === condition.equals;
  if ('in' in condition) return condition.in.includes(value as ConditionValue);
  if ('atLeast' in condition) {
    const amount = Array.isArray(value) ? value.length : value;
    return typeof amount === 'number' && amount >= condition.atLeast;
  }
  return Array.isArray(value) && value.includes(condition.includes);
}

/** The conditions inside a combination, in order; none for a name or a comparison. */
function partsOf(condition: Condition): readonly Condition[] {
  if (typeof condition === 'string') return [];
  if ('all' in condition) return condition.all;
  if ('any' in condition) return condition.any;
  if ('not' in condition) return [condition.not];
  return [];
}

/**
 * The paths a condition reads, following named guards through `guards`. Iterative, in the
 * order the condition reads them.
 *
 * @category Playbook definition
 */
export function conditionPaths(
  condition: Condition,
  guards: Readonly<Record<string, { readonly condition: Condition }>>,
  seen: Set<string> = new Set(),
): string[] {
  const paths: string[] = [];
  const stack: Condition[] = [condition];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node === 'string') {
      const guard = Object.hasOwn(guards, node) ? guards[node] : undefined;
      if (guard && !seen.has(node)) {
        seen.add(node);
        stack.push(guard.condition);
      }
    } else if ('path' in node) {
      paths.push(node.path);
    } else {
      const parts = partsOf(node);
      for (let index = parts.length - 1; index >= 0; index--) stack.push(parts[index]!);
    }
  }
  return paths;
}

/**
 * The named guards a condition refers to, directly or inside `all`/`any`/`not`, in order.
 * Iterative.
 *
 * @category Playbook definition
 */
export function conditionGuardNames(condition: Condition): string[] {
  const names: string[] = [];
  const stack: Condition[] = [condition];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node === 'string') names.push(node);
    else {
      const parts = partsOf(node);
      for (let index = parts.length - 1; index >= 0; index--) stack.push(parts[index]!);
    }
  }
  return names;
}

/**
 * A condition as short text, as diagrams and the inspector show it:
 * `isPosterKnown and facts.venue = private-group`.
 */
export function conditionText(condition: Condition): string {
  if (typeof condition === 'string') return condition;
  if ('all' in condition) return condition.all.map(conditionText).join(' and ');
  if ('any' in condition) return `(${condition.any.map(conditionText).join(' or ')})`;
  // `not (a and b)`: without the brackets it would read as `(not a) and b`.
  if ('not' in condition) {
    const inner = condition.not;
    return typeof inner === 'object' && 'all' in inner && inner.all.length > 1 ? `not (${conditionText(inner)})` : `not ${conditionText(inner)}`;
  }
  const path = condition.path;
  if ('equals' in condition) return `${path} = ${String(condition.equals)}`;
  if ('in' in condition) return `${path} in ${condition.in.map(String).join('/')}`;
  if ('atLeast' in condition) return `${path} at least ${condition.atLeast}`;
  return `${path} has ${String(condition.includes)}`;
}
