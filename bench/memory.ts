// Child process of the benchmark: heap per live incident. Run with `node --expose-gc --import tsx
// bench/memory.ts <library|bare> <count> <live|backfilled>`; prints one JSON line.
//
// The incidents live side by side, and the twenty events of `twentyEvents` reach all of them in
// turn, about one minute apart on a simulated clock that every incident shares; each event is
// processed at its own millisecond, so that a cache of the processing time saves nothing. Each incident gets
// its own copy of each event, as if it came from the network; what an incident keeps of them
// (strings in its timeline) counts, the rest is collected. `live`: the events without `at`, as
// an app sends them when they happen; `backfilled`: with the `at` they claim (the baseline then
// keeps that string, and the library keeps it beside its own processing time).
import { createActor, SimulatedClock } from 'xstate';
import { createIncident, crisisMachine } from 'crisis-playbook';
import { bareMachine, type BareEvent } from './bareMachine.js';
import { openedAt, twentyEvents } from './scenarios.js';

const kind = process.argv[2] === 'bare' ? 'bare' : 'library';
const count = Number(process.argv[3] ?? 10_000);
const backfilled = process.argv[4] === 'backfilled';
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('Run with node --expose-gc');

function heapUsed(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const texts = twentyEvents.map((event) => {
  if (backfilled) return JSON.stringify(event);
  const { at: _at, ...rest } = event;
  return JSON.stringify(rest);
});
// The timers live on a simulated clock (moved once per round: every move sorts all pending
// timers); the time each event is processed at moves by a millisecond per send.
const simulated = new SimulatedClock();
simulated.set(Date.parse(openedAt));
let offset = 0;
const clock = {
  now: () => simulated.now() + offset,
  setTimeout: (fn: (...args: unknown[]) => void, ms: number) => simulated.setTimeout(fn, ms),
  clearTimeout: (id: number) => simulated.clearTimeout(id),
};
const start = () => (kind === 'library' ? createIncident(crisisMachine, { clock }).start() : createActor(bareMachine, { clock }).start());

function run(n: number) {
  const incidents = Array.from({ length: n }, start);
  for (const text of texts) {
    simulated.increment(60_000);
    for (const incident of incidents) {
      offset++; // no two events share a millisecond, so no two share a time stamp
      incident.send(JSON.parse(text) as BareEvent & never);
    }
  }
  return incidents;
}

// Warm up the code paths (and their lazily built caches) before the baseline is taken.
for (const incident of run(50)) incident.stop();

const before = heapUsed();
const incidents = run(count);
const after = heapUsed();

const alive = incidents.filter((actor) => actor.getSnapshot().status === 'active').length;
for (const actor of incidents) actor.stop();
process.stdout.write(`${JSON.stringify({ kind, count, alive, bytesPerIncident: (after - before) / count })}\n`);
