// `npm run bench`: crisis-playbook against the same machine written by hand in plain XState v5
// (bench/bareMachine.ts), every ratio measured side by side in one run. Build first (`npm run
// build`): the library is imported from dist/, as an app would (bench/tsconfig.json has no
// paths to src/). `npm run bench -- --quick` takes fewer rounds. See docs/performance.md.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { createActor } from 'xstate';
import { restoreIncident } from 'crisis-playbook/server';
import { bareMachine } from './bareMachine.js';
import { compare, comparePairs, median, ratioText, type Comparison, type Task } from './paired.js';
import { eventLoop, loopLength, sendLoop, wholeIncident } from './live.js';
import { playbookSizeSeries } from './playbookSize.js';
import { serverRoundTrip, decideSeries } from './server.js';
import { assertSameMachine, barePersisted, longIncident, loopEvents, openedAt, storedIncident, twentyEvents } from './scenarios.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
const KB = 1000; // as size-limit reads "12 KB"
const quick = process.argv.includes('--quick'); // fewer rounds, for trying changes

// ---------------------------------------------------------------------------------------------
// Live throughput (bench/live.ts: events on one incident, whole incidents; events on a long
// timeline below). Events arrive as from the network: fresh objects parsed from JSON for every
// send (made before each timed iteration, outside the timing).

/**
 * Events per second on a live incident whose timeline already holds `entries` entries: the
 * incident is restored before each timed iteration (the library through `restoreIncident`,
 * which checks the document; the baseline from its persisted snapshot), then 60 events.
 */
function liveAt(entries: number): { library: Task; bare: Task } {
  const texts = longIncident(entries - loopLength);
  // The time of its last entry: restored then, no waiting window has run out.
  const now = Date.parse(openedAt) + (entries - loopLength) * 60_000;
  const eventsText = JSON.stringify(loopEvents(loopLength));
  const side = (kind: 'library' | 'bare'): Task =>
    sendLoop(
      () =>
        kind === 'library'
          ? (restoreIncident(texts.library, { now }) as never)
          : (createActor(bareMachine, { snapshot: JSON.parse(texts.bare) }).start() as never),
      eventsText,
    );
  return { library: side('library'), bare: side('bare') };
}

// ---------------------------------------------------------------------------------------------
// Child processes: memory (node --expose-gc) and cold import (whole processes).

/** What a bench script run in a child process prints (JSON), run with tsx on the built package (bench/tsconfig.json). */
async function childJson<T>(script: string, args: readonly string[], nodeFlags: readonly string[] = []): Promise<T> {
  const { stdout } = await run(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'bench/tsconfig.json') },
  });
  return JSON.parse(stdout) as T;
}

async function memoryPerIncident(kind: 'library' | 'bare', count: number, events: 'live' | 'backfilled'): Promise<number> {
  const result = await childJson<{ alive: number; bytesPerIncident: number }>('bench/memory.ts', [kind, String(count), events], ['--expose-gc']);
  if (result.alive !== count) throw new Error(`Expected ${count} live incidents of ${kind}; ${result.alive} were`);
  return result.bytesPerIncident;
}

/** Microseconds per timed call of one side of a workload, in a process of its own (bench/sideProcess.ts). */
async function sideInProcess(side: string, workload: string, milliseconds: number): Promise<number> {
  return (await childJson<{ usPerOp: number }>('bench/sideProcess.ts', [side, workload, String(milliseconds)])).usPerOp;
}

/**
 * A workload of bench/sideProcess.ts with each side in processes of its own, in `pairs` pairs of
 * processes in alternating order: operations per second (`perIteration` per timed call) and the
 * ratio, as `compare` gives them. `librarySide`: the library's side of the workload (`untrusted`
 * or `signed` for `twenty`).
 */
async function compareInProcesses(
  workload: string,
  pairs: number,
  { librarySide = 'library', perIteration = 1 }: { librarySide?: 'library' | 'untrusted' | 'signed'; perIteration?: number } = {},
): Promise<Comparison> {
  const milliseconds = Number(workload) >= 10_000 ? 3_000 : 2_000;
  const ops = { library: [] as number[], bare: [] as number[] };
  for (let pair = 0; pair < pairs; pair++) {
    for (const side of pair % 2 === 0 ? (['library', 'bare'] as const) : (['bare', 'library'] as const)) {
      ops[side].push((perIteration * 1e6) / (await sideInProcess(side === 'library' ? librarySide : 'bare', workload, milliseconds)));
    }
  }
  return comparePairs(ops.library, ops.bare);
}

/** Milliseconds from starting `node` to its exit, importing `specifiers` in order. */
function processTime(specifiers: readonly string[]): Promise<number> {
  const script = `for (const s of ${JSON.stringify(specifiers)}) await import(s);`;
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: 'ignore' });
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done(performance.now() - started) : fail(new Error(`import of ${specifiers.join(', ')} exited with ${code}`))));
  });
}

/** Whole-process cold import of the main entry against xstate + zod, in `runs` paired runs. */
async function coldImports(runs: number) {
  const library = [pathToFileURL(join(root, 'dist/index.js')).href];
  const baseline = ['xstate', 'zod'];
  const bare = ['node:path']; // node alone, to show what the imports add
  await processTime(library); // warm the file system cache
  const times = { library: [] as number[], baseline: [] as number[], node: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ([library, baseline] as const) : ([baseline, library] as const);
    for (const specifiers of order) (specifiers === library ? times.library : times.baseline).push(await processTime(specifiers));
    if (i % 4 === 0) times.node.push(await processTime(bare));
  }
  const ratios = times.library.map((time, i) => time / times.baseline[i]!);
  return {
    library: median(times.library),
    baseline: median(times.baseline),
    node: median(times.node),
    ratio: median(ratios),
    spread: [Math.min(...ratios), Math.max(...ratios)] as const,
    runs,
  };
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
    console.warn('warning: src/ is newer than dist/: the figures below are of an older build (npm run build).\n');
  }
}

interface Row {
  readonly metric: string;
  readonly library: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
  /** Whether the target is met; `undefined` for information only. */
  readonly pass: boolean | undefined;
  /** Below the floor under which the issue is not resolved. */
  readonly floor?: boolean;
}

function printTable(header: readonly string[], cells: readonly (readonly string[])[]) {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => `| ${c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const kb = (bytes: number) => `${(bytes / KB).toFixed(2)} KB`;
const result = (row: Row) => (row.pass === undefined ? 'info' : row.pass ? 'PASS' : row.floor === false ? 'FAIL (floor)' : 'FAIL');

/** A row printed for information: no target, not counted. */
const information = (row: Row): Row => ({ ...row, target: '–', pass: undefined });

/** A throughput row: target ≥ `target`×, floor `floor`×. */
function throughput(metric: string, comparison: Comparison, unit: string, target: number, floor?: number): Row {
  return {
    metric,
    library: `${int(comparison.library)} ${unit}`,
    baseline: `${int(comparison.bare)} ${unit}`,
    ratio: ratioText(comparison),
    target: `≥ ${target.toFixed(2)}×`,
    pass: comparison.ratio >= target,
    ...(floor === undefined ? {} : { floor: comparison.ratio >= floor }),
  };
}

async function main() {
  const started = performance.now();
  checkDist();
  assertSameMachine();
  const cores = cpus();
  const rounds = quick ? 5 : 9;
  const pairs = quick ? 3 : 5; // pairs of processes
  console.log(
    `crisis-playbook benchmark: node ${process.version}, ${cores.length} × ${cores[0]?.model.trim() ?? process.arch}, ` +
      `${(totalmem() / 1e9).toFixed(0)} GB, load average ${loadavg()[0]!.toFixed(2)} at the start${quick ? ' (--quick)' : ''}\n`,
  );

  // Sizes and the memory and import child processes first, while the parent is idle; then the
  // paired rounds in this process; then the comparisons in separate processes; then the report.
  const stored = { library: Buffer.byteLength(storedIncident(twentyEvents)), bare: Buffer.byteLength(barePersisted(twentyEvents)) };
  const entry = await bundleSize();
  const count = quick ? 2_000 : 10_000;
  const memory = {
    library: await memoryPerIncident('library', count, 'live'),
    bare: await memoryPerIncident('bare', count, 'live'),
    libraryBackfilled: await memoryPerIncident('library', count, 'backfilled'),
    bareBackfilled: await memoryPerIncident('bare', count, 'backfilled'),
  };
  const imports = await coldImports(quick ? 10 : 21);
  const loop = compare(eventLoop('library'), eventLoop('bare'), { perIteration: loopLength, rounds });
  const whole = compare(wholeIncident('library'), wholeIncident('bare'), { rounds });
  const wholeUntagged = compare(wholeIncident('library'), wholeIncident('untagged'), { rounds });
  const wholeChecked = compare(wholeIncident('library'), wholeIncident('checked'), { rounds });
  const server = serverRoundTrip({ rounds });

  // Timeline-length series: a long-lived incident's cost per event and per decision.
  const lengths = quick ? [10, 1_000, 10_000] : [10, 100, 1_000, 10_000];
  const seriesRounds = quick ? 3 : 5;
  const live = lengths.map((entries) => {
    const { library, bare } = liveAt(entries);
    return { entries, comparison: compare(library, bare, { perIteration: loopLength, rounds: seriesRounds, time: 150 }) };
  });
  const decided = decideSeries(lengths, { rounds: seriesRounds });
  const longLengths = lengths.filter((entries) => entries >= 1_000);

  // Playbook-size series: the default playbook with rungs inserted, against the default playbook.
  const sizes = playbookSizeSeries(quick ? [10, 200] : [10, 50, 200], { rounds: seriesRounds });

  // Last, the comparisons with each side alone in processes of its own, after every paired
  // round in this process: a phase of child processes changes what the rounds after it measure
  // (see "A fifth pass" in docs/performance.md). The main table's are printed for information:
  // in this shared process one side's state lands in the other's rounds, and on the twenty-entry
  // round trip the baseline runs up to a third faster than it does alone, depending on what the
  // process ran before. The long timelines' carry the target (the collector's work for their
  // megabyte round trips lands in whichever side's round triggers it).
  const apart = {
    loop: await compareInProcesses('loop', pairs, { perIteration: loopLength }),
    whole: await compareInProcesses('whole', pairs),
    untrusted: await compareInProcesses('twenty', pairs, { librarySide: 'untrusted' }),
    signed: await compareInProcesses('twenty', pairs, { librarySide: 'signed' }),
  };
  const separate: Comparison[] = [];
  for (const entries of longLengths) separate.push(await compareInProcesses(String(entries), pairs));

  const rows: Row[] = [
    throughput('live: events on one incident', loop, 'ev/s', 1.0, 0.9),
    information(throughput('  the same, separate processes', apart.loop, 'ev/s', 1.0)),
    throughput('live: whole reference incidents', whole, '/s', 1.0, 0.9),
    information(throughput('  the same, separate processes', apart.whole, '/s', 1.0)),
    information(throughput('live: whole incidents, baseline without tags', wholeUntagged, '/s', 1.0)),
    information(throughput('live: whole incidents, baseline checking events (zod)', wholeChecked, '/s', 1.0)),
    throughput('server: round trip, untrusted document', server.untrusted, '/s', 1.0, 0.9),
    information(throughput('  the same, separate processes', apart.untrusted, '/s', 1.0)),
    throughput('server: round trip, signed document', server.signed, '/s', 1.2),
    information(throughput('  the same, separate processes', apart.signed, '/s', 1.2)),
    information(throughput('server: untrusted, caller parses and writes', server.untrustedOnObjects, '/s', 1.0)),
    information(throughput('server: signed, caller parses and writes', server.signedOnObjects, '/s', 1.2)),
    {
      metric: `memory per live incident (${int(count)} alive)`,
      library: kb(memory.library),
      baseline: kb(memory.bare),
      ratio: `${(memory.library / memory.bare).toFixed(3)}×`,
      target: '≤ 1.05×',
      pass: memory.library <= memory.bare * 1.05,
    },
    {
      metric: 'memory, backfilled events (with `at`)',
      library: kb(memory.libraryBackfilled),
      baseline: kb(memory.bareBackfilled),
      ratio: `${(memory.libraryBackfilled / memory.bareBackfilled).toFixed(3)}×`,
      target: '–',
      pass: undefined,
    },
    {
      metric: `cold import, whole process (${imports.runs} pairs)`,
      library: `${imports.library.toFixed(1)} ms`,
      baseline: `${imports.baseline.toFixed(1)} ms`,
      ratio: ratioText(imports),
      target: '≤ 1.15×',
      pass: imports.ratio <= 1.15,
    },
    {
      metric: 'stored incident, 20-entry timeline',
      library: `${int(stored.library)} B`,
      baseline: `${int(stored.bare)} B`,
      ratio: `${(stored.library / stored.bare).toFixed(2)}×`,
      target: '–',
      pass: undefined,
    },
    {
      metric: 'main entry, minified + gzipped',
      library: kb(entry.gzipped),
      baseline: '–',
      ratio: '–',
      target: '–',
      pass: undefined,
    },
  ];
  printTable(
    ['measure', 'crisis-playbook', 'baseline', 'ratio (spread)', 'target', 'result'],
    rows.map((r) => [r.metric, r.library, r.baseline, r.ratio, r.target, result(r)]),
  );
  console.log(`\n(node alone starts and exits in ${imports.node.toFixed(1)} ms; the cold-import figures include it)`);
  console.log(
    `(separate processes, information: each side alone in a process of its own, ${pairs} pairs of processes in alternating order, the\n` +
      " median of the pairs' ratios; in one shared process a side's speed can depend on what the process ran before: see docs/performance.md)",
  );

  console.log('\nTimeline length: live events and server round trips on an incident with that many entries');
  const seriesRows: Row[] = [];
  for (const [index, entries] of lengths.entries()) {
    const liveRow = live[index]!.comparison;
    const decideRow = decided[index]!.comparison;
    seriesRows.push(throughput(`live events, ${int(entries)} entries`, liveRow, 'ev/s', entries >= 1_000 ? 1 / 1.2 : 1.0));
    seriesRows.push(information(throughput(`server round trip, ${int(entries)} entries`, decideRow, '/s', 1.0)));
    const inProcesses = separate[longLengths.indexOf(entries)];
    if (inProcesses !== undefined) {
      seriesRows.push({ ...throughput(`  the same, separate processes`, inProcesses, '/s', 1 / 1.2), target: '≤ 1.2× the time' });
    }
  }
  printTable(
    ['measure', 'crisis-playbook', 'baseline', 'ratio (spread)', 'target', 'result'],
    seriesRows.map((r) => [r.metric, r.library, r.baseline, r.ratio, r.target, result(r)]),
  );
  console.log('(10,000: the series starts 60 entries short of it and sends 60 events; a timeline holds at most 10,000 entries)');
  console.log(
    `(separate processes: each side in a process of its own, ${pairs} pairs of processes in alternating order, the median of the pairs' ratios;\n` +
      ' in one process the collector\'s work for these megabyte round trips lands in whichever side\'s round triggers it: see docs/performance.md)',
  );

  console.log('\nPlaybook size: the default playbook with inserted rungs, against the default playbook (crisis-playbook only)');
  printTable(
    ['inserted rungs', 'compile', 'live events', 'ratio (spread)', 'server round trips', 'ratio (spread)'],
    sizes.map((size) => [
      int(size.rungs),
      `${size.compileMs.toFixed(1)} ms`,
      `${int(size.live.library)} ev/s`,
      ratioText(size.live),
      `${int(size.server.library)} /s`,
      ratioText(size.server),
    ]),
  );

  const scored = [...rows, ...seriesRows].filter((row) => row.pass !== undefined);
  console.log(
    [
      '',
      'baseline: bench/bareMachine.ts, the same machine in plain XState, which checks nothing (throughput, memory, stored',
      'size); node importing xstate and zod (cold import). ratio = crisis-playbook ÷ baseline, in operations per second',
      `(memory and import: in bytes and ms); the median of ${rounds} paired rounds, with the lowest and highest round in`,
      'brackets. KB = 1000 bytes. See docs/performance.md.',
      `${scored.filter((row) => !row.pass).length} of ${scored.length} targets missed` +
        `${scored.some((row) => row.floor === false) ? `, ${scored.filter((row) => row.floor === false).length} below the floor` : ''}; ` +
        `took ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    ].join('\n'),
  );
}

await main();
