import type { AnyEventObject, AnyStateMachine, InspectionEvent, Observer } from 'xstate';

/** Fields of contexts and events that can carry personal data (names, phone numbers, notes). */
const personalFields = new Set(['by', 'note', 'name', 'phone', 'replyPhone', 'intermediary', 'reason', 'closeReason', 'counsel']);
const REDACTED = '[redacted]';

function redact(value: unknown, key?: string): unknown {
  if (key !== undefined && personalFields.has(key) && typeof value === 'string') return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

/**
 * Replaces personal data in an incident context or event (who recorded an event, notes, names,
 * phone numbers, close reasons) with `"[redacted]"`, keeping everything the diagram needs.
 *
 * @example
 * ```ts
 * import { redactPersonalData } from 'crisis-playbook';
 *
 * redactPersonalData({ type: 'message.replied', phone: '+44 20 7946 0000', by: 'Ana' });
 * // { type: 'message.replied', phone: '[redacted]', by: '[redacted]' }
 * ```
 *
 * @category Inspector and diagrams
 */
export function redactPersonalData<T>(value: T): T {
  return redact(value) as T;
}

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
 * import { crisisMachine, type IncidentInspectorOptions } from 'crisis-playbook';
 *
 * const options: IncidentInspectorOptions = { machine: crisisMachine, redact: false };
 * ```
 *
 * @category Inspector and diagrams
 */
export interface IncidentInspectorOptions {
  /** The machine to inspect: the depth limit is set so that its whole definition is sent. */
  readonly machine?: AnyStateMachine;
  /**
   * Replace personal data in contexts and events with `"[redacted]"`.
   *
   * @defaultValue true
   */
  readonly redact?: boolean;
}

/**
 * The options to give `@statelyai/inspect`'s `createBrowserInspector`, `createWebSocketInspector`
 * or `createInspector` for an incident: a `serializationDepthLimit` deep enough for the whole
 * machine definition (the inspector's default of 10 cuts off advice and conditions), and
 * sanitisers that redact personal data before anything leaves the process.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { createBrowserInspector } from '@statelyai/inspect';
 * import { crisisMachine, incidentInspectorOptions } from 'crisis-playbook';
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
} {
  const depth = options.machine ? depthOf(options.machine.config) + 2 : 32;
  return {
    serializationDepthLimit: Math.max(10, depth),
    ...(options.redact === false ? {} : { sanitizeContext: redactPersonalData, sanitizeEvent: redactPersonalData }),
  };
}

/**
 * One recorded inspection event, in the shape the Stately inspector understands: an actor with
 * its definition, an event sent to it, or the snapshot after it.
 *
 * @example
 * ```ts
 * import type { InspectionRecord } from 'crisis-playbook';
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
      readonly snapshot: { readonly status: string; readonly value?: unknown; readonly context?: unknown; readonly output?: unknown };
    };

/**
 * What {@link createInspectionRecorder} returns: the `inspect` observer to give `createActor`,
 * the records so far, and their JSON Lines text.
 *
 * @example
 * ```ts
 * import { createInspectionRecorder, type InspectionRecorder } from 'crisis-playbook';
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

function plainSnapshot(snapshot: unknown, redactData: boolean) {
  const s = snapshot as { status: string; value?: unknown; context?: unknown; output?: unknown };
  const plain = JSON.parse(JSON.stringify({ status: s.status, value: s.value, context: s.context, output: s.output })) as {
    status: string;
    value?: unknown;
    context?: unknown;
    output?: unknown;
  };
  return redactData ? { ...plain, context: redactPersonalData(plain.context) } : plain;
}

/**
 * Records the actor, event and snapshot stream of an incident (for example on a server) so
 * that it can be replayed into an inspector later with {@link replayInspection}. Personal data
 * is redacted unless `redact: false`.
 *
 * @example
 * ```ts
 * import { appendFileSync } from 'node:fs';
 * import { createActor } from 'xstate';
 * import { createInspectionRecorder, crisisMachine } from 'crisis-playbook';
 *
 * const recorder = createInspectionRecorder();
 * const actor = createActor(crisisMachine, { inspect: recorder.inspect }).start();
 * actor.send({ type: 'assessment.complete' });
 * appendFileSync('incident.jsonl', recorder.toJsonLines());
 * ```
 *
 * @category Inspector and diagrams
 */
export function createInspectionRecorder(options: { readonly redact?: boolean } = {}): InspectionRecorder {
  const redactData = options.redact !== false;
  const records: InspectionRecord[] = [];
  const event = (e: AnyEventObject) => JSON.parse(JSON.stringify(redactData ? redactPersonalData(e) : e)) as AnyEventObject;
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
        if (inspection.type === '@xstate.actor') {
          const config = actor.logic?.config;
          records.push({
            type: '@xstate.actor',
            at,
            sessionId: actor.sessionId,
            ...(actor._parent ? { parentId: actor._parent.sessionId } : {}),
            name: config?.id ?? actor.id,
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
            snapshot: plainSnapshot(inspection.snapshot, redactData),
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
 * import type { InspectorLike } from 'crisis-playbook';
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
 * import { parseInspectionRecords } from 'crisis-playbook';
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
 * import { incidentInspectorOptions, replayInspection } from 'crisis-playbook';
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
