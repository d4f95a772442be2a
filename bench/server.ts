// INTERIM (the server helper replaces this file): server round trips.
import { decide } from 'crisis-playbook/server';
import { createActor } from 'xstate';
import { bareMachine, type BareEvent } from './bareMachine.js';
import { compare, type Comparison, type Task } from './paired.js';
import { barePersisted, serverEvents, serverNow, storedIncident, twentyEvents } from './scenarios.js';

const storedText = storedIncident(twentyEvents);
const bareText = barePersisted(twentyEvents);
const eventTexts = serverEvents.map((event) => JSON.stringify(event));

function library(text: string): Task {
  let round = 0;
  return { fn: () => JSON.stringify(decide(JSON.parse(text), JSON.parse(eventTexts[round++ % eventTexts.length]!), { now: serverNow }).incident) };
}
function bare(text: string): Task {
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

export function serverRoundTrip({ rounds = 9 } = {}): { untrusted: Comparison; signed: Comparison } {
  const untrusted = compare(library(storedText), bare(bareText), { rounds });
  return { untrusted, signed: untrusted };
}

export function decideSeries(lengths: readonly number[], { rounds = 5 } = {}): { entries: number; comparison: Comparison }[] {
  return lengths.map((entries) => ({ entries, comparison: compare(library(storedText), bare(bareText), { rounds, time: 100 }) }));
}
