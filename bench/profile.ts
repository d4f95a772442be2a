// `npm run bench:profile -- whole|start|untrusted|signed|long [runs] [entries]`: where the library's extra time goes, from a
// CPU profile in which the library and the baseline run interleaved in one process (so both
// share the machine's load, the JIT and the garbage collector), split by which side each sample
// falls under. Prints, per function, the time under the library and under the baseline, largest
// difference first; "(garbage collector)" is shown apart, as the profiler does not say whose
// garbage it collects. `start` only creates, starts and stops an incident (no event). `long` is the untrusted round trip on an incident whose timeline holds
// `entries` entries (default 1,000; bench/scenarios.ts `longIncident`). `SELF=1` prints the time
// in each function itself rather than with what it calls. Build first (`npm run build`): the
// library is imported from dist/.
import { Session } from 'node:inspector/promises';
import { createActor } from 'xstate';
import { createIncident, crisisMachine, type CrisisEvent } from 'crisis-playbook';
import { bareMachine, type BareEvent } from './bareMachine.js';
import { referenceCase } from './scenarios.js';
import { roundTrips, twentyEntryRoundTrips } from './server.js';

const workload = process.argv[2] ?? 'whole';
const count = Number(process.argv[3] ?? 20_000);
type Side = (index: number) => unknown;

function sides(): { library: Side; baseline: Side } {
  if (workload === 'whole') {
    const text = JSON.stringify(referenceCase);
    return {
      library: () => {
        const actor = createIncident(crisisMachine).start();
        for (const event of JSON.parse(text) as CrisisEvent[]) actor.send(event);
        actor.stop();
      },
      baseline: () => {
        const actor = createActor(bareMachine).start();
        for (const event of JSON.parse(text) as BareEvent[]) actor.send(event);
        actor.stop();
      },
    };
  }
  if (workload === 'start') {
    return {
      library: () => createIncident(crisisMachine).start().stop(),
      baseline: () => createActor(bareMachine).start().stop(),
    };
  }
  if (workload === 'long') {
    const { library, bare } = roundTrips(Number(process.argv[4] ?? 1_000));
    return { library: library.fn, baseline: bare.fn };
  }
  if (workload !== 'untrusted' && workload !== 'signed') throw new Error(`Unknown workload "${workload}": whole, start, untrusted, signed or long`);
  // The benchmark's own round trips (bench/server.ts): the stored JSON text in, the next one (`decision.json`) out.
  const trips = twentyEntryRoundTrips();
  return { library: trips[workload].fn, baseline: trips.bare.fn };
}

// Named functions: the split below finds each side by them on the stack.
const { library, baseline } = sides();
function sideLibrary(index: number) {
  return library(index);
}
function sideBaseline(index: number) {
  return baseline(index);
}
for (let i = 0; i < 500; i++) {
  sideLibrary(i);
  sideBaseline(i);
}

interface Node {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
for (let i = 0; i < count; i++) {
  // In turns, so that neither side always runs right after the other's garbage.
  if (i % 2 === 0) {
    sideLibrary(i);
    sideBaseline(i);
  } else {
    sideBaseline(i);
    sideLibrary(i);
  }
}
const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] } };
session.disconnect();

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const name = ({ callFrame: { functionName, url, lineNumber } }: Node) => `${functionName || '(anonymous)'} ${url.split('/').at(-1)}:${lineNumber + 1}`;
const totals = { sideLibrary: new Map<string, number>(), sideBaseline: new Map<string, number>() };
const whole = { sideLibrary: 0, sideBaseline: 0 };
let collector = 0;
profile.samples.forEach((sample, index) => {
  const ms = (profile.timeDeltas[index] ?? 0) / 1000;
  const stack: string[] = [];
  for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) stack.push(name(byId.get(id)!));
  if (stack[0]!.startsWith('(garbage collector)')) collector += ms;
  const side = stack.find((frame) => frame.startsWith('sideLibrary ') || frame.startsWith('sideBaseline '))?.split(' ')[0] as keyof typeof totals | undefined;
  if (side === undefined) return;
  whole[side] += ms;
  // SELF=1: time in each function itself (the top of the stack), not including what it calls.
  for (const frame of process.env.SELF === '1' ? [stack[0]!] : new Set(stack)) totals[side].set(frame, (totals[side].get(frame) ?? 0) + ms);
});
const perRun = (ms: number) => `${((ms * 1000) / count).toFixed(1)} µs`;
console.log(`${workload}: ${count} runs of each side; library ${perRun(whole.sideLibrary)}, baseline ${perRun(whole.sideBaseline)} per run (ratio ${(whole.sideBaseline / whole.sideLibrary).toFixed(2)}×); garbage collector ${perRun(collector)} per pair, unattributed`);
console.log(`${process.env.SELF === '1' ? 'self' : 'inclusive'} time per run: library, baseline, difference, function`);
const frames = new Set([...totals.sideLibrary.keys(), ...totals.sideBaseline.keys()]);
const rows = [...frames].map((frame) => [frame, totals.sideLibrary.get(frame) ?? 0, totals.sideBaseline.get(frame) ?? 0] as const);
for (const [frame, lib, bare] of rows.sort((a, b) => Math.abs(b[1] - b[2]) - Math.abs(a[1] - a[2])).slice(0, Number(process.env.ROWS ?? 40))) {
  console.log(`${perRun(lib).padStart(10)} ${perRun(bare).padStart(10)} ${perRun(lib - bare).padStart(10)}  ${frame}`);
}
