// One side of a comparison in a process of its own: `tsx bench/sideProcess.ts <side> <workload>
// <milliseconds>` builds only that side, warms up, then runs the workload until its calls have
// taken about that long, and prints `{ "usPerOp": … }`: the time of the calls only (the
// workload's untimed hooks, such as parsing fresh events, run between them, as in the paired
// rounds). Workloads and sides:
//
// - a timeline length: the server round trip on an incident that long (bench/server.ts
//   `roundTripSide`), `library` or `bare`;
// - `twenty`: the round trips on the twenty-entry incident (bench/server.ts
//   `twentyEntrySide`), `untrusted`, `signed` or `bare`;
// - `whole` and `loop`: whole reference incidents and events on one live incident
//   (bench/live.ts), `library` or `bare`.
//
// bench/run.ts runs the two sides in alternating pairs of processes. Why: in one shared process
// one side's state (its garbage, what the process ran before) lands in the other's rounds. At
// 1,000 and 10,000 entries every round trip allocates megabytes and the collector's work lands
// in whichever side's round happens to trigger it; on the twenty-entry incident the baseline
// runs up to a third faster in the benchmark's process than alone, depending on what that
// process ran before (see docs/performance.md). In processes of their own each side pays for
// its own garbage, in the same state every time.
import { limits } from 'crisis-playbook';
import { eventLoop, wholeIncident } from './live.js';
import type { Task } from './paired.js';
import { roundTripSide, twentyEntrySide } from './server.js';

const [side, workload, millisecondsArgument] = process.argv.slice(2);
const milliseconds = Number(millisecondsArgument ?? 3_000);
if (!Number.isFinite(milliseconds) || milliseconds <= 0) throw new Error(`Expected a time in milliseconds; received ${millisecondsArgument}`);

function oneOf<const T extends string>(sides: readonly T[]): T {
  if (!sides.includes(side as T)) throw new Error(`Expected ${sides.join(', ')} for ${workload}; received ${side}`);
  return side as T;
}

/** Only the side asked for is built: a process that measures the baseline builds no library incident before it. */
function task(): Task {
  if (workload === 'twenty') return twentyEntrySide(oneOf(['untrusted', 'signed', 'bare']));
  if (workload === 'whole') return wholeIncident(oneOf(['library', 'bare']));
  if (workload === 'loop') return eventLoop(oneOf(['library', 'bare']));
  const entries = /^\d+$/.test(workload ?? '') ? Number(workload) : NaN;
  if (!(entries >= 1 && entries <= limits.timelineEntries)) throw new Error(`Expected a timeline length, twenty, whole or loop; received ${workload}`);
  return roundTripSide(entries, oneOf(['library', 'bare']));
}

const { fn, options = {} } = task();
if (options.beforeAll !== undefined || options.afterAll !== undefined) throw new Error('sideProcess runs beforeEach and afterEach hooks only');
const before = options.beforeEach as (() => void) | undefined;
const after = options.afterEach as (() => void) | undefined;
/** One call of the workload, its hooks around it (untimed); returns the milliseconds of the call itself. */
function once(): number {
  before?.();
  const start = performance.now();
  const returned: unknown = fn();
  const took = performance.now() - start;
  if (returned instanceof Promise) throw new Error('sideProcess times synchronous workloads only');
  after?.();
  return took;
}

// Warm up for a fifth of the time (at least five calls), then measure; as in tinybench, the
// time counted is the calls' own, not their hooks'.
let warm = 0;
for (let i = 0; i < 5 || warm < milliseconds / 5; i++) warm += once();
let count = 0;
let timed = 0;
while (count < 5 || timed < milliseconds) {
  timed += once();
  count++;
}
console.log(JSON.stringify({ usPerOp: (timed * 1000) / count, count }));
