import { recordedEventTypes } from '../definition/builtins.js';
import { toMilliseconds } from '../definition/durations.js';
import { incidentFactsSchema } from '../definition/facts.js';
import type { PlaybookDefinition, TransitionSpec } from '../definition/types.js';
import { createEventSchemas } from '../events/fieldSchemas.js';
import type { RedactedEvent, RedactedSnapshot, Redactor } from './redact.js';
import { count, defOf, isPersonalSchema, isRecord, keysOf, known, listOf, maxDepth, parses, pick, REDACTED, time, unwrap, vouched, type Schema } from './redactValues.js';

/** Payload fields every event may carry that are always personal: who recorded it, a note. */
const alwaysPersonal = new Set(['by', 'note']);
const statuses = new Set(['active', 'done', 'error', 'stopped']);
/** XState's own events (`xstate.init`, `xstate.after.…`, `xstate.done.…`, `xstate.error.…`, `xstate.stop`). */
const xstateType = /^xstate\.[A-Za-z0-9_.:#-]{1,200}$/;
const errorName = /^([A-Z][A-Za-z]{0,60})?Error$/;
const issueCode = /^[a-z][a-z_]{0,60}$/;
const factsSchema = incidentFactsSchema.partial();

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

/**
 * The allow-list of one playbook: what is personal, and how each field of an event, a context,
 * an output and a snapshot is kept or redacted. `createRedactor` caches it per definition.
 */
export function buildRedactor(definition: PlaybookDefinition): Redactor {
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
  /** A state id of this machine: its id, then state names of the playbook (`crisis.active.ladder.directMessage`). */
  const statePath = (path: string) => {
    const [root, ...rest] = path.split('.');
    return root === definition.id && rest.every((name) => stateNames.has(name));
  };
  /**
   * Whether `type` is one of XState's own event types as XState makes them for this machine: a
   * window's timer (`xstate.after.<window>.<state id>`), a state done, the start and the stop;
   * and the done and error events of actors, named by the app's own ids (`invoke`, `spawn`). Any
   * other `xstate.…` text, which only an app or an attacker can send, is replaced.
   */
  const ownXStateType = (type: string): boolean => {
    if (type === 'xstate.init' || type === 'xstate.stop') return true;
    if (type.startsWith('xstate.after.')) {
      const rest = type.slice('xstate.after.'.length);
      const dot = rest.indexOf('.');
      return dot > 0 && windows.has(rest.slice(0, dot)) && statePath(rest.slice(dot + 1));
    }
    if (type.startsWith('xstate.done.state.')) return statePath(type.slice('xstate.done.state.'.length));
    return (type.startsWith('xstate.done.actor.') || type.startsWith('xstate.error.actor.')) && xstateType.test(type);
  };
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
      type: (type) => (type === recordedEventTypes.windowElapsed ? type : known(declared, type)),
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
    if (type === '' || !ownXStateType(type)) return { type: type === '' ? '' : REDACTED };
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
