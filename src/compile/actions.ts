import { assign } from 'xstate';
import { now, type SystemWithClock } from './clock.js';
import type { IncidentContext, ThreatRecord, TimelineEntry } from './context.js';

export type AnyEvent = { readonly type: string } & Readonly<Record<string, unknown>>;
export interface ActionArgs {
  readonly context: IncidentContext;
  readonly event: AnyEvent;
  readonly system?: SystemWithClock;
  readonly self?: unknown;
}

/**
 * Parameters of the `appendTimeline` action, filled in by the compiler: the rung before and
 * after a ladder transition, and the window that ran out. Track transitions leave them out
 * (the rung does not change).
 *
 * @example
 * ```ts
 * import type { TimelineParams } from 'crisis-playbook';
 *
 * const params: TimelineParams = { from: 'requestingAccess', to: 'directMessage', window: 'accessWindow' };
 * ```
 *
 * @category Compiler
 */
export interface TimelineParams {
  readonly from?: string;
  readonly to?: string;
  readonly window?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The time an event happened: its `at` field, or the processing time.
 *
 * @category Compiler
 */
export function eventTime(event: AnyEvent, system?: SystemWithClock): string {
  return text(event.at) ?? new Date(now(system)).toISOString();
}

/** The processing time, never earlier than the last timeline entry or the opening (the timeline stays ordered). */
function stampAfter(context: IncidentContext, system?: SystemWithClock): string {
  const floor = context.timeline.at(-1)?.at ?? context.openedAt;
  const time = now(system);
  return new Date(floor === undefined ? time : Math.max(time, Date.parse(floor))).toISOString();
}

/**
 * The rung the ladder is on, read from the timeline (the initial rung before any entry).
 *
 * @category Compiler
 */
export function currentRungOf(context: IncidentContext, initial: string): string {
  return context.timeline.at(-1)?.to ?? initial;
}

/**
 * The actions a playbook can name in its transitions. Each is an `assign` that reads its event
 * defensively, so a custom event reusing an action cannot corrupt the context.
 *
 * @category Compiler
 */
export function createBuiltinActions(initialRung: string) {
  return {
    appendTimeline: assign(({ context, event, system }: ActionArgs, params: TimelineParams) => {
      const current = currentRungOf(context, initialRung);
      const delayed = params.window !== undefined;
      const entry: TimelineEntry = {
        at: stampAfter(context, system),
        ...(text(event.at) !== undefined ? { occurredAt: text(event.at) } : {}),
        type: delayed ? 'window.elapsed' : event.type,
        from: params.from ?? current,
        to: params.to ?? current,
        ...(delayed ? { window: params.window } : {}),
        ...(text(event.by) !== undefined ? { by: text(event.by) } : {}),
        ...(text(event.note) !== undefined ? { note: text(event.note) } : {}),
      };
      return { timeline: [...context.timeline, entry] };
    }),
    updateFacts: assign(({ context, event }: ActionArgs) => ({
      facts: { ...context.facts, ...(event.facts as IncidentContext['facts'] | undefined) },
    })),
    recordAccessGranted: assign(({ context }: ActionArgs) => ({
      facts: { ...context.facts, memberOfVenue: true },
    })),
    recordReply: assign(({ context, event }: ActionArgs) => ({
      replyPhone: text(event.phone) ?? context.replyPhone,
    })),
    recordIntermediary: assign(({ context, event }: ActionArgs) => ({
      intermediary: text(event.name) ?? context.intermediary,
    })),
    recordCall: assign(({ event }: ActionArgs) => ({
      call: { apology: event.apology === true, agreement: event.agreement === true },
    })),
    recordSupport: assign(({ context }: ActionArgs) => ({ supporters: context.supporters + 1 })),
    recordThreat: assign(({ context, event, system }: ActionArgs) => {
      const threat: ThreatRecord = {
        kind: text(event.kind) ?? 'other',
        at: eventTime(event, system),
        ...(text(event.note) !== undefined ? { note: text(event.note) } : {}),
      };
      return { threats: [...context.threats, threat] };
    }),
    recordClosure: assign(({ event }: ActionArgs) => ({ closeReason: text(event.reason) ?? null })),
  };
}
