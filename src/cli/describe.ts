import { availableEvents, currentRung, currentTracks, recommend, type Recommendation } from '../index.js';
import { type StoredIncident } from '../server.js';
import type { LoadedPlaybook } from './io.js';
import { style, type Writer } from './terminal.js';

/** The events that do something where the incident stands, in the order of the playbook. */
export function availableEventsOf(loaded: LoadedPlaybook, stored: StoredIncident): string[] {
  return availableEvents(snapshotOf(loaded, stored));
}

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
  readonly output?: unknown;
  readonly timeline: number;
}

export function statusOf(loaded: LoadedPlaybook, stored: StoredIncident, now = Date.now()): Status {
  const snapshot = snapshotOf(loaded, stored);
  const rung = currentRung(snapshot);
  return {
    playbook: `${stored.playbook.id}@${stored.playbook.version}`,
    status: stored.snapshot.status,
    rung,
    title: loaded.definition.ladder.rungs.find((r) => r.id === rung)?.title ?? rung,
    tracks: currentTracks(snapshot),
    deadlines: stored.snapshot.context.deadlines.map((d) => ({ window: d.window, due: d.due, overdue: Date.parse(d.due) <= now })),
    recommendations: recommend(snapshot),
    ...(stored.snapshot.output ? { output: stored.snapshot.output } : {}),
    timeline: stored.snapshot.context.timeline.length,
  };
}

export function printStatus(status: Status, out: Writer, limit = 3): void {
  out.line(`${style.bold('Rung:')} ${style.accent(status.rung)} (${status.title})${status.status === 'done' ? ' (finished)' : ''}`);
  const tracks = Object.entries(status.tracks).map(([track, state]) => `${track}: ${state}`);
  if (tracks.length > 0) out.line(`${style.bold('Tracks:')} ${tracks.join(', ')}`);
  for (const deadline of status.deadlines) {
    out.line(`${style.bold('Deadline:')} ${deadline.window} ${deadline.overdue ? style.warn(`was due ${deadline.due}`) : `due ${deadline.due}`}`);
  }
  if (status.output) out.line(`${style.bold('Outcome:')} ${JSON.stringify(status.output)}`);
  status.recommendations.slice(0, limit).forEach((r, index) => {
    out.line(`${style.bold(`${index + 1}.`)} ${r.title}: ${r.detail}`);
    for (const reason of r.because) out.line(`   ${style.dim(`why: ${reason.text}`)}`);
    for (const step of r.next) out.line(`   ${style.dim(`if ${step.if}, then ${step.then}`)}`);
  });
  const more = status.recommendations.length - limit;
  if (more > 0) out.line(style.dim(`… and ${more} more (crisis-playbook status --json lists them all)`));
}
