import { recordedEventTypes } from '../definition/builtins.js';
import type { IncidentIssueCode } from '../errors/errors.js';
import { initialTransition, type ActorOptions, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { currentRung } from '../advice/currentRung.js';
import { withNow } from '../compile/clock.js';
import { toOutput, type IncidentContext, type TimelineEntry } from '../compile/context.js';
import { layoutOf } from '../compile/layout.js';
import { armReminder, reminderEventType } from '../compile/reminders.js';
import { compiledPlaybookOf, notCompiledHere, withTrustedEvent } from '../compile/registry.js';
import type { StateMeta } from '../compile/types.js';
import { IncidentError, incidentError, type SafeResult } from '../errors/errors.js';
import type { Issue } from '../errors/issues.js';
import { groupDigits, limitMessages, limits } from '../limits.js';
import { quote } from '../quote.js';
import { applyDue, rearmDeadlines, snapshotOf } from './deadlines.js';
import { decisionOf, type DecideResult, type Decision } from './decision.js';
import { createEnvelopeReader, lookupIn, type IncidentMigration, type Loaded, type Registered } from './envelope.js';
import { CheckedActor, type IncidentActor, type IncidentOptions } from './incidentActor.js';
import { pureTransition } from './pureTransition.js';
import { createSigner, type SigningOptions } from './signing.js';
import { incidentFormat, incidentFormatVersion, jsonLengthBound, type StoredIncident, type StoredStateValue } from './storedIncident.js';
import { summarize, type IncidentSummary, type SummarizeOptions } from './summary.js';
import { timeOf, type DecideOptions } from './time.js';

/**
 * Options of {@link createIncidentRuntime}.
 *
 * @example
 * ```ts
 * import { crisisMachine } from 'crisis-playbook';
 * import { type IncidentRuntimeOptions } from 'crisis-playbook/server';
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
 * import { crisisMachine } from 'crisis-playbook';
 * import { createIncidentRuntime, type IncidentRuntime } from 'crisis-playbook/server';
 *
 * const runtime: IncidentRuntime = createIncidentRuntime({ playbooks: [crisisMachine] });
 * ```
 *
 * @category Server runtime
 */
export interface IncidentRuntime {
  /** Opens a new incident on a playbook (by id; the first registered by default), on its newest version registered. */
  open(options: DecideOptions & { readonly input?: unknown; readonly playbook?: string }): Decision;
  /** Like `open`, but returns the error instead of throwing. */
  safeOpen(options: DecideOptions & { readonly input?: unknown; readonly playbook?: string }): DecideResult;
  /** Applies an event (unknown input, validated) to a stored incident. Throws {@link index!IncidentError}. */
  decide(stored: unknown, event: unknown, options: DecideOptions): Decision;
  /** Like `decide`, but returns the error instead of throwing. */
  safeDecide(stored: unknown, event: unknown, options: DecideOptions): DecideResult;
  /** Applies every deadline that has fallen due by `now`, in order, each exactly once. */
  decideDue(stored: unknown, options: DecideOptions): Decision;
  /** Like `decideDue`, but returns the error instead of throwing. */
  safeDecideDue(stored: unknown, options: DecideOptions): DecideResult;
  /** Checks a stored incident (object or JSON text) and returns it, migrated if needed. */
  parse(stored: unknown): StoredIncident;
  /** Like `parse`, but returns the error instead of throwing. */
  safeParse(stored: unknown): SafeResult<StoredIncident, IncidentError>;
  /** The stored form of a snapshot of one of the runtime's playbooks. */
  serialize(snapshot: AnyMachineSnapshot): StoredIncident;
  /** Like `serialize`, but returns the error instead of throwing. */
  safeSerialize(snapshot: AnyMachineSnapshot): SafeResult<StoredIncident, IncidentError>;
  /**
   * A live incident for a stored one (see {@link index!createIncident}): deadlines that fell due
   * before `now` (default: the time of `clock`, else the current time) are applied first
   * (exactly once), the others fire after their remaining time, however long. Started.
   */
  restore(stored: unknown, options?: RestoreOptions): IncidentActor<AnyStateMachine>;
  /** Like `restore`, but returns the error instead of throwing. */
  safeRestore(stored: unknown, options?: RestoreOptions): SafeResult<IncidentActor<AnyStateMachine>, IncidentError>;
  /**
   * The figures a team reports on (see {@link IncidentSummary}), from the stored incident as it
   * is: apply waiting windows that ran out with `decideDue` first to count them.
   */
  summarize(stored: unknown, options?: SummarizeOptions): IncidentSummary;
  /** Like `summarize`, but returns the error instead of throwing. */
  safeSummarize(stored: unknown, options?: SummarizeOptions): SafeResult<IncidentSummary, IncidentError>;
}

/**
 * Options of `restore` and {@link restoreIncident}: when (`now`), and the options of
 * {@link index!createIncident} except `input` (the stored incident has its own).
 *
 * @example
 * ```ts
 * import type { RestoreOptions } from 'crisis-playbook/server';
 *
 * const options: RestoreOptions = { now: Date.now(), onRefused: ({ error }) => console.warn(error.code) };
 * ```
 *
 * @category Server runtime
 */
export type RestoreOptions = Partial<DecideOptions> & Omit<IncidentOptions<AnyStateMachine>, 'input'>;

export type { DecideOptions };

function playbookMeta(machine: AnyStateMachine) {
  const meta = (machine.root.meta as StateMeta | undefined)?.playbook;
  const info = compiledPlaybookOf(machine);
  if (!meta || !info) throw new TypeError(notCompiledHere('Expected machines compiled by crisis-playbook', machine));
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
 * import { crisisMachine } from 'crisis-playbook';
 * import { createIncidentRuntime } from 'crisis-playbook/server';
 *
 * const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
 * const opened = runtime.open({ now: Date.parse('2026-04-06T19:00:00Z') });
 * const next = runtime.decide(JSON.stringify(opened.incident), { type: 'assessment.complete' }, { now: '2026-04-06T19:05:00Z' });
 * console.log(next.rung); // 'directMessage'
 * ```
 *
 * @category Server runtime
 */
export function createIncidentRuntime(options: IncidentRuntimeOptions): IncidentRuntime {
  if (options.playbooks.length === 0) throw new TypeError('createIncidentRuntime needs at least one compiled playbook');
  const registry = new Map<string, Registered>();
  for (const machine of options.playbooks) {
    const { id, version, info } = playbookMeta(machine);
    const key = `${id}@${version}`;
    const known = registry.get(key);
    if (known !== undefined && known.machine !== machine) {
      // Which one would check and run an incident of that version? Neither silently.
      throw new TypeError(
        `createIncidentRuntime: two compiled playbooks are registered as ${quote(key)} (two compilations are two machines, even of one definition); register each once, and give each version of a playbook its own "version"`,
      );
    }
    registry.set(key, { machine, info, layout: layoutOf(machine) });
  }
  const first = playbookMeta(options.playbooks[0]!);
  /** The newest version registered of the playbook `id` (versions compared part by part, numbers as numbers), whatever the order they were given in. */
  const newest = (id: string): Registered | undefined => {
    let best: { version: string; entry: Registered } | undefined;
    if (id.includes('@')) return undefined;
    for (const [key, entry] of registry) {
      if (!key.startsWith(`${id}@`) || key.length === id.length + 1) continue;
      const version = key.slice(id.length + 1);
      if (best === undefined || compareVersions(version, best.version) > 0) best = { version, entry };
    }
    return best?.entry;
  };
  const signer = options.signing ? createSigner(options.signing) : undefined;

  const lookup = (id: string, version: string) => lookupIn(registry, id, version);
  const parse = createEnvelopeReader({ registry, ...(options.migrate ? { migrate: options.migrate } : {}), ...(signer ? { signer } : {}) });

  /**
   * `use` on the stored incident `input`. A document whose signature verified is taken as
   * written (see `checkSigned`); should it make the runtime fail all the same (only a holder
   * of the key can have written such a document), it is read again with every check, which
   * refuses it with `invalid_document` and says what is wrong, or else fails as before.
   */
  function withLoaded<T>(input: unknown, use: (loaded: Loaded) => T): T {
    const loaded = parse(input);
    if (!loaded.trusted) return use(loaded);
    try {
      return use(loaded);
    } catch (error) {
      if (error instanceof IncidentError) throw error;
      return use(parse(input, { check: true }));
    }
  }

  /**
   * The stored form of a snapshot: plain JSON data, within the size limit, signed when
   * signing. Built directly from the snapshot (its context is immutable, as every XState
   * context), with no copy; its length is bounded cheaply and only written out when the bound
   * comes near the limit (`timeline`: the entries the shape check read, counted as it counted them).
   */
  function serializeWith(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, before?: Loaded): StoredIncident {
    const { id, version } = playbookMeta(machine);
    const done = snapshot.status === 'done';
    const context = snapshot.context as IncidentContext;
    const stored: StoredIncident = {
      format: incidentFormat,
      formatVersion: incidentFormatVersion,
      playbook: { id, version },
      snapshot: { status: done ? 'done' : 'active', value: snapshot.value as StoredStateValue, context, ...(done ? { output: toOutput(context) } : {}) },
    };
    const check = (length: number) => {
      if (length > limits.storedDocumentLength) {
        throw incidentError('too_large', `The incident would take ${groupDigits(length)} characters, more than ${limitMessages.storedDocument}; close it and open a new one`);
      }
    };
    // Signing writes the document's JSON (in another key order, of the same length) anyway.
    if (signer) return signer.sign(stored, before?.ordered, check);
    if (jsonLengthBound(stored, limits.storedDocumentLength, before?.timeline) > limits.storedDocumentLength) check(JSON.stringify(stored).length);
    return stored;
  }

  /** The decision after `snapshot` on the stored incident `loaded`. */
  function decision(loaded: Loaded, snapshot: AnyMachineSnapshot, added: TimelineEntry[], given?: { readonly changed: boolean }): Decision {
    const next = serializeWith(loaded.machine, snapshot, loaded);
    // A migrated document differs from the one given, whatever else happened: the host must store it.
    const known = loaded.migrated ? { changed: true } : given;
    // Unless known: signed with the same key, the same canonical JSON has the same signature,
    // whatever order the keys of the stored document came back in (a database may reorder them).
    const signed = known === undefined && typeof loaded.stored.signature === 'string';
    return decisionOf(loaded.stored, next, snapshot, added, signed ? { changed: next.signature !== loaded.stored.signature } : known);
  }

  /** `decideDue` on a stored incident that was read. */
  function decideDueOn(loaded: Loaded, time: number): Decision {
    if (loaded.stored.snapshot.status === 'done') return decision(loaded, snapshotOf(loaded), []);
    const { snapshot, added } = applyDue(loaded, time);
    return decision(loaded, snapshot, added);
  }

  /** `decide` on a stored incident that was read. */
  function decideOn(loaded: Loaded, eventInput: unknown, time: number): Decision {
    let type: unknown;
    try {
      type = eventInput !== null && typeof eventInput === 'object' ? (eventInput as { type?: unknown }).type : undefined;
    } catch {
      // A getter that throws: the event check below says what is wrong with it.
    }
    if (type === recordedEventTypes.windowElapsed || type === reminderEventType) {
      // Scheduled deadline and reminder jobs are never an error: late, early or stale ones are
      // no-ops; what is applied is only what fell due by `now`, so none can be forged.
      return decideDueOn(loaded, time);
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
    // The event was parsed just now: the machine's guards need not parse it again.
    const next = withNow(time, () => withTrustedEvent(loaded.info, parsed.data, () => pureTransition(loaded.machine, due.snapshot, parsed.data)));
    const added = (next.context as IncidentContext).timeline.slice(start);
    if (added.length === 0) {
      throw incidentError(
        'event_not_applicable',
        `${quote(parsed.data.type)} does nothing on rung ${quote(currentRung(due.snapshot))}; the incident is unchanged`,
        ['type'],
      );
    }
    return decision(loaded, next, [...due.added, ...added], { changed: true });
  }

  const runtime: IncidentRuntime = {
    // `parse` is the check itself, and a restored actor lives long: both check signed documents too.
    parse: (stored) => parse(stored, { check: true }).stored,

    serialize(snapshot) {
      const machine = snapshot.machine as AnyStateMachine;
      const { id, version } = playbookMeta(machine);
      if (!lookup(id, version)) throw incidentError('unknown_playbook', `Playbook ${quote(`${id}@${version}`)} is not registered with this runtime`);
      return serializeWith(machine, snapshot);
    },

    // The options are read as given by JavaScript callers too: none, or a playbook that is no name, is an error of its own.
    open(options) {
      const { now, input, playbook } = options ?? ({} as Partial<typeof options>);
      const time = timeOf(now);
      const entry = playbook === undefined ? newest(first.id) : typeof playbook === 'string' ? newest(playbook) : undefined;
      if (!entry) throw incidentError('unknown_playbook', `Playbook ${quote(playbook)} is not registered with this runtime`, ['playbook']);
      const [snapshot] = withNow(time, () => initialTransition(entry.machine, input));
      if (snapshot.status === 'error') {
        const error = snapshot.error as { issues?: Issue<IncidentIssueCode>[]; message?: string };
        throw new IncidentError('invalid_input', error.issues ?? [{ code: 'invalid_input', path: ['input'], message: String(error.message) }]);
      }
      const stored = serializeWith(entry.machine, snapshot);
      return decisionOf(stored, stored, snapshot, [], { changed: false });
    },

    decide(storedInput, eventInput, options) {
      const time = timeOf(options?.now);
      return withLoaded(storedInput, (loaded) => decideOn(loaded, eventInput, time));
    },

    safeOpen: (options) => safe(() => runtime.open(options)),
    safeDecide: (stored, event, options) => safe(() => runtime.decide(stored, event, options)),
    safeDecideDue: (stored, options) => safe(() => runtime.decideDue(stored, options)),
    safeParse: (stored) => safe(() => runtime.parse(stored)),
    safeSerialize: (snapshot) => safe(() => runtime.serialize(snapshot)),
    safeRestore: (stored, options) => safe(() => runtime.restore(stored, options)),
    safeSummarize: (stored, options) => safe(() => runtime.summarize(stored, options)),

    summarize(storedInput, options = {}) {
      const now = timeOf(options.now ?? Date.now());
      const loaded = parse(storedInput, { check: true });
      return summarize(loaded.stored, loaded.info.definition, now, options);
    },

    decideDue(storedInput, options) {
      const time = timeOf(options?.now);
      return withLoaded(storedInput, (loaded) => decideDueOn(loaded, time));
    },

    restore(storedInput, { now, ...incidentOptions } = {}) {
      const clockNow = (incidentOptions.clock as { now?: () => number } | undefined)?.now?.();
      const time = timeOf(now ?? clockNow ?? Date.now());
      const loaded = parse(storedInput, { check: true });
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
      rearmDeadlines(actor, loaded, stored.snapshot.context.deadlines, time);
      // Nor does it run the root's entry, which starts the reminder timer of a new incident.
      armReminder({ context: stored.snapshot.context, self: actor });
      return actor;
    },
  };
  return runtime;
}

/**
 * The result of `run`, or the {@link index!IncidentError} it threw. Anything else can only come from
 * code the app gave (a guard, an action or a delay through `provide`): it is reported as
 * `implementation_error` rather than thrown.
 */
function safe<T>(run: () => T): SafeResult<T, IncidentError> {
  try {
    return { success: true, data: run() };
  } catch (error) {
    if (error instanceof IncidentError) return { success: false, error };
    return {
      success: false,
      error: incidentError('implementation_error', `A guard, action or delay given in code threw: ${quote(error instanceof Error ? error.message : error)}`),
    };
  }
}

/**
 * The order of two playbook versions: dot-separated parts, compared as numbers when both are,
 * else as text (`1.10.0` after `1.9.0`). A numbered version with a pre-release label
 * (`2.0.0-beta.1`, as semver writes it) comes before the release (`2.0.0`), and labels are
 * compared part by part the same way (`beta.2` before `beta.10`, `beta` before `rc`).
 */
function compareVersions(a: string, b: string): number {
  const [mainA, labelA] = splitLabel(a);
  const [mainB, labelB] = splitLabel(b);
  const order = compareParts(mainA, mainB);
  if (order !== 0 || labelA === labelB) return order;
  if (labelA === undefined) return 1;
  if (labelB === undefined) return -1;
  return compareParts(labelA, labelB);
}

/** A numbered version (`1.2.3-rc.1`) as its number and its pre-release label; any other as it is. */
function splitLabel(version: string): [string, string | undefined] {
  const dash = version.indexOf('-');
  if (dash <= 0 || dash === version.length - 1 || !/^\d+(\.\d+)+$/.test(version.slice(0, dash))) return [version, undefined];
  return [version.slice(0, dash), version.slice(dash + 1)];
}

function compareParts(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const x = left[index] ?? '';
    const y = right[index] ?? '';
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    const order = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return 0;
}
