import { initialTransition, transition, type ActorOptions, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { currentStep, currentTracks } from '../advice/currentStep.js';
import { recommend, type Recommendation } from '../advice/recommend.js';
import { withNow } from '../compile/clock.js';
import { compiledPlaybookOf, type CompiledPlaybook, type StateMeta } from '../compile/compilePlaybook.js';
import { toOutput, type IncidentContext, type IncidentOutput, type TimelineEntry } from '../compile/context.js';
import { layoutOf, type MachineLayout } from '../compile/layout.js';
import { IncidentError, incidentError, type PlaybookIssue } from '../errors.js';
import { limitMessages, limits } from '../limits.js';
import { quote } from '../quote.js';
import { CheckedActor, type IncidentActor, type IncidentOptions } from './incidentActor.js';
import { createSigner, type SigningOptions } from './signing.js';
import { checkAgainstPlaybook } from './storedChecks.js';
import { checkShape, incidentFormat, incidentFormatVersion, type StoredIncident, type StoredStateValue } from './storedIncident.js';
import { timeOf, type DecideOptions } from './time.js';

/**
 * The event a host schedules for a deadline: at `at`, pass it to `decide` (or call
 * `decideDue`). A deadline whose rung was left meanwhile is a harmless no-op.
 *
 * @example
 * ```ts
 * import type { DeadlineEvent } from 'crisis-playbook';
 *
 * const event: DeadlineEvent = { type: 'deadline.due', window: 'replyWindow', rung: 'directMessage' };
 * ```
 *
 * @category Server runtime
 */
export interface DeadlineEvent {
  readonly type: 'deadline.due';
  readonly window: string;
  readonly rung: string;
}

/**
 * A deadline the host must schedule: call {@link decideDue} (or `decide` with `event`) at `at`.
 *
 * @example
 * ```ts
 * import type { ScheduledDeadline } from 'crisis-playbook';
 *
 * function schedule(deadline: ScheduledDeadline) {
 *   console.log(`run decideDue at ${deadline.at} for ${deadline.event.window}`);
 * }
 * ```
 *
 * @category Server runtime
 */
export interface ScheduledDeadline {
  readonly at: string;
  readonly event: DeadlineEvent;
}

/**
 * The result of a pure decision: the next stored incident and everything a server needs to
 * answer and to schedule, with no timers and no I/O.
 *
 * @example
 * ```ts
 * import { decide, openIncident, type Decision } from 'crisis-playbook';
 *
 * const opened = openIncident({ now: Date.parse('2026-04-06T19:00:00Z') });
 * const decision: Decision = decide(opened.incident, { type: 'assessment.complete' }, { now: Date.parse('2026-04-06T19:05:00Z') });
 * console.log(decision.step, decision.deadlines); // 'directMessage', [{ at: '2026-04-07T19:05:00.000Z', ... }]
 * ```
 *
 * @category Server runtime
 */
export interface Decision {
  /** The next stored incident (the same document when nothing changed). */
  readonly incident: StoredIncident;
  /** Whether anything changed. */
  readonly changed: boolean;
  readonly status: 'active' | 'done';
  /** The rung the incident is on. */
  readonly step: string;
  readonly tracks: Readonly<Record<string, string>>;
  readonly recommendations: readonly Recommendation[];
  /** The timeline entries this decision added. */
  readonly added: readonly TimelineEntry[];
  /** Every deadline now pending: schedule these and drop any others for this incident. */
  readonly deadlines: readonly ScheduledDeadline[];
  readonly output?: IncidentOutput;
}

/**
 * The non-throwing result of {@link safeDecide}.
 *
 * @example
 * ```ts
 * import { safeDecide, openIncident, type DecideResult } from 'crisis-playbook';
 *
 * const { incident } = openIncident({ now: 0 });
 * const result: DecideResult = safeDecide(incident, { type: 'nope' }, { now: 1 });
 * if (!result.success) console.log(result.error.code); // 'invalid_event'
 * ```
 *
 * @category Server runtime
 */
export type DecideResult =
  | { readonly success: true; readonly data: Decision }
  | { readonly success: false; readonly error: IncidentError };


/**
 * Why a stored incident needs migrating: an older format, or a playbook version this runtime
 * does not have.
 *
 * @example
 * ```ts
 * import type { MigrationReason } from 'crisis-playbook';
 *
 * const reason: MigrationReason = { code: 'unknown_playbook_version', formatVersion: 1, playbook: { id: 'crisis', version: '0.9.0' } };
 * ```
 *
 * @category Server runtime
 */
export interface MigrationReason {
  readonly code: 'old_format' | 'unknown_playbook_version';
  readonly formatVersion: number;
  readonly playbook: { readonly id: string; readonly version: string };
}

/**
 * A hook that upgrades an old stored incident (older format, or a playbook version no longer
 * registered) to one this runtime accepts. Its result is checked like any stored incident.
 *
 * @example
 * ```ts
 * import type { IncidentMigration } from 'crisis-playbook';
 *
 * const migrate: IncidentMigration = (document, reason) =>
 *   reason.code === 'unknown_playbook_version' && reason.playbook.version === '0.9.0'
 *     ? { ...document, playbook: { id: 'crisis', version: '1.0.0' } }
 *     : document;
 * ```
 *
 * @category Server runtime
 */
export type IncidentMigration = (document: Readonly<Record<string, unknown>>, reason: MigrationReason) => unknown;

/**
 * Options of {@link createIncidentRuntime}.
 *
 * @example
 * ```ts
 * import { crisisMachine, type IncidentRuntimeOptions } from 'crisis-playbook';
 *
 * const options: IncidentRuntimeOptions = { playbooks: [crisisMachine] };
 * ```
 *
 * @category Server runtime
 */
export interface IncidentRuntimeOptions {
  /** Compiled playbooks, every version still in use: an incident keeps the version it started on. */
  readonly playbooks: readonly AnyStateMachine[];
  readonly migrate?: IncidentMigration;
  /** Sign every document the runtime writes and refuse documents whose signature does not match. */
  readonly signing?: SigningOptions;
}

/**
 * The server-side runtime: pure decisions over stored incidents, and live actors restored
 * with their deadlines. See {@link createIncidentRuntime}.
 *
 * @example
 * ```ts
 * import { createIncidentRuntime, crisisMachine, type IncidentRuntime } from 'crisis-playbook';
 *
 * const runtime: IncidentRuntime = createIncidentRuntime({ playbooks: [crisisMachine] });
 * ```
 *
 * @category Server runtime
 */
export interface IncidentRuntime {
  /** Opens a new incident on a playbook (by id; the first registered by default). */
  open(options: DecideOptions & { readonly input?: unknown; readonly playbook?: string }): Decision;
  /** Applies an event (unknown input, validated) to a stored incident. Throws {@link IncidentError}. */
  decide(stored: unknown, event: unknown, options: DecideOptions): Decision;
  /** Like `decide`, but returns the error instead of throwing. */
  safeDecide(stored: unknown, event: unknown, options: DecideOptions): DecideResult;
  /** Applies every deadline that has fallen due by `now`, in order, each exactly once. */
  decideDue(stored: unknown, options: DecideOptions): Decision;
  /** Checks a stored incident (object or JSON text) and returns it, migrated if needed. */
  parse(stored: unknown): StoredIncident;
  /** The stored form of a snapshot of one of the runtime's playbooks. */
  serialize(snapshot: AnyMachineSnapshot): StoredIncident;
  /**
   * A live incident for a stored one (see {@link createIncident}): deadlines that fell due
   * before `now` (default: the time of `clock`, else the current time) are applied first
   * (exactly once), the others fire after their remaining time, however long. Started.
   */
  restore(stored: unknown, options?: RestoreOptions): IncidentActor<AnyStateMachine>;
}

/**
 * Options of `restore` and {@link restoreIncident}: when (`now`), and the options of
 * {@link createIncident} except `input` (the stored incident has its own).
 *
 * @example
 * ```ts
 * import type { RestoreOptions } from 'crisis-playbook';
 *
 * const options: RestoreOptions = { now: Date.now(), onRefused: ({ error }) => console.warn(error.code) };
 * ```
 *
 * @category Server runtime
 */
export type RestoreOptions = Partial<DecideOptions> & Omit<IncidentOptions<AnyStateMachine>, 'input'>;

export type { DecideOptions };

interface Registered {
  readonly machine: AnyStateMachine;
  readonly info: CompiledPlaybook;
  readonly layout: MachineLayout;
}

interface Loaded extends Registered {
  readonly stored: StoredIncident;
}

function countUpTo(text: string, needle: string, max: number): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1 && count < max; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

function playbookMeta(machine: AnyStateMachine) {
  const meta = (machine.root.meta as StateMeta | undefined)?.playbook;
  const info = compiledPlaybookOf(machine);
  if (!meta || !info) throw new TypeError(`Expected machines compiled by crisis-playbook; "${machine.id}" is not one`);
  return { id: meta.id, version: meta.version, info };
}

/**
 * Creates the server runtime for a set of compiled playbooks. Everything it returns is plain
 * JSON, deterministic for a given `now`, and never half-applied: an error leaves the stored
 * incident as it was. With `signing`, every document it writes is signed and every document
 * it reads must carry a valid signature.
 *
 * @example
 * ```ts
 * import { createIncidentRuntime, crisisMachine } from 'crisis-playbook';
 *
 * const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
 * const opened = runtime.open({ now: Date.parse('2026-04-06T19:00:00Z') });
 * const next = runtime.decide(JSON.stringify(opened.incident), { type: 'assessment.complete' }, { now: '2026-04-06T19:05:00Z' });
 * console.log(next.step); // 'directMessage'
 * ```
 *
 * @category Server runtime
 */
export function createIncidentRuntime(options: IncidentRuntimeOptions): IncidentRuntime {
  if (options.playbooks.length === 0) throw new TypeError('createIncidentRuntime needs at least one compiled playbook');
  const registry = new Map<string, Registered>();
  for (const machine of options.playbooks) {
    const { id, version, info } = playbookMeta(machine);
    registry.set(`${id}@${version}`, { machine, info, layout: layoutOf(machine) });
  }
  const first = playbookMeta(options.playbooks[0]!);
  const signer = options.signing ? createSigner(options.signing) : undefined;

  function lookup(id: string, version: string) {
    return registry.get(`${id}@${version}`);
  }

  function read(input: unknown): Record<string, unknown> {
    let document: unknown = input;
    if (typeof input === 'string') {
      if (input.length > limits.storedDocumentLength) {
        throw new IncidentError('invalid_document', [
          { code: 'too_large', path: [], message: `Expected ${limitMessages.storedDocument}; received ${input.length.toLocaleString('en-US')} characters` },
        ]);
      }
      if (input.length > 1024 * 1024 && countUpTo(input, '"from":', limits.timelineEntries + 1) > limits.timelineEntries) {
        // Every timeline entry has one "from" key (a quote inside a JSON string is escaped, so
        // this cannot match text): a far too long timeline is refused without parsing it.
        throw new IncidentError('invalid_document', [
          { code: 'too_large', path: ['snapshot', 'context', 'timeline'], message: `Expected at most ${limits.timelineEntries} timeline entries; received more` },
        ]);
      }
      try {
        document = JSON.parse(input);
      } catch (error) {
        throw incidentError('invalid_json', `Expected a stored incident as JSON; ${(error as Error).message.slice(0, 200)}`);
      }
    }
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      throw incidentError('invalid_document', `Expected a stored incident object; received ${quote(document)}`);
    }
    return document as Record<string, unknown>;
  }

  function parse(input: unknown, migrated = false): Loaded {
    const record = read(input);
    if (record.format !== incidentFormat) {
      throw incidentError('invalid_document', `Expected "format": "${incidentFormat}"; received ${quote(record.format)}`, ['format']);
    }
    const formatVersion = record.formatVersion;
    if (typeof formatVersion !== 'number' || !Number.isInteger(formatVersion)) {
      throw incidentError('invalid_document', `Expected an integer "formatVersion"; received ${quote(formatVersion)}`, ['formatVersion']);
    }
    if (formatVersion > incidentFormatVersion) {
      throw incidentError(
        'unsupported_format',
        `This incident was stored in format ${formatVersion}, newer than this library's ${incidentFormatVersion}: upgrade crisis-playbook`,
        ['formatVersion'],
      );
    }
    // A signed document is checked as it was written, before any migration.
    if (signer && !migrated) signer.verify(record);
    const playbook = record.playbook as { id?: unknown; version?: unknown } | undefined;
    const id = typeof playbook?.id === 'string' ? playbook.id : undefined;
    const version = typeof playbook?.version === 'string' ? playbook.version : undefined;
    const needsMigration: MigrationReason['code'] | undefined =
      formatVersion < incidentFormatVersion
        ? 'old_format'
        : id !== undefined && version !== undefined && !lookup(id, version) && [...registry.keys()].some((key) => key.startsWith(`${id}@`))
          ? 'unknown_playbook_version'
          : undefined;
    if (needsMigration) {
      if (!options.migrate || migrated) {
        throw incidentError(
          needsMigration === 'old_format' ? 'unsupported_format' : 'unknown_playbook_version',
          needsMigration === 'old_format'
            ? `This incident was stored in format ${formatVersion}; give the runtime a "migrate" hook to upgrade it`
            : `Playbook ${quote(id)} version ${quote(version)} is not registered; register it (incidents keep the version they started with) or give a "migrate" hook`,
          needsMigration === 'old_format' ? ['formatVersion'] : ['playbook', 'version'],
        );
      }
      const reason: MigrationReason = { code: needsMigration, formatVersion, playbook: { id: id ?? '', version: version ?? '' } };
      return parse(options.migrate(record, reason), true);
    }
    const shape = checkShape(record);
    if (!shape.data) throw new IncidentError('invalid_document', shape.issues);
    const stored = shape.data;
    const entry = lookup(stored.playbook.id, stored.playbook.version);
    if (!entry) {
      throw incidentError(
        'unknown_playbook',
        `Playbook ${quote(stored.playbook.id)} is not registered with this runtime; expected one of ${[...registry.keys()].map((k) => `"${k}"`).join(', ')}`,
        ['playbook', 'id'],
      );
    }
    const issues = checkAgainstPlaybook(stored, {
      definition: entry.info.definition,
      layout: entry.layout,
      // A migrated incident may have started its windows under another version's lengths.
      windowLength: (window, context) =>
        !migrated && entry.machine.implementations.delays[window] === entry.info.delays[window]
          ? (context.windows[window] ?? entry.info.defaultWindows[window])
          : undefined,
    });
    if (issues.length > 0) throw new IncidentError('invalid_document', issues);
    return { ...entry, stored };
  }

  function snapshotOf({ machine, stored }: Loaded): AnyMachineSnapshot {
    return machine.resolveState({ value: stored.snapshot.value, context: stored.snapshot.context });
  }

  /** The stored form of a snapshot: plain JSON, within the size limit, signed when signing. */
  function serializeWith(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): StoredIncident {
    const { id, version } = playbookMeta(machine);
    const done = snapshot.status === 'done';
    const context = snapshot.context as IncidentContext;
    const json = JSON.stringify({
      format: incidentFormat,
      formatVersion: incidentFormatVersion,
      playbook: { id, version },
      snapshot: { status: done ? 'done' : 'active', value: snapshot.value as StoredStateValue, context, ...(done ? { output: toOutput(context) } : {}) },
    });
    if (json.length > limits.storedDocumentLength) {
      throw incidentError('too_large', `The incident would take ${json.length.toLocaleString('en-US')} characters, more than ${limitMessages.storedDocument}; close it and open a new one`);
    }
    const stored = JSON.parse(json) as StoredIncident;
    return signer ? signer.sign(stored) : stored;
  }

  function decision(
    machine: AnyStateMachine,
    before: StoredIncident,
    snapshot: AnyMachineSnapshot,
    added: TimelineEntry[],
    known?: { readonly changed: true },
  ): Decision {
    const done = snapshot.status === 'done';
    const context = snapshot.context as IncidentContext;
    const next = serializeWith(machine, snapshot);
    // A window can also run out without moving the rung: then only its deadline goes. An
    // applied event always adds a timeline entry, so it needs no comparison.
    const changed = known?.changed ?? JSON.stringify(next.snapshot) !== JSON.stringify(before.snapshot);
    const incident = changed ? next : before;
    return {
      incident,
      changed,
      status: done ? 'done' : 'active',
      step: currentStep(snapshot),
      tracks: currentTracks(snapshot),
      recommendations: recommend(snapshot),
      added,
      deadlines: context.deadlines.map((d) => ({ at: d.due, event: { type: 'deadline.due', window: d.window, rung: d.rung } })),
      ...(done ? { output: incident.snapshot.output! } : {}),
    };
  }

  function applyDue(loaded: Loaded, now: number): { snapshot: AnyMachineSnapshot; added: TimelineEntry[] } {
    let snapshot = snapshotOf(loaded);
    const start = (snapshot.context as IncidentContext).timeline.length;
    // Each deadline leaves the context when its rung is left, so none can fire twice; the
    // bound only guards against a playbook whose windows keep re-arming themselves.
    for (let step = 0; step < 1_000 && snapshot.status !== 'done'; step++) {
      const due = [...(snapshot.context as IncidentContext).deadlines]
        .filter((d) => Date.parse(d.due) <= now)
        .sort((a, b) => Date.parse(a.due) - Date.parse(b.due))[0];
      if (!due) break;
      const type = loaded.layout.windows.get(due.rung)?.get(due.window)?.eventType;
      if (type === undefined) break;
      [snapshot] = withNow(Date.parse(due.due), () => transition(loaded.machine, snapshot, { type }));
    }
    return { snapshot, added: (snapshot.context as IncidentContext).timeline.slice(start) };
  }

  const runtime: IncidentRuntime = {
    parse: (stored) => parse(stored).stored,

    serialize(snapshot) {
      const machine = snapshot.machine as AnyStateMachine;
      const { id, version } = playbookMeta(machine);
      if (!lookup(id, version)) throw incidentError('unknown_playbook', `Playbook ${quote(`${id}@${version}`)} is not registered with this runtime`);
      return serializeWith(machine, snapshot);
    },

    open({ now, input, playbook }) {
      const time = timeOf(now);
      const entry = playbook === undefined ? lookup(first.id, first.version) : [...registry.entries()].reverse().find(([key]) => key.startsWith(`${playbook}@`))?.[1];
      if (!entry) throw incidentError('unknown_playbook', `Playbook ${quote(playbook)} is not registered with this runtime`, ['playbook']);
      const [snapshot] = withNow(time, () => initialTransition(entry.machine, input));
      if (snapshot.status === 'error') {
        const error = snapshot.error as { issues?: PlaybookIssue[]; message?: string };
        throw new IncidentError('invalid_input', error.issues ?? [{ code: 'invalid_input', path: ['input'], message: String(error.message) }]);
      }
      const stored = serializeWith(entry.machine, snapshot);
      return { ...decision(entry.machine, stored, snapshot, []), incident: stored };
    },

    decide(storedInput, eventInput, { now }) {
      const time = timeOf(now);
      const loaded = parse(storedInput);
      if (
        eventInput !== null &&
        typeof eventInput === 'object' &&
        (eventInput as { type?: unknown }).type === 'deadline.due'
      ) {
        // Scheduled deadline jobs are never an error: late, early or stale ones are no-ops.
        return runtime.decideDue(loaded.stored, { now: time });
      }
      if (loaded.stored.snapshot.status === 'done') {
        throw incidentError('incident_finished', `The incident is finished (${quote(loaded.stored.snapshot.value)}); it accepts no more events`);
      }
      const parsed = loaded.info.parser.safeParse(eventInput);
      if (!parsed.success) throw new IncidentError('invalid_event', parsed.error.issues);
      // What a live actor would have done meanwhile: deadlines that fell due come first.
      const due = applyDue(loaded, time);
      if (due.snapshot.status === 'done') {
        throw incidentError('incident_finished', 'The incident finished when a waiting window ran out; apply it with decideDue');
      }
      const start = (due.snapshot.context as IncidentContext).timeline.length;
      if (start >= limits.timelineEntries) throw incidentError('timeline_full', limitMessages.timeline);
      const [next] = withNow(time, () => transition(loaded.machine, due.snapshot, parsed.data));
      const added = (next.context as IncidentContext).timeline.slice(start);
      if (added.length === 0) {
        throw incidentError(
          'event_not_applicable',
          `${quote(parsed.data.type)} does nothing on rung ${quote(currentStep(due.snapshot))}; the incident is unchanged`,
          ['type'],
        );
      }
      return decision(loaded.machine, loaded.stored, next, [...due.added, ...added], { changed: true });
    },

    safeDecide(stored, event, options) {
      try {
        return { success: true, data: runtime.decide(stored, event, options) };
      } catch (error) {
        if (error instanceof IncidentError) return { success: false, error };
        // Only code the app gave (a guard, an action or a delay through `provide`) gets here.
        return {
          success: false,
          error: incidentError('implementation_error', `A guard, action or delay given in code threw: ${quote(error instanceof Error ? error.message : error)}`),
        };
      }
    },

    decideDue(storedInput, { now }) {
      const time = timeOf(now);
      const loaded = parse(storedInput);
      if (loaded.stored.snapshot.status === 'done') return decision(loaded.machine, loaded.stored, snapshotOf(loaded), []);
      const { snapshot, added } = applyDue(loaded, time);
      return decision(loaded.machine, loaded.stored, snapshot, added);
    },

    restore(storedInput, { now, ...incidentOptions } = {}) {
      const clockNow = (incidentOptions.clock as { now?: () => number } | undefined)?.now?.();
      const time = timeOf(now ?? clockNow ?? Date.now());
      const loaded = parse(storedInput);
      const { snapshot } = loaded.stored.snapshot.status === 'done' ? { snapshot: snapshotOf(loaded) } : applyDue(loaded, time);
      const stored = serializeWith(loaded.machine, snapshot);
      const actor = new CheckedActor(loaded.machine, {
        ...incidentOptions,
        snapshot: {
          status: stored.snapshot.status,
          value: stored.snapshot.value,
          context: stored.snapshot.context,
          output: stored.snapshot.output,
          error: undefined,
          historyValue: {},
          children: {},
        },
      } as IncidentOptions<AnyStateMachine> & { snapshot: ActorOptions<AnyStateMachine>['snapshot'] });
      actor.start();
      // XState does not re-arm `after` timers for a restored actor (statelyai/xstate#5331):
      // schedule each pending deadline for its remaining time, under the id XState cancels
      // when the rung is left. The incident's clock waits in steps when that is very long.
      for (const deadline of stored.snapshot.context.deadlines) {
        const type = loaded.layout.windows.get(deadline.rung)?.get(deadline.window)?.eventType;
        if (type !== undefined) actor.system.scheduler.schedule(actor, actor, { type }, Math.max(0, Date.parse(deadline.due) - time), type);
      }
      return actor;
    },
  };
  return runtime;
}
