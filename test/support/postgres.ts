// The PostgreSQL backends the store and worker suites run on: the embedded PGlite always, and
// the server of DATABASE_URL when it is set (CI sets it). Each suite works in a schema of its
// own, made unique per run, and drops it when it is done.
import { randomBytes } from 'node:crypto';
import { connectPostgres, createPostgresIncidentStore, type PostgresConnection, type PostgresIncidentStore } from 'crisis-playbook/postgres';

export const databaseUrl = process.env['DATABASE_URL'] || undefined;

export interface Backend {
  readonly name: string;
  readonly url: string | undefined;
}

/** Where a URL points, without its password. */
export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

export const backends: readonly Backend[] = [
  { name: 'PGlite', url: undefined },
  ...(databaseUrl ? [{ name: `PostgreSQL server at ${hostOf(databaseUrl)}`, url: databaseUrl }] : []),
];

/** A schema name no other run uses: lowercase, at most 48 characters. */
export function uniqueSchema(label: string): string {
  return `cp_${label}_${process.pid.toString(36)}_${randomBytes(4).toString('hex')}`.slice(0, 48);
}

export interface Database {
  readonly connection: PostgresConnection;
  readonly schema: string;
  /** A store on a table of this suite's schema, migrated. */
  store(table?: string, options?: { notifyWithinMs?: number | false }): Promise<PostgresIncidentStore>;
  /** Drops the schema and closes the connection. */
  close(): Promise<void>;
}

export async function openDatabase(backend: Backend, label: string): Promise<Database> {
  const connection = await connectPostgres({ connectionString: backend.url });
  const schema = uniqueSchema(label);
  return {
    connection,
    schema,
    async store(table = 'incidents', options = {}) {
      const store = createPostgresIncidentStore({ client: connection, schema, table, ...options });
      await store.migrate();
      return store;
    },
    async close() {
      try {
        await connection.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await connection.close();
      }
    },
  };
}
