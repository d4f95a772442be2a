import type { PostgresQueryable } from './client.js';
import { missingTable, PostgresStoreError, translateError } from './errors.js';

/**
 * Where the incidents live: a schema and a table name, each a lowercase SQL identifier of at
 * most 48 characters (letters, digits, underscores; not starting with a digit).
 *
 * @example
 * ```ts
 * import type { TableOptions } from 'crisis-playbook/postgres';
 *
 * const where: TableOptions = { schema: 'crisis', table: 'incidents' };
 * ```
 *
 * @category Postgres
 */
export interface TableOptions {
  /** @defaultValue `'public'` */
  readonly schema?: string;
  /** @defaultValue `'crisis_incidents'` */
  readonly table?: string;
}

/** The version of the table's shape that this library writes into the table's comment. */
export const schemaVersion = 1;
const commentPrefix = 'crisis-playbook incidents, schema ';

/** Validated names, quoted for SQL, and the derived names (indexes, notification channel). */
export interface TableNames {
  readonly schema: string;
  readonly table: string;
  /** `"schema"."table"`. */
  readonly qualified: string;
  readonly channel: string;
  readonly index: (suffix: string) => string;
}

const identifier = /^[a-z_][a-z0-9_]{0,47}$/;

export function tableNames(options: TableOptions, where: string): TableNames {
  const schema = options.schema ?? 'public';
  const table = options.table ?? 'crisis_incidents';
  for (const [name, value] of [['schema', schema], ['table', table]] as const) {
    if (typeof value !== 'string' || !identifier.test(value)) {
      throw new TypeError(
        `${where}: "${name}" must be a lowercase SQL identifier of at most 48 characters (letters, digits and underscores, not starting with a digit); received ${JSON.stringify(String(value)).slice(0, 80)}`,
      );
    }
  }
  return {
    schema,
    table,
    qualified: `"${schema}"."${table}"`,
    // At most 6 + 48 + 1 + 48 = 103 characters: PostgreSQL cuts channel names at 63 bytes, so
    // long names are shortened with a checksum that keeps them apart.
    channel: shorten(`crisis_due_${schema}_${table}`),
    index: (suffix) => `"${shorten(`${table}_${suffix}`)}"`,
  };
}

function shorten(name: string): string {
  if (name.length <= 63) return name;
  let hash = 0;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return `${name.slice(0, 54)}_${hash.toString(16).padStart(8, '0')}`;
}

/**
 * The statements that create (or complete) the table and its indexes; each is idempotent. Rows
 * are updated often: pages keep 10% free so that an update can stay on its page (HOT).
 */
/**
 * The table's indexes: the suffix of each name, and what it indexes. No index names updated_at,
 * which every save changes: saves that keep the indexed columns as they were can then be HOT
 * updates, which write no index entries.
 */
const indexes = [
  ['next_due_idx', '(next_due) WHERE next_due IS NOT NULL'],
  ['open_playbook_idx', "(playbook_id, playbook_version, id) WHERE status = 'active'"],
  ['open_rung_idx', "(rung, id) WHERE status = 'active'"],
  ['failing_idx', '(retry_at) WHERE failures > 0'],
  ['done_idx', "(id) WHERE status = 'done'"],
] as const;

function statements(names: TableNames): string[] {
  const { qualified, index } = names;
  return [
    `CREATE SCHEMA IF NOT EXISTS "${names.schema}"`,
    `CREATE TABLE IF NOT EXISTS ${qualified} (
  id text PRIMARY KEY,
  document jsonb NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  playbook_id text NOT NULL,
  playbook_version text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'done')),
  rung text NOT NULL,
  next_due timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  retry_at timestamptz,
  failures integer NOT NULL DEFAULT 0,
  last_error text
) WITH (fillfactor = 90)`,
    ...indexes.map(([suffix, on]) => `CREATE INDEX IF NOT EXISTS ${index(suffix)} ON ${qualified} ${on}`),
    `COMMENT ON TABLE ${qualified} IS '${commentPrefix}${schemaVersion}'`,
  ];
}

/**
 * A fixed key for `pg_advisory_xact_lock`, shared by every migration of this library, so that
 * processes migrating at the same time take turns (CREATE … IF NOT EXISTS alone can still fail
 * when two sessions create the same object at once).
 */
const migrationLock = 0x63726973; // "cris"

/**
 * The SQL that creates the incidents table and its indexes, for a migration tool or `psql`
 * (`migrate()` runs the same statements). Idempotent and safe to run from several processes
 * at once: it takes an advisory lock inside one transaction.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { postgresSchemaSql } from 'crisis-playbook/postgres';
 *
 * writeFileSync('001_crisis_incidents.sql', postgresSchemaSql({ schema: 'public', table: 'crisis_incidents' }));
 * ```
 *
 * @category Postgres
 */
export function postgresSchemaSql(options: TableOptions = {}): string {
  const names = tableNames(options, 'postgresSchemaSql');
  return [
    `-- crisis-playbook: incidents table ${names.qualified}, schema ${schemaVersion}`,
    'BEGIN;',
    `SELECT pg_advisory_xact_lock(${migrationLock});`,
    ...statements(names).map((statement) => `${statement};`),
    'COMMIT;',
    '',
  ].join('\n');
}

/** Creates or completes the table, under the migration lock, in one transaction. */
export async function migrateTable(client: { transaction<T>(run: (tx: PostgresQueryable) => Promise<T>): Promise<T> }, names: TableNames): Promise<void> {
  try {
    await client.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${migrationLock})`);
      const found = await readVersion(tx, names);
      if (found !== undefined && found > schemaVersion) throw newerSchema(names, found);
      if (found === 0) {
        throw new PostgresStoreError(
          'outdated_schema',
          `Table ${names.qualified} exists but was not made by crisis-playbook (it has no schema comment): choose another "table" or move that table away`,
        );
      }
      // Up to date already (every instance of a deploy migrates on start): no DDL, which would
      // queue for a lock on the table behind any open write, and every save behind it.
      if (found === schemaVersion && (await indexCount(tx, names)) >= indexes.length) return;
      for (const statement of statements(names)) await tx.query(statement);
    });
  } catch (error) {
    throw translateError(error, names.qualified);
  }
}


/** How many of this library's indexes the table has (one may have been dropped by hand). */
async function indexCount(db: PostgresQueryable, names: TableNames): Promise<number> {
  const wanted = indexes.map(([suffix]) => names.index(suffix).slice(1, -1));
  const { rows } = await db.query<{ count: number | string }>(`SELECT count(*) AS count FROM pg_indexes WHERE schemaname = $1 AND indexname = ANY($2::text[])`, [names.schema, wanted]);
  return Number(rows[0]?.count ?? 0);
}

/** The schema version written in the table's comment; `undefined` when there is no table, 0 for a table without the comment. */
async function readVersion(db: PostgresQueryable, names: TableNames): Promise<number | undefined> {
  const { rows } = await db.query<{ found: boolean; comment: string | null }>(
    `SELECT to_regclass($1) IS NOT NULL AS found, obj_description(to_regclass($1), 'pg_class') AS comment`,
    [names.qualified],
  );
  const row = rows[0];
  if (!row?.found) return undefined;
  const match = typeof row.comment === 'string' && row.comment.startsWith(commentPrefix) ? Number(row.comment.slice(commentPrefix.length)) : 0;
  return Number.isSafeInteger(match) ? match : 0;
}

const newerSchema = (names: TableNames, found: number) =>
  new PostgresStoreError(
    'newer_schema',
    `Table ${names.qualified} has schema ${found}, newer than this library's ${schemaVersion}: upgrade crisis-playbook in this app too`,
  );

/** Checks that the database answers and the table exists at this library's schema version. */
export async function checkTable(db: PostgresQueryable, names: TableNames): Promise<void> {
  let found: number | undefined;
  try {
    found = await readVersion(db, names);
  } catch (error) {
    throw translateError(error, names.qualified);
  }
  if (found === undefined) {
    throw missingTable(names.qualified);
  }
  if (found > schemaVersion) throw newerSchema(names, found);
  if (found < schemaVersion) {
    throw new PostgresStoreError(
      'outdated_schema',
      `Table ${names.qualified} ${found === 0 ? 'was not made by crisis-playbook (it has no schema comment)' : `has schema ${found}`}; this library needs schema ${schemaVersion}: run \`await store.migrate()\``,
    );
  }
}
