import { transition, type AnyEventObject, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';

/** What XState's `machine.transition(snapshot, event, scope)` needs from an actor scope. */
type Scope = { actionExecutor: (action: unknown) => void };
type Transitionable = { transition(snapshot: AnyMachineSnapshot, event: AnyEventObject, scope: Scope): AnyMachineSnapshot };

interface Cached {
  readonly scope: Scope;
  /** Whether a transition is running on the scope (a guard that decides on the same machine). */
  busy: boolean;
}

// One inert scope per machine (a provided machine is another object, with its own scope).
// `null`: the scope could not be captured (XState's internals differ); `transition()` is used.
const scopes = new WeakMap<AnyStateMachine, Cached | null>();
const ignore = (): void => {};

/**
 * The actor scope XState's `transition()` builds for `machine` (an unstarted actor, a fresh
 * actor system, no-op effects), captured once: `transition()` builds one, with the machine's
 * initial snapshot, on every call. The scope is taken from `transition()` itself, by a logic
 * that inherits everything from `machine` and only records the scope it is given, so it is
 * exactly XState's (whatever its version puts in it).
 */
function capture(machine: AnyStateMachine): Cached | null {
  let captured: Scope | undefined;
  try {
    const recorder = Object.create(machine, {
      transition: {
        value: (snapshot: AnyMachineSnapshot, _event: AnyEventObject, scope: Scope) => {
          captured = scope;
          return snapshot;
        },
      },
    }) as AnyStateMachine;
    // `transition()` hands the snapshot straight to the logic, which ignores it here.
    transition(recorder, {} as AnyMachineSnapshot, { type: 'xstate.capture' });
  } catch {
    captured = undefined;
  }
  if (captured === undefined || typeof captured.actionExecutor !== 'function' || typeof (machine as unknown as Transitionable).transition !== 'function') return null;
  // `transition()` collects the actions to execute; a pure decision executes none and keeps none.
  captured.actionExecutor = ignore;
  return { scope: captured, busy: false };
}

/**
 * `transition(machine, snapshot, event)[0]` — the next snapshot, no actions executed — on a
 * scope built once per machine instead of on every call. Falls back to `transition()` when the
 * scope cannot be captured, when a transition on the same machine is already running, and
 * (dropping the scope) when the result has child actors, which register in the scope's system.
 */
export function pureTransition(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: AnyEventObject): AnyMachineSnapshot {
  let cached = scopes.get(machine);
  if (cached === undefined) scopes.set(machine, (cached = capture(machine)));
  if (cached === null || cached.busy) return transition(machine, snapshot, event)[0];
  cached.busy = true;
  let next: AnyMachineSnapshot;
  try {
    next = (machine as unknown as Transitionable).transition(snapshot, event, cached.scope);
  } finally {
    cached.busy = false;
  }
  for (const _ in next.children) {
    scopes.delete(machine);
    break;
  }
  return next;
}
