import type { AnyEventObject } from 'xstate';
import type { PlaybookDefinition } from '../definition/types.js';
import type { EventParser } from '../events/createEventParser.js';

/** What the compiler knows about a machine it built, for the runtime and advice. */
export interface CompiledPlaybook {
  readonly definition: PlaybookDefinition;
  readonly parser: EventParser<AnyEventObject>;
  /** The playbook's own delay implementations (they read `context.windows`). */
  readonly delays: Readonly<Record<string, unknown>>;
  /** Each window's default length in milliseconds. */
  readonly defaultWindows: Readonly<Record<string, number>>;
  /**
   * Events the library parsed itself and froze (see {@link trustEvent}): `isEventValid` lets
   * them through without parsing them again.
   */
  readonly trusted: WeakSet<object>;
}

// Keyed by the machine's config, which `machine.provide(...)` keeps: a provided machine is
// known as the one it came from, with no patching of `provide`.
const compiled = new WeakMap<object, CompiledPlaybook>();

/** Remembers what was compiled into a machine. */
export function register(machine: { readonly config: object }, info: CompiledPlaybook): void {
  compiled.set(machine.config, info);
}

/** The definition behind a machine built by `compilePlaybook`, or by `provide` on one. */
export function compiledPlaybookOf(machine: object): CompiledPlaybook | undefined {
  const config = (machine as { config?: unknown }).config;
  return config !== null && typeof config === 'object' ? compiled.get(config) : undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * Marks an event that `compiled.parser` has just produced as valid, so that the machine's
 * guards do not parse it again. Only for the parser's own output: it is a fresh object that no
 * caller holds, and it is frozen here, so it can never change into something else afterwards.
 */
export function trustEvent<E extends { readonly type: string }>(info: CompiledPlaybook, event: E): E {
  // A payload given as a zod schema may hand back objects of the caller's (`z.any()`, say):
  // those events are neither frozen nor trusted, and the guards check them again.
  if (info.definition.events[event.type]?.schema === undefined) info.trusted.add(deepFreeze(event));
  return event;
}
