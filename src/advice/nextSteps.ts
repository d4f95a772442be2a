// "If …, then …": where the ladder goes from a rung, and on what, as a responder reads it.
import { ownNumber } from '../compile/context.js';
import { destinationOf, groupBy, rungTransitions, rungWindows } from '../definition/graph.js';
import type { AfterSpec, TransitionSpec } from '../definition/types.js';
import { conditionReasons, eventInWords, holdsNow, readsEvent, rungTitle, windowInWords, type Reason, type ReasonScope } from './reasons.js';
import { asClause, listInWords } from './wording.js';

/**
 * One "if …, then …" line of a rung's advice: what moves the ladder on from here, and where it
 * goes. `if` names the waiting window that can run out and the events that lead the same way;
 * `then` is the next rung and what it is for; `because` holds the answers of the guards that
 * chose that rung, as they stand now.
 *
 * @example
 * ```ts
 * import type { NextStep } from 'crisis-playbook';
 *
 * function show(step: NextStep) {
 *   return `If ${step.if}, then ${step.then}`;
 * }
 * ```
 *
 * @category Advice
 */
export interface NextStep {
  /** What would happen: "the reply window of 24 hours runs out, or the private message got no answer". */
  readonly if: string;
  /** Where the ladder goes and what to do there: "“Go through a colleague”: ask the colleague …". */
  readonly then: string;
  /** The rung it goes to. */
  readonly target: string;
  /** The waiting window among the causes, if any. */
  readonly window?: string;
  /** The event types among the causes. */
  readonly events: readonly string[];
  /** The answers of the guards that chose `target`. */
  readonly because: readonly Reason[];
  /**
   * When the step is a follow-up the rung sends before it moves on (see the rung's `followUps`):
   * which one (`number`, from 1) of at most `max`. `target` is then the rung itself.
   */
  readonly followUp?: { readonly number: number; readonly max: number };
}

interface Cause {
  readonly text: string;
  readonly event?: string;
  readonly window?: string;
  readonly because: readonly Reason[];
}

/**
 * The ways the ladder can leave `rung` by its own transitions and windows (not the ones every
 * rung shares), grouped by where they lead, in the playbook's order. For each event or window
 * the option that would be taken now is chosen, as the machine would; an option whose guard
 * reads the event is listed with its guard's words, since only the event can tell.
 */
export function nextSteps(scope: ReasonScope, rung: string): NextStep[] {
  const { definition } = scope;
  const spec = definition.ladder.rungs.find((candidate) => candidate.id === rung);
  if (spec === undefined || spec.final) return [];
  const shared = new Set(definition.ladder.fromEveryRung ?? []);
  const byTarget = new Map<string, Cause[]>();
  const add = (target: string, cause: Cause) => {
    const list = byTarget.get(target) ?? [];
    list.push(cause);
    byTarget.set(target, list);
  };

  const own = rungTransitions(definition, spec).filter((transition) => !shared.has(transition));
  const events = new Map(groupBy(own, (transition) => transition.event));
  const windows = new Map(groupBy(rungWindows(spec), (after) => after.window));

  // While the rung may still send a follow-up, its window running out leads to the follow-up, not on.
  const followUps = spec.followUps;
  const sent = ownNumber(scope.context.followUps, rung) ?? 0;
  const followUp =
    followUps !== undefined && windows.has(followUps.window) && sent < followUps.max
      ? {
          if: scope.language.phrases.runsOut(windowInWords(scope, followUps.window)),
          then: scope.language.phrases.sendFollowUp(sent + 1, followUps.max, followUps.description ? asClause(scope.language.t(followUps.description)) : ''),
          target: rung,
          window: followUps.window,
          events: [],
          because: [],
          followUp: { number: sent + 1, max: followUps.max },
        }
      : undefined;
  for (const [window, options] of windows) {
    if (window === followUp?.window) continue;
    for (const chosen of choose(scope, options)) {
      const target = destinationOf(chosen.option, rung);
      if (target !== undefined && target !== rung) add(target, { text: scope.language.phrases.runsOut(windowInWords(scope, window)), window, because: chosen.because });
    }
  }
  for (const [event, options] of events) {
    for (const chosen of choose(scope, options)) {
      const target = destinationOf(chosen.option, rung);
      // Staying, or starting the rung over (a request sent again), is not a way on.
      if (target === undefined || target === rung) continue;
      const text = eventInWords(scope, event);
      const detail = chosen.eventGuard ? ` (${listInWords(chosen.because.map((reason) => asClause(reason.text)), scope.language)})` : '';
      add(target, { text: text + detail, event, because: chosen.eventGuard ? [] : chosen.because });
    }
  }

  const steps = [...byTarget].map(([target, causes]): NextStep => {
    const targetSpec = definition.ladder.rungs.find((candidate) => candidate.id === target);
    const window = causes.find((cause) => cause.window !== undefined)?.window;
    const because = dedupe(causes.flatMap((cause) => cause.because));
    return {
      if: causes.map((cause) => cause.text).join(scope.language.phrases.or),
      then: scope.language.phrases.target(rungTitle(scope, target), targetSpec ? asClause(scope.language.t(targetSpec.description)) : ''),
      target,
      ...(window !== undefined ? { window } : {}),
      events: causes.flatMap((cause) => (cause.event === undefined ? [] : [cause.event])),
      because,
    };
  });
  return followUp === undefined ? steps : [followUp, ...steps];
}

interface Chosen<T> {
  readonly option: T;
  readonly because: Reason[];
  /** The option's guard reads the event: the guard's words are part of the cause. */
  readonly eventGuard: boolean;
}

/** The option taken now among guarded alternatives; every alternative that depends on the event. */
function choose<T extends TransitionSpec | AfterSpec>(scope: ReasonScope, options: readonly T[]): Chosen<T>[] {
  const chosen: Chosen<T>[] = [];
  const failed: Reason[] = [];
  for (const option of options) {
    if (option.guard === undefined) {
      chosen.push({ option, because: [...failed], eventGuard: failed.length > 0 && chosen.length > 0 });
      break;
    }
    if (readsEvent(scope.definition, option.guard)) {
      chosen.push({ option, because: conditionReasons(scope, option.guard, true), eventGuard: true });
      failed.push(...conditionReasons(scope, option.guard, false));
      continue;
    }
    const holds = holdsNow(scope, option.guard);
    if (holds) {
      chosen.push({ option, because: [...failed, ...conditionReasons(scope, option.guard, true)], eventGuard: false });
      break;
    }
    failed.push(...conditionReasons(scope, option.guard, false));
  }
  return chosen;
}

function dedupe(reasons: readonly Reason[]): Reason[] {
  const seen = new Set<string>();
  return reasons.filter((reason) => {
    const key = reason.guard ?? reason.text;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
