// Paired measurement for the benchmark: the library and its baseline run side by side in short
// rounds, in alternating order, so that load from elsewhere on the machine hits both alike.
import { Bench, type FnOptions } from 'tinybench';

/** One side of a comparison: the timed function and tinybench's hooks (untimed). */
export interface Task {
  readonly fn: () => unknown;
  readonly options?: FnOptions;
}

/** Operations per second of both sides, and their ratio with its spread over the rounds. */
export interface Comparison {
  /** Median operations per second of the library over the rounds. */
  readonly library: number;
  /** Median operations per second of the baseline over the rounds. */
  readonly bare: number;
  /** Median of the per-round ratios library ÷ baseline. */
  readonly ratio: number;
  /** Lowest and highest per-round ratio. */
  readonly spread: readonly [number, number];
  readonly rounds: number;
}

export interface CompareOptions {
  /** Operations per timed call (for example events per loop). Default 1. */
  readonly perIteration?: number;
  /** Paired rounds. Default 9. */
  readonly rounds?: number;
  /** Milliseconds per side per round. Default 200. */
  readonly time?: number;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** The comparison of paired measurements (operations per second, or any figure where more is better for `library`). */
export function comparePairs(library: readonly number[], bare: readonly number[]): Comparison {
  const ratios = library.map((value, round) => value / bare[round]!);
  return { library: median(library), bare: median(bare), ratio: median(ratios), spread: [Math.min(...ratios), Math.max(...ratios)], rounds: ratios.length };
}

/** Operations per second of a task: `perIteration` operations per call, over the mean latency. */
function opsPerSecond(bench: Bench, name: string, perIteration: number): number {
  const result = bench.getTask(name)?.result;
  if (result?.state !== 'completed') throw new Error(`Benchmark "${name}" did not complete: ${JSON.stringify(result)}`);
  return (perIteration * 1000) / result.period;
}

/** Runs `library` and `bare` in paired rounds and compares them. */
export function compare(library: Task, bare: Task, { perIteration = 1, rounds = 9, time = 200 }: CompareOptions = {}): Comparison {
  const ops = { library: [] as number[], bare: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time, warmupTime: round === 0 ? 300 : 50 });
    const order = round % 2 === 0 ? (['library', 'bare'] as const) : (['bare', 'library'] as const);
    for (const name of order) {
      const task = name === 'library' ? library : bare;
      bench.add(name, task.fn, task.options);
    }
    bench.runSync();
    for (const name of order) ops[name].push(opsPerSecond(bench, name, perIteration));
  }
  return comparePairs(ops.library, ops.bare);
}

/** A ratio with its spread, for the report: `0.97× (0.91–1.02)`. */
export const ratioText = ({ ratio, spread }: Pick<Comparison, 'ratio' | 'spread'>): string =>
  `${ratio.toFixed(2)}× (${spread[0].toFixed(2)}–${spread[1].toFixed(2)})`;
