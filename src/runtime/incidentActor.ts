import { Actor, type ActorOptions, type AnyMachineSnapshot, type AnyStateMachine, type EventFromLogic } from 'xstate';
import { currentRung } from '../advice/currentRung.js';
import { safeNow } from '../compile/clock.js';
import { compiledPlaybookOf, notCompiledHere, withTrustedEvent, type CompiledPlaybook } from '../compile/registry.js';
import type { IncidentContext } from '../compile/context.js';
import { IncidentError, incidentError, InputValidationError, type SafeResult } from '../errors/errors.js';
import { isProcessableTime, limitMessages, limits } from '../limits.js';
import { quote } from '../quote.js';
import { pureTransition } from './pureTransition.js';
import { createSteppingClock, type TimerClock } from './timerClock.js';

/**
 * An event a live incident refused, and why. The incident did not change.
 *
 * @example
 * ```ts
 * import type { Refusal } from 'crisis-playbook';
 *
 * const log = (refusal: Refusal) => console.warn(refusal.error.code, refusal.error.issues[0]?.message);
 * ```
 *
 * @category Live incidents
 */
export interface Refusal {
  /** What was sent, as it was sent. */
  readonly event: unknown;
  /** `invalid_event`, `event_not_applicable`, `incident_finished`, `timeline_full` or `invalid_time`, with the issues. */
  readonly error: IncidentError;
}

/**
 * The result of `safeSend` on an {@link IncidentActor}: accepted, or refused with the reasons.
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine, type SendResult } from 'crisis-playbook';
 *
 * const incident = createIncident(crisisMachine).start();
 * const result: SendResult = incident.safeSend({ type: 'call.completed' });
 * if (!result.success) console.log(result.error.code); // 'invalid_event'
 * incident.stop();
 * ```
 *
 * @category Live incidents
 */
export type SendResult = { readonly success: true } | { readonly success: false; readonly error: IncidentError };

/**
 * Options of {@link index!createIncident}: XState's actor options that make sense for an incident,
 * and `onRefused`.
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine, type IncidentOptions } from 'crisis-playbook';
 *
 * const options: IncidentOptions<typeof crisisMachine> = {
 *   input: { facts: { venue: 'private-group' } },
 *   onRefused: ({ error }) => console.warn(error.message),
 * };
 * const incident = createIncident(crisisMachine, options);
 * ```
 *
 * @category Live incidents
 */
export interface IncidentOptions<M extends AnyStateMachine> {
  /** The facts known at the start and per-incident waiting windows (see `IncidentInput`). */
  readonly input?: ActorOptions<M>['input'];
  /** An inspection observer, for example `@statelyai/inspect`'s `inspector.inspect`. */
  readonly inspect?: ActorOptions<M>['inspect'];
  /** The clock timers run on and times are read from (XState's `SimulatedClock` in tests). */
  readonly clock?: ActorOptions<M>['clock'];
  /** The actor's id. */
  readonly id?: string;
  /** The actor's id in its system. */
  readonly systemId?: string;
  /** Where XState logs. */
  readonly logger?: ActorOptions<M>['logger'];
  /** Called for every event the incident refuses, with the reasons. */
  readonly onRefused?: (refusal: Refusal) => void;
}

/**
 * A live incident: an XState `Actor` (start it, subscribe to it, inspect it, `waitFor` it)
 * whose `send` checks every event first, so that no input can harm it, with `safeSend` to
 * learn why an event was refused. See {@link index!createIncident}.
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine, type IncidentActor } from 'crisis-playbook';
 *
 * const incident: IncidentActor<typeof crisisMachine> = createIncident(crisisMachine).start();
 * incident.send({ type: 'assessment.complete' });
 * console.log(incident.safeSend({ type: 'nope' }).success); // false
 * incident.stop();
 * ```
 *
 * @category Live incidents
 */
export type IncidentActor<M extends AnyStateMachine> = Actor<M> & {
  /** Sends an event and says whether it was accepted, or why not. Never throws for any input. */
  safeSend(event: unknown): SendResult;
};

/** The class behind {@link IncidentActor}; created by {@link index!createIncident} and `restore`. */
export class CheckedActor<M extends AnyStateMachine> extends Actor<M> {
  readonly #onRefused: ((refusal: Refusal) => void) | undefined;
  readonly #compiled: CompiledPlaybook;
  /** `stop()` was called: the stop may still wait in the mailbox, and the snapshot still read "active". */
  #stopping = false;
  /**
   * Where the events queued by `send` lead (sent while the actor is busy, or before `start`), as
   * a pure transition works it out, and the mailbox entry it is the state after: the next queued
   * event is checked against it, as it will be processed.
   */
  #queued: { readonly snapshot: AnyMachineSnapshot; readonly tail: unknown } | undefined;

  constructor(machine: M, options: IncidentOptions<M> & { readonly snapshot?: ActorOptions<M>['snapshot'] } = {}) {
    const compiled = compiledPlaybookOf(machine);
    if (!compiled) throw new TypeError(notCompiledHere('Expected a machine compiled by crisis-playbook', machine));
    const { onRefused, clock, ...actorOptions } = options;
    super(machine, { ...actorOptions, clock: createSteppingClock(clock as TimerClock | undefined) } as ActorOptions<M>);
    this.#onRefused = onRefused;
    this.#compiled = compiled;
  }

  /**
   * Sends an event after checking it: an invalid, inapplicable or internal event (anything
   * whose `type` XState reserves, such as `xstate.stop`) changes nothing and is reported to
   * `onRefused`. Never throws for any input.
   */
  override send(event: EventFromLogic<M>): void {
    this.safeSend(event);
  }

  /**
   * Stops the incident (see XState's `Actor.stop`). From then on every event is refused as
   * `incident_finished`, even while the stop waits behind the event being processed, or when
   * the incident was never started (XState would drop such an event without a word).
   */
  override stop(): this {
    this.#stopping = true;
    return super.stop();
  }

  /** Like `send`, and says whether the event was accepted. Never throws for any input. */
  safeSend(event: unknown): SendResult {
    const error = this.#check(event);
    if (error === undefined) return { success: true };
    this.#onRefused?.({ event, error });
    return { success: false, error };
  }

  #check(input: unknown): IncidentError | undefined {
    const snapshot = this.getSnapshot() as AnyMachineSnapshot;
    // Stopped by its parent, or by `stop()` before it started or while it processes an event, the snapshot still reads "active".
    const status = this.#stopping || (this as unknown as { _processingStatus?: unknown })._processingStatus === 2 ? 'stopped' : snapshot.status;
    if (status !== 'active') {
      return incidentError('incident_finished', `The incident is ${status === 'done' ? 'finished' : status}; it accepts no more events`);
    }
    const parsed = this.#compiled.parser.safeParse(input);
    if (!parsed.success) return new IncidentError('invalid_event', parsed.error.issues);
    // The parsed copy, not the object the app still holds: what was checked is what is sent.
    const event = parsed.data as EventFromLogic<M>;
    const timeline = (snapshot.context as IncidentContext).timeline;
    if (timeline.length >= limits.timelineEntries) return incidentError('timeline_full', limitMessages.timeline);
    const time = safeNow(this.system as never);
    if (!isProcessableTime(time)) return incidentError('invalid_time', `The clock reads ${quote(time)}; expected ${limitMessages.time}`);
    if (!this.#isIdle()) return this.#enqueue(event, snapshot);
    this.#queued = undefined;
    // Processed at once, so the guards may take the event as checked (see `withTrustedEvent`);
    // and every event a playbook takes adds one timeline entry, so whether it was taken shows
    // in the timeline, without working the transition out twice.
    withTrustedEvent(this.#compiled, event, () => super.send(event));
    const after = this.getSnapshot() as AnyMachineSnapshot;
    // An action or guard given in code that throws stops the actor with an error: XState reports that.
    return after.status === 'error' || (after.context as IncidentContext).timeline !== timeline ? undefined : notApplicable(event.type, snapshot);
  }

  /**
   * Queues `event` behind the one being processed (or until `start`), answered from the state it
   * will be processed in: after the events queued before it (`#queued`), worked out by a pure
   * transition, so that `assessment.complete` then `message.sent`, queued together, are both
   * taken, and an event after a queued `incident.closed` is refused. When the queue holds
   * events this actor did not check (XState's own), or a guard given in code throws, the answer
   * is the snapshot's as it is now, as XState's `can` gives it.
   */
  #enqueue(event: EventFromLogic<M>, snapshot: AnyMachineSnapshot): IncidentError | undefined {
    const mailbox = (this as unknown as { mailbox?: { _active?: boolean; _current?: { next?: unknown } | null; _last?: unknown } }).mailbox;
    const waiting = mailbox === undefined ? undefined : mailbox._active ? mailbox._current?.next : mailbox._current;
    const queued = this.#queued;
    const basis = waiting === null || waiting === undefined ? snapshot : queued !== undefined && queued.tail === mailbox?._last ? queued.snapshot : undefined;
    let next: AnyMachineSnapshot | undefined;
    if (basis !== undefined) {
      if (basis.status !== 'active') return incidentError('incident_finished', 'The incident will be finished by an event sent before this one; it accepts no more events');
      const before = (basis.context as IncidentContext).timeline;
      if (before.length >= limits.timelineEntries) return incidentError('timeline_full', limitMessages.timeline);
      try {
        next = withTrustedEvent(this.#compiled, event, () => pureTransition(this.logic as AnyStateMachine, basis, event as never));
      } catch {
        // A guard given in code threw: queued, and when it is processed the actor stops with that error.
      }
      if (next !== undefined && (next.context as IncidentContext).timeline === before) return notApplicable(event.type, basis);
    } else {
      let applicable: boolean;
      try {
        applicable = snapshot.can(event as never);
      } catch {
        applicable = true;
      }
      if (!applicable) return notApplicable(event.type, snapshot);
    }
    super.send(event);
    this.#queued = next === undefined ? undefined : { snapshot: next, tail: mailbox?._last };
    return undefined;
  }

  /**
   * Whether an event sent now is processed before `send` returns: the actor is running and not
   * already processing an event (an app may send from a subscription or an action). Read from
   * XState's mailbox; if its shape is not the one expected, the answer is "no", which is safe.
   */
  #isIdle(): boolean {
    const internals = this as unknown as { _processingStatus?: unknown; mailbox?: { _current?: unknown; _active?: unknown } };
    // Running, and its mailbox too: during `start()` XState notifies subscribers before it starts
    // the mailbox, and an event sent then only waits there.
    return internals._processingStatus === 1 && internals.mailbox !== undefined && internals.mailbox._current === null && internals.mailbox._active !== false;
  }
}

function notApplicable(type: string, snapshot: AnyMachineSnapshot): IncidentError {
  return incidentError('event_not_applicable', `${quote(type)} does nothing on rung ${quote(currentRung(snapshot))}; the incident is unchanged`, ['type']);
}

/** What a clock reads, or `NaN` when its `now()` throws (a clock is the app's code, and may fail). */
function clockTime(read: () => unknown): number {
  try {
    const time = read();
    return typeof time === 'number' ? time : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Creates a live incident of a compiled playbook: the safe way to run one. It is an XState
 * actor (start it, subscribe to it, inspect it, `waitFor` it) whose `send` checks every event
 * first, so that whatever an app passes — non-objects, `null`, undeclared types, XState's
 * internal events such as `xstate.stop`, payloads of the wrong shape — nothing changes, the
 * actor stays active, nothing is thrown, and `onRefused` hears about it. Timers never fire
 * early, however long the wait. Invalid `input` throws {@link InputValidationError} here,
 * rather than leaving an actor in an error state.
 *
 * Plain `createActor(machine)` protects less: guards refuse events whose payload is invalid,
 * but XState itself acts on `null` (the actor stops with an error), on `xstate.stop` and on
 * forged `xstate.after…` or `xstate.error…` events before the playbook sees them.
 *
 * @example
 * ```ts
 * import { createIncident, crisisMachine, currentRung } from 'crisis-playbook';
 *
 * const incident = createIncident(crisisMachine, {
 *   input: { facts: { knowsPoster: true } },
 *   onRefused: ({ error }) => console.warn(error.code),
 * }).start();
 * incident.send({ type: 'xstate.stop' } as never); // refused: 'invalid_event'
 * incident.send({ type: 'assessment.complete' });
 * console.log(currentRung(incident.getSnapshot())); // 'phoneCall'
 * incident.stop();
 * ```
 *
 * @category Live incidents
 */
export function createIncident<M extends AnyStateMachine>(machine: M, options: IncidentOptions<M> = {}): IncidentActor<M> {
  const { snapshot: _ignored, ...safe } = options as IncidentOptions<M> & { snapshot?: unknown };
  const time = clockTime(() => (safe.clock as TimerClock | undefined)?.now?.() ?? Date.now());
  if (!isProcessableTime(time)) throw incidentError('invalid_time', `The clock reads ${Number.isNaN(time) ? 'no time (its now() threw or gave none)' : quote(time)}; expected ${limitMessages.time}`, ['clock']);
  const incident = new CheckedActor(machine, safe);
  const snapshot = incident.getSnapshot() as AnyMachineSnapshot;
  if (snapshot.status === 'error') throw snapshot.error;
  return incident;
}

/**
 * Like {@link index!createIncident}, but returns `{ success: false, error }` instead of throwing for
 * invalid input (`InputValidationError`) or a clock outside the processable times
 * (`IncidentError`, `invalid_time`).
 *
 * @example
 * ```ts
 * import { crisisMachine, safeCreateIncident } from 'crisis-playbook';
 *
 * const result = safeCreateIncident(crisisMachine, { input: { facts: { venue: 'moon' } } as never });
 * if (!result.success) console.log(result.error.issues[0]?.path); // ['facts', 'venue']
 * ```
 *
 * @category Live incidents
 */
export function safeCreateIncident<M extends AnyStateMachine>(
  machine: M,
  options: IncidentOptions<M> = {},
): SafeResult<IncidentActor<M>, InputValidationError | IncidentError> {
  try {
    return { success: true, data: createIncident(machine, options) };
  } catch (error) {
    if (error instanceof InputValidationError || error instanceof IncidentError) return { success: false, error };
    throw error;
  }
}
