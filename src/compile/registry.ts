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
  /** The event being processed that the library parsed itself (see {@link withTrustedEvent}). */
  readonly trusted: { event: object | undefined };
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

/**
 * Runs `run` (which must process `event` synchronously, like `Actor.send` on an idle actor or
 * XState's `transition`) with `event` trusted: the machine's `isEventValid` lets exactly this
 * object through without parsing it again. Only for an event `compiled.parser` has just
 * produced; the trust ends when `run` returns, so an event queued for later is parsed again.
 */
export function withTrustedEvent<T>(info: CompiledPlaybook, event: object, run: () => T): T {
  const previous = info.trusted.event;
  info.trusted.event = event;
  try {
    return run();
  } finally {
    info.trusted.event = previous;
  }
}
