/**
 * The codes of {@link PostgresStoreError}.
 *
 * @example
 * ```ts
 * import type { PostgresStoreErrorCode } from 'crisis-playbook/postgres';
 *
 * const fixable: PostgresStoreErrorCode[] = ['missing_table', 'outdated_schema'];
 * ```
 *
 * @category Postgres
 */
export type PostgresStoreErrorCode =
  /** The database cannot be reached or refused the login: check the connection string. */
  | 'connection_failed'
  /** The incidents table (or its schema) does not exist: run `migrate()`. */
  | 'missing_table'
  /** The table was made by an older version of this library, or by hand: run `migrate()`. */
  | 'outdated_schema'
  /** The table was migrated by a newer version of this library: upgrade it here too. */
  | 'newer_schema';

/**
 * Thrown by the PostgreSQL store and the deadline worker when the database is not usable as
 * it is: it cannot be reached (`connection_failed`), or the incidents table is missing or of
 * another schema version (`missing_table`, `outdated_schema`, `newer_schema`). The message is
 * one line that says what to do; `cause` holds the driver's error. Problems with a stored
 * incident itself are `IncidentError`s.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { createPostgresIncidentStore, PostgresStoreError } from 'crisis-playbook/postgres';
 *
 * const store = createPostgresIncidentStore({ client: new PGlite() });
 * try {
 *   await store.load('inc-1');
 * } catch (error) {
 *   if (error instanceof PostgresStoreError) console.log(error.code, error.message);
 *   // 'missing_table' 'Table "public"."crisis_incidents" does not exist: run `await store.migrate()` …'
 * }
 * ```
 *
 * @category Postgres
 */
export class PostgresStoreError extends Error {
  override readonly name = 'PostgresStoreError';
  readonly code: PostgresStoreErrorCode;
  constructor(code: PostgresStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

interface DriverError {
  code?: unknown;
  message?: unknown;
  address?: unknown;
  port?: unknown;
  errors?: unknown;
  column?: unknown;
}

const networkCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOENT']);

const oneLine = (text: unknown) =>
  String(text)
    // eslint-disable-next-line no-control-regex -- control characters from a server message stay off the terminal
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, 300);

/** The host and port of a connection string, without the password. */
function where(connectionString?: string): string {
  if (!connectionString) return '';
  try {
    const url = new URL(connectionString);
    return ` at ${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname && url.pathname !== '/' ? url.pathname : ''}`;
  } catch {
    return '';
  }
}

/**
 * A {@link PostgresStoreError} for an error that says the database cannot be reached or used
 * (network, login, unknown database, connection closed), or `undefined` for any other error.
 */
export function describeConnectionError(error: unknown, connectionString?: string): PostgresStoreError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  // Node 20 tries every address of a host name and reports an AggregateError with an empty message.
  const first = (Array.isArray((error as DriverError).errors) ? ((error as DriverError).errors as DriverError[])[0] : undefined) ?? (error as DriverError);
  const code = typeof first.code === 'string' ? first.code : typeof (error as DriverError).code === 'string' ? ((error as DriverError).code as string) : '';
  const target = where(connectionString) || (typeof first.address === 'string' ? ` at ${first.address}:${String(first.port ?? '')}` : '');
  if (networkCodes.has(code)) {
    return new PostgresStoreError(
      'connection_failed',
      `Cannot connect to PostgreSQL${target} (${code}): check the host and port of the connection string and that the server is running`,
      { cause: error },
    );
  }
  if (code.startsWith('28')) {
    // node-postgres sends no user name when it was given none: no connection string (an unset
    // DATABASE_URL) and no PGUSER or USER in the environment.
    const noUser = /no PostgreSQL user name specified/i.test(String(first.message ?? ''));
    const check = noUser
      ? 'no user name was given: is the connection string set (DATABASE_URL)? It reads postgres://user:password@host:5432/database'
      : 'check the user and password of the connection string';
    return new PostgresStoreError('connection_failed', `PostgreSQL${target} refused the login: ${oneLine(first.message)} — ${check}`, { cause: error });
  }
  if (code === '3D000') {
    return new PostgresStoreError('connection_failed', `PostgreSQL${target}: ${oneLine(first.message)} — check the database name of the connection string`, { cause: error });
  }
  if (code.startsWith('08') || code === '57P01' || code === '57P03' || /Connection terminated|connection.*(closed|ended)|not queryable/i.test(String(first.message ?? ''))) {
    return new PostgresStoreError('connection_failed', `Lost the connection to PostgreSQL${target}: ${oneLine(first.message) || code}`, { cause: error });
  }
  return undefined;
}

/**
 * The one clear error for a driver error that is about the database rather than the statement
 * (see {@link describeConnectionError}), or about the table: missing (run `migrate()`) or of an
 * older shape. Any other error is returned as it is.
 */
/** The error for a table that does not exist: what to run. */
export function missingTable(table: string, cause?: unknown): PostgresStoreError {
  return new PostgresStoreError(
    'missing_table',
    `Table ${table} does not exist: run \`await store.migrate()\` (or apply the SQL of postgresSchemaSql()) before using the store`,
    cause === undefined ? undefined : { cause },
  );
}

export function translateError(error: unknown, table: string): unknown {
  const connection = describeConnectionError(error);
  if (connection) return connection;
  const code = typeof error === 'object' && error !== null ? (error as DriverError).code : undefined;
  if (code === '42P01' || code === '3F000') {
    return missingTable(table, error);
  }
  if (code === '42703') {
    return new PostgresStoreError(
      'outdated_schema',
      `Table ${table} lacks a column this library needs (${oneLine((error as DriverError).message)}): it was changed by hand, or made by another version; \`migrate()\` adds no column to a table that exists: compare it with postgresSchemaSql() and add the column, or rename the table and migrate again to make a new one`,
      { cause: error },
    );
  }
  return error;
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `text` with every lone half of a surrogate pair replaced by U+FFFD (as `toWellFormed` does):
 * PostgreSQL refuses such a text in `jsonb` and `text` columns, and a text cut to length can
 * end in half an emoji. (The library's own copy is not reachable from this entry.)
 */
export const wellFormed = (text: string): string => text.replace(loneSurrogate, '\ufffd');
