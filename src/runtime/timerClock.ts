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

/** A timer that waits in steps: `current` is the inner timer of the step being waited. */
class SteppedTimer {
  current: unknown;
  /** `unref()` was called: every step's timer is `unref`'d too. */
  unrefed = false;

  /** As Node.js's `Timeout.unref`: the timer (each of its steps) does not keep the process alive on its own. */
  unref(): this {
    this.unrefed = true;
    (this.current as { unref?: () => void } | null | undefined)?.unref?.();
    return this;
  }
}

const stepping = new WeakMap<TimerClock, TimerClock & { now(): number }>();

/**
 * A clock whose timers never fire early: a timer longer than JavaScript timers can wait
 * (2^31 - 1 ms, beyond which Node and browsers fire at once) is re-armed in steps until its
 * time has come. A timer due after the latest time an incident can be processed at never
 * fires (as `decideDue` never applies such a deadline). It tells the time of the clock it wraps.
 * One per inner clock, shared by every incident that runs on it.
 */
export function createSteppingClock(inner: TimerClock = realClock): TimerClock & { now(): number } {
  const known = stepping.get(inner);
  if (known) return known;
  // Read at each call: a test may replace Date.now (fake timers) after this clock was made.
  const now = typeof inner.now === 'function' ? () => inner.now!() : () => Date.now();
  const clock = {
    now,
    setTimeout(fn: () => void, timeout: number): unknown {
      const wait = Math.max(0, timeout);
      const due = now() + wait;
      if (due > limits.latestTime) return new SteppedTimer();
      // The usual case: a timer JavaScript can wait for in one go.
      if (wait <= limits.windowMs) return inner.setTimeout(fn, wait);
      const handle = new SteppedTimer();
      const arm = () => {
        const remaining = due - now();
        // Due already (a simulated clock moved past it in one go): fire now, from the step's own
        // timer. A timer set from there for no time at all would wait for the clock's next move
        // on XState's `SimulatedClock`, which runs only the timers set before it moved.
        if (remaining <= 0 && handle.current !== undefined) return fn();
        handle.current = remaining > limits.windowMs ? inner.setTimeout(arm, limits.windowMs) : inner.setTimeout(fn, Math.max(0, remaining));
        if (handle.unrefed) (handle.current as { unref?: () => void } | null)?.unref?.();
      };
      arm();
      return handle;
    },
    clearTimeout(handle: unknown): void {
      inner.clearTimeout(handle instanceof SteppedTimer ? handle.current : handle);
    },
  };
  stepping.set(inner, clock);
  return clock;
}
