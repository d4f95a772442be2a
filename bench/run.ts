// `npm run bench`: crisis-playbook against the same machine written by hand in plain XState v5
// (bench/bareMachine.ts), in one run. Build first (`npm run build`): the bundle and import
// measurements read dist/. See docs/performance.md.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { Bench, type FnOptions } from 'tinybench';
import { createActor } from 'xstate';
import { crisisMachine } from 'crisis-playbook';
import { decide } from 'crisis-playbook/server';
import { bareMachine, type BareEvent } from './bareMachine.js';
import {
  assertSameMachine,
  barePersisted,
  directMessageLoop,
  fresh,
  liveIncident,
  referenceCase,
  serverEvents,
  serverNow,
  storedIncident,
  toDirectMessage,
  twentyEvents,
} from './scenarios.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
const KB = 1000; // as size-limit reads "12 KB"

// ---------------------------------------------------------------------------------------------
// Throughput (tinybench). The library and the baseline run in alternating order, in short paired
// rounds, so that load from elsewhere on the machine hits both alike; each figure is the median
// over the rounds, and the ratio the median of the per-round ratios.

interface Task {
  readonly fn: () => unknown;
  readonly options?: FnOptions;
}
interface Comparison {
  readonly library: number;
  readonly bare: number;
  readonly ratio: number;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Operations per second of a task: `perIteration` operations per call, over the mean latency. */
function opsPerSecond(bench: Bench, name: string, perIteration: number): number {
  const result = bench.getTask(name)?.result;
  if (result?.state !== 'completed') throw new Error(`Benchmark "${name}" did not complete: ${JSON.stringify(result)}`);
  return (perIteration * 1000) / result.period;
}

function compare(library: Task, bare: Task, perIteration = 1, rounds = 7): Comparison {
  const ops = { library: [] as number[], bare: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: 200, warmupTime: round === 0 ? 300 : 50 });
    const order = round % 2 === 0 ? (['library', 'bare'] as const) : (['bare', 'library'] as const);
    for (const name of order) {
      const task = name === 'library' ? library : bare;
      bench.add(name, task.fn, task.options);
    }
    bench.runSync();
    for (const name of order) ops[name].push(opsPerSecond(bench, name, perIteration));
  }
  return {
    library: median(ops.library),
    bare: median(ops.bare),
    ratio: median(ops.library.map((value, round) => value / ops.bare[round]!)),
  };
}

/** Events per second on one live incident: a loop of events that apply on `directMessage`. */
const loopLength = 60; // events per timed iteration (20 rounds of the loop)
function eventLoop(kind: 'library' | 'bare'): Task {
  // A fresh incident on `directMessage` per iteration (not timed), so the timeline stays short.
  const loop = fresh(directMessageLoop);
  let live: ReturnType<typeof liveIncident> | undefined;
  return {
    fn: () => {
      for (let i = 0; i < loopLength; i++) live!.send(loop[i % loop.length]! as never);
    },
    options: {
      beforeEach: () => {
        live = liveIncident(kind, toDirectMessage);
      },
      afterEach: () => {
        live!.stop();
      },
    },
  };
}

/** Whole incidents per second: create, start, the reference case, stop. */
const wholeIncident = {
  library: {
    fn: () => {
      const actor = createActor(crisisMachine).start();
      for (const event of referenceCase) actor.send(event);
      actor.stop();
    },
  },
  bare: {
    fn: () => {
      const actor = createActor(bareMachine).start();
      for (const event of referenceCase) actor.send(event as BareEvent);
      actor.stop();
    },
  },
} satisfies Record<string, Task>;

/** Server round trips per second: stored JSON in, an untrusted event, stored JSON out. */
const storedText = storedIncident(twentyEvents);
const bareText = barePersisted(twentyEvents);
let serverRound = 0;
const serverRoundTrip = {
  library: {
    fn: () => {
      const event: unknown = serverEvents[serverRound++ % serverEvents.length];
      return JSON.stringify(decide(JSON.parse(storedText), event, { now: serverNow }).incident);
    },
  },
  bare: {
    fn: () => {
      const event = serverEvents[serverRound++ % serverEvents.length] as BareEvent;
      const actor = createActor(bareMachine, { snapshot: JSON.parse(bareText) }).start();
      actor.send(event);
      const text = JSON.stringify(actor.getPersistedSnapshot());
      actor.stop();
      return text;
    },
  },
} satisfies Record<string, Task>;

// ---------------------------------------------------------------------------------------------
// Child processes: memory (node --expose-gc) and cold import time (fresh node).

async function memoryPerIncident(kind: 'library' | 'bare', count: number): Promise<number> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/memory.ts', kind, String(count)], {
    cwd: root,
  });
  const result = JSON.parse(stdout) as { alive: number; bytesPerIncident: number };
  if (result.alive !== count) throw new Error(`Expected ${count} live incidents of ${kind}; ${result.alive} were`);
  return result.bytesPerIncident;
}

const importScript = (specifiers: string[]) =>
  `const t = performance.now(); for (const s of ${JSON.stringify(specifiers)}) await import(s); ` +
  'process.stdout.write(String(performance.now() - t));';

async function importTime(specifiers: string[]): Promise<number> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', importScript(specifiers)], { cwd: root });
  return Number(stdout);
}

async function coldImports(runs: number): Promise<{ library: number; baseline: number }> {
  const library = [pathToFileURL(join(root, 'dist/index.js')).href];
  const baseline = ['xstate', 'zod'];
  await importTime(library); // warm the file system cache
  const times = { library: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < runs; i++) {
    // Interleaved, so that drift in the machine's load hits both alike.
    times.library.push(await importTime(library));
    times.baseline.push(await importTime(baseline));
  }
  return { library: median(times.library), baseline: median(times.baseline) };
}

// ---------------------------------------------------------------------------------------------
// Bundle: the main entry as an app's bundler would ship it, minified, xstate and zod external.

async function bundleSize(contents?: string) {
  const result = await build({
    ...(contents === undefined
      ? { entryPoints: [join(root, 'src/index.ts')] }
      : { stdin: { contents, resolveDir: root, loader: 'ts' } }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['xstate', 'zod'],
    alias: { 'crisis-playbook': join(root, 'src/index.ts') },
    tsconfig: join(root, 'tsconfig.build.json'),
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

// ---------------------------------------------------------------------------------------------
// Report.

function checkDist() {
  const dist = join(root, 'dist/index.js');
  if (!existsSync(dist)) {
    console.error('dist/index.js is missing: run `npm run build` first (or `npm run build && npm run bench`).');
    process.exit(1);
  }
  const newest = (dir: string): number =>
    Math.max(
      ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
        entry.isDirectory() ? newest(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
      ),
    );
  if (newest(join(root, 'src')) > statSync(dist).mtimeMs) {
    console.warn('warning: src/ is newer than dist/: the import time below is of an older build (npm run build).\n');
  }
}

interface Row {
  metric: string;
  library: string;
  baseline: string;
  ratio: string;
  target: string;
  pass: boolean | undefined;
}

function printTable(rows: Row[]) {
  const header = ['measure', 'crisis-playbook', 'baseline', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [r.metric, r.library, r.baseline, r.ratio, r.target, r.pass === undefined ? 'info' : r.pass ? 'PASS' : 'FAIL']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const kb = (bytes: number) => `${(bytes / KB).toFixed(2)} KB`;
const times = (n: number) => `${n.toFixed(2)}×`;

async function main() {
  const started = performance.now();
  checkDist();
  assertSameMachine();
  const cores = cpus();
  console.log(
    `crisis-playbook benchmark: node ${process.version}, ${cores.length} × ${cores[0]?.model.trim() ?? process.arch}, ` +
      `load average ${loadavg()[0]!.toFixed(2)}\n`,
  );

  // Sizes and child processes first, while the parent is idle; throughput last.
  const stored = { library: Buffer.byteLength(storedText), bare: Buffer.byteLength(bareText) };
  const entry = await bundleSize();
  const typical = await bundleSize("export { crisisMachine, currentRung, recommend } from 'crisis-playbook';");
  const memory = { library: await memoryPerIncident('library', 10_000), bare: await memoryPerIncident('bare', 10_000) };
  const imports = await coldImports(11);
  const loop = compare(eventLoop('library'), eventLoop('bare'), loopLength);
  const whole = compare(wholeIncident.library, wholeIncident.bare);
  const server = compare(serverRoundTrip.library, serverRoundTrip.bare);

  const throughput = (metric: string, { library, bare, ratio }: Comparison, unit: string): Row => ({
    metric,
    library: `${int(library)} ${unit}`,
    baseline: `${int(bare)} ${unit}`,
    ratio: times(ratio),
    target: '≥ 0.70×',
    pass: ratio >= 0.7,
  });
  const rows: Row[] = [
    throughput('live: events on one incident', loop, 'ev/s'),
    throughput('live: whole reference incidents', whole, '/s'),
    throughput('server: round trip (20-entry incident)', server, '/s'),
    {
      metric: 'memory per live incident (10,000 alive)',
      library: kb(memory.library),
      baseline: kb(memory.bare),
      ratio: times(memory.library / memory.bare),
      target: '≤ 10 KB',
      pass: memory.library <= 10 * KB,
    },
    {
      metric: 'stored incident, 20-entry timeline',
      library: `${int(stored.library)} B`,
      baseline: `${int(stored.bare)} B`,
      ratio: times(stored.library / stored.bare),
      target: '≤ 4 KB',
      pass: stored.library <= 4 * KB,
    },
    {
      metric: 'main entry, minified + gzipped',
      library: kb(entry.gzipped),
      baseline: '–',
      ratio: '–',
      target: '≤ 12 KB',
      pass: entry.gzipped <= 12 * KB,
    },
    {
      metric: 'cold import (median of 11)',
      library: `${imports.library.toFixed(1)} ms`,
      baseline: `${imports.baseline.toFixed(1)} ms`,
      ratio: times(imports.library / imports.baseline),
      target: '≤ 1.30×',
      pass: imports.library / imports.baseline <= 1.3,
    },
    {
      metric: 'main entry, minified (not gzipped)',
      library: kb(entry.minified),
      baseline: '–',
      ratio: '–',
      target: '–',
      pass: undefined,
    },
    {
      metric: 'app bundle: crisisMachine+currentRung+recommend',
      library: kb(typical.gzipped),
      baseline: '–',
      ratio: '–',
      target: '–',
      pass: undefined,
    },
  ];
  printTable(rows);
  const missed = rows.filter((row) => row.pass === false).length;
  console.log(
    [
      '',
      'baseline: bench/bareMachine.ts, the same machine in plain XState without validation (throughput, memory,',
      'stored size); import("xstate") + import("zod") (cold import). ratio = crisis-playbook ÷ baseline; throughput',
      'is the median of 7 paired rounds. KB = 1000 bytes, as size-limit counts them. See docs/performance.md.',
      `${missed} of ${rows.filter((row) => row.pass !== undefined).length} targets missed; took ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    ].join('\n'),
  );
}

await main();
