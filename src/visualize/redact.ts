import { z } from 'zod';
import type { AnyStateMachine } from 'xstate';
import { compiledPlaybookOf } from '../compile/registry.js';
import { toMilliseconds } from '../definition/durations.js';
import type { PlaybookDefinition, TransitionSpec } from '../definition/types.js';
import { createEventSchemas } from '../events/eventSchemas.js';
import { incidentFactsSchema } from '../definition/facts.js';

/** What every redacted value is replaced with. */
const REDACTED = '[redacted]';
/** Payload fields every event may carry that are always personal: who recorded it, a note. */
const alwaysPersonal = new Set(['by', 'note']);
/** Deepest nesting of a zod-described payload the redactor follows; deeper values are redacted. */
const maxDepth = 16;
const statuses = new Set(['active', 'done', 'error', 'stopped']);
/** XState's own events (`xstate.init`, `xstate.after.…`, `xstate.done.…`, `xstate.error.…`, `xstate.stop`). */
const xstateType = /^xstate\.[A-Za-z0-9_.:#-]{1,200}$/;
const errorName = /^([A-Z][A-Za-z]{0,60})?Error$/;
const issueCode = /^[a-z][a-z_]{0,60}$/;
const isoTime = z.iso.datetime({ offset: true });
const factsSchema = incidentFactsSchema.partial();

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

type Schema = z.core.$ZodType;
interface Def {
  readonly type: string;
  readonly innerType?: Schema;
  readonly in?: Schema;
  readonly out?: Schema;
  readonly getter?: () => Schema;
  readonly shape?: Readonly<Record<string, Schema>>;
  readonly element?: Schema;
  readonly entries?: Readonly<Record<string, unknown>>;
}
const defOf = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** True when the schema, or a schema it wraps, carries the zod metadata `{ personal: true }`. */
function isPersonalSchema(schema: Schema | undefined, depth = 0): boolean {
  if (schema === undefined || depth > maxDepth) return false;
  if ((z.globalRegistry.get(schema) as { personal?: unknown } | undefined)?.personal === true) return true;
  const def = defOf(schema);
  if (def.innerType) return isPersonalSchema(def.innerType, depth + 1);
  if (def.type === 'pipe') return isPersonalSchema(def.in, depth + 1) || isPersonalSchema(def.out, depth + 1);
  if (def.type === 'lazy' && def.getter) return isPersonalSchema(def.getter(), depth + 1);
  return false;
}

/** The schema inside `optional`, `nullable`, `default`, `readonly`, `catch`, pipes and lazy schemas. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (let depth = 0; depth < maxDepth; depth++) {
    const def = defOf(current);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : def.type === 'lazy' ? def.getter?.() : undefined);
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

function parses(schema: Schema, value: unknown): boolean {
  try {
    return z.safeParse(schema, value).success;
  } catch {
    // Asynchronous refinements and throwing transforms vouch for nothing.
    return false;
  }
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Own keys, minus `__proto__`, which would change the prototype of the copy. */
const keysOf = (value: object) => Object.keys(value).filter((key) => key !== '__proto__');

/**
 * A value as its schema vouches for it: personal parts and values the schema rejects are
 * replaced, keys the schema does not know are left out, objects and arrays are followed.
 */
function vouched(schema: Schema, value: unknown, depth = 0): unknown {
  if (value === undefined) return undefined;
  if (depth > maxDepth || isPersonalSchema(schema)) return REDACTED;
  if (value !== null && typeof value === 'object') {
    const def = defOf(unwrap(schema));
    if (def.type === 'object' && def.shape && !Array.isArray(value)) {
      const shape = def.shape;
      const result: Record<string, unknown> = {};
      for (const key of keysOf(value)) {
        if (!Object.hasOwn(shape, key)) continue;
        const kept = vouched(shape[key]!, (value as Record<string, unknown>)[key], depth + 1);
        if (kept !== undefined) result[key] = kept;
      }
      return result;
    }
    if (def.type === 'array' && def.element && Array.isArray(value)) {
      return value.map((item: unknown) => vouched(def.element!, item, depth + 1) ?? null);
    }
    return REDACTED;
  }
  return parses(schema, value) ? value : REDACTED;
}

/** A string from a known set, else `"[redacted]"`. */
const known = (names: ReadonlySet<string>, value: unknown) => (typeof value === 'string' && names.has(value) ? value : REDACTED);
const time = (value: unknown) => (typeof value === 'string' && isoTime.safeParse(value).success ? value : REDACTED);
const count = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : REDACTED);

/** Copies the listed keys that are present, each through its rule; every other key is left out. */
function pick(value: unknown, rules: Readonly<Record<string, (field: unknown) => unknown>>): unknown {
  if (value === undefined) return undefined;
  if (!isRecord(value)) return REDACTED;
  const result: Record<string, unknown> = {};
  for (const key of keysOf(value)) {
    if (!Object.hasOwn(rules, key) || value[key] === undefined) continue;
    result[key] = rules[key]!(value[key]);
  }
  return result;
}

const listOf = (item: (value: unknown) => unknown) => (value: unknown) => (Array.isArray(value) ? value.map(item) : REDACTED);

interface EventRule {
  /** Payload and metadata fields: their schema and whether they are personal. */
  readonly fields: ReadonlyMap<string, { readonly schema: Schema; readonly personal: boolean }>;
}

/** Every transition of a definition: the ladder's, every rung's and every side-track state's. */
function transitionsOf(definition: PlaybookDefinition): TransitionSpec[] {
  return [
    ...(definition.ladder.fromEveryRung ?? []),
    ...definition.ladder.rungs.flatMap((rung) => rung.on ?? []),
    ...definition.tracks.flatMap((track) => track.states.flatMap((state) => state.on ?? [])),
  ];
}

function buildRedactor(definition: PlaybookDefinition): Redactor {
  const schemas = createEventSchemas(definition);
  const rules = new Map<string, EventRule>();
  for (const [type, spec] of Object.entries(definition.events)) {
    const shape = defOf(schemas.get(type)!).shape ?? {};
    const fields = new Map<string, { schema: Schema; personal: boolean }>();
    for (const [name, schema] of Object.entries(shape)) {
      if (name === 'type') continue;
      const personal =
        alwaysPersonal.has(name) ||
        spec.payload?.[name]?.personal === true ||
        (spec.schema !== undefined && isPersonalSchema(spec.schema.shape[name] as Schema | undefined));
      fields.set(name, { schema, personal });
    }
    rules.set(type, { fields });
  }

  // The events each built-in action reads its payload field from.
  const sources = new Map<string, Set<string>>();
  for (const transition of transitionsOf(definition)) {
    for (const action of transition.actions ?? []) {
      if (!sources.has(action)) sources.set(action, new Set());
      sources.get(action)!.add(transition.event);
    }
  }
  const fieldsCopiedBy = (action: string, field: string) =>
    [...(sources.get(action) ?? [])].map((type) => rules.get(type)?.fields.get(field));

  /**
   * A context field a built-in action fills from a payload field: kept only when every event
   * that runs the action declares the field, none marks it personal, and one vouches for it.
   */
  const copied = (action: string, field: string) => {
    const fields = fieldsCopiedBy(action, field);
    const open = fields.length > 0 && fields.every((f) => f !== undefined && !f.personal);
    return (value: unknown) => {
      if (value === null) return null;
      return open && fields.some((f) => parses(f!.schema, value)) ? value : REDACTED;
    };
  };

  // Threat kinds: the enum values of `kind` on the events that record threats, and the
  // built-in `"other"` when none is given; none at all when one of them is personal.
  const kindFields = fieldsCopiedBy('recordThreat', 'kind');
  const kinds = new Set<string>();
  if (!kindFields.some((f) => f?.personal)) {
    kinds.add('other');
    for (const f of kindFields) {
      const def = f ? defOf(unwrap(f.schema)) : undefined;
      if (def?.type === 'enum') for (const value of Object.values(def.entries ?? {})) if (typeof value === 'string') kinds.add(value);
    }
  }

  // The facts are personal wherever they appear when any `facts` payload field is.
  const factsPersonal = Object.values(definition.events).some(
    (spec) =>
      Object.values(spec.payload ?? {}).some((field) => field.type === 'facts' && field.personal === true) ||
      (spec.schema !== undefined && isPersonalSchema(spec.schema.shape.facts as Schema | undefined)),
  );
  const facts = (value: unknown) => (factsPersonal ? REDACTED : vouched(factsSchema, value));

  const rungs = new Set(definition.ladder.rungs.map((rung) => rung.id));
  const windows = new Set(Object.keys(definition.windows));
  const declared = new Set(Object.keys(definition.events));
  const stateNames = new Set([
    'active',
    'ladder',
    ...rungs,
    ...definition.tracks.flatMap((track) => [track.id, ...track.states.map((state) => state.id)]),
  ]);
  // Names an issue path may show: the input's keys and every payload field.
  const pathNames = new Set([
    'facts',
    'windows',
    'type',
    ...Object.keys(factsSchema.shape),
    ...windows,
    ...[...rules.values()].flatMap((rule) => [...rule.fields.keys()]),
  ]);

  const windowMap = (duration: (value: unknown) => boolean) => (value: unknown) => {
    if (!isRecord(value)) return REDACTED;
    const result: Record<string, unknown> = {};
    for (const key of keysOf(value)) {
      if (windows.has(key) && value[key] !== undefined) result[key] = duration(value[key]) ? value[key] : REDACTED;
    }
    return result;
  };
  const milliseconds = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;
  const durationLike = (value: unknown) => (typeof value === 'number' || typeof value === 'string') && toMilliseconds(value) !== undefined;

  const redacted = () => REDACTED;
  const timelineEntry = (value: unknown) =>
    pick(value, {
      at: time,
      occurredAt: time,
      type: (type) => (type === 'window.elapsed' ? type : known(declared, type)),
      from: (rung) => known(rungs, rung),
      to: (rung) => known(rungs, rung),
      window: (window) => known(windows, window),
      by: redacted,
      note: redacted,
    });
  const threat = (value: unknown) => pick(value, { kind: (kind) => known(kinds, kind), at: time, note: redacted });
  const deadline = (value: unknown) =>
    pick(value, { window: (window) => known(windows, window), rung: (rung) => known(rungs, rung), due: time });
  const closeReason = copied('recordClosure', 'reason');

  const context = (value: unknown) =>
    pick(value, {
      facts,
      windows: windowMap(milliseconds),
      timeline: listOf(timelineEntry),
      threats: listOf(threat),
      supporters: count,
      replyPhone: copied('recordReply', 'phone'),
      intermediary: copied('recordIntermediary', 'name'),
      call: (call) =>
        call === null
          ? null
          : pick(call, {
              apology: (b) => (typeof b === 'boolean' ? b : REDACTED),
              agreement: (b) => (typeof b === 'boolean' ? b : REDACTED),
            }),
      closeReason,
      deadlines: listOf(deadline),
      openedAt: time,
    });

  const output = (value: unknown) =>
    pick(value, {
      outcome: (rung) => known(rungs, rung),
      apology: (b) => (typeof b === 'boolean' || b === null ? b : REDACTED),
      closeReason,
      threats: listOf((kind) => known(kinds, kind)),
      timelineLength: count,
    });

  const input = (value: unknown) => pick(value, { facts, windows: windowMap(durationLike) });

  const issue = (value: unknown) =>
    pick(value, {
      code: (code) => (typeof code === 'string' && issueCode.test(code) ? code : REDACTED),
      path: listOf((key) => (typeof key === 'number' || (typeof key === 'string' && pathNames.has(key)) ? key : REDACTED)),
      message: redacted,
    });
  /** An error keeps its class name, its code and its issues' codes and paths; messages can quote input. */
  const error = (value: unknown): unknown => {
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object') return REDACTED;
    const source = value as { name?: unknown; code?: unknown; issues?: unknown };
    return {
      ...(typeof source.name === 'string' && errorName.test(source.name) ? { name: source.name } : {}),
      ...(typeof source.code === 'string' && issueCode.test(source.code) ? { code: source.code } : {}),
      message: REDACTED,
      ...(Array.isArray(source.issues) ? { issues: source.issues.map(issue) } : {}),
    };
  };

  const stateValue = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return known(stateNames, value);
    if (!isRecord(value) || depth > maxDepth) return REDACTED;
    const result: Record<string, unknown> = {};
    for (const key of keysOf(value)) if (stateNames.has(key)) result[key] = stateValue(value[key], depth + 1);
    return result;
  };

  const event = (value: unknown): RedactedEvent => {
    if (!isRecord(value) || typeof value.type !== 'string') return { type: REDACTED };
    const type = value.type;
    const rule = rules.get(type);
    if (rule) {
      const result: Record<string, unknown> = { type };
      for (const key of keysOf(value)) {
        const field = rule.fields.get(key);
        if (field === undefined || value[key] === undefined) continue;
        result[key] = field.personal ? REDACTED : vouched(field.schema, value[key]);
      }
      return result as RedactedEvent;
    }
    if (type === '' || !xstateType.test(type)) return { type: type === '' ? '' : REDACTED };
    const actorId = typeof value.actorId === 'string' && type.endsWith(value.actorId) ? { actorId: value.actorId } : {};
    if (type === 'xstate.init') return 'input' in value ? { type, input: input(value.input) } : { type };
    if (type.startsWith('xstate.done.')) return { type, ...actorId, ...('output' in value && value.output !== undefined ? { output: output(value.output) } : {}) };
    if (type.startsWith('xstate.error.')) return { type, ...actorId, ...('error' in value ? { error: error(value.error) } : {}) };
    return { type };
  };

  const snapshot = (value: unknown): RedactedSnapshot => {
    if (!isRecord(value)) return { status: REDACTED };
    return {
      status: known(statuses, value.status),
      ...('value' in value && value.value !== undefined ? { value: stateValue(value.value) } : {}),
      ...('context' in value && value.context !== undefined ? { context: context(value.context) } : {}),
      ...('output' in value && value.output !== undefined ? { output: output(value.output) } : {}),
      ...('error' in value && value.error !== undefined ? { error: error(value.error) } : {}),
    };
  };

  // A value whose properties throw when read is redacted whole rather than failing.
  const safely =
    <T>(redact: (value: unknown) => T, fallback: T) =>
    (value: unknown): T => {
      try {
        return redact(value);
      } catch {
        return fallback;
      }
    };
  return {
    event: safely(event, { type: REDACTED }),
    context: safely(context, REDACTED),
    output: safely(output, REDACTED),
    snapshot: safely(snapshot, { status: REDACTED }),
  };
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
