import type { AnyStateMachine } from 'xstate';
import { compiledPlaybookOf } from '../compile/registry.js';
import type { PlaybookDefinition } from '../definition/types.js';
import { buildRedactor } from './redactionRules.js';
import { isRecord } from './redactValues.js';

/**
 * An event after redaction: its `type` (replaced with `"[redacted]"` unless the playbook
 * declares it or it is one of XState's own `xstate.*` events) and the payload fields the
 * playbook vouches for.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { createRedactor, type RedactedEvent } from 'crisis-playbook/visualize';
 *
 * const event: RedactedEvent = createRedactor(defaultPlaybook).event({ type: 'message.replied', phone: '+44 20 7946 0000' });
 * // { type: 'message.replied', phone: '[redacted]' }
 * ```
 *
 * @category Inspector and diagrams
 */
export type RedactedEvent = { readonly type: string } & Readonly<Record<string, unknown>>;

/**
 * A snapshot after redaction: plain data with only the `status`, the state `value`, the
 * redacted `context`, `output` and `error`; everything else a snapshot holds is left out.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { crisisMachine } from 'crisis-playbook';
 * import { createRedactor, type RedactedSnapshot } from 'crisis-playbook/visualize';
 *
 * const incident = createActor(crisisMachine).start();
 * const snapshot: RedactedSnapshot = createRedactor(crisisMachine).snapshot(incident.getSnapshot());
 * console.log(snapshot.status); // 'active'
 * ```
 *
 * @category Inspector and diagrams
 */
export interface RedactedSnapshot {
  readonly status: string;
  readonly value?: unknown;
  readonly context?: unknown;
  readonly output?: unknown;
  readonly error?: unknown;
}

/**
 * Redacts the events, contexts, outputs and snapshots of incidents of one playbook, as the
 * playbook decides: what it marks personal is replaced with `"[redacted]"`, and so is
 * anything it does not vouch for. See {@link visualize!createRedactor}.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { createRedactor, type Redactor } from 'crisis-playbook/visualize';
 *
 * const redactor: Redactor = createRedactor(defaultPlaybook);
 * console.log(redactor.output({ outcome: 'closed', apology: null, closeReason: 'Spoke to Dee', threats: [], timelineLength: 1 }));
 * // { outcome: 'closed', apology: null, closeReason: '[redacted]', threats: [], timelineLength: 1 }
 * ```
 *
 * @category Inspector and diagrams
 */
export interface Redactor {
  /**
   * An event sent to the incident, including XState's own: `xstate.init` keeps the input
   * the playbook vouches for, `xstate.done.…` its output, `xstate.error.…` a redacted error.
   */
  event(event: unknown): RedactedEvent;
  /** An incident context (`IncidentContext`): unknown keys are left out. */
  context(context: unknown): unknown;
  /** The output of a finished incident (`IncidentOutput`): unknown keys are left out. */
  output(output: unknown): unknown;
  /** A snapshot (live or plain): status, value, context, output and error, redacted. */
  snapshot(snapshot: unknown): RedactedSnapshot;
}

const cache = new WeakMap<object, Redactor>();

/** The definition of a machine built by `compilePlaybook`, or the definition itself. */
export function definitionOf(source: PlaybookDefinition | AnyStateMachine): PlaybookDefinition | undefined {
  const compiled = compiledPlaybookOf(source);
  if (compiled) return compiled.definition;
  return isRecord(source) && 'ladder' in source && 'events' in source ? (source as PlaybookDefinition) : undefined;
}

/**
 * Creates the {@link Redactor} of a playbook (a definition, or a machine built by
 * {@link authoring!compilePlaybook}). It is an allow-list, decided by the playbook rather than by key
 * names: payload fields marked `personal: true` (or, in a zod `schema`, with
 * `.meta({ personal: true })`), the `by` and `note` every event may carry, and the context
 * and output fields the built-in actions copy from personal fields (`replyPhone`,
 * `intermediary`, `closeReason`, threat notes) become `"[redacted]"`; so does every value
 * the playbook does not vouch for: a value of the wrong type, an event type it does not
 * declare, a threat kind outside the declared values, an error message. Keys it does not
 * know are left out, since key names can carry data too.
 *
 * @example
 * ```ts
 * import { crisisMachine } from 'crisis-playbook';
 * import { createRedactor } from 'crisis-playbook/visualize';
 *
 * const redactor = createRedactor(crisisMachine);
 * redactor.event({ type: 'intermediary.asked', name: 'Ben', by: 'Ana', email: 'ben@example.com' });
 * // { type: 'intermediary.asked', name: '[redacted]', by: '[redacted]' }
 * redactor.event({ type: 'contact.received', channel: 'phone', at: '2026-04-07T18:30:00Z' });
 * // kept as it is: nothing in it is personal
 * ```
 *
 * @category Inspector and diagrams
 */
export function createRedactor(playbook: PlaybookDefinition | AnyStateMachine): Redactor {
  const definition = definitionOf(playbook);
  if (definition === undefined) {
    throw new TypeError('Expected a playbook definition or a machine built by compilePlaybook');
  }
  let redactor = cache.get(definition);
  if (redactor === undefined) {
    redactor = buildRedactor(definition);
    cache.set(definition, redactor);
  }
  return redactor;
}
