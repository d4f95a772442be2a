import { decide, openIncident, type StoredIncident } from 'crisis-playbook/server';
import { referenceCase } from '../../examples/reference-case/events.js';

export const HOUR = 3_600_000;
export const t0 = Date.parse('2026-04-06T19:00:00Z');

export type Doc = {
  snapshot: {
    status: string;
    value: string | { active: Record<string, string> };
    context: {
      openedAt: string;
      timeline: { at: string; type: string; from: string; to: string; window?: string; by?: string; note?: string; occurredAt?: string }[];
      deadlines: { window: string; rung: string; due: string }[];
      threats: { kind: string; at: string; note?: string }[];
      supporters: number;
      windows: Record<string, number>;
      facts: Record<string, unknown>;
      replyPhone: string | null;
      intermediary: string | null;
      call: { apology: boolean; agreement: boolean } | null;
      closeReason: string | null;
    };
    output?: Record<string, unknown>;
  };
  signature?: string;
};

/** The reference case applied through `decide`, one event per minute, stopped after `count` events. */
export function reference(count: number, decideWith: typeof decide = decide, open = openIncident): StoredIncident {
  let { incident } = open({ now: t0 });
  referenceCase.slice(0, count).forEach(({ at: _, ...event }, index) => {
    incident = decideWith(incident, event, { now: t0 + (index + 1) * 60_000 }).incident;
  });
  return incident;
}

export const copy = (stored: StoredIncident) => JSON.parse(JSON.stringify(stored)) as Doc;
export const edited = (stored: StoredIncident, edit: (doc: Doc) => void) => {
  const doc = copy(stored);
  edit(doc);
  return doc;
};

// At the colleague, waiting on the intermediary window, after supporters and before threats.
export const waiting = reference(8);
const threatened = reference(10);
export const resolved = reference(12);
const closed = decide(waiting, { type: 'incident.closed', reason: 'It died down' }, { now: t0 + HOUR }).incident;
export const active = (doc: Doc) => (doc.snapshot.value as { active: Record<string, string> }).active;

/** Edits a stored incident could suffer, from a careless script or a person; each leaves valid JSON. */
export const corruptions: [string, StoredIncident, (doc: Doc) => void][] = [
  ['a deadline moved into the past', waiting, (d) => (d.snapshot.context.deadlines[0]!.due = '2000-01-01T00:00:00.000Z')],
  ['a deadline moved to year 9999', waiting, (d) => (d.snapshot.context.deadlines[0]!.due = '9999-06-01T00:00:00.000Z')],
  ['a deadline moved an hour later', waiting, (d) => (d.snapshot.context.deadlines[0]!.due = new Date(Date.parse(d.snapshot.context.deadlines[0]!.due) + HOUR).toISOString())],
  ['a deadline for another rung', waiting, (d) => (d.snapshot.context.deadlines[0]!.rung = 'directMessage')],
  ['a deadline pending twice', waiting, (d) => d.snapshot.context.deadlines.push({ ...d.snapshot.context.deadlines[0]! })],
  ['a deadline for a window the rung does not have', waiting, (d) => (d.snapshot.context.deadlines[0]!.window = 'replyWindow')],
  ['a threat of kind "hug"', threatened, (d) => (d.snapshot.context.threats[0]!.kind = 'hug')],
  ['a threat added without its event', threatened, (d) => d.snapshot.context.threats.push({ kind: 'violence', at: d.snapshot.context.threats[0]!.at })],
  ['a threat removed while its event stays', threatened, (d) => d.snapshot.context.threats.pop()],
  ['the safety track back to none after threats', threatened, (d) => (active(d).safety = 'none')],
  ['the safety track threatened without threats', waiting, (d) => (active(d).safety = 'threatened')],
  ['the community supportive without supporters', reference(7), (d) => (active(d).community = 'supported')],
  ['more supporters than were recorded', waiting, (d) => (d.snapshot.context.supporters = 5)],
  ['a close reason on an open incident', waiting, (d) => (d.snapshot.context.closeReason = 'Done')],
  ['a call outcome on an incident that never had a call', waiting, (d) => (d.snapshot.context.call = { apology: true, agreement: true })],
  ['a call removed although the timeline has one', resolved, (d) => (d.snapshot.context.call = null)],
  ['a reply phone without a reply', waiting, (d) => (d.snapshot.context.replyPhone = '+44 20 7946 0000')],
  ['an intermediary without asking one', reference(6), (d) => (d.snapshot.context.intermediary = 'Ben')],
  ['a stay entry for an event the rung does not handle', waiting, (d) => d.snapshot.context.timeline.push({ ...d.snapshot.context.timeline.at(-1)!, type: 'message.ignored' })],
  ['a move the playbook does not have', waiting, (d) => (d.snapshot.context.timeline[1]!.to = 'phoneCall')],
  ['an unknown event type', waiting, (d) => (d.snapshot.context.timeline[0]!.type = 'facts.forged')],
  ['an entry before the incident was opened', waiting, (d) => (d.snapshot.context.timeline[0]!.at = '2026-01-01T00:00:00.000Z')],
  ['an opening after the first entry', waiting, (d) => (d.snapshot.context.openedAt = '2026-12-01T00:00:00.000Z')],
  ['a timeline that goes back in time', waiting, (d) => (d.snapshot.context.timeline[3]!.at = '2026-04-06T19:00:30.000Z')],
  ['a processing time past the latest time', waiting, (d) => (d.snapshot.context.timeline.at(-1)!.at = '9999-12-31T00:00:00.000Z')],
  ['a claimed time that is no date', waiting, (d) => (d.snapshot.context.timeline[0]!.occurredAt = '2026-02-31T00:00:00Z')],
  ['a window.elapsed entry without its window', waiting, (d) => (d.snapshot.context.timeline[1]!.type = 'window.elapsed')],
  ['a name with an escape sequence', waiting, (d) => (d.snapshot.context.timeline[0]!.by = 'Ana\u001b[2J')],
  ['a note with a bell', waiting, (d) => (d.snapshot.context.timeline[0]!.note = 'ding\u0007')],
  ['an unknown waiting window', waiting, (d) => (d.snapshot.context.windows.shortWindow = 1000)],
  ['a window longer than a timer can wait', waiting, (d) => (d.snapshot.context.windows.replyWindow = 2 ** 40)],
  ['an unknown fact', waiting, (d) => (d.snapshot.context.facts.mood = 'angry')],
  ['an extra key in the context', waiting, (d) => Object.assign(d.snapshot.context, { admin: true })],
  ['an output that does not match', resolved, (d) => (d.snapshot.output!.apology = false)],
  ['an output on an open incident', waiting, (d) => (d.snapshot.output = { ...resolved.snapshot.output })],
  ['a done status on an open rung', waiting, (d) => (d.snapshot.status = 'done')],
  ['an open status on a final rung', resolved, (d) => (d.snapshot.status = 'active')],
  ['a close reason removed from a closed incident', closed, (d) => (d.snapshot.context.timeline.at(-1)!.type = 'facts.update')],
];

