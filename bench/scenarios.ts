// The workloads every measurement of the benchmark shares, for crisis-playbook and for the
// hand-written baseline alike.
import { createActor, SimulatedClock, type AnyStateMachine } from 'xstate';
import { createIncident, type CrisisEvent, crisisMachine } from 'crisis-playbook';
import { decide, openIncident, serializeIncident } from 'crisis-playbook/server';
import { referenceCase } from '../examples/reference-case/events.js';
import { bareMachine, type BareEvent } from './bareMachine.js';

export { referenceCase };

/** When the benchmark's incidents are opened: just before the reference case starts. */
export const openedAt = '2026-04-06T19:00:00Z';

/**
 * A typical incident in mid-life, 20 events long: the reference case up to the second threat
 * (the incident is with the intermediary, whose window is running), then ten more reports.
 */
export const twentyEvents: CrisisEvent[] = [
  ...referenceCase.slice(0, 10),
  ...Array.from({ length: 10 }, (_, index): CrisisEvent => {
    const at = `2026-04-07T18:${String(index * 5).padStart(2, '0')}:00Z`;
    switch (index % 3) {
      case 0:
        return { type: 'community.supported', at, by: 'Ben', note: 'Another member defends the shop.' };
      case 1:
        return { type: 'facts.update', at, by: 'Ana', facts: { witnessed: false } };
      default:
        return { type: 'intermediary.asked', at, by: 'Ana', name: 'Ben' };
    }
  }),
];

/** The reference case up to the private message: the incident waits on `directMessage`. */
export const toDirectMessage: CrisisEvent[] = referenceCase.slice(0, 5);

/** Events that apply on `directMessage` again and again, as on a busy incident. */
export const directMessageLoop: CrisisEvent[] = [
  { type: 'facts.update', at: '2026-04-06T21:40:00Z', by: 'Ana', facts: { witnessed: false } },
  { type: 'community.supported', at: '2026-04-06T21:45:00Z', by: 'Ben', note: 'Members defend the shop.' },
  { type: 'message.sent', at: '2026-04-06T21:50:00Z', by: 'Ana' },
];

/** Events a server receives for the twenty-event incident; each applies on its rung. */
export const serverEvents: readonly unknown[] = [
  { type: 'community.supported', by: 'Ben', note: 'Members defend the shop.' },
  { type: 'facts.update', by: 'Ana', facts: { connectedToPoster: false } },
  { type: 'intermediary.asked', by: 'Ana', name: 'Ben' },
];
/** The server's clock for those events: after the last of the twenty, before any deadline. */
export const serverNow = '2026-04-07T19:00:00Z';

/** The events as they would come from the network: fresh objects and strings. */
export function fresh<E>(events: readonly E[]): E[] {
  return JSON.parse(JSON.stringify(events)) as E[];
}

/** The crisis-playbook stored incident (JSON text) after `events`, built with `openIncident`/`decide`. */
export function storedIncident(events: readonly CrisisEvent[]): string {
  let incident: unknown = openIncident({ now: openedAt }).incident;
  for (const event of events) incident = decide(incident, event, { now: event.at ?? openedAt }).incident;
  return JSON.stringify(incident);
}

/** The bare machine's persisted snapshot (JSON text) after `events`. */
export function barePersisted(events: readonly CrisisEvent[]): string {
  const actor = createActor(bareMachine).start();
  for (const event of events) actor.send(event as BareEvent);
  const text = JSON.stringify(actor.getPersistedSnapshot());
  actor.stop();
  return text;
}

/**
 * A started live incident of either machine after `events`: for the library, `createIncident`
 * (on `machine`, the default playbook's unless told)
 * (every event checked, as an app should run it); for the baseline, `createActor`.
 */
export function liveIncident(kind: 'library' | 'bare', events: readonly CrisisEvent[], machine?: AnyStateMachine) {
  if (kind === 'bare' && machine !== undefined) throw new Error('The baseline has one machine: bench/bareMachine.ts');
  if (kind === 'library' && machine !== undefined) {
    // Another playbook's machine (bench/playbookSize.ts): the same events, typed for the default one.
    const actor = createIncident(machine).start();
    for (const event of events) actor.send(event as never);
    return actor as unknown as ReturnType<typeof createIncident<typeof crisisMachine>>;
  }
  if (kind === 'library') {
    const actor = createIncident(crisisMachine).start();
    for (const event of events) actor.send(event);
    return actor;
  }
  const actor = createActor(bareMachine).start();
  for (const event of events) actor.send(event as BareEvent);
  return actor;
}

/**
 * Checks that the two machines agree on every workload of the benchmark: the same state, the
 * same tags and the same moves in the timeline. Throws when they do not, so the comparison is never of two
 * different machines.
 */
export function assertSameMachine(): void {
  const moves = (timeline: readonly { type: string; from: string; to: string }[]) =>
    timeline.map((entry) => `${entry.type}:${entry.from}>${entry.to}`).join(' ');
  const workloads = [referenceCase, twentyEvents, [...toDirectMessage, ...directMessageLoop, ...directMessageLoop]];
  for (const events of workloads) {
    const library = liveIncident('library', fresh(events));
    const bare = liveIncident('bare', fresh(events));
    const [a, b] = [library.getSnapshot(), bare.getSnapshot()];
    library.stop();
    bare.stop();
    const tags = (snapshot: { tags: ReadonlySet<string> }) => [...snapshot.tags].sort().join(' ');
    if (JSON.stringify(a.value) !== JSON.stringify(b.value) || moves(a.context.timeline) !== moves(b.context.timeline) || tags(a) !== tags(b)) {
      throw new Error(`The bare machine diverges from crisis-playbook on ${events.map((event) => event.type).join(', ')}`);
    }
  }
}

/**
 * `count` events that keep an incident on `directMessage` (the loop, over and over), one
 * minute apart from `start`, without `at`: as a live app sends them.
 */
export function loopEvents(count: number): CrisisEvent[] {
  return Array.from({ length: count }, (_, index) => {
    const { at: _at, ...event } = directMessageLoop[index % directMessageLoop.length]!;
    return event as CrisisEvent;
  });
}

/**
 * Both machines' stored forms with `entries` timeline entries: the incident on `directMessage`
 * after the first five events of the reference case, then the loop. Built live (a simulated
 * clock moves one minute per event), since building through `decide` would check the whole
 * document at every step.
 */
export function longIncident(entries: number): { library: string; bare: string } {
  return { library: longIncidentOf('library', entries), bare: longIncidentOf('bare', entries) };
}

/** One machine's stored form of `longIncident` (JSON text), built with that machine alone. */
export function longIncidentOf(kind: 'library' | 'bare', entries: number): string {
  const events = [...toDirectMessage.map(({ at: _at, ...event }) => event as CrisisEvent), ...loopEvents(entries - toDirectMessage.length)];
  if (kind === 'bare') {
    const bare = createActor(bareMachine).start();
    for (const event of events) bare.send(event as BareEvent);
    const text = JSON.stringify(bare.getPersistedSnapshot());
    bare.stop();
    return text;
  }
  const clock = new SimulatedClock();
  clock.set(Date.parse(openedAt));
  const library = createIncident(crisisMachine, { clock }).start();
  for (const event of events) {
    clock.increment(60_000);
    library.send(event);
  }
  const text = JSON.stringify(serializeIncident(library.getSnapshot()));
  library.stop();
  return text;
}
