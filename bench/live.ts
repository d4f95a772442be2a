// Live throughput workloads, shared by bench/run.ts (paired rounds in its own process) and
// bench/sideProcess.ts (one side in a process of its own). Events arrive as from the network:
// fresh objects parsed from JSON for every send (made before each timed iteration, outside the
// timing). The library runs incidents the way an app should, with `createIncident` (every event
// parsed and checked); the baseline runs `createActor` on the hand-written machine, which
// checks nothing.
import { createActor, type AnyStateMachine } from 'xstate';
import { createIncident, crisisMachine, type CrisisEvent } from 'crisis-playbook';
import { bareEventSchema, bareMachine, untaggedBareMachine, type BareEvent } from './bareMachine.js';
import type { Task } from './paired.js';
import { directMessageLoop, fresh, liveIncident, referenceCase, toDirectMessage } from './scenarios.js';

/** Events per timed iteration of `eventLoop` (20 rounds of the loop). */
export const loopLength = 60;

/**
 * A timed loop of events sent to a live incident: before each timed call, `start` makes the
 * incident and the events are parsed afresh from `eventsText`; after it, the incident is stopped.
 */
export function sendLoop(start: () => { send(event: never): void; stop(): void }, eventsText: string): Task {
  let live: { send(event: never): void; stop(): void } | undefined;
  let events: CrisisEvent[] = [];
  return {
    fn: () => {
      for (const event of events) live!.send(event as never);
    },
    options: {
      beforeEach: () => {
        live = start();
        events = JSON.parse(eventsText) as CrisisEvent[];
      },
      afterEach: () => {
        live!.stop();
      },
    },
  };
}

/**
 * Events per second on one live incident: a loop of events that apply on `directMessage`.
 * `machine`: the library's machine (another playbook's, for bench/playbookSize.ts).
 */
export function eventLoop(kind: 'library' | 'bare', machine?: AnyStateMachine): Task {
  const text = JSON.stringify(Array.from({ length: loopLength }, (_, i) => directMessageLoop[i % directMessageLoop.length]));
  return sendLoop(() => liveIncident(kind, fresh(toDirectMessage), machine) as never, text);
}

/**
 * Whole incidents per second: create, start, the reference case (fresh events), stop.
 * `untagged`: the baseline machine without its tags (see `untaggedBareMachine`); `checked`: the
 * baseline sending each event only once zod accepts it (see `bareEventSchema`).
 */
export function wholeIncident(kind: 'library' | 'bare' | 'untagged' | 'checked'): Task {
  const text = JSON.stringify(referenceCase);
  let events: CrisisEvent[] = [];
  return {
    fn: () => {
      if (kind === 'checked') {
        const actor = createActor(bareMachine).start();
        for (const event of events) {
          const checked = bareEventSchema.safeParse(event);
          if (checked.success) actor.send(checked.data);
        }
        actor.stop();
        return;
      }
      const actor = kind === 'library' ? createIncident(crisisMachine).start() : createActor(kind === 'bare' ? bareMachine : untaggedBareMachine).start();
      for (const event of events) actor.send(event as BareEvent & CrisisEvent);
      actor.stop();
    },
    options: {
      beforeEach: () => {
        events = JSON.parse(text) as CrisisEvent[];
      },
    },
  };
}
