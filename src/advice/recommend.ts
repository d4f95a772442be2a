import type { AnyMachineSnapshot } from 'xstate';
import type { IncidentContext } from '../compile/context.js';
import type { StateMeta } from '../compile/types.js';
import { checkGuard, scopeOf, type GuardArgs } from '../compile/guards.js';
import { placeOf } from '../compile/layout.js';
import { conditionGuardNames, conditionPaths, evaluateCondition, readPath } from '../definition/conditions.js';
import type { AdviceSpec, Condition, GuardSpec } from '../definition/types.js';

/**
 * One reason behind a recommendation: where the incident stands, or the result of a named
 * guard together with the facts it looked at.
 *
 * @example
 * ```ts
 * import type { Reason } from 'crisis-playbook';
 *
 * const reason: Reason = {
 *   kind: 'guard',
 *   guard: 'hasInsiderInVenue',
 *   result: true,
 *   facts: { insiderInVenue: true },
 *   text: 'hasInsiderInVenue is true (insiderInVenue = true)',
 * };
 * ```
 *
 * @category Advice
 */
export interface Reason {
  readonly kind: 'rung' | 'track' | 'guard';
  /** A sentence a UI can show as it is. */
  readonly text: string;
  readonly guard?: string;
  readonly result?: boolean;
  /** The facts the guard looked at (`undefined` when not known yet). */
  readonly facts?: Readonly<Record<string, unknown>>;
}

/**
 * One next action for the responder.
 *
 * @example
 * ```ts
 * import type { Recommendation } from 'crisis-playbook';
 *
 * function show(r: Recommendation) {
 *   return `${r.title}: ${r.detail} (because ${r.because.map((b) => b.text).join('; ')})`;
 * }
 * ```
 *
 * @category Advice
 */
export interface Recommendation {
  readonly title: string;
  readonly detail: string;
  /** Lower comes first. */
  readonly priority: number;
  /** Where the advice comes from: a rung of the ladder (`track` is `null`), or a side track's state. */
  readonly source: { readonly track: string | null; readonly state: string };
  readonly because: readonly Reason[];
}

type PlaybookMeta = NonNullable<StateMeta['playbook']>;

function describeValue(value: unknown): string {
  return value === undefined ? 'unknown' : JSON.stringify(value);
}

/**
 * The responder's next actions in priority order, across the ladder and the side tracks, each
 * with a title, a detail and `because`: the rung, the tracks and the results of the named
 * guards (with the facts they read) that led to it. A threat of violence puts "contact the
 * authorities" first; supporters speaking up adds "let them, thank them privately".
 *
 * Guards are evaluated with the machine's own implementations, so overrides given through
 * `machine.provide({ guards })` are reflected.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { crisisMachine, recommend } from 'crisis-playbook';
 *
 * const actor = createActor(crisisMachine).start();
 * actor.send({ type: 'threat.reported', kind: 'violence' });
 * const [first] = recommend(actor.getSnapshot());
 * console.log(first?.title); // 'Contact the authorities now'
 * ```
 *
 * @category Advice
 */
export function recommend(snapshot: AnyMachineSnapshot): Recommendation[] {
  const playbook = (snapshot.machine.root.meta as StateMeta | undefined)?.playbook;
  if (playbook === undefined) {
    throw new TypeError('Expected a snapshot of a machine compiled by crisis-playbook (its root meta has no playbook)');
  }
  const context = snapshot.context as IncidentContext;
  const implementations = snapshot.machine.implementations.guards as Record<string, unknown>;
  const args: GuardArgs = { context, event: { type: 'crisis.recommend' } };
  // Guards are looked up by name in the machine, as XState does: `provide` reaches advice too.
  const check = (name: string): boolean => checkGuard(name, args, implementations);
  const explain = (name: string): Reason => {
    const result = check(name);
    const facts = explainFacts(name, playbook, context);
    const shown = Object.entries(facts).map(([key, value]) => `${key} = ${describeValue(value)}`);
    return {
      kind: 'guard',
      guard: name,
      result,
      facts,
      text: `${name} is ${result}${shown.length > 0 ? ` (${shown.join(', ')})` : ''}`,
    };
  };
  const holds = (condition: Condition): boolean => evaluateCondition(condition, scopeOf(args), (name) => check(name));

  const recommendations: Recommendation[] = [];
  const metas = snapshot.getMeta() as Record<string, StateMeta | undefined>;
  for (const [nodeId, meta] of Object.entries(metas)) {
    if (!meta?.advice) continue;
    const place = placeOf(snapshot.machine.getStateNodeById(nodeId));
    if (place === undefined) continue;
    const { track, state } = place;
    const where = whereReason(track, state, meta, context, playbook);
    for (const advice of meta.advice as readonly AdviceSpec[]) {
      if (advice.when !== undefined && !holds(advice.when)) continue;
      const guards = [...new Set([...(advice.when ? conditionGuardNames(advice.when) : []), ...(advice.because ?? [])])];
      recommendations.push({
        title: advice.title,
        detail: advice.detail,
        priority: advice.priority,
        source: { track, state },
        because: [where, ...guards.map(explain)],
      });
    }
  }
  return recommendations.sort((a, b) => a.priority - b.priority);
}

function whereReason(
  track: string | null,
  state: string,
  meta: StateMeta,
  context: IncidentContext,
  playbook: PlaybookMeta,
): Reason {
  if (track !== null) {
    return { kind: 'track', text: `The ${track} track is "${state}" (${meta.title ?? state})` };
  }
  const arrival = [...context.timeline].reverse().find((entry) => entry.to === state && entry.from !== state);
  const how =
    arrival === undefined
      ? state === playbook.initial
        ? 'where every incident starts'
        : 'reached directly'
      : arrival.window !== undefined
        ? `reached when ${arrival.window} ran out at ${arrival.at}`
        : `reached from ${arrival.from} on ${arrival.type} at ${arrival.occurredAt ?? arrival.at}`;
  return { kind: 'rung', text: `The incident is at ${state} (${meta.title ?? state}), ${how}` };
}

function explainFacts(name: string, playbook: PlaybookMeta, context: IncidentContext): Record<string, unknown> {
  const guard: GuardSpec | undefined = Object.hasOwn(playbook.guards, name) ? playbook.guards[name] : undefined;
  if (guard === undefined) return {};
  const scope = scopeOf({ context, event: { type: 'crisis.recommend' } });
  const facts: Record<string, unknown> = {};
  for (const path of conditionPaths(guard.condition, playbook.guards)) {
    if (path.startsWith('facts.')) facts[path.slice('facts.'.length)] = readPath(scope, path);
    if (path === 'threats' || path === 'supporters') facts[path] = scope[path];
  }
  return facts;
}
