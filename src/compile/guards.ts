import type { AnyEventObject } from 'xstate';
import type { IncidentContext } from './context.js';
import { evaluateCondition, type ConditionScope } from '../definition/conditions.js';
import type { Condition, GuardOf, PlaybookDefinition } from '../definition/types.js';

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

/**
 * A guard implementation as XState calls it, with optional params.
 *
 * @category Compiler
 */
export type AnyGuard = (args: GuardArgs, params?: unknown) => boolean;

/**
 * What a condition sees: the facts, the event, the kinds of threat and the supporter count.
 *
 * @category Compiler
 */
export function scopeOf({ context, event }: GuardArgs): ConditionScope {
  return {
    facts: context.facts,
    event,
    threats: (context.threats ?? []).map((threat) => threat.kind),
    supporters: context.supporters ?? 0,
  };
}

/**
 * The guard table of a compiled playbook: one guard per named data guard, the `matches`
 * guard for inline conditions, and `overrides` (guards given in code or through `provide`),
 * which replace their namesakes. Names inside conditions resolve through this same table, so
 * an override reaches every condition that refers to it.
 *
 * @category Compiler
 */
export function buildGuardTable(
  definition: PlaybookDefinition,
  overrides: Readonly<Record<string, AnyGuard>> = {},
): Record<string, AnyGuard> {
  const table: Record<string, AnyGuard> = {};
  const call = (name: string, args: GuardArgs): boolean => {
    const guard = table[name];
    if (!guard) throw new Error(`Unknown guard "${name}"`);
    return guard(args);
  };
  for (const [name, guard] of Object.entries(definition.guards)) {
    table[name] = (args) => evaluateCondition(guard.condition, scopeOf(args), (ref) => call(ref, args));
  }
  table.matches = (args, params) => evaluateCondition(params as Condition, scopeOf(args), (ref) => call(ref, args));
  return Object.assign(table, overrides);
}

/**
 * Turns a definition's named guards (conditions as data) into guard predicates, for reuse in
 * other machines. Guards given in `extra` can be referenced by name from the conditions.
 *
 * @example
 * ```ts
 * import { compileGuards, defaultPlaybook } from 'crisis-playbook';
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
  const guards = buildGuardTable(definition, extra);
  delete guards.matches;
  return guards as Record<GuardOf<D>, GuardPredicate>;
}

/**
 * Every guard of a compiled machine first checks that the event matches its schema, so an
 * invalid event never takes a transition.
 *
 * @category Compiler
 */
export function requireValidEvent(
  guards: Readonly<Record<string, AnyGuard>>,
  isEventValid: (args: GuardArgs) => boolean,
): Record<string, AnyGuard> {
  return Object.fromEntries(
    Object.entries(guards).map(([name, guard]) => [
      name,
      name === 'isEventValid' ? guard : (args: GuardArgs, params?: unknown) => isEventValid(args) && guard(args, params),
    ]),
  );
}
