import { IncidentError } from 'crisis-playbook';
import { type IncidentStore, type StoredIncident, type VersionedIncident } from 'crisis-playbook/server';
import { preparedQuery, toPostgresClient, type PGliteLike, type PgClientLike, type PgPoolLike, type PostgresClient, type PostgresQueryable } from './client.js';
import { translateError, wellFormed } from './errors.js';
import { checkTable, migrateTable, tableNames, type TableNames, type TableOptions } from './schema.js';

/**
 * Options of {@link createPostgresIncidentStore}.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import type { PostgresStoreOptions } from 'crisis-playbook/postgres';
 *
 * const options: PostgresStoreOptions = { client: new PGlite(), schema: 'public', table: 'crisis_incidents' };
 * ```
 *
 * @category Postgres
 */
export interface PostgresStoreOptions extends TableOptions {
  /** A `pg` `Pool` or `Client`, a PGlite instance, or a {@link PostgresClient}. */
  readonly client: PostgresClient | PgPoolLike | PgClientLike | PGliteLike;
  /**
   * A write whose next deadline falls due within this many milliseconds sends a `NOTIFY`, so
   * that listening deadline workers wake up for it instead of waiting for their next poll.
   * `false` never notifies.
   *
   * @defaultValue 60000
   */
  readonly notifyWithinMs?: number | false;
  /**
   * On a `pg` pool or client, `load`, `create` and `save` run as statements prepared once per
   * connection (the server parses and plans each once, and every call sends only the values).
   * Set `false` behind a pooler that does not keep prepared statements, such as PgBouncer in
   * transaction mode before 1.21 (or with `max_prepared_statements = 0`). PGlite and other
   * clients always run plain statements.
   *
   * @defaultValue true
   */
  readonly preparedStatements?: boolean;
}

/**
 * One incident as the queries list it: its columns, without the document.
 *
 * @example
 * ```ts
 * import type { IncidentSummary } from 'crisis-playbook/postgres';
 *
 * function line(incident: IncidentSummary) {
 *   return `${incident.id} on ${incident.rung}, next deadline ${incident.nextDue ?? 'none'}`;
 * }
 * ```
 *
 * @category Postgres
 */
export interface IncidentSummary {
  readonly id: string;
  readonly version: number;
  readonly playbook: { readonly id: string; readonly version: string };
  readonly status: 'active' | 'done';
  /** The rung the incident is on (the final rung once it is done). */
  readonly rung: string;
  /** The earliest pending deadline (ISO time), `null` when none is pending. */
  readonly nextDue: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** How many times in a row the deadline worker could not use the stored document. */
  readonly failures: number;
  /** When the deadline worker tries this incident again after a failure (ISO time), else `null`. */
  readonly retryAt: string | null;
  /** The worker's last error for this incident, else `null`. */
  readonly lastError: string | null;
}

/**
 * Paging of the store's lists: at most `limit` incidents (1 to 10,000), ordered by id (by due
 * time for {@link PostgresIncidentStore.dueBy}), starting after the id `after`.
 *
 * @example
 * ```ts
 * import type { ListOptions } from 'crisis-playbook/postgres';
 *
 * const nextPage: ListOptions = { limit: 50, after: 'inc-0049' };
 * ```
 *
 * @category Postgres
 */
export interface ListOptions {
  /** @defaultValue 100 */
  readonly limit?: number;
  readonly after?: string;
}

/**
 * An {@link IncidentStore} over a PostgreSQL table, with the queries an app needs. See
 * {@link createPostgresIncidentStore}.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { createPostgresIncidentStore, type PostgresIncidentStore } from 'crisis-playbook/postgres';
 *
 * const store: PostgresIncidentStore = createPostgresIncidentStore({ client: new PGlite() });
 * await store.migrate();
 * console.log(await store.openOnRung('phoneCall')); // []
 * ```
 *
 * @category Postgres
 */
export interface PostgresIncidentStore extends IncidentStore {
  /** The adapted client the store runs its statements on. */
  readonly client: PostgresClient;
  /** The schema and table, validated. */
  readonly schema: string;
  readonly table: string;
  /** Creates the table and its indexes, or completes them; idempotent, safe from several processes at once. */
  migrate(): Promise<void>;
  /** Checks that the database answers and the table is there at this library's schema version: one clear {@link PostgresStoreError} otherwise. */
  check(): Promise<void>;
  /** Active incidents with a deadline due by `time` (epoch ms, `Date` or ISO string), earliest first. */
  dueBy(time: number | Date | string, options?: Pick<ListOptions, 'limit'>): Promise<IncidentSummary[]>;
  /** Active incidents of a playbook (of one of its versions, with `version`). */
  openByPlaybook(playbookId: string, options?: ListOptions & { readonly version?: string }): Promise<IncidentSummary[]>;
  /** Active incidents on a rung (of one playbook, with `playbook`). */
  openOnRung(rung: string, options?: ListOptions & { readonly playbook?: string }): Promise<IncidentSummary[]>;
  /** Incidents whose stored document the deadline worker could not use (see `failures`, `lastError`), by id. */
  failing(options?: ListOptions): Promise<IncidentSummary[]>;
}

/** The columns of a row, computed from its document. */
export interface Columns {
  readonly json: string;
  readonly playbookId: string;
  readonly playbookVersion: string;
  readonly status: 'active' | 'done';
  readonly rung: string;
  /** Epoch ms of the earliest pending deadline, or `null`. */
  readonly nextDue: number | null;
}

/** What the deadline worker needs from a store: kept off the public type. */
export interface StoreInternals {
  readonly names: TableNames;
  readonly client: PostgresClient;
  /** How far ahead a write's deadline must fall for the store to NOTIFY (`false`: never). */
  readonly notifyWithinMs: number | false;
}
const internals = new WeakMap<object, StoreInternals>();

/** The internals of a store made by {@link createPostgresIncidentStore}, or `undefined`. */
export function storeInternals(store: unknown): StoreInternals | undefined {
  return typeof store === 'object' && store !== null ? internals.get(store) : undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(path: (string | number)[], message: string): never {
  throw new IncidentError('invalid_document', [{ code: 'invalid_document', path, message }]);
}

/**
 * The columns of a stored incident, computed from the document itself (never taken from the
 * caller): playbook, status, rung and the earliest pending deadline. The document is not
 * validated against its playbook here (the runtime does that when it reads it), only enough
 * to fill the columns.
 */
export function columnsOf(incident: unknown): Columns {
  if (!isRecord(incident)) invalid([], `Expected a stored incident object; received ${incident === null ? 'null' : Array.isArray(incident) ? 'an array' : typeof incident}`);
  const playbook = incident['playbook'];
  if (!isRecord(playbook) || typeof playbook['id'] !== 'string' || typeof playbook['version'] !== 'string') {
    invalid(['playbook'], 'Expected "playbook" as { id: string, version: string }');
  }
  const snapshot = incident['snapshot'];
  if (!isRecord(snapshot)) invalid(['snapshot'], 'Expected a "snapshot" object');
  const status = snapshot['status'];
  if (status !== 'active' && status !== 'done') invalid(['snapshot', 'status'], 'Expected "status" to be "active" or "done"');
  const value = snapshot['value'];
  const active = isRecord(value) ? value['active'] : undefined;
  const rung = typeof value === 'string' ? value : isRecord(active) ? active['ladder'] : undefined;
  if (typeof rung !== 'string') invalid(['snapshot', 'value'], 'Expected a state value with a rung: a final rung id, or { active: { ladder: rung, … } }');
  const context = snapshot['context'];
  const deadlines = isRecord(context) ? context['deadlines'] : undefined;
  if (!Array.isArray(deadlines)) invalid(['snapshot', 'context', 'deadlines'], 'Expected a "deadlines" array');
  // Reminders of the response-time targets fall due like deadlines (the worker applies both).
  const reminders = isRecord(context) ? (context['reminders'] ?? []) : [];
  if (!Array.isArray(reminders)) invalid(['snapshot', 'context', 'reminders'], 'Expected "reminders" as an array');
  let nextDue: number | null = null;
  if (status === 'active') {
    for (const [key, list] of [['deadlines', deadlines], ['reminders', reminders]] as const) {
      list.forEach((pending: unknown, index) => {
        const due = isRecord(pending) && typeof pending['due'] === 'string' ? Date.parse(pending['due']) : Number.NaN;
        if (!Number.isFinite(due)) invalid(['snapshot', 'context', key, index, 'due'], 'Expected "due" as an ISO 8601 time');
        if (nextDue === null || due < nextDue) nextDue = due;
      });
    }
  }
  let json: string;
  try {
    json = JSON.stringify(incident);
  } catch (error) {
    invalid([], `Expected a stored incident that is plain JSON; ${(error as Error).message}`);
  }
  return { json, playbookId: playbook['id'] as string, playbookVersion: playbook['version'] as string, status, rung, nextDue };
}

const iso = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString());

/** A timestamptz from either driver (a Date, or text) as an ISO string. */
export function isoOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isFinite(date.getTime()) ? date.toISOString() : String(value);
}

function timeParameter(time: unknown, where: string): string {
  const date = time instanceof Date ? time : typeof time === 'number' || typeof time === 'string' ? new Date(time) : undefined;
  if (!date || !Number.isFinite(date.getTime())) {
    throw new TypeError(`${where}: expected a time as epoch milliseconds, a Date or an ISO 8601 string; received ${JSON.stringify(String(time)).slice(0, 80)}`);
  }
  return date.toISOString();
}

function listParameters(options: ListOptions | undefined, where: string): { limit: number; after: string | null } {
  const limit = options?.limit ?? 100;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) throw new TypeError(`${where}: "limit" must be an integer from 1 to 10000; received ${String(limit)}`);
  const after = options?.after ?? null;
  if (after !== null && typeof after !== 'string') throw new TypeError(`${where}: "after" must be an incident id; received ${typeof after}`);
  return { limit, after };
}

/**
 * Whether a string can be the id of a stored incident, kept as it is: 1 to 1,000 characters (at
 * most 2,000 bytes of UTF-8), no NUL, no half of a surrogate pair (PostgreSQL would store U+FFFD,
 * and two ids would be one).
 */
const possibleId = (id: string) =>
  id.length > 0 && id.length <= 1_000 && !id.includes('\u0000') && wellFormed(id) === id && (id.length <= 500 || utf8.encode(id).length <= 2_000);

// The id's index holds at most 2,704 bytes a row: 1000 characters of Chinese (3,000 bytes) would not fit.
const utf8 = new TextEncoder();

function checkId(id: unknown, where: string): asserts id is string {
  if (typeof id !== 'string') throw new TypeError(`${where}: the incident id must be a string; received ${typeof id}`);
}

const summaryColumns = 'id, version, playbook_id, playbook_version, status, rung, next_due, created_at, updated_at, failures, retry_at, last_error';

interface SummaryRow {
  id: string;
  version: number;
  playbook_id: string;
  playbook_version: string;
  status: 'active' | 'done';
  rung: string;
  next_due: unknown;
  created_at: unknown;
  updated_at: unknown;
  failures: number;
  retry_at: unknown;
  last_error: string | null;
}

const toSummary = (row: SummaryRow): IncidentSummary => ({
  id: row.id,
  version: Number(row.version),
  playbook: { id: row.playbook_id, version: row.playbook_version },
  status: row.status,
  rung: row.rung,
  nextDue: isoOf(row.next_due),
  createdAt: isoOf(row.created_at)!,
  updatedAt: isoOf(row.updated_at)!,
  failures: Number(row.failures),
  retryAt: isoOf(row.retry_at),
  lastError: row.last_error,
});

/**
 * An {@link IncidentStore} over PostgreSQL: each incident is a row with the document as
 * `jsonb`, an integer `version` (1 on create, +1 on every save, as in `MemoryIncidentStore`),
 * and columns computed from the document on every write — the playbook id and version, the
 * status, the rung and `next_due`, the earliest pending deadline (indexed, for the deadline
 * worker). `save` is a compare-and-set on the version: `stale_version` when another writer got
 * there first, `not_found` for an unknown id; `create` gives `already_exists` for a taken id
 * (all {@link IncidentError}s). Works with a `pg` `Pool` or `Client` (where `load`, `create`
 * and `save` are statements prepared once per connection, see `preparedStatements`) and with PGlite. Run
 * `migrate()` once (or apply {@link postgresSchemaSql}) before use.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { decide, openIncident, updateIncident } from 'crisis-playbook/server';
 * import { createPostgresIncidentStore } from 'crisis-playbook/postgres';
 *
 * const store = createPostgresIncidentStore({ client: new PGlite() });
 * await store.migrate();
 * await store.create('inc-1', openIncident({ now: Date.now() }).incident);
 * const saved = await updateIncident(store, 'inc-1', (incident) => decide(incident, { type: 'assessment.complete' }, { now: Date.now() }).incident);
 * console.log(saved.version); // 2
 * ```
 *
 * @category Postgres
 */
export function createPostgresIncidentStore(options: PostgresStoreOptions): PostgresIncidentStore {
  const where = 'createPostgresIncidentStore';
  if (!isRecord(options)) throw new TypeError(`${where}: expected options { client, schema?, table? }`);
  const client = toPostgresClient(options.client, where);
  const names = tableNames(options, where);
  const notifyWithinMs = options.notifyWithinMs ?? 60_000;
  if (notifyWithinMs !== false && (typeof notifyWithinMs !== 'number' || !(notifyWithinMs >= 0))) {
    throw new TypeError(`${where}: "notifyWithinMs" must be a number of milliseconds or false; received ${String(notifyWithinMs)}`);
  }
  const preparedStatements = options.preparedStatements ?? true;
  if (typeof preparedStatements !== 'boolean') throw new TypeError(`${where}: "preparedStatements" must be true or false; received ${String(preparedStatements)}`);
  const t = names.qualified;

  const notifyFor = (nextDue: number | null) => notifyWithinMs !== false && nextDue !== null && nextDue <= Date.now() + notifyWithinMs;
  const notifying = `, pg_notify('${names.channel}', $9)`;

  /** Runs a statement; `prepared` for the fixed statements of every load, create and save. */
  async function run<Row>(db: PostgresQueryable, text: string, params: readonly unknown[], prepared = false): Promise<Row[]> {
    try {
      return (prepared && preparedStatements ? await preparedQuery<Row>(db, text, params) : await db.query<Row>(text, params)).rows;
    } catch (error) {
      if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '22P05') {
        // jsonb cannot hold NUL characters (\u0000), which no document of the runtime contains.
        invalid([], 'The document contains text PostgreSQL cannot store in jsonb (a \\u0000 character)');
      }
      throw translateError(error, t);
    }
  }

  const insertSql = (notify: boolean) =>
    `INSERT INTO ${t} (id, document, version, playbook_id, playbook_version, status, rung, next_due)
     VALUES ($1, $2::jsonb, 1, $3, $4, $5, $6, $7::timestamptz)
     ON CONFLICT (id) DO NOTHING
     RETURNING version${notify ? notifying.replace('$9', '$8') : ''}`;

  const updateSql = (notify: boolean) =>
    `UPDATE ${t} SET document = $2::jsonb, version = version + 1, playbook_id = $4, playbook_version = $5, status = $6, rung = $7,
       next_due = $8::timestamptz, updated_at = now(), retry_at = NULL, failures = 0, last_error = NULL
     WHERE id = $1 AND version = $3
     RETURNING version${notify ? notifying : ''}`;
  const sql = {
    // As text, parsed here: the same work the driver would do, and a document that is a JSON
    // string (edited by hand) is not mistaken for the text of one.
    load: `SELECT document::text AS document, version FROM ${t} WHERE id = $1`,
    insert: insertSql(false),
    insertNotify: insertSql(true),
    update: updateSql(false),
    updateNotify: updateSql(true),
  };

  const list = async (condition: string, order: string, params: unknown[], limit: number) =>
    (await run<SummaryRow>(client, `SELECT ${summaryColumns} FROM ${t} WHERE ${condition} ORDER BY ${order} LIMIT ${limit}`, params)).map(toSummary);

  const store: PostgresIncidentStore = {
    client,
    schema: names.schema,
    table: names.table,

    migrate: () => migrateTable(client, names),

    check: () => checkTable(client, names),

    async load(id) {
      checkId(id, 'load');
      if (!possibleId(id)) return undefined;
      const [row] = await run<{ document: unknown; version: number }>(client, sql.load, [id], true);
      if (!row) return undefined;
      const incident: unknown = typeof row.document === 'string' ? JSON.parse(row.document) : row.document;
      if (!isRecord(incident)) invalid([], `The row of incident ${JSON.stringify(id.slice(0, 120))} holds ${incident === null ? 'null' : `a ${typeof incident}`}, not an incident document`);
      return { incident: incident as unknown as StoredIncident, version: Number(row.version) };
    },

    async create(id, incident): Promise<VersionedIncident> {
      checkId(id, 'create');
      if (!possibleId(id)) throw new TypeError('create: the incident id must have 1 to 1000 characters (at most 2,000 bytes of UTF-8), no NUL character and no half of a surrogate pair');
      const columns = columnsOf(incident);
      const notify = notifyFor(columns.nextDue);
      const params = [id, columns.json, columns.playbookId, columns.playbookVersion, columns.status, columns.rung, iso(columns.nextDue)];
      const rows = await run(client, notify ? sql.insertNotify : sql.insert, notify ? [...params, String(columns.nextDue)] : params, true);
      if (rows.length === 0) throw new IncidentError('already_exists', [{ code: 'already_exists', path: ['id'], message: `An incident with id ${JSON.stringify(id.slice(0, 120))} already exists` }]);
      return { incident, version: 1 };
    },

    async save(id, incident, expectedVersion): Promise<VersionedIncident> {
      checkId(id, 'save');
      if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 1) {
        throw new TypeError(`save: "expectedVersion" must be the positive integer version that was loaded; received ${String(expectedVersion)}`);
      }
      const quoted = JSON.stringify(id.slice(0, 120));
      if (!possibleId(id)) throw new IncidentError('not_found', [{ code: 'not_found', path: ['id'], message: `No incident with id ${quoted}` }]);
      const columns = columnsOf(incident);
      const notify = notifyFor(columns.nextDue);
      const params = [id, columns.json, expectedVersion, columns.playbookId, columns.playbookVersion, columns.status, columns.rung, iso(columns.nextDue)];
      const [saved] = await run<{ version: number }>(client, notify ? sql.updateNotify : sql.update, notify ? [...params, String(columns.nextDue)] : params, true);
      // The caller's document is returned as it is: nothing of it is shared with the table.
      if (saved) return { incident, version: Number(saved.version) };
      // Nothing updated: an unknown id, or another writer got there first.
      const [row] = await run<{ version: number }>(client, `SELECT version FROM ${t} WHERE id = $1`, [id]);
      if (!row) throw new IncidentError('not_found', [{ code: 'not_found', path: ['id'], message: `No incident with id ${quoted}` }]);
      const current = Number(row.version);
      throw new IncidentError('stale_version', [
        {
          code: 'stale_version',
          path: ['version'],
          message:
            current === expectedVersion
              ? `Incident ${quoted} was saved by another writer after version ${expectedVersion}: reload it and decide again`
              : `Incident ${quoted} is at version ${current}, not ${expectedVersion}: reload it and decide again`,
        },
      ]);
    },

    async dueBy(time, options) {
      const { limit } = listParameters(options, 'dueBy');
      return list('next_due <= $1::timestamptz', 'next_due, id', [timeParameter(time, 'dueBy')], limit);
    },

    async openByPlaybook(playbookId, options) {
      if (typeof playbookId !== 'string') throw new TypeError(`openByPlaybook: the playbook id must be a string; received ${typeof playbookId}`);
      const { limit, after } = listParameters(options, 'openByPlaybook');
      const version = options?.version ?? null;
      return list(
        `status = 'active' AND playbook_id = $1 AND ($2::text IS NULL OR playbook_version = $2) AND ($3::text IS NULL OR id > $3)`,
        'id',
        [playbookId, version, after],
        limit,
      );
    },

    async openOnRung(rung, options) {
      if (typeof rung !== 'string') throw new TypeError(`openOnRung: the rung must be a string; received ${typeof rung}`);
      const { limit, after } = listParameters(options, 'openOnRung');
      const playbook = options?.playbook ?? null;
      return list(`status = 'active' AND rung = $1 AND ($2::text IS NULL OR playbook_id = $2) AND ($3::text IS NULL OR id > $3)`, 'id', [rung, playbook, after], limit);
    },

    async failing(options) {
      const { limit, after } = listParameters(options, 'failing');
      return list(`failures > 0 AND ($1::text IS NULL OR id > $1)`, 'id', [after], limit);
    },
  };
  internals.set(store, { names, client, notifyWithinMs });
  return store;
}
