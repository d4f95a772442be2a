// One side of the long-timeline server round trip in a process of its own (see `decideSeries`
// in bench/server.ts for the round trip itself): `tsx bench/decideProcess.ts library|bare
// <entries> <milliseconds>` warms up, then runs round trips for about that long and prints
// `{ "usPerOp": … }`. At 1,000 and 10,000 entries every round trip allocates megabytes, and in
// one shared process the collector's work lands in whichever side's round happens to trigger it;
// in processes of their own each side pays for its own garbage. bench/run.ts runs the two sides
// in alternating pairs of processes.
import { limits } from 'crisis-playbook';
import { roundTrips } from './server.js';

const [side, entriesArgument, millisecondsArgument] = process.argv.slice(2);
if (side !== 'library' && side !== 'bare') throw new Error(`Expected library or bare; received ${side}`);
const entries = Number(entriesArgument);
const milliseconds = Number(millisecondsArgument ?? 3_000);
if (!Number.isInteger(entries) || entries < 1 || entries > limits.timelineEntries) throw new Error(`Expected a timeline length; received ${entriesArgument}`);

const { fn } = roundTrips(entries)[side];
// Warm up for a fifth of the time (at least five round trips), then measure.
const warm = performance.now();
for (let i = 0; i < 5 || performance.now() - warm < milliseconds / 5; i++) fn();
let count = 0;
const started = performance.now();
while (count < 5 || performance.now() - started < milliseconds) {
  fn();
  count++;
}
console.log(JSON.stringify({ usPerOp: ((performance.now() - started) * 1000) / count, count }));
