import type { AnyStateMachine } from 'xstate';
import { crisisMachine } from '../default/crisisMachine.js';
import { createRedactor, definitionOf, type Redactor } from './redact.js';
import { REDACTED } from './redactValues.js';

function depthOf(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, seen));
  seen.delete(value);
  return deepest + 1;
}

/**
 * Options of {@link incidentInspectorOptions}.
 *
 * @example
 * ```ts
 * import { crisisMachine } from 'crisis-playbook';
 * import { type IncidentInspectorOptions } from 'crisis-playbook/visualize';
 *
 * const options: IncidentInspectorOptions = { machine: crisisMachine, redact: false };
 * ```
 *
 * @category Inspector and diagrams
 */
export interface IncidentInspectorOptions {
  /**
   * The machine to inspect, built by {@link authoring!compilePlaybook}: the depth limit is set so that
   * its whole definition is sent, and its playbook decides what is redacted.
   *
   * @defaultValue crisisMachine, the default playbook
   */
  readonly machine?: AnyStateMachine;
  /**
   * Redact personal data, and anything the playbook does not vouch for, in events,
   * contexts, outputs and errors before they leave the process (see {@link visualize!createRedactor}).
   *
   * @defaultValue true
   */
  readonly redact?: boolean;
}

/** The `id` of a machine config serialised as JSON, if it has one. */
function configId(definition: unknown): string | undefined {
  try {
    const id = typeof definition === 'string' ? (JSON.parse(definition) as { id?: unknown } | null)?.id : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** An inspection event as `@statelyai/inspect` sends it, with everything personal redacted. */
function redactInspection(inspection: unknown, redactor: Redactor, machineId: string): unknown {
  if (inspection === null || typeof inspection !== 'object') return inspection;
  const source = inspection as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  // Identifiers and times XState and the inspector make up; nothing from the incident.
  for (const key of ['type', 'sessionId', 'parentId', 'rootId', 'sourceId', 'id', 'createdAt', '_version']) {
    const value = source[key];
    if (value === null || typeof value === 'string' || typeof value === 'number') result[key] = value;
  }
  if (source.type === '@xstate.actor') {
    // The machine config: the playbook, with no incident data in it.
    if (typeof source.definition === 'string') result.definition = source.definition;
    // An actor's name can be an id the app chose: only a machine id or the session id is kept.
    result.name = source.name === machineId || source.name === source.sessionId ? source.name : (configId(source.definition) ?? REDACTED);
  }
  if ('event' in source) result.event = redactor.event(source.event);
  if ('snapshot' in source) result.snapshot = redactor.snapshot(source.snapshot);
  return result;
}

/**
 * The options to give `@statelyai/inspect`'s `createBrowserInspector`, `createWebSocketInspector`
 * or `createInspector` for an incident: a `serializationDepthLimit` deep enough for the whole
 * machine definition (the inspector's default of 10 cuts off advice and conditions), and
 * `sanitizeContext`, `sanitizeEvent` and `serialize` functions that redact, as the machine's
 * playbook decides ({@link visualize!createRedactor}), every event (with `xstate.init` and its input),
 * context, `output` and `error` before anything leaves the process. Without `machine`, the
 * default playbook's {@link crisisMachine} is assumed. Keep the returned `serialize`: it is what
 * redacts `snapshot.output` and `snapshot.error`.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { createBrowserInspector } from '@statelyai/inspect';
 * import { crisisMachine } from 'crisis-playbook';
 * import { incidentInspectorOptions } from 'crisis-playbook/visualize';
 *
 * const inspector = createBrowserInspector(incidentInspectorOptions({ machine: crisisMachine }));
 * const actor = createActor(crisisMachine, { inspect: inspector.inspect }).start();
 * ```
 *
 * @category Inspector and diagrams
 */
export function incidentInspectorOptions(options: IncidentInspectorOptions = {}): {
  serializationDepthLimit: number;
  sanitizeContext?: <C>(context: C) => C;
  sanitizeEvent?: <E>(event: E) => E;
  serialize?: <E>(inspectionEvent: E) => E;
} {
  const machine = options.machine ?? crisisMachine;
  const serializationDepthLimit = Math.max(10, depthOf(machine.config) + 2);
  if (options.redact === false) return { serializationDepthLimit };
  if (definitionOf(machine) === undefined) {
    throw new TypeError('incidentInspectorOptions: the machine was not built by compilePlaybook, so no playbook says what is personal; pass redact: false to send everything');
  }
  const redactor = createRedactor(machine);
  const machineId = (machine as { id: string }).id;
  return {
    serializationDepthLimit,
    sanitizeContext: <C>(context: C) => redactor.context(context) as C,
    sanitizeEvent: <E>(event: E) => redactor.event(event) as E,
    serialize: <E>(inspectionEvent: E) => redactInspection(inspectionEvent, redactor, machineId) as E,
  };
}
