import { recordedEventTypes } from '../definition/builtins.js';
import type { IncidentContext, TimelineEntry } from '../compile/context.js';
import { finalRungIds, isResponse } from '../definition/graph.js';
import type { PlaybookDefinition } from '../definition/types.js';
import type { StoredIncident } from './storedIncident.js';

/**
 * Options of `summarize` on the runtime and of {@link summarizeIncident}.
 *
 * @example
 * ```ts
 * import type { SummarizeOptions } from 'crisis-playbook/server';
 *
 * const options: SummarizeOptions = { now: '2026-04-08T09:00:00Z', includePersonal: false };
 * ```
 *
 * @category Server runtime
 */
export interface SummarizeOptions {
  /**
   * Where the measured span of an open incident ends (epoch milliseconds, a `Date` or an ISO
   * 8601 string). A finished incident ends when it reached its final rung and ignores it.
   *
   * @defaultValue the current time
   */
  readonly now?: number | Date | string;
  /**
   * Include what the playbook marks personal: the reason the responder gave for closing.
   *
   * @defaultValue false
   */
  readonly includePersonal?: boolean;
  /**
   * The event types that count as the responder's first response, instead of the rule of
   * {@link IncidentSummary.firstResponse}.
   */
  readonly responseEvents?: readonly string[];
  /**
   * The event types that count as direct contact with the person, instead of the playbook's
   * events marked `directContact`.
   */
  readonly directContactEvents?: readonly string[];
}

/**
 * A moment of the incident a team reports on: when, how long after the incident was opened,
 * and the event that marks it.
 *
 * @example
 * ```ts
 * import type { SummaryMoment } from 'crisis-playbook/server';
 *
 * const moment: SummaryMoment = { at: '2026-04-06T19:05:00.000Z', afterMs: 300_000, event: 'assessment.complete' };
 * ```
 *
 * @category Server runtime
 */
export interface SummaryMoment {
  /** ISO 8601 time the event was recorded. */
  readonly at: string;
  /** Milliseconds from the opening of the incident. */
  readonly afterMs: number;
  /** The event type. */
  readonly event: string;
}

/**
 * How an incident ended, or that it has not.
 *
 * @example
 * ```ts
 * import type { SummaryOutcome } from 'crisis-playbook/server';
 *
 * const outcome: SummaryOutcome = { finalRung: 'resolved', apology: true, agreement: true };
 * ```
 *
 * @category Server runtime
 */
export interface SummaryOutcome {
  /** The final rung reached (`resolved`, `closed`), or `null` while the incident is open. */
  readonly finalRung: string | null;
  /** Whether the organisation apologised on the last call; `null` when no call happened. */
  readonly apology: boolean | null;
  /** Whether the last call ended in an agreement; `null` when no call happened. */
  readonly agreement: boolean | null;
  /** Why the responder closed the incident (personal data): only with `includePersonal`. */
  readonly closeReason?: string | null;
}

/**
 * The figures a team reports on after an incident, computed from its timeline and context by
 * {@link summarizeIncident}. Every time is the time an event was recorded (`at`, which never
 * goes backwards); durations are in milliseconds.
 *
 * @example
 * ```ts
 * import { decide, openIncident, summarizeIncident, type IncidentSummary } from 'crisis-playbook/server';
 *
 * const { incident } = openIncident({ now: '2026-04-06T19:00:00Z' });
 * const next = decide(incident, { type: 'assessment.complete' }, { now: '2026-04-06T19:05:00Z' });
 * const summary: IncidentSummary = summarizeIncident(next.incident, { now: '2026-04-06T20:05:00Z' });
 * console.log(summary.firstResponse?.afterMs, summary.timeOnRungs); // 300000 { gatheringInfo: 300000, directMessage: 3600000 }
 * ```
 *
 * @category Server runtime
 */
export interface IncidentSummary {
  readonly playbook: { readonly id: string; readonly version: string };
  readonly status: 'active' | 'done';
  /** When the incident was opened (the first recorded event for documents without `openedAt`). */
  readonly openedAt: string | null;
  /** When the incident reached its final rung; `null` while it is open. */
  readonly finishedAt: string | null;
  /** The end of the measured span: `finishedAt`, or `now` for an open incident. */
  readonly until: string;
  /** From `openedAt` to `until`. */
  readonly durationMs: number | null;
  /**
   * The responder's first response: the first recorded event that the ladder handles with a
   * move, that is an event with a transition that has a target on some rung or from every rung
   * (in the default playbook every event except `facts.update`, `community.supported` and
   * `threat.reported`, which only record what is known or happened). A waiting window that
   * runs out is never a response. `null` until there is one.
   */
  readonly firstResponse: SummaryMoment | null;
  /**
   * The first direct contact with the person: the first recorded event the playbook marks
   * `directContact` (in the default playbook `message.sent`, `message.replied`,
   * `contact.received` and `call.completed`). `null` until there is one, and for a playbook
   * that marks none.
   */
  readonly firstDirectContact: SummaryMoment | null;
  /**
   * Milliseconds spent on each rung, in the order the rungs were first reached; a rung
   * re-entered (a request repeated) or reached twice counts once, with its times added. The
   * final rung is not counted; the current rung of an open incident runs up to `now`.
   */
  readonly timeOnRungs: Readonly<Record<string, number>>;
  /** The rungs in the order they were reached, from the first to the current or final one. */
  readonly path: readonly string[];
  /** Each kind of threat recorded, with how many times it was. */
  readonly threats: Readonly<Record<string, number>>;
  /** How many times supporters were recorded speaking up. */
  readonly supporters: number;
  readonly outcome: SummaryOutcome;
  /** Events recorded (waiting windows that ran out are not events). */
  readonly events: number;
  /** Waiting windows that ran out. */
  readonly windowsElapsed: number;
}

const elapsed = recordedEventTypes.windowElapsed;

/** The summary of a stored incident that passed the runtime's checks, for its playbook. */
export function summarize(stored: StoredIncident, definition: PlaybookDefinition, now: number, options: SummarizeOptions = {}): IncidentSummary {
  const context: IncidentContext = stored.snapshot.context;
  const timeline: readonly TimelineEntry[] = context.timeline;
  const done = stored.snapshot.status === 'done';
  const time = (iso: string) => Date.parse(iso);
  const opened = context.openedAt ?? timeline[0]?.at ?? null;
  const start = opened === null ? now : time(opened);
  const finishedAt = done ? (timeline.at(-1)?.at ?? opened) : null;
  const end = Math.max(start, finishedAt !== null ? time(finishedAt) : now);

  // By default a response is an event that moved the ladder (or re-entered its rung by a move of its own).
  const responseEvents = options.responseEvents ? new Set(options.responseEvents) : undefined;
  const contactEvents = new Set(
    options.directContactEvents ?? Object.entries(definition.events).filter(([, spec]) => spec.directContact === true).map(([type]) => type),
  );
  const momentOf = (events: ReadonlySet<string> | undefined): SummaryMoment | null => {
    const entry = timeline.find((each) => each.type !== elapsed && (events === undefined ? isResponse(definition, each) : events.has(each.type)));
    return entry ? { at: entry.at, afterMs: Math.max(0, time(entry.at) - start), event: entry.type } : null;
  };

  const finals = finalRungIds(definition);
  // Maps, not objects: ids and threat kinds are the playbook's or the app's (`constructor`, `__proto__`...).
  const rungMs = new Map<string, number>();
  let rung = timeline[0]?.from ?? definition.ladder.initial;
  const path = [rung];
  let since = start;
  const spend = (until: number) => {
    if (finals.has(rung)) return;
    rungMs.set(rung, (rungMs.get(rung) ?? 0) + Math.max(0, until - since));
    since = Math.max(since, until);
  };
  for (const entry of timeline) {
    if (entry.to === entry.from) continue;
    spend(time(entry.at));
    rung = entry.to;
    path.push(rung);
  }
  if (!done) spend(end);

  const threatCounts = new Map<string, number>();
  for (const threat of context.threats) threatCounts.set(threat.kind, (threatCounts.get(threat.kind) ?? 0) + 1);
  const timeOnRungs = Object.fromEntries(rungMs);
  const threats = Object.fromEntries(threatCounts);
  const windowsElapsed = timeline.filter((entry) => entry.type === elapsed).length;
  return {
    playbook: { id: stored.playbook.id, version: stored.playbook.version },
    status: stored.snapshot.status,
    openedAt: opened,
    finishedAt,
    until: new Date(end).toISOString(),
    durationMs: opened === null ? null : end - start,
    firstResponse: momentOf(responseEvents),
    firstDirectContact: momentOf(contactEvents),
    timeOnRungs,
    path,
    threats,
    supporters: context.supporters,
    outcome: {
      finalRung: done ? rung : null,
      apology: context.call?.apology ?? null,
      agreement: context.call?.agreement ?? null,
      ...(options.includePersonal === true ? { closeReason: context.closeReason } : {}),
    },
    events: timeline.length - windowsElapsed,
    windowsElapsed,
  };
}

/**
 * The median, 90th percentile and number of a set of durations (milliseconds); `null` when
 * there are none. Percentiles interpolate linearly between the closest ranks.
 *
 * @example
 * ```ts
 * import type { DurationStats } from 'crisis-playbook/server';
 *
 * const stats: DurationStats = { count: 3, median: 600_000, p90: 3_240_000 };
 * ```
 *
 * @category Server runtime
 */
export interface DurationStats {
  /** How many incidents have the figure. */
  readonly count: number;
  readonly median: number | null;
  readonly p90: number | null;
}

/**
 * The figures of many incidents together: see {@link aggregateSummaries}.
 *
 * @example
 * ```ts
 * import { aggregateSummaries, type SummaryAggregate } from 'crisis-playbook/server';
 *
 * const empty: SummaryAggregate = aggregateSummaries([]);
 * console.log(empty.count, empty.timeToFirstResponse.median); // 0 null
 * ```
 *
 * @category Server runtime
 */
export interface SummaryAggregate {
  /** How many incidents. */
  readonly count: number;
  /** How many incidents ended on each final rung; open incidents are counted under `open`. */
  readonly byOutcome: Readonly<Record<string, number>>;
  /** Of the incidents that have had a first response. */
  readonly timeToFirstResponse: DurationStats;
  /** Of the incidents that have had a direct contact. */
  readonly timeToFirstDirectContact: DurationStats;
  /** From opening to the final rung, of the finished incidents. */
  readonly timeToFinish: DurationStats;
  /** Time on each rung, of the incidents that spent time on it. */
  readonly timeOnRungs: Readonly<Record<string, DurationStats>>;
  /** Each kind of threat with how many times it was recorded, over all incidents. */
  readonly threats: Readonly<Record<string, number>>;
  /** How many incidents had at least one threat. */
  readonly withThreats: number;
  /** How many incidents had supporters speak up. */
  readonly withSupporters: number;
  /** `withSupporters` over `count` (0 to 1; 0 when there are no incidents). */
  readonly shareWithSupporters: number;
  /** How many incidents had a call with an apology. */
  readonly withApology: number;
  /** How many incidents had a call that ended in an agreement. */
  readonly withAgreement: number;
}

/**
 * Aggregates incident summaries (from {@link summarizeIncident} or a runtime's `summarize`):
 * how many, by outcome, the median and 90th percentile of the times, threats by kind, and the
 * share of incidents where supporters spoke up. Summaries of different playbooks can be mixed;
 * rungs are counted by id.
 *
 * @example
 * ```ts
 * import { aggregateSummaries, decide, openIncident, summarizeIncident } from 'crisis-playbook/server';
 *
 * const one = openIncident({ now: '2026-04-06T19:00:00Z' }).incident;
 * const answered = decide(one, { type: 'assessment.complete' }, { now: '2026-04-06T19:10:00Z' }).incident;
 * const report = aggregateSummaries([summarizeIncident(answered, { now: '2026-04-06T20:00:00Z' })]);
 * console.log(report.count, report.byOutcome, report.timeToFirstResponse.median); // 1 { open: 1 } 600000
 * ```
 *
 * @category Server runtime
 */
export function aggregateSummaries(summaries: Iterable<IncidentSummary>): SummaryAggregate {
  const all = [...summaries];
  const byOutcome = new Map<string, number>();
  const threats = new Map<string, number>();
  const rungTimes = new Map<string, number[]>();
  const response: number[] = [];
  const contact: number[] = [];
  const finish: number[] = [];
  let withThreats = 0;
  let withSupporters = 0;
  let withApology = 0;
  let withAgreement = 0;
  for (const summary of all) {
    const outcome = summary.outcome.finalRung ?? 'open';
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
    if (summary.firstResponse) response.push(summary.firstResponse.afterMs);
    if (summary.firstDirectContact) contact.push(summary.firstDirectContact.afterMs);
    if (summary.status === 'done' && summary.durationMs !== null) finish.push(summary.durationMs);
    for (const [rung, ms] of Object.entries(summary.timeOnRungs)) {
      const times = rungTimes.get(rung);
      if (times === undefined) rungTimes.set(rung, [ms]);
      else times.push(ms);
    }
    const kinds = Object.entries(summary.threats);
    for (const [kind, count] of kinds) threats.set(kind, (threats.get(kind) ?? 0) + count);
    if (kinds.length > 0) withThreats++;
    if (summary.supporters > 0) withSupporters++;
    if (summary.outcome.apology === true) withApology++;
    if (summary.outcome.agreement === true) withAgreement++;
  }
  return {
    count: all.length,
    byOutcome: Object.fromEntries(byOutcome),
    timeToFirstResponse: statsOf(response),
    timeToFirstDirectContact: statsOf(contact),
    timeToFinish: statsOf(finish),
    timeOnRungs: Object.fromEntries([...rungTimes].map(([rung, times]) => [rung, statsOf(times)])),
    threats: Object.fromEntries(threats),
    withThreats,
    withSupporters,
    shareWithSupporters: all.length === 0 ? 0 : withSupporters / all.length,
    withApology,
    withAgreement,
  };
}

function statsOf(values: number[]): DurationStats {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}

/** Linear interpolation between the closest ranks of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return Math.round(sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low));
}
