let pinned: number | undefined;

/** An actor system whose clock may tell the time (XState's `SimulatedClock` does). */
export interface SystemWithClock {
  readonly _clock?: unknown;
}

/**
 * The processing time: the time pinned by {@link withNow} (pure decisions), else the actor
 * system's clock when it tells the time (an injected `SimulatedClock`), else `Date.now()`.
 */
export function now(system?: SystemWithClock): number {
  return pinned ?? (system?._clock as { now?: () => number } | undefined)?.now?.() ?? Date.now();
}

/**
 * {@link now}, or `NaN` when the clock's `now()` throws or gives no number: a clock is the app's
 * code, and may fail; callers refuse or fall back on a time that is not processable.
 */
export function safeNow(system?: SystemWithClock): number {
  try {
    const time: unknown = now(system);
    return typeof time === 'number' ? time : Number.NaN;
  } catch {
    return Number.NaN;
  }
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
