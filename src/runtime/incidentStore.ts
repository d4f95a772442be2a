import { incidentError } from '../errors/errors.js';
import { quote } from '../quote.js';
import type { StoredIncident } from './storedIncident.js';

/**
 * A stored incident with its version number, for optimistic concurrency.
 *
 * @example
 * ```ts
 * import type { VersionedIncident } from 'crisis-playbook/server';
 *
 * function describe(record: VersionedIncident) {
 *   return `${record.incident.playbook.id} v${record.version}`;
 * }
 * ```
 *
 * @category Server runtime
 */
export interface VersionedIncident {
  readonly incident: StoredIncident;
  /** Starts at 1 and goes up by one on every save. */
  readonly version: number;
}

/**
 * Where incidents live. `save` succeeds only when `expectedVersion` is the version currently
 * stored, so two writers racing on one incident cannot overwrite each other: the loser gets an
 * {@link index!IncidentError} with code `stale_version`, reloads and tries again
 * ({@link updateIncident} does this). Implement it over your database with a compare-and-set:
 * `UPDATE incidents SET document = $1, version = version + 1 WHERE id = $2 AND version = $3`,
 * and treat "0 rows updated" as `stale_version`.
 *
 * @example
 * ```ts
 * import { type IncidentStore, MemoryIncidentStore, openIncident } from 'crisis-playbook/server';
 *
 * const store: IncidentStore = new MemoryIncidentStore();
 * await store.create('inc-1', openIncident({ now: Date.now() }).incident);
 * ```
 *
 * @category Server runtime
 */
export interface IncidentStore {
  /** The incident and its version, or `undefined` when there is none with this id. */
  load(id: string): Promise<VersionedIncident | undefined>;
  /** Stores a new incident at version 1; `already_exists` if the id is taken. */
  create(id: string, incident: StoredIncident): Promise<VersionedIncident>;
  /** Replaces the incident if it is still at `expectedVersion`; `stale_version` otherwise. */
  save(id: string, incident: StoredIncident, expectedVersion: number): Promise<VersionedIncident>;
}

/**
 * The embedded {@link IncidentStore}: incidents in memory, copied in and out as JSON so that
 * callers never share objects with the store.
 *
 * @example
 * ```ts
 * import { MemoryIncidentStore, openIncident } from 'crisis-playbook/server';
 *
 * const store = new MemoryIncidentStore();
 * const { version } = await store.create('inc-1', openIncident({ now: Date.now() }).incident);
 * console.log(version); // 1
 * ```
 *
 * @category Server runtime
 */
export class MemoryIncidentStore implements IncidentStore {
  readonly #records = new Map<string, { json: string; version: number }>();

  async load(id: string): Promise<VersionedIncident | undefined> {
    await Promise.resolve();
    const record = this.#records.get(id);
    return record && { incident: JSON.parse(record.json) as StoredIncident, version: record.version };
  }

  async create(id: string, incident: StoredIncident): Promise<VersionedIncident> {
    await Promise.resolve();
    if (this.#records.has(id)) throw incidentError('already_exists', `An incident with id ${quote(id)} already exists`, ['id']);
    this.#records.set(id, { json: JSON.stringify(incident), version: 1 });
    return { incident: JSON.parse(JSON.stringify(incident)) as StoredIncident, version: 1 };
  }

  async save(id: string, incident: StoredIncident, expectedVersion: number): Promise<VersionedIncident> {
    await Promise.resolve();
    const record = this.#records.get(id);
    if (!record) throw incidentError('not_found', `No incident with id ${quote(id)}`, ['id']);
    if (record.version !== expectedVersion) {
      throw incidentError(
        'stale_version',
        `Incident ${quote(id)} is at version ${record.version}, not ${expectedVersion}: reload it and decide again`,
        ['version'],
      );
    }
    const version = record.version + 1;
    this.#records.set(id, { json: JSON.stringify(incident), version });
    return { incident: JSON.parse(JSON.stringify(incident)) as StoredIncident, version };
  }
}

/**
 * Options of {@link updateIncident}.
 *
 * @example
 * ```ts
 * import type { UpdateOptions } from 'crisis-playbook/server';
 *
 * const patient: UpdateOptions = { attempts: 20, backoff: { initialMs: 10, maxMs: 500 } };
 * ```
 *
 * @category Server runtime
 */
export interface UpdateOptions {
  /**
   * How many times to load, compute and save before giving up with `stale_version`: a
   * positive integer.
   *
   * @defaultValue 10
   */
  readonly attempts?: number;
  /**
   * How long to wait between attempts: a random time up to `initialMs`, doubling on each
   * attempt up to `maxMs` ("full jitter"), so that writers who collided do not collide again.
   *
   * @defaultValue `{ initialMs: 5, maxMs: 250 }`
   */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
}

function checkOptions(options: UpdateOptions): { attempts: number; initialMs: number; maxMs: number } {
  const attempts = options.attempts ?? 10;
  const initialMs = options.backoff?.initialMs ?? 5;
  const maxMs = options.backoff?.maxMs ?? 250;
  if (!Number.isSafeInteger(attempts) || attempts < 1) {
    throw new TypeError(`updateIncident: "attempts" must be a positive integer; received ${quote(options.attempts)}`);
  }
  for (const [name, value] of [['backoff.initialMs', initialMs], ['backoff.maxMs', maxMs]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 60_000) {
      throw new TypeError(`updateIncident: "${name}" must be a number of milliseconds from 0 to 60000; received ${quote(value)}`);
    }
  }
  return { attempts, initialMs, maxMs: Math.max(initialMs, maxMs) };
}

/**
 * Loads an incident, computes its next state with `update` (for example a `decide`), and saves
 * it with optimistic concurrency, reloading and computing again when another writer got there
 * first, after a short random wait that grows with each attempt. `update` must be pure: it may
 * run more than once. Throws `stale_version` after the last attempt, `TypeError` for invalid
 * options.
 *
 * @example
 * ```ts
 * import { decide, MemoryIncidentStore, openIncident, updateIncident } from 'crisis-playbook/server';
 *
 * const store = new MemoryIncidentStore();
 * await store.create('inc-1', openIncident({ now: Date.now() }).incident);
 * await updateIncident(store, 'inc-1', (incident) => decide(incident, { type: 'assessment.complete' }, { now: Date.now() }).incident);
 * ```
 *
 * @category Server runtime
 */
export async function updateIncident(
  store: IncidentStore,
  id: string,
  update: (incident: StoredIncident) => StoredIncident | Promise<StoredIncident>,
  options: UpdateOptions = {},
): Promise<VersionedIncident> {
  const { attempts, initialMs, maxMs } = checkOptions(options);
  for (let attempt = 1; ; attempt++) {
    const current = await store.load(id);
    if (!current) throw incidentError('not_found', `No incident with id ${quote(id)}`, ['id']);
    const next = await update(current.incident);
    try {
      return await store.save(id, next, current.version);
    } catch (error) {
      const stale = error instanceof Error && (error as { code?: unknown }).code === 'stale_version';
      if (!stale || attempt >= attempts) throw error;
    }
    const ceiling = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
    await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
  }
}
