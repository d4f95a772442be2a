import type { AnyStateMachine } from 'xstate';
import { windowMsOf } from '../compile/context.js';
import type { CompiledPlaybook } from '../compile/registry.js';
import type { MachineLayout } from '../compile/layout.js';
import { IncidentError, incidentError } from '../errors/errors.js';
import { groupDigits, limitMessages, limits } from '../limits.js';
import { quote } from '../quote.js';
import type { Ordered, Signer } from './signing.js';
import { checkAgainstPlaybook } from './storedChecks.js';
import { capIssues, checkShape, checkSize, incidentFormat, incidentFormatVersion, type CheckedTimeline, type StoredIncident } from './storedIncident.js';

/**
 * Why a stored incident needs migrating: an older format, or a playbook version this runtime
 * does not have.
 *
 * @example
 * ```ts
 * import type { MigrationReason } from 'crisis-playbook/server';
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
 * import type { IncidentMigration } from 'crisis-playbook/server';
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

/** A compiled playbook a runtime knows, with what it needs to check stored incidents of it. */
export interface Registered {
  readonly machine: AnyStateMachine;
  readonly info: CompiledPlaybook;
  readonly layout: MachineLayout;
}

/** A stored incident that passed every check, with its playbook. */
export interface Loaded extends Registered {
  readonly stored: StoredIncident;
  /**
   * Taken as written: its signature verified, so its shape and consistency were not checked
   * again (see `signing.checkSigned`).
   */
  readonly trusted: boolean;
  /** `stored` in canonical key order, as its signature showed: for signing the next document (see `Signer.sign`). */
  readonly ordered?: Ordered;
  /** The timeline as the shape check read it (see `checkShape`), for bounding the next document's length. */
  readonly timeline?: CheckedTimeline;
  /** The `migrate` hook upgraded the document read: `stored` is not what was given, and must be written back. */
  readonly migrated?: true;
}

/** How to read: `check: true` checks a signed document in full as well. */
export interface ReadOptions {
  readonly check?: boolean;
}

/**
 * The playbook version `id`@`version` in a runtime's registry (keyed by id, `@`, version). A
 * playbook id has no `@` (ids are letters, digits, `-` and `_`), so the key says which is which
 * even when the version has one; an id with an `@` (only a forged document has one) finds
 * nothing (`acme@2026` and `1` would otherwise find the playbook `acme` of version `2026@1`).
 */
export function lookupIn(registry: ReadonlyMap<string, Registered>, id: string, version: string): Registered | undefined {
  return id.includes('@') ? undefined : registry.get(`${id}@${version}`);
}

/**
 * Reads stored incidents for a runtime: JSON text or objects, refused early when far too
 * large, checked for format, signature (before any migration), shape and consistency with
 * their playbook, and migrated through the runtime's hook when old.
 */
export function createEnvelopeReader(options: {
  readonly registry: ReadonlyMap<string, Registered>;
  readonly migrate?: IncidentMigration;
  readonly signer?: Signer;
}): (input: unknown, options?: ReadOptions) => Loaded {
  const { registry, signer } = options;
  const lookup = (id: string, version: string) => lookupIn(registry, id, version);

  function read(input: unknown): Record<string, unknown> {
    let document: unknown = input;
    if (typeof input === 'string') {
      if (input.length > limits.storedDocumentLength) {
        throw new IncidentError('invalid_document', [
          { code: 'too_large', path: [], message: `Expected ${limitMessages.storedDocument}; received ${groupDigits(input.length)} characters` },
        ]);
      }
      if (input.length > countedAbove && tooManyContainers(input)) {
        // Parsing makes an object or array of every pair of brackets, from 2 characters each:
        // far more than a document can hold is refused before any is made.
        throw new IncidentError('invalid_document', [
          {
            code: 'too_large',
            path: [],
            message: `Expected at most ${groupDigits(containerLimit)} objects and arrays in a stored incident (at most ${groupDigits(limits.timelineEntries)} entries in each of its lists); received more`,
          },
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

  function parse(input: unknown, migrated: boolean, check: boolean): Loaded {
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
    // Far too long lists are refused by their length before anything reads them: verifying a
    // signature that does not match writes the document out again, and a migration hook gets it whole.
    const size = checkSize(record);
    if (size.length > 0) throw new IncidentError('invalid_document', size);
    // A signed document is checked as it was written, before any migration.
    const verified = signer !== undefined && !migrated ? signer.verify(record, typeof input === 'string' ? input : undefined) : undefined;
    const signed = verified?.trusted === true;
    const playbook = record.playbook as { id?: unknown; version?: unknown } | undefined;
    const id = typeof playbook?.id === 'string' ? playbook.id : undefined;
    const version = typeof playbook?.version === 'string' ? playbook.version : undefined;
    const needsMigration: MigrationReason['code'] | undefined =
      formatVersion < incidentFormatVersion
        ? 'old_format'
        : id !== undefined && version !== undefined && !lookup(id, version) && !id.includes('@') && [...registry.keys()].some((key) => key.startsWith(`${id}@`))
          ? 'unknown_playbook_version'
          : undefined;
    if (needsMigration) {
      if (!options.migrate || migrated) {
        // After the hook: what it returned still needs upgrading, and saying to give a hook would mislead.
        throw incidentError(
          needsMigration === 'old_format' ? 'unsupported_format' : 'unknown_playbook_version',
          needsMigration === 'old_format'
            ? `This incident was stored in format ${formatVersion}; ${migrated ? `the "migrate" hook returned it in that format; it must return it in format ${incidentFormatVersion}` : 'give the runtime a "migrate" hook to upgrade it'}`
            : `Playbook ${quote(id)} version ${quote(version)} is not registered; ${migrated ? 'the "migrate" hook returned a document of it; it must return one of a registered version' : 'register it (incidents keep the version they started with) or give a "migrate" hook'}`,
          needsMigration === 'old_format' ? ['formatVersion'] : ['playbook', 'version'],
        );
      }
      const reason: MigrationReason = { code: needsMigration, formatVersion, playbook: { id: id ?? '', version: version ?? '' } };
      let upgraded: unknown;
      try {
        upgraded = options.migrate(record, reason);
      } catch (error) {
        throw incidentError('implementation_error', `The "migrate" hook threw: ${quote(error instanceof Error ? error.message : error)}`);
      }
      if (upgraded instanceof Promise) {
        upgraded.catch(() => undefined); // nobody waits for it
        throw incidentError('implementation_error', 'The "migrate" hook returned a Promise; it must return the upgraded document itself (it runs inside each call, which does not wait)');
      }
      return { ...parse(upgraded, true, check), migrated: true };
    }
    if (signed && !check && hasContainers(record)) {
      // Signed by a holder of the key: this runtime (or one sharing its key) wrote it, after
      // checking it, so it is taken as written. Only its playbook must be one this runtime has,
      // and its parts the kinds of value the runtime reads (else the full checks say what is wrong).
      const stored = record as unknown as StoredIncident;
      const entry = id !== undefined && version !== undefined ? lookup(id, version) : undefined;
      if (!entry) throw unknownPlaybook(stored);
      // Written out, as below (a literal with spreads is slow).
      return { machine: entry.machine, info: entry.info, layout: entry.layout, stored, trusted: true, ordered: verified.ordered };
    }
    const shape = checkShape(record);
    if (!shape.data) throw new IncidentError('invalid_document', shape.issues);
    let stored = shape.data;
    const entry = lookup(stored.playbook.id, stored.playbook.version);
    if (!entry) throw unknownPlaybook(stored);
    const ownDelay = (window: string) => entry.machine.implementations.delays[window] === entry.info.delays[window];
    // A migrated incident may have started its windows under another version's lengths: those
    // of its pending deadlines are kept (below), so that the document reads back as it is.
    const kept: Record<string, number> = {};
    const issues = checkAgainstPlaybook(stored, {
      definition: entry.info.definition,
      layout: entry.layout,
      windowLength: (window, context) => (!migrated && ownDelay(window) ? windowMsOf(context, window, entry.info.defaultWindows) : undefined),
      // A migrated incident's pending reminder was worked out by another version's severity rules.
      guards: migrated ? undefined : entry.machine.implementations.guards,
      onUncheckedLength: migrated
        ? (window, ms) => {
            if (ownDelay(window) && windowMsOf(stored.snapshot.context, window, entry.info.defaultWindows) !== ms) kept[window] = ms;
          }
        : undefined,
    }, shape.timeline?.times);
    if (issues.length > 0) throw new IncidentError('invalid_document', capIssues(issues));
    if (Object.keys(kept).length > 0) stored = keepWindows(stored, kept);
    // Written out: spreading `entry` into a literal with a second, conditional spread is slow (≈ 3 µs).
    return { machine: entry.machine, info: entry.info, layout: entry.layout, stored, trusted: false, timeline: shape.timeline };
  }

  function unknownPlaybook(stored: StoredIncident): IncidentError {
    return incidentError(
      'unknown_playbook',
      `Playbook ${quote(stored.playbook?.id)} is not registered with this runtime; expected one of ${[...registry.keys()].map((k) => `"${k}"`).join(', ')}`,
      ['playbook', 'id'],
    );
  }

  return (input, { check = false } = {}) => parse(input, false, check);
}

/**
 * `stored` with `windows` among its context's window lengths: a running window keeps the length
 * it started with, as the windows an incident was opened with are kept (`windowMsOf` reads them
 * first), also for the next time that window starts on this incident.
 */
function keepWindows(stored: StoredIncident, windows: Readonly<Record<string, number>>): StoredIncident {
  const { snapshot } = stored;
  const context = { ...snapshot.context, windows: { ...snapshot.context.windows, ...windows } };
  return { ...stored, snapshot: { ...snapshot, context } };
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Whether the parts a decision reads are there with the right kind of value (a few reads, not the shape check). */
function hasContainers(record: Record<string, unknown>): boolean {
  const snapshot = record.snapshot;
  if (!isRecord(snapshot) || (snapshot.status !== 'active' && snapshot.status !== 'done')) return false;
  if (typeof snapshot.value !== 'string' && !isRecord(snapshot.value)) return false;
  // Done exactly when on a final rung (a value that is a rung id, not the open regions): else a
  // signed document could claim to be finished while open, and be answered `incident_finished`.
  if ((snapshot.status === 'done') !== (typeof snapshot.value === 'string')) return false;
  const context = snapshot.context;
  return (
    isRecord(context) &&
    isRecord(context.facts) &&
    isRecord(context.windows) &&
    Array.isArray(context.timeline) &&
    Array.isArray(context.threats) &&
    context.threats.every((threat) => isRecord(threat) && typeof threat.kind === 'string') &&
    Array.isArray(context.deadlines) &&
    context.deadlines.every((deadline) => isRecord(deadline) && typeof deadline.due === 'string' && !Number.isNaN(Date.parse(deadline.due))) &&
    typeof context.supporters === 'number'
  );
}

/**
 * The length (characters) above which a text's objects and arrays are counted before it is
 * parsed. Below it, the worst a text can cost is its parse before `checkSize` refuses its lists
 * by their length (1 MiB of nothing but `{},` takes ≈ 0.2 s and 50 MB to parse); above it, a
 * text of many small objects would cost seconds and gigabytes (160 MiB of them, more than a
 * process's memory). Counting one character is quick: ≈ 0.12 ms for a 10,000-entry incident (1.2 MB).
 */
const countedAbove = 1024 * 1024;

/** More objects and arrays than any document within the limits has: four lists of at most `timelineEntries` entries, and the rest. */
const containerLimit = 4 * limits.timelineEntries + 1_000;

/** Occurrences of the one-character `needle` in `text`, counting no further than `max`. */
function countUpTo(text: string, needle: string, max: number): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1 && count < max; at = text.indexOf(needle, at + 1)) count++;
  return count;
}

/**
 * Whether the JSON `text` opens more than `containerLimit` objects and arrays. The brackets are
 * counted fast first, strings included (an upper bound); only when that bound is over the limit
 * is the text read character by character, leaving out the brackets inside strings.
 */
function tooManyContainers(text: string): boolean {
  const braces = countUpTo(text, '{', containerLimit + 1);
  if (braces + countUpTo(text, '[', containerLimit + 1 - braces) <= containerLimit) return false;
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92) i++; // a backslash: the next character is escaped
      else if (code === 34) inString = false;
    } else if (code === 34) inString = true;
    else if ((code === 123 || code === 91) && ++count > containerLimit) return true; // { or [
  }
  return false;
}

