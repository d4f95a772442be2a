import { limits } from '../limits.js';

/** The clock an XState actor system schedules its delayed events with (XState's `SimulatedClock` is one). */
export interface TimerClock {
  setTimeout(fn: () => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
  now?(): number;
}

const realClock: TimerClock = {
  setTimeout: (fn, timeout) => setTimeout(fn, timeout),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/**
 * A clock whose timers never fire early: a timer longer than JavaScript timers can wait
 * (2^31 - 1 ms, beyond which Node and browsers fire at once) is re-armed in steps until its
 * time has come. A timer due after the latest time an incident can be processed at never
 * fires (as `decideDue` never applies such a deadline). It tells the time of the clock it wraps.
 */
export function createSteppingClock(inner: TimerClock = realClock): TimerClock & { now(): number } {
  const now = () => inner.now?.() ?? Date.now();
  return {
    now,
    setTimeout(fn, timeout) {
      const handle: { current?: unknown } = {};
      const due = now() + Math.max(0, timeout);
      if (due > limits.latestTime) return handle;
      const arm = () => {
        const remaining = due - now();
        handle.current = remaining > limits.windowMs ? inner.setTimeout(arm, limits.windowMs) : inner.setTimeout(fn, Math.max(0, remaining));
      };
      arm();
      return handle;
    },
    clearTimeout(handle) {
      inner.clearTimeout((handle as { current?: unknown } | undefined)?.current);
    },
  };
}
