import { currentReminders, currentRung, currentSeverity, currentTracks, recommend, type CurrentReminders, type Recommendation, type Severity } from '../index.js';
import { type IncidentSummary, type StoredIncident } from '../server.js';
import { listing } from './choose.js';
import type { LoadedPlaybook } from './io.js';
import { style, type Writer } from './terminal.js';
import { localTime, spoken, when } from './time.js';

export function snapshotOf(loaded: LoadedPlaybook, stored: StoredIncident) {
  return loaded.machine.resolveState({ value: stored.snapshot.value as never, context: stored.snapshot.context });
}

export interface Status {
  readonly playbook: string;
  readonly status: 'active' | 'done';
  readonly rung: string;
  readonly title: string;
  readonly tracks: Record<string, string>;
  readonly deadlines: { window: string; due: string; overdue: boolean }[];
  readonly recommendations: Recommendation[];
  /** How severe the incident is, by the playbook's rules (`currentSeverity`). */
  readonly severity?: Severity;
  /** The reminders of the response-time targets: still to come, and fallen due with nobody responding yet (`currentReminders`). */
  readonly reminders?: CurrentReminders;
  readonly output?: unknown;
  /** The outcome of a finished incident, in words. */
  readonly outcome?: string;
  /** The figures of a finished incident (`summarizeIncident`), the reason for closing included. */
  readonly summary?: IncidentSummary;
  readonly timeline: number;
}

export function statusOf(loaded: LoadedPlaybook, stored: StoredIncident, now = Date.now()): Status {
  const snapshot = snapshotOf(loaded, stored);
  const rung = currentRung(snapshot);
  const severity = stored.snapshot.status === 'done' ? undefined : currentSeverity(snapshot);
  const reminders = stored.snapshot.status === 'done' ? undefined : currentReminders(snapshot);
  return {
    playbook: `${stored.playbook.id}@${stored.playbook.version}`,
    status: stored.snapshot.status,
    rung,
    title: loaded.definition.ladder.rungs.find((r) => r.id === rung)?.title ?? rung,
    tracks: currentTracks(snapshot),
    deadlines: stored.snapshot.context.deadlines.map((d) => ({ window: d.window, due: d.due, overdue: Date.parse(d.due) <= now })),
    recommendations: recommend(snapshot),
    ...(severity ? { severity } : {}),
    ...(reminders && (reminders.pending.length > 0 || reminders.overdue.length > 0) ? { reminders } : {}),
    ...(stored.snapshot.output ? { output: stored.snapshot.output } : {}),
    ...(stored.snapshot.status === 'done'
      ? { outcome: outcomeOf(loaded, stored), summary: loaded.runtime.summarize(stored, { now, includePersonal: true }) }
      : {}),
    timeline: stored.snapshot.context.timeline.length,
  };
}

/** The outcome of a finished incident as sentences: where it ended, the call, the reason for closing. */
export function outcomeOf(loaded: LoadedPlaybook, stored: StoredIncident): string {
  const value = stored.snapshot.value;
  const final = typeof value === 'string' ? value : '';
  const rung = loaded.definition.ladder.rungs.find((r) => r.id === final);
  const sentences = [rung ? `${rung.title}: ${lowerFirst(rung.description)}` : `Finished on ${final}.`];
  const { call, closeReason } = stored.snapshot.context;
  if (call) {
    const apology = call.apology ? 'the organisation apologised' : 'the organisation did not apologise';
    const agreement = call.agreement ? 'you reached an agreement' : 'you did not reach an agreement';
    sentences.push(`On the call, ${apology} and ${agreement}.`);
  }
  if (closeReason !== null) sentences.push(`Reason for closing: “${closeReason}”.`);
  return sentences.join(' ');
}

const lowerFirst = (text: string) => (/^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text);
const words = (id: string) => id.replace(/-/g, ' ');
const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/** The review of a finished incident: the figures a team reports on, in a few lines. */
function reviewLines(summary: IncidentSummary, now: number): string[] {
  const lines: string[] = [];
  const span = summary.durationMs === null ? '' : ` after ${spoken(summary.durationMs, true)}`;
  const opened = summary.openedAt === null ? '' : `Opened ${localTime(summary.openedAt, now)}, finished${span}`;
  lines.push(`${opened || 'Finished'} (${summary.events} event${summary.events === 1 ? '' : 's'}${summary.windowsElapsed > 0 ? `, ${summary.windowsElapsed} waiting window(s) ran out` : ''}).`);
  const moment = (label: string, m: IncidentSummary['firstResponse']) =>
    m ? `${label} after ${spoken(m.afterMs, true)} (${m.event})` : `no ${label.toLowerCase()}`;
  lines.push(`${moment('First response', summary.firstResponse)}; ${moment('first direct contact', summary.firstDirectContact)}.`);
  const rungs = Object.entries(summary.timeOnRungs).map(([rung, ms]) => `${rung} ${spoken(ms, true)}`);
  if (rungs.length > 0) lines.push(`Time on each rung: ${rungs.join(', ')}.`);
  const threats = Object.entries(summary.threats).map(([kind, n]) => `${words(kind)}${n > 1 ? ` (${times(n)})` : ''}`);
  lines.push(threats.length > 0 ? `Threats: ${listing(threats)}.` : 'No threats.');
  lines.push(summary.supporters > 0 ? `Supporters spoke up ${times(summary.supporters)}.` : 'No supporters spoke up.');
  return lines;
}

/**
 * The status for people. Times are local (the TZ environment variable) and relative to `now`.
 * A finished incident shows its whole review checklist unless `limit` says otherwise.
 */
export function printStatus(status: Status, out: Writer, limit = status.status === 'done' ? Infinity : 3, now = Date.now()): void {
  out.line(`${style.bold('Rung:')} ${style.accent(status.rung)} (${status.title})${status.status === 'done' ? ' (finished)' : ''}`);
  const tracks = Object.entries(status.tracks).map(([track, state]) => `${track}: ${state}`);
  if (tracks.length > 0) out.line(`${style.bold('Tracks:')} ${tracks.join(', ')}`);
  if (status.severity) {
    const { title, respondBy } = status.severity;
    const due = respondBy === undefined ? '' : Date.parse(respondBy) <= now ? `, ${style.warn(`first response was due ${when(respondBy, now)}`)}` : `, first response due ${when(respondBy, now)}`;
    out.line(`${style.bold('Severity:')} ${title}${due}`);
  }
  const levelTitle = (level: string) => status.severity?.level === level ? status.severity.title : words(level);
  for (const reminder of status.reminders?.overdue ?? []) {
    out.line(`${style.bold('Reminder:')} ${style.warn(`first response overdue (${levelTitle(reminder.severity)} target, due ${when(reminder.due, now)})`)}`);
  }
  for (const reminder of status.reminders?.pending ?? []) {
    // Not recorded yet: `decideDue` (or a live incident) records it when it falls due.
    const due = when(reminder.due, now);
    out.line(`${style.bold('Reminder:')} ${Date.parse(reminder.due) <= now ? style.warn(`first response overdue (${levelTitle(reminder.severity)} target, due ${due})`) : `first response due ${due} (${levelTitle(reminder.severity)} target)`}`);
  }
  for (const deadline of status.deadlines) {
    const due = when(deadline.due, now);
    out.line(`${style.bold('Deadline:')} ${deadline.window} ${deadline.overdue ? style.warn(`was due ${due}`) : `due ${due}`}`);
  }
  if (status.outcome) out.line(`${style.bold('Outcome:')} ${status.outcome}`);
  if (status.summary) {
    out.line(style.bold('Review:'));
    for (const line of reviewLines(status.summary, now)) out.line(`   ${line}`);
  }
  status.recommendations.slice(0, limit).forEach((r, index) => {
    out.line(`${style.bold(`${index + 1}.`)} ${r.title}: ${r.detail}`);
    for (const reason of r.because) out.line(`   ${style.dim(`why: ${reason.text}`)}`);
    for (const step of r.next) out.line(`   ${style.dim(`if ${step.if}, then ${step.then}`)}`);
  });
  const more = status.recommendations.length - limit;
  if (more > 0) out.line(style.dim(`… and ${more} more (crisis-playbook status --json lists them all)`));
}
