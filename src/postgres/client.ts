// One small query interface over the drivers: node-postgres (`pg`) pools and clients, and PGlite.
// No driver is imported here except through a dynamic import in `connectPostgres`, so that both
// stay optional peer dependencies and the declarations name none of their types.
import { describeConnectionError, PostgresStoreError } from './errors.js';

/**
 * What a query returns: its rows, as plain objects keyed by column name.
 *
 * @example
 * ```ts
 * import type { PostgresResult } from 'crisis-playbook/postgres';
 *
 * const result: PostgresResult<{ id: string }> = { rows: [{ id: 'inc-1' }] };
 * ```
 *
 * @category Postgres
 */
export interface PostgresResult<Row = Record<string, unknown>> {
  readonly rows: Row[];
}

/**
 * Something that runs one parameterised statement: a connection, or a transaction in progress.
 * Values always go through `params` (`$1`, `$2`, …), never into the text.
 *
 * @example
 * ```ts
 * import type { PostgresQueryable } from 'crisis-playbook/postgres';
 *
 * async function count(db: PostgresQueryable): Promise<number> {
 *   const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM crisis_incidents');
 *   return rows[0]!.n;
 * }
 * ```
 *
 * @category Postgres
 */
export interface PostgresQueryable {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<PostgresResult<Row>>;
}

/**
 * The query interface the store and the deadline worker use: statements, transactions on one
 * connection, and (optionally) `LISTEN` for wake-ups. A PGlite instance has this shape as it
 * is; {@link fromPg} adapts a `pg` `Pool` or `Client`. The store and the worker also accept a
 * `Pool`, `Client` or PGlite directly and adapt it themselves.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import type { PostgresClient } from 'crisis-playbook/postgres';
 *
 * const client: PostgresClient = new PGlite();
 * await client.transaction(async (tx) => tx.query('SELECT 1'));
 * ```
 *
 * @category Postgres
 */
export interface PostgresClient extends PostgresQueryable {
  /**
   * Runs `run` inside `BEGIN … COMMIT` on one connection, with `ROLLBACK` when it throws (the
   * error is rethrown). Statements of the transaction go through the `tx` it is given.
   */
  transaction<T>(run: (tx: PostgresQueryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` with the payload of every `NOTIFY` on `channel` until the returned function
   * is called. Optional: without it, the worker polls.
   */
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
}

/**
 * The parts of a node-postgres `Pool` that {@link fromPg} uses (any `pg.Pool` has them).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import type { PgPoolLike } from 'crisis-playbook/postgres';
 *
 * const pool: PgPoolLike = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
 * ```
 *
 * @category Postgres
 */
export interface PgPoolLike extends PostgresQueryable {
  connect(): Promise<PgPoolClientLike>;
  readonly totalCount: number;
}

/**
 * The parts of a node-postgres `Client` (connected) that {@link fromPg} uses.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import type { PgClientLike } from 'crisis-playbook/postgres';
 *
 * const client: PgClientLike = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
 * ```
 *
 * @category Postgres
 */
export interface PgClientLike extends PostgresQueryable {
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * A client checked out of a node-postgres pool.
 *
 * @example
 * ```ts
 * import type { PgPoolClientLike, PgPoolLike } from 'crisis-playbook/postgres';
 *
 * async function ping(pool: PgPoolLike) {
 *   const client: PgPoolClientLike = await pool.connect();
 *   try {
 *     await client.query('SELECT 1');
 *   } finally {
 *     client.release();
 *   }
 * }
 * ```
 *
 * @category Postgres
 */
export interface PgPoolClientLike extends PgClientLike {
  release(destroy?: Error | boolean): void;
}

/**
 * The parts of a PGlite instance that {@link fromPGlite} uses (any `PGlite` has them).
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import type { PGliteLike } from 'crisis-playbook/postgres';
 *
 * const db: PGliteLike = new PGlite();
 * ```
 *
 * @category Postgres
 */
export interface PGliteLike extends PostgresQueryable {
  transaction<T>(run: (tx: PostgresQueryable) => Promise<T>): Promise<T>;
  listen(channel: string, onNotify: (payload: string) => void): Promise<(tx?: never) => Promise<void>>;
  exec(text: string): Promise<unknown>;
  readonly closed: boolean;
}

/**
 * A connection made by {@link connectPostgres}: a {@link PostgresClient} that you close when
 * the app stops.
 *
 * @example
 * ```ts
 * import { connectPostgres, type PostgresConnection } from 'crisis-playbook/postgres';
 *
 * const connection: PostgresConnection = await connectPostgres();
 * console.log(connection.kind); // 'pglite'
 * await connection.close();
 * ```
 *
 * @category Postgres
 */
export interface PostgresConnection extends PostgresClient {
  /** `pg` for a server reached with a `pg.Pool`, `pglite` for the embedded database. */
  readonly kind: 'pg' | 'pglite';
  /** Ends the pool, or closes the embedded database. */
  close(): Promise<void>;
}

const adapted = Symbol.for('crisis-playbook/postgres-client');
type Adapted = PostgresClient & { readonly [adapted]: true };

/**
 * How an adapted `pg` pool or client runs a statement it prepares once per connection (a
 * node-postgres named statement: the server parses and plans it once, and each run sends only
 * the values). Kept off the public types: the store uses it through {@link preparedQuery}.
 */
const preparing = Symbol('crisis-playbook/prepared-query');
interface Preparing {
  readonly [preparing]: (name: string, text: string, params: readonly unknown[]) => Promise<PostgresResult<never>>;
}

/** The names given to prepared statements in this process, by text. */
const preparedNames = new Map<string, string>();

/**
 * The name of the prepared statement for `text`: made from the text alone (two 32-bit FNV-1a
 * hashes of it), so that every copy of the library sharing a pool (its ESM and CommonJS builds,
 * two releases) gives the same text the same name, and different texts different names. A
 * counter per copy gave each copy's first statement the same name, and node-postgres refuses a
 * name already prepared on a connection for another text.
 */
function statementName(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x811c9dc5 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return `crisis_playbook_${hex(a)}${hex(b)}`;
}

/**
 * Runs `text` as a statement prepared once per connection when `db` is an adapted `pg` pool or
 * client, else as a plain statement (PGlite, a transaction, any other {@link PostgresQueryable}).
 * For the few fixed statements run on every load and save: each text gets a name of its own.
 */
export function preparedQuery<Row>(db: PostgresQueryable, text: string, params: readonly unknown[]): Promise<PostgresResult<Row>> {
  const prepare = (db as Partial<Preparing>)[preparing];
  if (!prepare) return db.query<Row>(text, params);
  let name = preparedNames.get(text);
  if (name === undefined) {
    name = statementName(text);
    preparedNames.set(text, name);
  }
  return prepare(name, text, params) as Promise<PostgresResult<Row>>;
}

/**
 * Whether `client` is a `pg` pool or client adapted by {@link fromPg}: a connection to a server,
 * with other sessions beside it. PGlite has none (and a session timeout firing inside it blocks
 * its process); other clients are not known.
 */
export function isPgClient(client: PostgresQueryable): boolean {
  return typeof (client as Partial<Preparing>)[preparing] === 'function';
}

/** A `pg` pool's or client's `query` called with a query config, which any node-postgres `query` takes. */
type QueryWithConfig = (config: { name: string; text: string; values: readonly unknown[] }) => Promise<PostgresResult<never>>;

function mark<T extends PostgresClient>(client: T): T & Adapted {
  return Object.defineProperty(client, adapted, { value: true }) as T & Adapted;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const hasFunctions = (value: Record<string, unknown>, ...names: string[]) => names.every((name) => typeof value[name] === 'function');

/** A quoted identifier for LISTEN/UNLISTEN (channel names are built from validated identifiers). */
const quoteChannel = (channel: string) => `"${channel.replace(/"/g, '""')}"`;

/** A queue that runs one task at a time, in order. */
function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
}

/** Errors after which a connection is no longer usable (its ROLLBACK failed too). */
const brokenBy = new WeakSet<object>();

async function inTransaction<T>(connection: PostgresQueryable, run: (tx: PostgresQueryable) => Promise<T>): Promise<T> {
  try {
    await connection.query('BEGIN');
  } catch (error) {
    if (isObject(error)) brokenBy.add(error);
    throw error;
  }
  try {
    const result = await run({ query: (text, params) => connection.query(text, params) });
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await connection.query('ROLLBACK');
    } catch {
      if (isObject(error)) brokenBy.add(error);
    }
    throw error;
  }
}

/**
 * Adapts a node-postgres `Pool` or `Client` to a {@link PostgresClient}. A pool runs each
 * transaction on a connection of its own and listens on a dedicated connection (kept for as
 * long as the listener, re-made when it breaks); a client runs its transactions one at a time,
 * and statements given through the adapter wait for the transaction in progress.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPostgresIncidentStore, fromPg } from 'crisis-playbook/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const store = createPostgresIncidentStore({ client: fromPg(pool) });
 * ```
 *
 * @category Postgres
 */
export function fromPg(client: PgPoolLike | PgClientLike): PostgresClient {
  if (isObject(client) && (client as Partial<Adapted>)[adapted]) return client as unknown as PostgresClient;
  if (!isObject(client) || !hasFunctions(client, 'query', 'connect')) {
    throw new TypeError(`fromPg: expected a pg Pool or Client (with query() and connect()); received ${describe(client)}`);
  }
  return typeof (client as Partial<PgPoolLike>).totalCount === 'number' ? fromPgPool(client as PgPoolLike) : fromPgClient(client as PgClientLike);
}

/**
 * Gives a node-postgres pool or client an `'error'` listener when it has none. The server ends
 * idle connections too (a restart, a failover, `pg_terminate_backend`): the pool then drops the
 * connection and emits `'error'`, and a client emits it, which ends the Node.js process when no
 * one listens. With this listener the pool opens a new connection for the next query, and a
 * client's next query fails with the reason (the store and the worker report it). An app that
 * listens itself (to log them) keeps its listener; this one does nothing.
 */
function listenForIdleErrors(emitter: object): void {
  const { on, listenerCount } = emitter as { on?: unknown; listenerCount?: unknown };
  if (typeof on !== 'function' || typeof listenerCount !== 'function') return;
  if ((listenerCount as (event: string) => number).call(emitter, 'error') === 0) (on as (event: string, listener: () => void) => void).call(emitter, 'error', ignoreIdleError);
}

const ignoreIdleError = () => undefined;

function fromPgPool(pool: PgPoolLike): PostgresClient {
  listenForIdleErrors(pool);
  const queryConfig = pool.query.bind(pool) as unknown as QueryWithConfig;
  return mark({
    query: (text, params) => pool.query(text, params),
    [preparing]: (name: string, text: string, values: readonly unknown[]) => queryConfig({ name, text, values }),
    async transaction(run) {
      const connection = await pool.connect();
      let broken: Error | undefined;
      // While a connection is checked out, the pool no longer listens for its errors: a backend
      // ended by the server (a restart, a failover, an idle-in-transaction timeout) would be an
      // unhandled 'error' event, which ends the Node.js process. The query under way fails with
      // it, and the connection is not given back.
      const onError = (error: Error) => {
        broken = error;
      };
      connection.on('error', onError);
      try {
        return await inTransaction(connection, run);
      } catch (error) {
        // A connection that broke, or whose ROLLBACK failed, is not given back to the pool.
        if (isObject(error) && brokenBy.has(error)) broken = error instanceof Error ? error : new Error('broken connection');
        throw error;
      } finally {
        connection.removeListener('error', onError);
        connection.release(broken);
      }
    },
    async listen(channel, onNotify) {
      // The listener keeps a connection of the pool for itself: with one in all, every other
      // query would wait for ever. The worker then polls without LISTEN, and says why.
      if ((pool as { options?: { max?: unknown } }).options?.max === 1) {
        throw new PostgresStoreError('connection_failed', 'The pool has one connection (max: 1), which LISTEN would keep for itself: give the pool at least 2 connections, or start the worker with listen: false');
      }
      let connection: PgPoolClientLike | undefined;
      let stopped = false;
      let retry: ReturnType<typeof setTimeout> | undefined;
      const onNotification = (message: { channel: string; payload?: string }) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      };
      const onError = () => {
        const lost = connection;
        connection = undefined;
        if (lost) {
          lost.removeListener('notification', onNotification);
          lost.removeListener('error', onError);
          lost.release(true);
        }
        // Notifications sent while no connection listens are lost: the worker's polling covers them.
        if (!stopped) retry = setTimeout(() => void connect().catch(onError), 1_000);
      };
      const connect = async () => {
        const next = await pool.connect();
        // Heard from now on, not after LISTEN: a connection ended by the server meanwhile must not end the process.
        const whileListening = () => undefined;
        next.on('error', whileListening);
        next.on('notification', onNotification);
        try {
          await next.query(`LISTEN ${quoteChannel(channel)}`);
        } catch (error) {
          next.removeListener('notification', onNotification);
          next.removeListener('error', whileListening);
          next.release(true);
          throw error;
        }
        next.removeListener('error', whileListening);
        next.on('error', onError);
        connection = next;
        if (stopped) await unlisten();
      };
      const unlisten = async () => {
        stopped = true;
        clearTimeout(retry);
        const current = connection;
        connection = undefined;
        if (!current) return;
        current.removeListener('notification', onNotification);
        try {
          await current.query(`UNLISTEN ${quoteChannel(channel)}`);
          current.removeListener('error', onError);
          current.release();
        } catch {
          current.removeListener('error', onError);
          current.release(true);
        }
      };
      await connect();
      return unlisten;
    },
  });
}

function fromPgClient(client: PgClientLike): PostgresClient {
  listenForIdleErrors(client);
  const serial = serialQueue();
  const queryConfig = client.query.bind(client) as unknown as QueryWithConfig;
  return mark({
    query: (text, params) => serial(() => client.query(text, params)),
    [preparing]: (name: string, text: string, values: readonly unknown[]) => serial(() => queryConfig({ name, text, values })),
    transaction: (run) => serial(() => inTransaction(client, run)),
    async listen(channel, onNotify) {
      const onNotification = (message: { channel: string; payload?: string }) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      };
      client.on('notification', onNotification);
      await serial(() => client.query(`LISTEN ${quoteChannel(channel)}`));
      return async () => {
        client.removeListener('notification', onNotification);
        await serial(() => client.query(`UNLISTEN ${quoteChannel(channel)}`));
      };
    },
  });
}

/**
 * Adapts a PGlite instance to a {@link PostgresClient} (a PGlite instance already has the
 * shape; the adapter checks that it is open and only passes `LISTEN` what it expects).
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { createPostgresIncidentStore, fromPGlite } from 'crisis-playbook/postgres';
 *
 * const store = createPostgresIncidentStore({ client: fromPGlite(new PGlite()) });
 * await store.migrate();
 * ```
 *
 * @category Postgres
 */
export function fromPGlite(db: PGliteLike): PostgresClient {
  if (isObject(db) && (db as Partial<Adapted>)[adapted]) return db as unknown as PostgresClient;
  if (!isObject(db) || !hasFunctions(db, 'query', 'transaction', 'listen', 'exec')) {
    throw new TypeError(`fromPGlite: expected a PGlite instance (with query(), transaction(), listen() and exec()); received ${describe(db)}`);
  }
  const open = () => {
    if (db.closed) throw new PostgresStoreError('connection_failed', 'The PGlite database is closed: create a new PGlite instance');
  };
  return mark({
    async query(text, params) {
      open();
      return db.query(text, params as unknown[] | undefined);
    },
    async transaction(run) {
      open();
      return db.transaction((tx) => run({ query: (text, params) => tx.query(text, params as unknown[] | undefined) }));
    },
    async listen(channel, onNotify) {
      open();
      const unlisten = await db.listen(channel, onNotify);
      return async () => {
        if (!db.closed) await unlisten();
      };
    },
  });
}

/**
 * The {@link PostgresClient} for whatever was given: a `PostgresClient` already adapted, a
 * `pg` `Pool` or `Client`, a PGlite instance, or any object with `query` and `transaction`.
 */
export function toPostgresClient(value: unknown, where: string): PostgresClient {
  if (isObject(value)) {
    if ((value as Partial<Adapted>)[adapted]) return value as unknown as PostgresClient;
    if (hasFunctions(value, 'query', 'transaction', 'listen', 'exec') && 'closed' in value) return fromPGlite(value as unknown as PGliteLike);
    if (hasFunctions(value, 'query', 'connect')) return fromPg(value as unknown as PgPoolLike);
    if (hasFunctions(value, 'query', 'transaction')) return value as unknown as PostgresClient;
  }
  throw new TypeError(`${where}: "client" must be a pg Pool or Client, a PGlite instance, or a PostgresClient ({ query, transaction }); received ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value === 'string' ? `a string (pass a pg Pool made from the connection string, or use connectPostgres())` : typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return `an object${typeof name === 'string' && name !== 'Object' ? ` (${name})` : ''} with ${Object.keys(value).slice(0, 6).join(', ') || 'no keys'}`;
}

/**
 * Options of {@link connectPostgres}.
 *
 * @example
 * ```ts
 * import type { ConnectOptions } from 'crisis-playbook/postgres';
 *
 * const options: ConnectOptions = { connectionString: process.env.DATABASE_URL, max: 10 };
 * ```
 *
 * @category Postgres
 */
export interface ConnectOptions {
  /**
   * A PostgreSQL connection string (`postgres://user:password@host:5432/database`). Without
   * one, the embedded PGlite database is used.
   */
  readonly connectionString?: string | undefined;
  /** The size of the `pg` pool. @defaultValue 10 */
  readonly max?: number;
  /** PGlite only: where the embedded database keeps its files; in memory without one. */
  readonly dataDir?: string;
}

/**
 * Connects to PostgreSQL: a `pg` pool when a connection string is given (the `pg` package must
 * be installed), else the embedded PGlite database (`@electric-sql/pglite`), so that nothing
 * needs a server to try it. The first statement runs at once, so a wrong connection string
 * fails here with one clear {@link PostgresStoreError} (`connection_failed`).
 *
 * @example
 * ```ts
 * import { connectPostgres, createPostgresIncidentStore } from 'crisis-playbook/postgres';
 *
 * const connection = await connectPostgres({ connectionString: process.env.DATABASE_URL });
 * const store = createPostgresIncidentStore({ client: connection });
 * await store.migrate();
 * await connection.close();
 * ```
 *
 * @category Postgres
 */
export async function connectPostgres(options: ConnectOptions = {}): Promise<PostgresConnection> {
  const { connectionString, max = 10, dataDir } = options;
  if (!Number.isInteger(max) || max < 1) throw new TypeError(`connectPostgres: "max" must be a whole number of connections, at least 1; received ${describe(max)}`);
  if (connectionString !== undefined && (typeof connectionString !== 'string' || connectionString.trim() === '')) {
    throw new TypeError(`connectPostgres: "connectionString" must be a non-empty string such as postgres://user@host:5432/database; received ${describe(connectionString)}`);
  }
  if (connectionString) {
    if (!/^postgres(ql)?:\/\/[^\s]*$/.test(connectionString)) {
      throw new PostgresStoreError('connection_failed', 'Cannot use the connection string: expected postgres://user:password@host:5432/database');
    }
    const pg = await importOptional<{ Pool: new (config: object) => PgPoolLike & { end(): Promise<void>; on(event: 'error', listener: (error: Error) => void): unknown } }>(
      'pg',
      () => import('pg'),
    );
    let pool: PgPoolLike & { end(): Promise<void>; on(event: 'error', listener: (error: Error) => void): unknown };
    try {
      pool = new pg.Pool({ connectionString, max });
    } catch (error) {
      throw new PostgresStoreError('connection_failed', `Cannot use the connection string: ${(error as Error).message} — expected postgres://user:password@host:5432/database`, { cause: error });
    }
    // An idle pooled connection that breaks is reported here, not thrown out of the process.
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw describeConnectionError(error, connectionString) ?? error;
    }
    const client = fromPg(pool);
    return Object.assign(client, { kind: 'pg' as const, close: () => pool.end() });
  }
  const { PGlite } = await importOptional<{ PGlite: { create(dataDir?: string): Promise<PGliteLike & { close(): Promise<void> }> } }>(
    '@electric-sql/pglite',
    () => import('@electric-sql/pglite'),
  );
  const db = await PGlite.create(dataDir);
  const client = fromPGlite(db);
  return Object.assign(client, {
    kind: 'pglite' as const,
    close: async () => {
      if (!db.closed) await db.close();
    },
  });
}

async function importOptional<T>(name: string, load: () => Promise<unknown>): Promise<T> {
  let module: unknown;
  try {
    module = await load();
  } catch (error) {
    const missing = isObject(error) && (error['code'] === 'ERR_MODULE_NOT_FOUND' || error['code'] === 'MODULE_NOT_FOUND');
    if (!missing) throw error;
    throw new PostgresStoreError('connection_failed', `connectPostgres needs the "${name}" package: npm install ${name}`, { cause: error });
  }
  // A CommonJS package imported from ESM has its exports on `default`.
  const record = module as Record<string, unknown>;
  return (isObject(record['default']) && !('PGlite' in record) && !('Pool' in record) ? record['default'] : record) as T;
}
