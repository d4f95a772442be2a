import type { Duration } from './durations.js';
import type { EventSpec } from './eventSpec.js';

/**
 * A JSON value that a condition compares against.
 *
 * @example
 * ```ts
 * import type { ConditionValue } from 'crisis-playbook';
 *
 * const venue: ConditionValue = 'private-group';
 * ```
 *
 * @category Playbook definition
 */
export type ConditionValue = string | number | boolean | null;

/**
 * A routing condition written as data. A string refers to a named guard of the playbook;
 * objects combine (`all`, `any`, `not`) or compare a value found at `path` (rooted at `facts`,
 * `event`, `threats` (the kinds recorded) or `supporters` (how many times supporters spoke
 * up)). `atLeast` compares a number, or the length of a list.
 *
 * @example
 * ```ts
 * import type { Condition } from 'crisis-playbook';
 *
 * const outOfSight: Condition = {
 *   all: [
 *     { path: 'facts.venue', equals: 'private-group' },
 *     { path: 'facts.memberOfVenue', equals: false },
 *     { not: 'isPosterKnown' },
 *   ],
 * };
 * ```
 *
 * @category Playbook definition
 */
export type Condition =
  | string
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | { readonly path: string; readonly equals: ConditionValue }
  | { readonly path: string; readonly in: readonly ConditionValue[] }
  | { readonly path: string; readonly includes: ConditionValue }
  | { readonly path: string; readonly atLeast: number };

/**
 * The sentences a responder reads for a guard's answer, one per answer. Each may hold
 * `{path}` placeholders that read the incident as conditions do (`{facts.venue}`,
 * `{threats}`, `{supporters}`), filled in words: `yes`/`no`, `private group` for
 * `private-group`, lists as "a visit and a police report", `unknown` when not known.
 *
 * @example
 * ```ts
 * import type { GuardReasonSpec } from 'crisis-playbook';
 *
 * const reason: GuardReasonSpec = {
 *   true: 'The posts are public ({facts.venue}), so you can read them.',
 *   false: 'The posts are not public, so you cannot read them yet.',
 *   unknown: 'You have not recorded yet where the posts are.',
 * };
 * ```
 *
 * @category Playbook definition
 */
export interface GuardReasonSpec {
  /** Shown when the guard holds. */
  readonly true: string;
  /** Shown when it does not. */
  readonly false: string;
  /** Shown instead of `false` while a fact the guard reads is not recorded yet and some answer to it could make the guard hold. */
  readonly unknown?: string;
}

/**
 * A named guard: a yes/no question about the incident, written as a {@link Condition}, with
 * the sentences that explain its answer to a person.
 *
 * @example
 * ```ts
 * import type { GuardSpec } from 'crisis-playbook';
 *
 * const isPublic: GuardSpec = {
 *   description: 'The posts are public.',
 *   condition: { path: 'facts.venue', in: ['personal-feed', 'public-group'] },
 *   reason: { true: 'The posts are public, so you can read them.', false: 'The posts are not public.' },
 * };
 * ```
 *
 * @category Playbook definition
 */
export interface GuardSpec {
  readonly description: string;
  readonly condition: Condition;
  /**
   * What a responder reads for each answer (see {@link GuardReasonSpec}). Without it, advice
   * shows the `description` when the guard holds and "Not so: …" when it does not.
   */
  readonly reason?: GuardReasonSpec;
}

/**
 * A named waiting window (an XState delay) and its default length.
 *
 * @example
 * ```ts
 * import type { WindowSpec } from 'crisis-playbook';
 *
 * const legalWindow: WindowSpec = { description: 'How long legal may take.', duration: '72h' };
 * ```
 *
 * @category Playbook definition
 */
export interface WindowSpec {
  readonly description: string;
  readonly duration: Duration;
}

/**
 * A move from one state to another (or a recorded event that stays put, without `target`).
 * Several transitions for one event are tried in order; the first whose guard holds is taken.
 *
 * @example
 * ```ts
 * import type { TransitionSpec } from 'crisis-playbook';
 *
 * const onIgnored: TransitionSpec = {
 *   event: 'message.ignored',
 *   target: 'intermediary',
 *   guard: 'hasInsiderInVenue',
 *   description: 'No answer, but a colleague is in the group.',
 * };
 * ```
 *
 * @category Playbook definition
 */
export interface TransitionSpec {
  readonly event: string;
  readonly target?: string;
  /** With `target` set to the state itself: leave and re-enter it, restarting its waiting windows. */
  readonly reenter?: boolean;
  readonly guard?: Condition;
  readonly actions?: readonly string[];
  readonly description?: string;
}

/**
 * What happens when a waiting window runs out on a rung (an entry of the rung's `after`
 * list). The window starts when the rung is entered and is cancelled when it is left; while it
 * runs, the incident has a *deadline* for it.
 *
 * @example
 * ```ts
 * import type { AfterSpec } from 'crisis-playbook';
 *
 * const noAnswer: AfterSpec = { window: 'accessWindow', target: 'directMessage' };
 * ```
 *
 * @category Playbook definition
 */
export interface AfterSpec {
  readonly window: string;
  readonly target: string;
  readonly guard?: Condition;
  readonly actions?: readonly string[];
  readonly description?: string;
}

/**
 * Follow-ups a rung sends before it gives up: when `window` runs out and fewer than `max`
 * follow-ups were sent on the rung, the ladder stays on it (re-entering it, so its windows start
 * again) and records follow-up *n* in the timeline (a `window.elapsed` entry with `followUp: n`)
 * instead of taking the window's `after` move; once `max` were sent, the window's `after` move
 * happens as it would without follow-ups. The count is kept in `context.followUps` while the
 * ladder is on the rung and reset when it leaves it.
 *
 * @example
 * ```ts
 * import type { FollowUpSpec } from 'crisis-playbook';
 *
 * const oneReminder: FollowUpSpec = {
 *   window: 'replyWindow',
 *   max: 1,
 *   description: 'Send one short, friendly follow-up message.',
 * };
 * ```
 *
 * @category Playbook definition
 */
export interface FollowUpSpec {
  /** The window of the rung (one of its `after` windows) whose running out triggers a follow-up. */
  readonly window: string;
  /** How many follow-ups at most (1 to 10). */
  readonly max: number;
  /** What to send, as the responder reads it in the "if …, then …" line of the rung. */
  readonly description?: string;
}

/**
 * One piece of advice shown to the responder, with the reasons to show it.
 *
 * @example
 * ```ts
 * import type { AdviceSpec } from 'crisis-playbook';
 *
 * const callPolice: AdviceSpec = {
 *   title: 'Contact the authorities now',
 *   detail: 'A threat of violence was made.',
 *   priority: 0,
 *   when: 'hasViolenceThreat',
 * };
 * ```
 *
 * @category Playbook definition
 */
export interface AdviceSpec {
  readonly title: string;
  readonly detail: string;
  /** Lower comes first across the ladder and the side tracks. */
  readonly priority: number;
  /** Show the advice only when this holds. */
  readonly when?: Condition;
  /** Named guards whose current results explain the advice. */
  readonly because?: readonly string[];
  /** Messages the responder can send, ready to copy (see {@link DraftSpec}). */
  readonly drafts?: readonly DraftSpec[];
}

/**
 * A message a responder can send, as data beside the advice: a holding line, the private
 * message, a note for a colleague, talking points, a follow-up. `text` may hold placeholders,
 * `{path}` or `{path|what to write when it is missing}`, that read
 *
 * - `values.<name>`: what the app gives `recommend` (`values: { organisation, phone, person, responder }`);
 * - `facts.<fact>`, `threats`, `supporters`, as reasons do;
 * - `replyPhone`, `intermediary`: what the incident recorded from personal payload fields —
 *   filled only when the app asks (`includePersonal: true`), otherwise written as missing.
 *
 * A missing value without a `|fallback` is written as `[name]`, a slot for the responder to fill.
 *
 * @example
 * ```ts
 * import type { DraftSpec } from 'crisis-playbook';
 *
 * const holdingLine: DraftSpec = {
 *   title: 'Holding line for the public thread',
 *   text: 'Thank you for telling us. Please message us or call {values.phone|our team} so we can talk directly.',
 * };
 * ```
 *
 * @category Playbook definition
 */
export interface DraftSpec {
  readonly title: string;
  readonly text: string;
  /** Offer the draft only when this holds (a public reply is not always wise). */
  readonly when?: Condition;
}

/**
 * One level of severity, from the lowest to the highest in {@link SeveritySpec.levels}: what it
 * is called, how soon the first response is due, and the advice shown while the incident is at
 * that level.
 *
 * @example
 * ```ts
 * import type { SeverityLevelSpec } from 'crisis-playbook';
 *
 * const critical: SeverityLevelSpec = {
 *   id: 'critical',
 *   title: 'Critical',
 *   description: 'Someone may be in danger.',
 *   respondWithin: '15m',
 *   advice: [{ title: 'Respond within 15 minutes', detail: 'Put everything else aside.', priority: 1 }],
 * };
 * ```
 *
 * @category Playbook definition
 */
export interface SeverityLevelSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The response-time target: the first response is due this long after the incident opened. */
  readonly respondWithin?: Duration;
  /** Advice shown while the incident is at this level and nobody has responded yet (no event has moved the ladder). */
  readonly advice?: readonly AdviceSpec[];
}

/**
 * A rule that raises the severity: when `when` holds, the incident is at least at `level`.
 *
 * @example
 * ```ts
 * import type { SeverityRuleSpec } from 'crisis-playbook';
 *
 * const violence: SeverityRuleSpec = { when: 'hasViolenceThreat', level: 'critical' };
 * ```
 *
 * @category Playbook definition
 */
export interface SeverityRuleSpec {
  readonly when: Condition;
  readonly level: string;
}

/**
 * How severe an incident is, derived from its tracks and facts by rules: the incident starts at
 * the first level, and is at the highest level whose rule holds.
 *
 * @example
 * ```ts
 * import type { SeveritySpec } from 'crisis-playbook';
 *
 * const severity: SeveritySpec = {
 *   levels: [
 *     { id: 'normal', title: 'Normal', description: 'An upset customer.', respondWithin: '4h' },
 *     { id: 'high', title: 'High', description: 'Threats were made.', respondWithin: '1h' },
 *   ],
 *   rules: [{ when: 'hasThreats', level: 'high' }],
 * };
 * ```
 *
 * @category Playbook definition
 */
export interface SeveritySpec {
  readonly levels: readonly SeverityLevelSpec[];
  readonly rules: readonly SeverityRuleSpec[];
}

/**
 * The texts of a playbook in other languages, by locale (`fr`, `de-CH`): each maps an English
 * text of the playbook (a title, a detail, a reason, a draft, a description) to its
 * translation, as gettext does. `recommend(snapshot, { locale })` uses them; texts without a
 * translation stay in English, and `missingTranslations` lists them.
 *
 * @example
 * ```ts
 * import type { PlaybookTranslations } from 'crisis-playbook';
 *
 * const translations: PlaybookTranslations = {
 *   de: { 'Call and listen': 'Anrufen und zuhören' },
 * };
 * ```
 *
 * @category Playbook definition
 */
export type PlaybookTranslations = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * A rung of the escalation ladder.
 *
 * @example
 * ```ts
 * import type { RungSpec } from 'crisis-playbook';
 *
 * const holdingStatement: RungSpec = {
 *   id: 'holdingStatement',
 *   title: 'Holding statement',
 *   description: 'Publish a short, factual holding statement.',
 *   tags: ['needs-action'],
 *   advice: [{ title: 'Publish the holding statement', detail: 'Facts only; no blame.', priority: 20 }],
 *   on: [{ event: 'message.sent', target: 'directMessage' }],
 * };
 * ```
 *
 * @category Playbook definition
 */
export interface RungSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly final?: boolean;
  readonly tags?: readonly string[];
  readonly advice: readonly AdviceSpec[];
  readonly on?: readonly TransitionSpec[];
  readonly after?: readonly AfterSpec[];
  /** Follow-ups to send before a window's `after` move is taken (see {@link FollowUpSpec}). */
  readonly followUps?: FollowUpSpec;
}

/**
 * A state of a side track.
 *
 * @example
 * ```ts
 * import type { TrackStateSpec } from 'crisis-playbook';
 *
 * const quiet: TrackStateSpec = {
 *   id: 'quiet',
 *   title: 'Press quiet',
 *   description: 'No journalist has asked.',
 *   advice: [],
 * };
 * ```
 *
 * @category Playbook definition
 */
export interface TrackStateSpec {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly tags?: readonly string[];
  readonly advice: readonly AdviceSpec[];
  readonly on?: readonly TransitionSpec[];
}

/**
 * A side track running in parallel with the ladder (community, safety).
 *
 * @example
 * ```ts
 * import { defaultPlaybook, type TrackSpec } from 'crisis-playbook';
 *
 * const safety: TrackSpec | undefined = defaultPlaybook.tracks.find((track) => track.id === 'safety');
 * ```
 *
 * @category Playbook definition
 */
export interface TrackSpec {
  readonly id: string;
  /** What a person calls the track ("Community", "Safety"). */
  readonly title: string;
  readonly description: string;
  readonly initial: string;
  readonly states: readonly TrackStateSpec[];
}

/**
 * A whole playbook as plain data: the ladder, the side tracks, the events, the named guards
 * and the waiting windows. {@link authoring!compilePlaybook} turns it into an XState machine.
 *
 * @example
 * ```ts
 * import { defaultPlaybook, type PlaybookDefinition } from 'crisis-playbook';
 *
 * const definition: PlaybookDefinition = defaultPlaybook;
 * console.log(definition.ladder.rungs.map((rung) => rung.id));
 * ```
 *
 * @category Playbook definition
 */
export interface PlaybookDefinition {
  /** Lets editors find the JSON Schema ({@link authoring!playbookJsonSchema}); ignored by the compiler. */
  readonly $schema?: string;
  readonly id: string;
  readonly version: string;
  readonly title: string;
  readonly description: string;
  readonly events: Readonly<Record<string, EventSpec>>;
  readonly guards: Readonly<Record<string, GuardSpec>>;
  readonly windows: Readonly<Record<string, WindowSpec>>;
  readonly ladder: {
    readonly initial: string;
    readonly description: string;
    /** Transitions available from every rung that is not final. */
    readonly fromEveryRung?: readonly TransitionSpec[];
    readonly rungs: readonly RungSpec[];
  };
  readonly tracks: readonly TrackSpec[];
  /** How severe an incident is, by rules (see {@link SeveritySpec}). */
  readonly severity?: SeveritySpec;
  /** The playbook's texts in other languages (see {@link PlaybookTranslations}). */
  readonly translations?: PlaybookTranslations;
}
