import { assign } from 'xstate';
import type { ActionArgs, AnyEvent } from './actions.js';
import { now } from './clock.js';
import type { Deadline, IncidentContext } from './context.js';
import { limits } from '../limits.js';

type DelayImplementation = number | ((args: { context: IncidentContext; event: AnyEvent }, params: undefined) => number);
type DelaysOf = { readonly logic?: { readonly implementations?: { readonly delays?: Readonly<Record<string, DelayImplementation>> } } };

/**
 * Parameters of the `recordDeadlines` action, filled in by the compiler: the rung entered and
 * the waiting windows that start with it.
 *
 * @example
 * ```ts
 * import type { DeadlineParams } from 'crisis-playbook';
 *
 * const params: DeadlineParams = { rung: 'directMessage', windows: ['replyWindow'] };
 * ```
 *
 * @category Compiler
 */
export interface DeadlineParams {
  readonly rung: string;
  readonly windows: readonly string[];
}

/**
 * The length of a window as XState will wait for it: the machine's delay implementation (a
 * playbook's own reads `context.windows`; `provide({ delays })` may replace it), or `fallback`
 * when the implementation gives no usable length.
 */
export function windowLength(
  delay: DelayImplementation | undefined,
  context: IncidentContext,
  event: AnyEvent,
  fallback: number,
): number {
  const ms = typeof delay === 'function' ? delay({ context, event }, undefined) : delay;
  return typeof ms === 'number' && ms > 0 && ms <= limits.windowMs ? ms : fallback;
}

/**
 * The actions that keep deadlines as data: `recordDeadlines` when a waiting rung is entered,
 * `clearDeadlines` when it is left or when a window is over without a move.
 */
export function createDeadlineActions(defaultWindows: Readonly<Record<string, number>>) {
  return {
    recordDeadlines: assign(({ context, event, system, self }: ActionArgs, params: DeadlineParams) => {
      // A window starts when its rung is entered: the time of the timeline entry that entered
      // it, or the opening of the incident for the first rung. Stored checks rely on this.
      const entered = context.timeline.at(-1)?.at ?? context.openedAt;
      const start = entered === undefined ? now(system) : Date.parse(entered);
      const delays = (self as DelaysOf | undefined)?.logic?.implementations?.delays ?? {};
      const added: Deadline[] = params.windows.map((window) => ({
        window,
        rung: params.rung,
        due: new Date(start + windowLength(delays[window], context, event, context.windows[window] ?? defaultWindows[window]!)).toISOString(),
      }));
      return { deadlines: [...context.deadlines.filter((d) => d.rung !== params.rung), ...added] };
    }),
    clearDeadlines: assign(({ context }: ActionArgs, params: { readonly rung: string; readonly window?: string }) => ({
      deadlines: context.deadlines.filter(
        (d) => d.rung !== params.rung || (params.window !== undefined && d.window !== params.window),
      ),
    })),
  };
}
