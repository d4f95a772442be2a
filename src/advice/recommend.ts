import type { AnyMachineSnapshot } from 'xstate';
import type { IncidentContext } from '../compile/context.js';
import type { StateMeta } from '../compile/types.js';
import { placeOf } from '../compile/layout.js';
import { compiledPlaybookOf } from '../compile/registry.js';
import { conditionGuardNames } from '../definition/conditions.js';
import type { AdviceSpec } from '../definition/types.js';
import { nextSteps, type NextStep } from './nextSteps.js';
import { guardReason, holdsNow, rungReasons, trackReason, type Reason, type ReasonScope } from './reasons.js';

export type { Reason } from './reasons.js';
export type { NextStep } from './nextSteps.js';

/**
 * One next action for the responder, with the reasons for it written for people, and for
 * advice on the ladder, the "if …, then …" lines of what comes next.
 *
 * @example
 * ```ts
 * import type { Recommendation } from 'crisis-playbook';
 *
 * function show(r: Recommendation) {
 *   return [
 *     `${r.title}: ${r.detail}`,
 *     ...r.because.map((reason) => `  why: ${reason.text}`),
 *     ...r.next.map((step) => `  if ${step.if}, then ${step.then}`),
 *   ].join('\n');
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
  /**
   * Why this advice, now: where the incident stands and how it got there, then the answers of
   * the guards behind the advice. Each has a sentence (`text`) and its structured form.
   */
  readonly because: readonly Reason[];
  /**
   * For advice on the ladder: where it goes from this rung, and on what ("if the reply window
   * runs out, then go through a colleague"). Empty for side tracks and final rungs.
   */
  readonly next: readonly NextStep[];
}

/**
 * Everything the responder should do now, in priority order, across the ladder and the side
 * tracks: each with a title, a detail, the reasons for it (`because`, written for people, with
 * the guards and facts behind them) and, on the ladder, what comes next (`next`). A threat of
 * violence puts "contact the authorities" first; each kind of threat adds its own advice;
 * supporters speaking up adds "let them, thank them privately".
 *
 * Guards are evaluated with the machine's own implementations, so overrides given through
 * `machine.provide({ guards })` are reflected.
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine, recommend } from 'crisis-playbook';
 *
 * const incident = createIncident(crisisMachine).start();
 * incident.send({ type: 'threat.reported', kind: 'violence' });
 * const [first] = recommend(incident.getSnapshot());
 * console.log(first?.title); // 'Contact the authorities now'
 * console.log(first?.because.map((reason) => reason.text));
 * ```
 *
 * @category Advice
 */
export function recommend(snapshot: AnyMachineSnapshot): Recommendation[] {
  const playbook = (snapshot.machine.root.meta as StateMeta | undefined)?.playbook;
  const compiled = compiledPlaybookOf(snapshot.machine);
  if (playbook === undefined || compiled === undefined) {
    throw new TypeError('Expected a snapshot of a machine compiled by crisis-playbook (its root meta has no playbook)');
  }
  const context = snapshot.context as IncidentContext;
  const provided = snapshot.machine.implementations.delays as Record<string, unknown>;
  const scope: ReasonScope = {
    definition: compiled.definition,
    context,
    // Guards are looked up by name in the machine, as XState does: `provide` reaches advice too.
    guards: snapshot.machine.implementations.guards as Record<string, unknown>,
    windowLength: (window) => {
      const delay = provided[window];
      if (typeof delay === 'number') return delay;
      return context.windows[window] ?? compiled.defaultWindows[window];
    },
  };

  const recommendations: Recommendation[] = [];
  const metas = snapshot.getMeta() as Record<string, StateMeta | undefined>;
  for (const [nodeId, meta] of Object.entries(metas)) {
    if (!meta?.advice || meta.advice.length === 0) continue;
    const place = placeOf(snapshot.machine.getStateNodeById(nodeId));
    if (place === undefined) continue;
    const { track, state } = place;
    const where = track === null ? rungReasons(scope, state) : [trackReason(compiled.definition, track, state)];
    let next: NextStep[] | undefined;
    for (const advice of meta.advice as readonly AdviceSpec[]) {
      if (advice.when !== undefined && !holdsNow(scope, advice.when)) continue;
      const guards = [...new Set([...(advice.when ? conditionGuardNames(advice.when) : []), ...(advice.because ?? [])])];
      next ??= track === null ? nextSteps(scope, state) : [];
      recommendations.push({
        title: advice.title,
        detail: advice.detail,
        priority: advice.priority,
        source: { track, state },
        because: [...where, ...guards.filter((name) => !where.some((reason) => reason.guard === name)).map((name) => guardReason(scope, name))],
        next,
      });
    }
  }
  return recommendations.sort((a, b) => a.priority - b.priority);
}
