// Server round trips: a stored incident arrives as JSON text with an event, the server decides,
// and the next incident goes back out as JSON text.
//
// The library side is what a server runs: `decide` (or a runtime's `decide`) on the document as
// the JSON text it was stored as (the library parses it) and a fresh event parsed from JSON,
// then the new incident's JSON text as the decision gives it (`decision.json`: a signing runtime
// has it from signing, otherwise it is `JSON.stringify` of the incident). The same round trips
// with the document parsed by the caller and the incident written out by the caller
// (`JSON.stringify(decision.incident)`, as this benchmark measured before `json` existed) are
// printed beside them for information. With
// full validation of an untrusted document that means: format, shape (every field, every
// limit), consistency with the playbook (the timeline replayed through its moves, the
// deadlines, the counts), the event parsed and checked, deadlines that fell due applied, the
// transition, the stored form written, and the decision's rung, tracks and deadlines. With a
// signed document the signature is verified instead of the shape and consistency checks, and
// the new document is signed.
//
// The baseline (bench/bareMachine.ts) only restores, sends and persists: `createActor` with the
// persisted snapshot, `send` of the event as parsed (nothing checks it), `getPersistedSnapshot`,
// `stop`. It checks nothing, applies no due deadline, signs nothing and computes no advice, so
// the comparison is harsh on the library by design.
import { crisisMachine, limits, type CrisisEvent } from 'crisis-playbook';
import { createIncidentRuntime, decide } from 'crisis-playbook/server';
import { createActor } from 'xstate';
import { bareMachine, type BareEvent } from './bareMachine.js';
import { compare, type Comparison, type Task } from './paired.js';
import { barePersisted, directMessageLoop, longIncidentOf, openedAt, serverEvents, serverNow, storedIncident, twentyEvents } from './scenarios.js';

/** The key the signed round trip uses (any 32 bytes or more). */
const signingKey = 'bench-signing-key-of-at-least-32-bytes!';

type DecideFn = (stored: unknown, event: unknown, options: { now: string | number }) => { incident: unknown; json: string };

/** One library round trip per call: decide on the stored text with a fresh event, and take the next text. */
function library(text: string, eventTexts: readonly string[], now: string | number, run: DecideFn = decide): Task {
  let round = 0;
  return { fn: () => run(text, JSON.parse(eventTexts[round++ % eventTexts.length]!), { now }).json };
}

/** The same, with the caller parsing the stored text and writing out the next incident itself. */
function libraryOnObjects(text: string, eventTexts: readonly string[], now: string | number, run: DecideFn = decide): Task {
  let round = 0;
  return { fn: () => JSON.stringify(run(JSON.parse(text), JSON.parse(eventTexts[round++ % eventTexts.length]!), { now }).incident) };
}

/** One baseline round trip per call: restore the persisted snapshot, send a fresh event, persist. */
function bare(text: string, eventTexts: readonly string[]): Task {
  let round = 0;
  return {
    fn: () => {
      const actor = createActor(bareMachine, { snapshot: JSON.parse(text) }).start();
      actor.send(JSON.parse(eventTexts[round++ % eventTexts.length]!) as BareEvent);
      const out = JSON.stringify(actor.getPersistedSnapshot());
      actor.stop();
      return out;
    },
  };
}

/** The twenty-event incident as a signing runtime writes it (JSON text), and that runtime's `decide`. */
function signedIncident(events: readonly CrisisEvent[]): { text: string; decide: DecideFn } {
  const runtime = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [signingKey] } });
  let incident: unknown = runtime.open({ now: openedAt }).incident;
  for (const event of events) incident = runtime.decide(incident, event, { now: event.at ?? openedAt }).incident;
  return { text: JSON.stringify(incident), decide: (stored, event, options) => runtime.decide(stored, event, options) };
}

/**
 * Both sides of the round trip on the twenty-entry incident (bench/scenarios.ts), three events
 * that each apply on its rung, in turn: `untrusted` with the default runtime (no signing, every
 * check), `signed` with a signing runtime on a document it signed; `…OnObjects` the same with
 * the caller parsing and writing the JSON (information). Every side is checked to succeed on
 * every event, with the same text either way.
 */
export function twentyEntryRoundTrips(): { untrusted: Task; signed: Task; untrustedOnObjects: Task; signedOnObjects: Task; bare: Task } {
  const eventTexts = serverEvents.map((event) => JSON.stringify(event));
  const untrustedText = storedIncident(twentyEvents);
  const signed = signedIncident(twentyEvents);
  for (const event of serverEvents) {
    for (const [text, run] of [[untrustedText, decide], [signed.text, signed.decide]] as const) {
      const { json } = run(text, event, { now: serverNow });
      if (json !== JSON.stringify(run(JSON.parse(text), event, { now: serverNow }).incident)) throw new Error('decision.json differs from the incident written out');
    }
  }
  return {
    untrusted: library(untrustedText, eventTexts, serverNow),
    signed: library(signed.text, eventTexts, serverNow, signed.decide),
    untrustedOnObjects: libraryOnObjects(untrustedText, eventTexts, serverNow),
    signedOnObjects: libraryOnObjects(signed.text, eventTexts, serverNow, signed.decide),
    bare: twentyEntrySide('bare'),
  };
}

/**
 * One side of {@link twentyEntryRoundTrips}, built alone (bench/sideProcess.ts): a process that
 * measures the baseline builds no library incident before it. Checked by `twentyEntryRoundTrips`,
 * which the same benchmark run calls first.
 */
export function twentyEntrySide(side: 'untrusted' | 'signed' | 'bare'): Task {
  const eventTexts = serverEvents.map((event) => JSON.stringify(event));
  if (side === 'bare') return bare(barePersisted(twentyEvents), eventTexts);
  if (side === 'untrusted') return library(storedIncident(twentyEvents), eventTexts, serverNow);
  const signed = signedIncident(twentyEvents);
  return library(signed.text, eventTexts, serverNow, signed.decide);
}

/** The comparisons of {@link twentyEntryRoundTrips}' sides against the baseline. */
export function serverRoundTrip({ rounds = 9 } = {}): { untrusted: Comparison; signed: Comparison; untrustedOnObjects: Comparison; signedOnObjects: Comparison } {
  const sides = twentyEntryRoundTrips();
  return {
    untrusted: compare(sides.untrusted, sides.bare, { rounds }),
    signed: compare(sides.signed, sides.bare, { rounds }),
    untrustedOnObjects: compare(sides.untrustedOnObjects, sides.bare, { rounds }),
    signedOnObjects: compare(sides.signedOnObjects, sides.bare, { rounds }),
  };
}

/**
 * The round trip on incidents with `entries` timeline entries (bench/scenarios.ts
 * `longIncident`: the incident waits on `directMessage`, the loop of events that apply there
 * over and over): the library decides on a stored incident of that length with full
 * validation, the baseline restores its persisted snapshot of the same length. The events are
 * the same loop, fresh from JSON each time, at a time after the last entry. An incident keeps at
 * most `limits.timelineEntries` (10,000) entries, so at that length both sides start one entry
 * short and the decision writes the last one.
 */
export function decideSeries(lengths: readonly number[], { rounds = 5 } = {}): { entries: number; comparison: Comparison }[] {
  return lengths.map((entries) => {
    const sides = roundTrips(entries);
    return { entries, comparison: compare(sides.library, sides.bare, { rounds, time: entries >= 10_000 ? 400 : 150 }) };
  });
}

/** Both sides of the round trip on an incident of `entries` entries (see `decideSeries`), checked to succeed. */
export function roundTrips(entries: number): { library: Task; bare: Task } {
  return { library: roundTripSide(entries, 'library'), bare: roundTripSide(entries, 'bare') };
}

/**
 * One side of {@link roundTrips}, built alone (bench/sideProcess.ts: a process that measures the
 * baseline builds no library incident before it); the library's is checked to succeed.
 */
export function roundTripSide(entries: number, side: 'library' | 'bare'): Task {
  const eventTexts = directMessageLoop.map(({ at: _at, ...event }) => JSON.stringify(event));
  const built = Math.min(entries, limits.timelineEntries - 1);
  const text = longIncidentOf(side, built);
  if (side === 'bare') return bare(text, eventTexts);
  // longIncidentOf moves a simulated clock one minute per event from `openedAt`.
  const now = Date.parse(openedAt) + (built + 1) * 60_000;
  decide(text, JSON.parse(eventTexts[0]!), { now });
  return library(text, eventTexts, now);
}
