// crisis-playbook/postgres: incidents in PostgreSQL (a server through `pg`, or the embedded
// PGlite), with a deadline worker. It uses the main entry only through its public API.
export { connectPostgres, fromPg, fromPGlite } from './client.js';
export type {
  ConnectOptions,
  PGliteLike,
  PgClientLike,
  PgPoolClientLike,
  PgPoolLike,
  PostgresClient,
  PostgresConnection,
  PostgresQueryable,
  PostgresResult,
} from './client.js';
export { PostgresStoreError } from './errors.js';
export type { PostgresStoreErrorCode } from './errors.js';
export { postgresSchemaSql } from './schema.js';
export type { TableOptions } from './schema.js';
export { createPostgresIncidentStore } from './store.js';
export type { IncidentSummary, ListOptions, PostgresIncidentStore, PostgresStoreOptions } from './store.js';
export { createDeadlineWorker } from './worker.js';
export type { AppliedDeadlines, DeadlineWorker, DeadlineWorkerOptions, DeadlineWorkerStats, InvalidIncident, SweepResult } from './worker.js';
