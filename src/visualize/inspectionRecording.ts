import type { AnyEventObject, AnyStateMachine, InspectionEvent, Observer } from 'xstate';
import type { PlaybookDefinition } from '../definition/types.js';
import { crisisMachine } from '../default/crisisMachine.js';
import { createRedactor, definitionOf } from './redact.js';
import { REDACTED } from './redactValues.js';

/**
 * One recorded inspection event, in the shape the Stately inspector understands: an actor with
 * its definition, an event sent to it, or the snapshot after it.
 *
 * @example
 * ```ts
 * import type { InspectionRecord } from 'crisis-playbook/visualize';
 *
 * const record: InspectionRecord = { type: '@xstate.event', at: 0, sessionId: 'x:0', event: { type: 'assessment.complete' } };
 * ```
 *
 * @category Inspector and diagrams
 */
export type InspectionRecord =
  | {
      readonly type: '@xstate.actor';
      readonly at: number;
      readonly sessionId: string;
      readonly parentId?: string;
      readonly name: string;
      /** The machine config as JSON. */
      readonly definition?: string;
      readonly snapshot: { readonly status: string; readonly value?: unknown; readonly context?: unknown };
    }
  | {
      readonly type: '@xstate.event';
      readonly at: number;
      readonly sessionId: string;
      readonly sourceId?: string;
      readonly event: AnyEventObject;
    }
  | {
      readonly type: '@xstate.snapshot';
      readonly at: number;
      readonly sessionId: string;
      readonly event: AnyEventObject;
      readonly snapshot: {
        readonly status: string;
        readonly value?: unknown;
        readonly context?: unknown;
        readonly output?: unknown;
        readonly error?: unknown;
      };
    };

/**
 * What {@link createInspectionRecorder} returns: the `inspect` observer to give `createActor`,
 * the records so far, and their JSON Lines text.
 *
 * @example
 * ```ts
 * import { createInspectionRecorder, type InspectionRecorder } from 'crisis-playbook/visualize';
 *
 * const recorder: InspectionRecorder = createInspectionRecorder();
 * ```
 *
 * @category Inspector and diagrams
 */
export interface InspectionRecorder {
  readonly inspect: Observer<InspectionEvent>;
  readonly records: readonly InspectionRecord[];
  /** One JSON object per line, ready to append to a `.jsonl` file. */
  toJsonLines(): string;
}

const functionsAsNames = (_key: string, value: unknown) =>
  typeof value === 'function' ? { type: (value as { name?: string }).name ?? 'anonymous' } : value;

function plainSnapshot(snapshot: unknown) {
  const s = snapshot as { status: string; value?: unknown; context?: unknown; output?: unknown };
  return JSON.parse(JSON.stringify({ status: s.status, value: s.value, context: s.context, output: s.output })) as {
    status: string;
    value?: unknown;
    context?: unknown;
    output?: unknown;
  };
}

/**
 * Records the actor, event and snapshot stream of an incident (for example on a server) so
 * that it can be replayed into an inspector later with {@link replayInspection}. Unless
 * `redact: false`, each record is redacted as the playbook of its actor's machine decides
 * ({@link visualize!createRedactor}): events (with `xstate.init` and its input), contexts, outputs and
 * errors. An actor whose machine was not built by {@link authoring!compilePlaybook} is redacted with
 * the rules of `machine` (default: the default playbook's {@link crisisMachine}), so its
 * unknown context keys and event types do not pass.
 *
 * @example
 * ```ts
 * import { appendFileSync } from 'node:fs';
 * import { createActor } from 'xstate';
 * import { crisisMachine } from 'crisis-playbook';
 * import { createInspectionRecorder } from 'crisis-playbook/visualize';
 *
 * const recorder = createInspectionRecorder();
 * const actor = createActor(crisisMachine, { inspect: recorder.inspect }).start();
 * actor.send({ type: 'assessment.complete' });
 * appendFileSync('incident.jsonl', recorder.toJsonLines());
 * ```
 *
 * @category Inspector and diagrams
 */
export function createInspectionRecorder(
  options: { readonly redact?: boolean; readonly machine?: AnyStateMachine | PlaybookDefinition } = {},
): InspectionRecorder {
  const redactData = options.redact !== false;
  const fallback = redactData ? createRedactor(options.machine ?? crisisMachine) : undefined;
  const redactorOf = (logic: unknown) => (logic && definitionOf(logic as AnyStateMachine) ? createRedactor(logic as AnyStateMachine) : fallback!);
  const records: InspectionRecord[] = [];
  const plainEvent = (e: AnyEventObject) => JSON.parse(JSON.stringify(e)) as AnyEventObject;
  return {
    records,
    toJsonLines: () => records.map((record) => `${JSON.stringify(record)}\n`).join(''),
    inspect: {
      next(inspection: InspectionEvent) {
        const at = Date.now();
        const actor = inspection.actorRef as unknown as {
          sessionId: string;
          id: string;
          _parent?: { sessionId: string };
          logic?: { config?: { id?: string } };
          getSnapshot(): unknown;
        };
        const redactor = redactData ? redactorOf(actor.logic) : undefined;
        const event = (e: AnyEventObject) => (redactor ? (redactor.event(e) as AnyEventObject) : plainEvent(e));
        if (inspection.type === '@xstate.actor') {
          const config = actor.logic?.config;
          records.push({
            type: '@xstate.actor',
            at,
            sessionId: actor.sessionId,
            ...(actor._parent ? { parentId: actor._parent.sessionId } : {}),
            // An id the app gave the actor can carry data; the machine's own id cannot.
            name: config?.id ?? (redactor ? REDACTED : actor.id),
            ...(config ? { definition: JSON.stringify(config, functionsAsNames) } : {}),
            // The snapshot cannot be read while the actor initialises; the first
            // `@xstate.snapshot` record carries the initial state.
            snapshot: { status: 'active' },
          });
        } else if (inspection.type === '@xstate.event') {
          const source = (inspection.sourceRef as { sessionId?: string } | undefined)?.sessionId;
          records.push({ type: '@xstate.event', at, sessionId: actor.sessionId, ...(source ? { sourceId: source } : {}), event: event(inspection.event) });
        } else if (inspection.type === '@xstate.snapshot') {
          records.push({
            type: '@xstate.snapshot',
            at,
            sessionId: actor.sessionId,
            event: event(inspection.event),
            snapshot: redactor ? redactor.snapshot(inspection.snapshot) : plainSnapshot(inspection.snapshot),
          });
        }
      },
    },
  };
}

/**
 * The part of an `@statelyai/inspect` inspector that {@link replayInspection} uses; every
 * inspector from `createBrowserInspector`, `createWebSocketInspector` or `createInspector` has it.
 *
 * @example
 * ```ts
 * import type { InspectorLike } from 'crisis-playbook/visualize';
 *
 * const printer: InspectorLike = {
 *   actor: (actor) => console.log('actor', actor),
 *   event: (_, event) => console.log('event', event),
 *   snapshot: (_, snapshot) => console.log('snapshot', snapshot),
 * };
 * ```
 *
 * @category Inspector and diagrams
 */
export interface InspectorLike {
  actor(actor: object | string, snapshot?: object, info?: { parentId?: string }): void;
  event(actor: object | string, event: AnyEventObject, info?: { source?: string }): void;
  snapshot(actor: object | string, snapshot: object, info?: { event?: AnyEventObject }): void;
}

/**
 * Parses JSON Lines written by {@link createInspectionRecorder}; throws a `TypeError` naming the
 * first bad line.
 *
 * @example
 * ```ts
 * import { parseInspectionRecords } from 'crisis-playbook/visualize';
 *
 * const records = parseInspectionRecords('{"type":"@xstate.event","at":0,"sessionId":"x:0","event":{"type":"message.sent"}}\n');
 * ```
 *
 * @category Inspector and diagrams
 */
export function parseInspectionRecords(jsonLines: string): InspectionRecord[] {
  return jsonLines
    .split('\n')
    .map((line, index) => [line.trim(), index + 1] as const)
    .filter(([line]) => line !== '')
    .map(([line, number]) => {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        throw new TypeError(`Line ${number} is not JSON`);
      }
      const type = (record as { type?: unknown } | null)?.type;
      const sessionId = (record as { sessionId?: unknown } | null)?.sessionId;
      if (!['@xstate.actor', '@xstate.event', '@xstate.snapshot'].includes(type as string) || typeof sessionId !== 'string') {
        throw new TypeError(`Line ${number} is not an inspection record (expected "@xstate.actor", "@xstate.event" or "@xstate.snapshot" with a "sessionId")`);
      }
      return record as InspectionRecord;
    });
}

/**
 * Sends a recorded inspection stream (records or JSON Lines) to an inspector, in order: the
 * actor with its full definition, then each event and snapshot. Use it to look at an incident
 * that happened on a server in the Stately inspector.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { createWebSocketInspector } from '@statelyai/inspect';
 * import { incidentInspectorOptions, replayInspection } from 'crisis-playbook/visualize';
 *
 * const inspector = createWebSocketInspector({ url: 'ws://localhost:8080', ...incidentInspectorOptions() });
 * replayInspection(readFileSync('incident.jsonl', 'utf8'), inspector);
 * ```
 *
 * @category Inspector and diagrams
 */
export function replayInspection(recording: string | readonly InspectionRecord[], inspector: InspectorLike): number {
  const records = typeof recording === 'string' ? parseInspectionRecords(recording) : recording;
  for (const record of records) {
    if (record.type === '@xstate.actor') {
      // An actor-like object, so that the inspector serialises the recorded definition.
      const actorLike = {
        sessionId: record.sessionId,
        id: record.name,
        logic: { config: record.definition ? (JSON.parse(record.definition) as object) : { id: record.name } },
        ...(record.parentId ? { _parent: { sessionId: record.parentId } } : {}),
      };
      inspector.actor(actorLike, record.snapshot, record.parentId ? { parentId: record.parentId } : {});
    } else if (record.type === '@xstate.event') {
      inspector.event(record.sessionId, record.event, record.sourceId ? { source: record.sourceId } : {});
    } else {
      inspector.snapshot(record.sessionId, record.snapshot, { event: record.event });
    }
  }
  return records.length;
}
