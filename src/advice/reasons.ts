// The reasons behind advice, as sentences for people: a guard's answer in the playbook's own
// words, where the incident stands and how it got there.
import { ownNumber, type IncidentContext, type TimelineEntry } from '../compile/context.js';
import { checkGuard, scopeOf, type GuardArgs } from '../compile/guards.js';
import { neutralEvent } from '../compile/reminders.js';
import { conditionGuardNames, conditionPaths, evaluateCondition, readPath, type ConditionScope } from '../definition/conditions.js';
import { factAnswers } from '../definition/facts.js';
import { rungTransitions, rungWindows } from '../definition/graph.js';
import type { AfterSpec, Condition, GuardSpec, PlaybookDefinition, TransitionSpec } from '../definition/types.js';
import { asClause, durationInWords, fillText, idToWords, type Language } from './wording.js';

/**
 * One reason behind a recommendation, as a sentence a person can read (`text`), with the
 * structured form beside it for apps: where the incident stands (`rung`, `track`, `severity`), or a named
 * guard's answer (`guard`, `result`) and the facts it read (`facts`).
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
 *   text: 'A colleague is a member of the group where the posts are.',
 * };
 * ```
 *
 * @category Advice
 */
export interface Reason {
  readonly kind: 'rung' | 'track' | 'severity' | 'guard';
  /** A sentence a UI can show as it is, written for the responder. */
  readonly text: string;
  /** The guard whose answer this is (`kind: 'guard'`). */
  readonly guard?: string;
  readonly result?: boolean;
  /** The facts the guard read, by path below the incident (`undefined` when not known yet). */
  readonly facts?: Readonly<Record<string, unknown>>;
}

/** What reasons are worked out from: the playbook, the incident and the machine's guards. */
export interface ReasonScope {
  readonly definition: PlaybookDefinition;
  readonly context: IncidentContext;
  readonly guards: Readonly<Record<string, unknown>>;
  readonly windowLength: (window: string) => number | undefined;
  readonly language: Language;
}

/** The event advice evaluates guards with: none is being processed (the one the reminders use too). */
export const adviceEvent = neutralEvent;

export function argsOf(scope: ReasonScope): GuardArgs {
  return { context: scope.context, event: adviceEvent };
}

/** A named guard's answer now, through the machine's implementations (so `provide` counts). */
export function checkNamed(scope: ReasonScope, name: string): boolean {
  // Advice evaluates guards outside any event: a guard given in code that reads the event may
  // throw here. Advice never throws for it; the guard counts as not holding.
  try {
    return checkGuard(name, argsOf(scope), scope.guards);
  } catch {
    return false;
  }
}

/** Whether a condition holds now. */
export function holdsNow(scope: ReasonScope, condition: Condition): boolean {
  return evaluateCondition(condition, scopeOf(argsOf(scope)), (name) => checkNamed(scope, name));
}

/** Whether a condition reads the event (its answer cannot be known outside a transition). */
export function readsEvent(definition: PlaybookDefinition, condition: Condition): boolean {
  // A guard given only in code may read anything, the event included: only the event can tell.
  if (conditionGuardNames(condition).some((name) => !Object.hasOwn(definition.guards, name))) return true;
  return conditionPaths(condition, definition.guards).some((path) => path === 'event' || path.startsWith('event.'));
}

function guardSpec(definition: PlaybookDefinition, name: string): GuardSpec | undefined {
  return Object.hasOwn(definition.guards, name) ? definition.guards[name] : undefined;
}

/** The facts a guard reads: `facts.*` by name, and `threats` and `supporters`. */
function factsRead(definition: PlaybookDefinition, name: string, conditionScope: ConditionScope): Record<string, unknown> {
  const guard = guardSpec(definition, name);
  if (guard === undefined) return {};
  const facts: Record<string, unknown> = {};
  for (const path of conditionPaths(guard.condition, definition.guards)) {
    if (path.startsWith('facts.')) facts[path.slice('facts.'.length)] = readPath(conditionScope, path);
    if (path === 'threats' || path === 'supporters') facts[path] = conditionScope[path];
  }
  return facts;
}

/**
 * A guard's answer as a reason. `result` is given when it is known otherwise (a guard that read
 * an event, answered by where the incident went); else it is evaluated now.
 */
export function guardReason(scope: ReasonScope, name: string, result: boolean = checkNamed(scope, name)): Reason {
  const conditionScope = scopeOf(argsOf(scope));
  const facts = factsRead(scope.definition, name, conditionScope);
  const spec = guardSpec(scope.definition, name);
  const { language } = scope;
  let text: string;
  if (spec?.reason) {
    // "Not recorded yet" (for a guard that does not hold, and has words for it) only while a fact
    // not recorded could still make it hold: a guard that no answer to them can make true is
    // answered already (having seen the posts settles whether they are out of sight).
    const unknown =
      !result && spec.reason.unknown !== undefined && Object.keys(facts).some((key) => facts[key] === undefined) && couldHold(scope, name);
    const form = result ? spec.reason.true : unknown ? spec.reason.unknown! : spec.reason.false;
    text = fillText(language.t(form), { incident: conditionScope }, language).text;
  } else if (spec) {
    text = result ? language.t(spec.description) : language.phrases.notSo(asClause(language.t(spec.description)));
  } else {
    // A guard given in code only: the playbook has no words for it.
    text = `${idToWords(name, language)}: ${result ? language.phrases.yes : language.phrases.no}`;
  }
  return { kind: 'guard', guard: name, result, facts, text };
}

/**
 * Whether some answers to the facts not recorded make the guard `name` hold: every combination
 * is tried (at most 128, the six facts' answers).
 */
function couldHold(scope: ReasonScope, name: string): boolean {
  // Worked out once per guard, incident state and set of guards (advice asks for the same guard several times).
  let byContext = couldHoldCache.get(scope.guards);
  if (byContext === undefined) couldHoldCache.set(scope.guards, (byContext = new WeakMap()));
  let byGuard = byContext.get(scope.context);
  if (byGuard === undefined) byContext.set(scope.context, (byGuard = new Map()));
  let answer = byGuard.get(name);
  if (answer === undefined) byGuard.set(name, (answer = tryAnswers(scope, name)));
  return answer;
}

const couldHoldCache = new WeakMap<object, WeakMap<object, Map<string, boolean>>>();

/** The most named-guard evaluations `tryAnswers` spends on one guard: beyond it, the guard is taken as one that could hold. */
const answerBudget = 20_000;

/** How many named guards a playbook guard stands for, its references written out (each evaluation visits them all); 1 for one given in code. */
function guardSize(definition: PlaybookDefinition, name: string): number {
  let sizes = guardSizes.get(definition);
  if (sizes === undefined) guardSizes.set(definition, (sizes = new Map()));
  const known = sizes.get(name);
  if (known !== undefined) return known;
  const spec = Object.hasOwn(definition.guards, name) ? definition.guards[name] : undefined;
  sizes.set(name, 1); // a cycle (refused when the playbook was checked) counts once
  let size = 1;
  if (spec !== undefined) for (const reference of conditionGuardNames(spec.condition)) size = Math.min(size + guardSize(definition, reference), answerBudget + 1);
  sizes.set(name, size);
  return size;
}

const guardSizes = new WeakMap<PlaybookDefinition, Map<string, number>>();

function tryAnswers(scope: ReasonScope, name: string): boolean {
  // A guard that reads the event is answered by an event, not by the facts.
  if (readsEvent(scope.definition, name)) return true;
  // Every fact not recorded, not only those the playbook's condition reads: a guard given in code
  // (`provide`) may read others.
  const unset = (Object.keys(factAnswers) as (keyof typeof factAnswers)[]).filter((key) => scope.context.facts[key] === undefined);
  // A guard that stands for thousands of others would take seconds over every combination:
  // it is said to be one the unrecorded facts could make hold, as before they were tried.
  const combinations = unset.reduce((product, key) => product * factAnswers[key].length, 1);
  if (combinations * guardSize(scope.definition, name) > answerBudget) return true;
  const tryFrom = (index: number, facts: Record<string, unknown>): boolean => {
    if (index === unset.length) return checkNamed({ ...scope, context: { ...scope.context, facts } as IncidentContext }, name);
    const fact = unset[index]!;
    return factAnswers[fact].some((value: unknown) => tryFrom(index + 1, { ...facts, [fact]: value }));
  };
  return tryFrom(0, { ...scope.context.facts });
}

/** The reasons for a condition's answer: one per named guard in it (comparisons have no words). */
export function conditionReasons(scope: ReasonScope, condition: Condition, known?: boolean): Reason[] {
  const names = [...new Set(conditionGuardNames(condition))];
  // When the answer is known from the outcome, a condition that is a single guard takes it.
  return names.map((name) => guardReason(scope, name, known !== undefined && typeof condition === 'string' ? known : undefined));
}

/** A rung's title in the language. */
export function rungTitle(scope: ReasonScope, id: string): string {
  const title = scope.definition.ladder.rungs.find((rung) => rung.id === id)?.title;
  return title === undefined ? idToWords(id, scope.language) : scope.language.t(title);
}

/** "the reply window of 24 hours" (the length this incident uses). */
export function windowInWords(scope: ReasonScope, window: string): string {
  const { language } = scope;
  const ms = scope.windowLength(window);
  const name = idToWords(window, language);
  return ms === undefined ? language.phrases.window(name) : language.phrases.windowOf(name, durationInWords(ms, language));
}

/** What an event means, as a clause: its description, or its type in words. */
export function eventInWords(scope: ReasonScope, type: string): string {
  const spec = Object.hasOwn(scope.definition.events, type) ? scope.definition.events[type] : undefined;
  return spec?.description ? asClause(scope.language.t(spec.description)) : idToWords(type, scope.language);
}

/**
 * Where the ladder stands and how it got there (the last entry that moved it here), then the
 * answers of the guards that chose this rung on that move: the ones that sent it elsewhere
 * first did not hold, the one on the move did.
 */
export function rungReasons(scope: ReasonScope, rung: string): Reason[] {
  const { definition, context, language } = scope;
  const title = rungTitle(scope, rung);
  let arrival: TimelineEntry | undefined;
  for (let index = context.timeline.length - 1; index >= 0; index--) {
    const entry = context.timeline[index]!;
    if (entry.to === rung && entry.from !== rung) {
      arrival = entry;
      break;
    }
  }
  if (arrival === undefined) {
    return [{ kind: 'rung', text: rung === definition.ladder.initial ? language.phrases.startsHere(title) : language.phrases.standsAt(title) }];
  }
  const how = arrival.window !== undefined ? language.phrases.ranOut(windowInWords(scope, arrival.window)) : eventInWords(scope, arrival.type);
  return [{ kind: 'rung', text: language.phrases.arrived(title, how) }, ...followUpReasons(scope, rung), ...choiceReasons(scope, arrival)];
}

/** The follow-ups the rung sent since it was entered, as a sentence ("… so you sent follow-up 1 of 1 and wait again."). */
function followUpReasons(scope: ReasonScope, rung: string): Reason[] {
  const sent = ownNumber(scope.context.followUps, rung);
  const spec = scope.definition.ladder.rungs.find((candidate) => candidate.id === rung)?.followUps;
  if (sent === undefined || spec === undefined) return [];
  const window = windowInWords(scope, spec.window);
  return [{ kind: 'rung', text: scope.language.phrases.followUpsSent(sent, spec.max, window.charAt(0).toUpperCase() + window.slice(1)) }];
}

/** The guards' answers on the move `entry` made, read from the rung it left. */
function choiceReasons(scope: ReasonScope, entry: TimelineEntry): Reason[] {
  const { definition } = scope;
  const from = definition.ladder.rungs.find((rung) => rung.id === entry.from);
  if (from === undefined) return [];
  const options: readonly (TransitionSpec | AfterSpec)[] =
    entry.window !== undefined
      ? rungWindows(from).filter((after) => after.window === entry.window)
      : rungTransitions(definition, from).filter((transition) => transition.event === entry.type);
  const reasons: Reason[] = [];
  for (const [index, option] of options.entries()) {
    if (option.guard === undefined) break;
    // A guard that read the event is answered by where the incident went.
    const result = readsEvent(definition, option.guard) ? option.target === entry.to : holdsNow(scope, option.guard);
    // The facts changed since: say nothing rather than something wrong. Either a guard before
    // the one taken holds now, or the one taken (no later way leads there) no longer does.
    if (result && option.target !== entry.to) return [];
    if (!result && option.target === entry.to && !options.slice(index + 1).some((later) => later.target === entry.to)) return [];
    reasons.push(...conditionReasons(scope, option.guard, result));
    if (result) break;
  }
  return reasons;
}

/** Where a side track stands: what its state means, in the playbook's words. */
export function trackReason(scope: ReasonScope, track: string, state: string): Reason {
  const { definition, language } = scope;
  const stateSpec = definition.tracks.find((candidate) => candidate.id === track)?.states.find((candidate) => candidate.id === state);
  return { kind: 'track', text: stateSpec ? language.t(stateSpec.description) : `${idToWords(track, language)}: ${idToWords(state, language)}.` };
}
