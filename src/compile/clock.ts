let pinned: number | undefined;

/**
 * The processing time: `Date.now()`, or the time pinned by {@link withNow}.
 *
 * @category Compiler
 */
export function now(): number {
  return pinned ?? Date.now();
}

/**
 * Runs `run` with the processing time pinned to `time`, so that a pure transition stamps its
 * timeline and deadlines deterministically. Synchronous only.
 *
 * @category Compiler
 */
export function withNow<T>(time: number, run: () => T): T {
  const previous = pinned;
  pinned = time;
  try {
    return run();
  } finally {
    pinned = previous;
  }
}
