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

/**
 * Why `machine` is not one this copy of the library compiled, for an error that starts with
 * `expected`: a machine whose root says it was compiled from a playbook was compiled by another
 * copy of crisis-playbook (the ESM and CommonJS builds loaded in one process, or two installed
 * versions), which keeps its own registry and error classes.
 */
export function notCompiledHere(expected: string, machine: unknown): string {
  const root = (machine as { config?: { meta?: { playbook?: unknown } }; id?: unknown } | null)?.config;
  const name = typeof (machine as { id?: unknown } | null)?.id === 'string' ? `"${(machine as { id: string }).id}"` : 'the machine';
  return root?.meta?.playbook !== undefined
    ? `${expected}; ${name} was compiled by another copy of crisis-playbook (its ESM and CommonJS builds loaded in one process, or two installed versions): load the library one way only, with import or with require`
    : `${expected}; ${name} is not one`;
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
