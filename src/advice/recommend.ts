import type { AnyMachineSnapshot } from 'xstate';
import { windowMsOf, type IncidentContext } from '../compile/context.js';
import type { StateMeta } from '../compile/types.js';
import { windowLength } from '../compile/deadlines.js';
import { placeOf } from '../compile/layout.js';
import { compiledPlaybookOf } from '../compile/registry.js';
import { conditionGuardNames } from '../definition/conditions.js';
import type { AdviceSpec } from '../definition/types.js';
import { nextSteps, type NextStep } from './nextSteps.js';
import { adviceEvent, argsOf, guardReason, holdsNow, rungReasons, trackReason, type Reason, type ReasonScope } from './reasons.js';
import { severityIn, type Severity } from './severity.js';
import { durationInWords, fillText, languageOf, type TextScope } from './wording.js';
import { remindersIn } from './reminders.js';
import { responseTarget } from '../compile/reminders.js';
import { scopeOf } from '../compile/guards.js';

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
  /** Messages to send, filled in and ready to copy (see {@link Draft}). */
  readonly drafts: readonly Draft[];
}

/**
 * A message ready to copy: a playbook draft with its placeholders filled from the incident and
 * the values the app gave. `missing` lists the placeholders that had no value (their fallback,
 * or a `[slot]` for the responder to fill, stands in the text).
 *
 * @example
 * ```ts
 * import type { Draft } from 'crisis-playbook';
 *
 * function copyable(draft: Draft) {
 *   return draft.missing.length === 0 ? draft.text : `${draft.text}\n(check: ${draft.missing.join(', ')})`;
 * }
 * ```
 *
 * @category Advice
 */
export interface Draft {
  readonly title: string;
  readonly text: string;
  readonly missing: readonly string[];
}

/**
 * How {@link recommend} writes: the language, the values drafts are filled with, and whether
 * personal data the incident recorded may go into them.
 *
 * @example
 * ```ts
 * import type { RecommendOptions } from 'crisis-playbook';
 *
 * const options: RecommendOptions = {
 *   locale: 'fr',
 *   values: { organisation: 'La Boutique du coin', phone: '01 23 45 67 89', responder: 'Ana' },
 * };
 * ```
 *
 * @category Advice
 */
export interface RecommendOptions {
  /**
   * The language (`'en'`, `'fr'`, or any locale the playbook's `translations` hold). The
   * library writes its own phrases in English and French; other locales get the playbook's
   * translations with English phrases around them.
   *
   * @defaultValue `'en'` (the playbook's own texts)
   */
  readonly locale?: string;
  /** A translation of the playbook's texts to use instead of `translations[locale]` (English text → translated text). */
  readonly translations?: Readonly<Record<string, string>>;
  /** What drafts read as `{values.<name>}`: `organisation`, `phone`, `person`, `responder`, or any name a playbook uses. */
  readonly values?: Readonly<Record<string, string | number | undefined>>;
  /**
   * Fill drafts with what the incident recorded from fields marked personal (the phone number
   * the person gave, the colleague's name). Off by default: such placeholders are left as
   * missing.
   *
   * @defaultValue false
   */
  readonly includePersonal?: boolean;
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
export function recommend(snapshot: AnyMachineSnapshot, options: RecommendOptions = {}): Recommendation[] {
  const { scope, textScope } = scopeFor(snapshot, options);
  const { language } = scope;
  const recommendations: Recommendation[] = [];
  const metas = snapshot.getMeta() as Record<string, StateMeta | undefined>;
  for (const [nodeId, meta] of Object.entries(metas)) {
    if (!meta?.advice || meta.advice.length === 0) continue;
    const place = placeOf(snapshot.machine.getStateNodeById(nodeId));
    if (place === undefined) continue;
    const { track, state } = place;
    const where = track === null ? rungReasons(scope, state) : [trackReason(scope, track, state)];
    let next: NextStep[] | undefined;
    for (const advice of meta.advice as readonly AdviceSpec[]) {
      if (advice.when !== undefined && !holdsNow(scope, advice.when)) continue;
      const guards = [...new Set([...(advice.when ? conditionGuardNames(advice.when) : []), ...(advice.because ?? [])])];
      next ??= track === null ? nextSteps(scope, state) : [];
      const drafts = draftsOf(advice, scope, textScope);
      recommendations.push({
        title: language.t(advice.title),
        detail: language.t(advice.detail),
        priority: advice.priority,
        source: { track, state },
        because: [...where, ...guards.filter((name) => !where.some((reason) => reason.guard === name)).map((name) => guardReason(scope, name))],
        next,
        drafts,
      });
    }
  }
  // A level's advice is about the first response: shown until someone responded.
  const severe = severityIn(scope);
  // A reminder that fell due while nobody responded: say so, right after a danger to people
  // (before the level's own advice of the same priority).
  const overdue = severe === undefined || severe.responded ? undefined : remindersIn(scope.definition, scope.context).overdue.at(-1);
  if (overdue !== undefined) {
    const level = scope.definition.severity!.levels.find((spec) => spec.id === overdue.severity);
    const levelTitle = language.t(level?.title ?? overdue.severity);
    const within = responseTarget(scope.definition, overdue.severity);
    recommendations.push({
      title: language.phrases.overdueTitle,
      detail: language.phrases.overdue(levelTitle, within === undefined ? '' : durationInWords(within, language), `${overdue.due.slice(0, 10)} ${overdue.due.slice(11, 16)} UTC`),
      priority: overduePriority,
      source: { track: severityTrack, state: overdue.severity },
      // The level named is the one whose target passed; when the severity fell since (a fact
      // corrected), the reasons of the level it is at now would explain another level: say so.
      because:
        overdue.severity === severe!.severity.level
          ? severe!.severity.because
          : [
              {
                kind: 'severity',
                text: language.phrases.overdueSince(levelTitle, severe!.severity.title),
              },
              ...severe!.severity.because,
            ],
      next: [],
      drafts: [],
    });
  }
  for (const advice of severe === undefined || severe.responded ? [] : (severe.spec.advice ?? [])) {
    if (advice.when !== undefined && !holdsNow(scope, advice.when)) continue;
    recommendations.push({
      title: language.t(advice.title),
      detail: language.t(advice.detail),
      priority: advice.priority,
      source: { track: severityTrack, state: severe!.severity.level },
      because: [...severe!.severity.because, ...(advice.because ?? []).map((name) => guardReason(scope, name))],
      next: [],
      drafts: draftsOf(advice, scope, textScope),
    });
  }
  return recommendations.sort((a, b) => a.priority - b.priority);
}

/** The priority of the advice once a first-response reminder fell due: right after a danger to people (0). */
const overduePriority = 1;

/**
 * How severe the incident is, by its playbook's `severity` rules: the level, the response-time
 * target and, until someone responds, when the first response is due; `undefined` when the
 * playbook defines no severity. The default playbook has four levels: low, medium (the posts
 * are public), high (threats) and critical (a threat of violence).
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine, currentSeverity } from 'crisis-playbook';
 *
 * const incident = createIncident(crisisMachine).start();
 * incident.send({ type: 'threat.reported', kind: 'visit' });
 * console.log(currentSeverity(incident.getSnapshot())?.level); // 'high'
 * incident.stop();
 * ```
 *
 * @category Advice
 */
export function currentSeverity(snapshot: AnyMachineSnapshot, options: Pick<RecommendOptions, 'locale' | 'translations'> = {}): Severity | undefined {
  return severityIn(scopeFor(snapshot, options).scope)?.severity;
}

/** `source.track` of the advice of a severity level. */
const severityTrack = 'severity';

function draftsOf(advice: AdviceSpec, scope: ReasonScope, textScope: TextScope): Draft[] {
  const drafts: Draft[] = [];
  for (const draft of advice.drafts ?? []) {
    if (draft.when !== undefined && !holdsNow(scope, draft.when)) continue;
    const filled = fillText(scope.language.t(draft.text), textScope, scope.language, true);
    drafts.push({ title: scope.language.t(draft.title), text: filled.text, missing: filled.missing });
  }
  return drafts;
}

function scopeFor(snapshot: AnyMachineSnapshot, options: RecommendOptions) {
  const compiled = compiledPlaybookOf(snapshot.machine);
  if (compiled === undefined) {
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
      const fallback = windowMsOf(context, window, compiled.defaultWindows);
      if (fallback === undefined) return undefined;
      try {
        // As the deadlines are kept: a provided delay (a number or a function) when it gives a usable length.
        return windowLength(provided[window] as Parameters<typeof windowLength>[0], context, adviceEvent, fallback);
      } catch {
        return fallback;
      }
    },
    language: languageOf(options.locale, options.translations ?? translationFor(compiled.definition.translations, options.locale)),
  };
  const textScope: TextScope = {
    incident: scopeOf(argsOf(scope)),
    context: context as unknown as Record<string, unknown>,
    ...(options.values ? { values: options.values } : {}),
    ...(options.includePersonal ? { includePersonal: true } : {}),
  };
  return { scope, textScope };
}

/**
 * The playbook's translation for `locale`: the exact locale, else the language alone, in any
 * case (`fr-CA` and `FR` read the `fr` translation, as they get the French phrases).
 */
function translationFor<T>(translations: Readonly<Record<string, T>> | undefined, locale: string | undefined): T | undefined {
  if (translations === undefined || locale === undefined) return undefined;
  const language = locale.toLowerCase().split('-')[0]!;
  for (const key of [locale, locale.toLowerCase(), language]) if (Object.hasOwn(translations, key)) return translations[key];
  return undefined;
}
