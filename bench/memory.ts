// Child process of the benchmark: heap per live incident. Run with `node --expose-gc --import tsx
// bench/memory.ts <library|bare> <count>`; prints one JSON line.
import { fresh, liveIncident, twentyEvents } from './scenarios.js';

const kind = process.argv[2] === 'bare' ? 'bare' : 'library';
const count = Number(process.argv[3] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('Run with node --expose-gc');

function heapUsed(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

// Warm up the code paths (and their lazily built caches) before the baseline is taken.
for (let i = 0; i < 50; i++) liveIncident(kind, fresh(twentyEvents)).stop();

// Each incident gets its own copy of the events, as if they came from the network; what an
// incident keeps of them (strings in its timeline) counts, the rest is collected.
const before = heapUsed();
const incidents = Array.from({ length: count }, () => liveIncident(kind, fresh(twentyEvents)));
const after = heapUsed();

const alive = incidents.filter((actor) => actor.getSnapshot().status === 'active').length;
for (const actor of incidents) actor.stop();
process.stdout.write(`${JSON.stringify({ kind, count, alive, bytesPerIncident: (after - before) / count })}\n`);
