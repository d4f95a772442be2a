import type { ActionArgs, AnyEvent, WindowLength } from './actions.js';
import { windowMsOf, type IncidentContext } from './context.js';
import { limits } from '../limits.js';

type DelayImplementation = number | ((args: { context: IncidentContext; event: AnyEvent }, params: undefined) => number);
type DelaysOf = { readonly logic?: { readonly implementations?: { readonly delays?: Readonly<Record<string, DelayImplementation>> } } };

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
 * How long each window lasts on the machine an action runs on (read from `self`, so that
 * `provide({ delays })` counts), for the deadlines kept as data.
 */
export function createWindowLength(defaultWindows: Readonly<Record<string, number>>): WindowLength {
  return (window, context, { event, self }: ActionArgs) => {
    const delays = (self as DelaysOf | undefined)?.logic?.implementations?.delays ?? {};
    return windowLength(delays[window], context, event, windowMsOf(context, window, defaultWindows)!);
  };
}
