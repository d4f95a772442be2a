import { IncidentError } from 'crisis-playbook';
import { type Decision, type IncidentRuntime } from 'crisis-playbook/server';
import { isPgClient, type PostgresQueryable } from './client.js';
import { translateError, wellFormed } from './errors.js';
import { checkTable } from './schema.js';
import { columnsOf, isoOf, storeInternals, type PostgresIncidentStore } from './store.js';

/**
 * Deadlines the worker applied to one incident, saved at `version`.
 *
 * @example
 * ```ts
 * import type { AppliedDeadlines } from 'crisis-playbook/postgres';
 *
 * function notify({ id, decision }: AppliedDeadlines) {
 *   console.log(`${id}: a window ran out, now on ${decision.rung}; next: ${decision.recommendations[0]?.title}`);
 * }
 * ```
 *
 * @category Postgres
 */
export interface AppliedDeadlines {
  readonly id: string;
  /** The version the worker saved. */
  readonly version: number;
  /** The decision of `decideDue`: `added` holds one `window.elapsed` entry per deadline applied. */
  readonly decision: Decision;
}

/**
 * A stored incident the worker could not use: its document fails the runtime's checks (an
 * {@link IncidentError}, for example `invalid_document` or `invalid_signature`). The document
 * is left as it is; the incident is tried again at `retryAt`, later after each failure.
 *
 * @example
 * ```ts
 * import type { InvalidIncident } from 'crisis-playbook/postgres';
 *
 * function alert({ id, error, failures }: InvalidIncident) {
 *   console.error(`incident ${id} cannot be used (${error.code}, ${failures} time(s)): restore it from a backup`);
 * }
 * ```
 *
 * @category Postgres
 */
export interface InvalidIncident {
  readonly id: string;
  /** The version of the document that failed, left as it is. */
  readonly version: number;
  readonly error: IncidentError;
  /** How many sweeps in a row failed on this incident. */
  readonly failures: number;
  /** When the worker tries it again (ISO time). */
  readonly retryAt: string;
}

/**
 * What one sweep did: how many incidents it claimed, which it saved, which it could not use.
 *
 * @example
 * ```ts
 * import type { SweepResult } from 'crisis-playbook/postgres';
 *
 * const summary = (result: SweepResult) => `${result.applied.length} saved, ${result.invalid.length} invalid of ${result.claimed}`;
 * ```
 *
 * @category Postgres
 */
export interface SweepResult {
  readonly claimed: number;
  readonly applied: readonly AppliedDeadlines[];
  readonly invalid: readonly InvalidIncident[];
}

/**
 * Counters of a {@link DeadlineWorker} since it was created.
 *
 * @example
 * ```ts
 * import type { DeadlineWorkerStats } from 'crisis-playbook/postgres';
 *
 * const healthy = (stats: DeadlineWorkerStats) => stats.errors === 0 && stats.invalid === 0;
 * ```
 *
 * @category Postgres
 */
export interface DeadlineWorkerStats {
  /** Sweeps that committed. */
  readonly sweeps: number;
  /** Incidents saved with deadlines applied. */
  readonly applied: number;
  /** Deadlines applied (timeline entries added). */
  readonly deadlines: number;
  /** Times an incident's stored document could not be used (see {@link InvalidIncident}). */
  readonly invalid: number;
  /** Sweeps that failed (the database, or a hook that threw) and hooks that threw after a commit. */
  readonly errors: number;
}

/**
 * Options of {@link createDeadlineWorker}.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { crisisMachine } from 'crisis-playbook';
 * import { createIncidentRuntime } from 'crisis-playbook/server';
 * import { createPostgresIncidentStore, type DeadlineWorkerOptions } from 'crisis-playbook/postgres';
 *
 * const options: DeadlineWorkerOptions = {
 *   store: createPostgresIncidentStore({ client: new PGlite() }),
 *   runtime: createIncidentRuntime({ playbooks: [crisisMachine] }),
 *   batchSize: 50,
 *   onDecision: ({ id, decision }) => console.log(id, decision.rung),
 * };
 * ```
 *
 * @category Postgres
 */
export interface DeadlineWorkerOptions {
  /** The store made by {@link createPostgresIncidentStore}. */
  readonly store: PostgresIncidentStore;
  /** The runtime that reads and writes the documents: the same playbooks and signing keys as the app's. */
  readonly runtime: IncidentRuntime;
  /** Incidents claimed per transaction, 1 to 1,000. @defaultValue 50 */
  readonly batchSize?: number;
  /**
   * The longest the worker sleeps between sweeps, in milliseconds (10 ms to a day). It wakes
   * earlier for the earliest `next_due` it knows of, and on a `NOTIFY` from a write.
   *
   * @defaultValue 10000
   */
  readonly pollIntervalMs?: number;
  /** The worker's clock, for tests: epoch milliseconds or a `Date`. @defaultValue `Date.now` */
  readonly now?: () => number | Date;
  /** Wake up on the store's `NOTIFY` (when the client can `LISTEN`). @defaultValue true */
  readonly listen?: boolean;
  /**
   * How long an incident whose document cannot be used waits before it is tried again: from
   * `initialMs`, doubling after each failure, up to `maxMs`.
   *
   * @defaultValue `{ initialMs: 60000, maxMs: 3600000 }`
   */
  readonly retry?: { readonly initialMs?: number; readonly maxMs?: number };
  /**
   * Called after the commit for each incident saved, in order: notify the responder here. A
   * worker that dies between the commit and this call does not call it again (use
   * `inTransaction` for an outbox when every notification must go out).
   */
  readonly onDecision?: (applied: AppliedDeadlines) => void | Promise<void>;
  /**
   * Called inside the sweep's transaction for each incident saved, with the transaction: write
   * to an outbox table here so that the notification commits with the deadline. Throwing rolls
   * the whole batch back (it is tried again on a later sweep).
   */
  readonly inTransaction?: (tx: PostgresQueryable, applied: AppliedDeadlines) => Promise<void>;
  /**
   * How long a sweep's transaction may sit idle, in milliseconds, before PostgreSQL ends its
   * session (`idle_in_transaction_session_timeout`, for that transaction only): a worker whose
   * process froze or whose machine was cut off from the database keeps its connection open, and
   * the rows it claimed stay locked (no other worker claims them, and a save of one of those
   * incidents waits) until then. Make it longer than your `inTransaction` hook may take between
   * two statements, and than a batch's decisions take between the claim and the save; 0 leaves
   * the server's setting. Only on `pg` pools and clients: PGlite has no other session to free,
   * and nothing is set there (nor on a client of your own). A single `pg.Client` ended this way
   * does not reconnect.
   *
   * @defaultValue 60000
   */
  readonly stalledTransactionMs?: number;
  /** Called after the commit for each incident whose document could not be used. @defaultValue a one-line `console.warn` */
  readonly onInvalid?: (failure: InvalidIncident) => void | Promise<void>;
  /** Called when a sweep or a hook fails; the worker carries on. @defaultValue a one-line `console.error` */
  readonly onError?: (error: unknown) => void;
}

/**
 * A running deadline worker. See {@link createDeadlineWorker}.
 *
 * @example
 * ```ts
 * import type { DeadlineWorker } from 'crisis-playbook/postgres';
 *
 * async function shutDown(worker: DeadlineWorker) {
 *   await worker.stop();
 *   console.log(worker.stats);
 * }
 * ```
 *
 * @category Postgres
 */
export interface DeadlineWorker {
  /**
   * Checks the table (one clear {@link PostgresStoreError} when it is missing or the database
   * cannot be reached), starts listening and sweeping. Resolves once running. Called while a
   * `stop()` is under way, it starts after that stop is done (a restart need not wait for it).
   */
  start(): Promise<void>;
  /** Stops: the batch in flight finishes (commits) or rolls back, no other starts; resolves when it is done. */
  stop(): Promise<void>;
  /** Claims and processes one batch now (for a cron job, or a test with its own clock). */
  sweep(): Promise<SweepResult>;
  readonly running: boolean;
  /** The counters, a copy. */
  readonly stats: DeadlineWorkerStats;
}

function positive(value: unknown, name: string, min: number, max: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new TypeError(`createDeadlineWorker: "${name}" must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}; received ${String(value)}`);
  }
  return value;
}

/** What `inTransaction` threw, carried out of the transaction untouched (not read as an error of the incidents table). */
class HookFailure {
  constructor(readonly error: unknown) {}
}

/** A message for the `last_error` column: one line, at most 500 characters, and well-formed (half an emoji is no text PostgreSQL takes). */
const oneLine = (text: string) => wellFormed(text.replace(/\s+/g, ' ').slice(0, 500));

/**
 * A worker that applies due deadlines to the incidents of a PostgreSQL store, exactly once
 * however many workers run. Each sweep claims up to `batchSize` incidents whose `next_due` has
 * come (`SELECT … FOR UPDATE SKIP LOCKED`, so workers never wait for one another), applies
 * `runtime.decideDue` and saves in the same transaction. A worker that dies mid-batch holds
 * nothing: its transaction rolls back and another worker claims those incidents. A document
 * that fails the runtime's checks is never written: it is reported (`onInvalid`, the `invalid`
 * counter, the store's `failing()` list) and tried again later, while the others go on.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { crisisMachine } from 'crisis-playbook';
 * import { createIncidentRuntime } from 'crisis-playbook/server';
 * import { createDeadlineWorker, createPostgresIncidentStore } from 'crisis-playbook/postgres';
 *
 * const store = createPostgresIncidentStore({ client: new PGlite() });
 * await store.migrate();
 * const worker = createDeadlineWorker({
 *   store,
 *   runtime: createIncidentRuntime({ playbooks: [crisisMachine] }),
 *   onDecision: ({ id, decision }) => console.log(`${id} is now on ${decision.rung}`),
 * });
 * await worker.start();
 * process.once('SIGTERM', () => void worker.stop());
 * await worker.stop();
 * ```
 *
 * @category Postgres
 */
export function createDeadlineWorker(options: DeadlineWorkerOptions): DeadlineWorker {
  const internals = storeInternals(options?.store);
  if (!internals) throw new TypeError('createDeadlineWorker: "store" must be a store made by createPostgresIncidentStore');
  const runtime = options.runtime;
  if (typeof runtime?.decideDue !== 'function') {
    throw new TypeError('createDeadlineWorker: "runtime" must be the app\'s IncidentRuntime (createIncidentRuntime({ playbooks, signing? }))');
  }
  const { names, client, notifyWithinMs } = internals;
  // The stalled-transaction timeout is for a server's sessions (on PGlite it would block the process).
  const onServer = isPgClient(client);
  const t = names.qualified;
  const batchSize = positive(options.batchSize ?? 50, 'batchSize', 1, 1_000, true);
  const pollIntervalMs = positive(options.pollIntervalMs ?? 10_000, 'pollIntervalMs', 10, 86_400_000);
  const stalledMs = positive(options.stalledTransactionMs ?? 60_000, 'stalledTransactionMs', 0, 86_400_000, true);
  const retryInitial = positive(options.retry?.initialMs ?? 60_000, 'retry.initialMs', 0, 86_400_000);
  const retryMax = Math.max(retryInitial, positive(options.retry?.maxMs ?? 3_600_000, 'retry.maxMs', 0, 30 * 86_400_000));
  const clock = (): number => {
    const value = options.now ? options.now() : Date.now();
    const ms = value instanceof Date ? value.getTime() : value;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`createDeadlineWorker: "now" must return epoch milliseconds or a Date; it returned ${String(value)}`);
    return ms;
  };
  const onError =
    options.onError ??
    ((error: unknown) => console.error(`crisis-playbook deadline worker: ${oneLine(error instanceof Error ? error.message : String(error))}`));
  const onInvalid =
    options.onInvalid ??
    ((failure: InvalidIncident) =>
      console.warn(`crisis-playbook deadline worker: incident ${JSON.stringify(failure.id)} cannot be used (${failure.error.code}); left as it is, tried again at ${failure.retryAt}`));

  const stats = { sweeps: 0, applied: 0, deadlines: 0, invalid: 0, errors: 0 };
  const report = (error: unknown) => {
    stats.errors++;
    try {
      onError(error);
    } catch {
      // A reporting hook that throws must not stop the worker.
    }
  };

  const claimSql = `SELECT id, document, version, failures FROM ${t}
    WHERE next_due <= $1::timestamptz AND (retry_at IS NULL OR retry_at <= $1::timestamptz)
    ORDER BY next_due LIMIT $2
    FOR UPDATE SKIP LOCKED`;
  const saveSql = `UPDATE ${t} AS t SET document = u.document, version = t.version + 1, playbook_id = u.playbook_id,
      playbook_version = u.playbook_version, status = u.status, rung = u.rung, next_due = u.next_due,
      updated_at = now(), retry_at = NULL, failures = 0, last_error = NULL
    FROM jsonb_to_recordset($1::jsonb) AS u(id text, version integer, document jsonb, playbook_id text, playbook_version text, status text, rung text, next_due timestamptz)
    WHERE t.id = u.id AND t.version = u.version
    RETURNING t.id`;
  const failSql = `UPDATE ${t} AS t SET failures = t.failures + 1, retry_at = u.retry_at, last_error = u.last_error
    FROM jsonb_to_recordset($1::jsonb) AS u(id text, version integer, retry_at timestamptz, last_error text)
    WHERE t.id = u.id AND t.version = u.version`;
  const earliestSql = `SELECT least(
      (SELECT min(next_due) FROM ${t} WHERE next_due IS NOT NULL AND retry_at IS NULL),
      (SELECT min(greatest(next_due, retry_at)) FROM ${t} WHERE failures > 0 AND next_due IS NOT NULL)
    ) AS at`;

  const backoff = (failures: number) => Math.min(retryMax, retryInitial * 2 ** Math.min(failures - 1, 40));

  async function sweep(): Promise<SweepResult> {
    const now = clock();
    const nowIso = new Date(now).toISOString();
    let result: SweepResult;
    try {
      result = await client.transaction(async (tx) => {
        // A stalled worker must not hold its rows for hours: the server ends its session instead.
        if (stalledMs > 0 && onServer) await tx.query(`SELECT set_config('idle_in_transaction_session_timeout', $1, true)`, [`${stalledMs}ms`]);
        const { rows } = await tx.query<{ id: string; document: unknown; version: number; failures: number }>(claimSql, [nowIso, batchSize]);
        const applied: AppliedDeadlines[] = [];
        const invalid: InvalidIncident[] = [];
        const saves: string[] = [];
        const failed = (id: string, version: number, failures: number, error: IncidentError) =>
          invalid.push({ id, version, error, failures, retryAt: new Date(now + backoff(failures)).toISOString() });
        for (const row of rows) {
          const version = Number(row.version);
          let error: IncidentError | undefined;
          try {
            const decision = runtime.decideDue(row.document, { now });
            if (decision.changed) {
              const columns = columnsOf(decision.incident);
              saves.push(
                `{"id":${JSON.stringify(row.id)},"version":${version},"document":${columns.json},"playbook_id":${JSON.stringify(columns.playbookId)},` +
                  `"playbook_version":${JSON.stringify(columns.playbookVersion)},"status":"${columns.status}","rung":${JSON.stringify(columns.rung)},` +
                  `"next_due":${columns.nextDue === null ? 'null' : `"${new Date(columns.nextDue).toISOString()}"`}}`,
              );
              applied.push({ id: row.id, version: version + 1, decision });
              continue;
            }
            // The row said a deadline was due, the document disagrees: it was written past the store.
            error = new IncidentError('invalid_document', [
              { code: 'invalid_document', path: ['snapshot', 'context', 'deadlines'], message: `The row's next_due says a deadline or a reminder is due by ${nowIso}, but none of the document's is` },
            ]);
          } catch (caught) {
            error =
              caught instanceof IncidentError
                ? caught
                : new IncidentError('implementation_error', [
                    { code: 'implementation_error', path: [], message: `decideDue threw: ${oneLine(caught instanceof Error ? caught.message : String(caught))}` },
                  ]);
          }
          failed(row.id, version, Number(row.failures) + 1, error);
        }
        if (saves.length > 0) {
          const save = async (list: readonly string[]) => {
            const saved = await tx.query(saveSql, [`[${list.join(',')}]`]);
            if (saved.rows.length !== list.length) throw new Error(`Saved ${saved.rows.length} of ${list.length} claimed incidents: the rows changed while locked`);
          };
          // All in one statement; should the database refuse it (a row edited by hand, its version
          // at the largest integer), each row on its own, so that one row cannot hold up the rest.
          if (!(await contained(tx, () => save(saves)))) {
            for (let index = applied.length - 1; index >= 0; index--) {
              const entry = applied[index]!;
              let reason: unknown;
              if (await contained(tx, () => save([saves[index]!]), (error) => (reason = error))) continue;
              applied.splice(index, 1);
              const row = rows.find((each) => each.id === entry.id)!;
              const message = `The database refused the incident's update: ${oneLine(reason instanceof Error ? reason.message : String(reason))}`;
              failed(entry.id, entry.version - 1, Number(row.failures) + 1, new IncidentError('invalid_document', [{ code: 'invalid_document', path: [], message }]));
            }
          }
        }
        if (invalid.length > 0) {
          await tx.query(failSql, [
            JSON.stringify(invalid.map(({ id, version, error, retryAt }) => ({ id, version, retry_at: retryAt, last_error: oneLine(`${error.code}: ${error.issues[0]?.message ?? error.message}`) }))),
          ]);
        }
        if (options.inTransaction) {
          for (const entry of applied) {
            try {
              await options.inTransaction(tx, entry);
            } catch (error) {
              // The app's own statements (an outbox table): their error is the app's, as it came.
              throw new HookFailure(error);
            }
          }
        }
        return { claimed: rows.length, applied, invalid };
      });
    } catch (error) {
      throw error instanceof HookFailure ? error.error : translateError(error, t);
    }
    stats.sweeps++;
    stats.applied += result.applied.length;
    stats.invalid += result.invalid.length;
    for (const entry of result.applied) stats.deadlines += entry.decision.added.length;
    for (const entry of result.applied) {
      try {
        await options.onDecision?.(entry);
      } catch (error) {
        report(error);
      }
    }
    for (const failure of result.invalid) {
      try {
        await onInvalid(failure);
      } catch (error) {
        report(error);
      }
    }
    return result;
  }

  /**
   * Runs `statement` inside a savepoint of `tx`: `true` when it succeeded, `false` (and the
   * transaction as it was before it, `onError` told why) when the database refused it.
   */
  async function contained(tx: PostgresQueryable, statement: () => Promise<void>, onError?: (error: unknown) => void): Promise<boolean> {
    await tx.query('SAVEPOINT crisis_playbook_save');
    try {
      await statement();
    } catch (error) {
      await tx.query('ROLLBACK TO SAVEPOINT crisis_playbook_save');
      onError?.(error);
      return false;
    }
    await tx.query('RELEASE SAVEPOINT crisis_playbook_save');
    return true;
  }

  async function earliestDue(): Promise<number | null> {
    const { rows } = await client.query<{ at: unknown }>(earliestSql);
    const at = isoOf(rows[0]?.at);
    return at === null ? null : Date.parse(at);
  }

  let running = false;
  let starting: Promise<void> | undefined;
  /** The stop under way: a start() after it waits for it to end, rather than being undone by it. */
  let stopping: Promise<void> | undefined;
  let loop: Promise<void> | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  /** The earliest due time heard of through NOTIFY since the last look at the table. */
  let heard = Number.POSITIVE_INFINITY;
  let sleeping: { until: number; timer: ReturnType<typeof setTimeout>; wake: () => void } | undefined;

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(sleeping?.timer);
        sleeping = undefined;
        resolve();
      };
      sleeping = { until: clock() + ms, timer: setTimeout(wake, ms), wake };
    });
  }

  function onNotify(payload: string): void {
    const due = Number(payload);
    const at = Number.isFinite(due) ? due : clock();
    heard = Math.min(heard, at);
    if (sleeping && at < sleeping.until) {
      const { wake } = sleeping;
      clearTimeout(sleeping.timer);
      sleeping.until = at;
      sleeping.timer = setTimeout(wake, Math.max(0, at - clock()));
    }
  }

  async function run(): Promise<void> {
    let failuresInARow = 0;
    while (running) {
      let delay = pollIntervalMs;
      try {
        heard = Number.POSITIVE_INFINITY;
        const { claimed } = await sweep();
        failuresInARow = 0;
        if (claimed >= batchSize) continue;
        const earliest = Math.min((await earliestDue()) ?? Number.POSITIVE_INFINITY, heard);
        const now = clock();
        // Due incidents that this sweep did not claim are held by another worker: look again soon.
        if (earliest <= now) delay = claimed > 0 ? 0 : Math.min(100, pollIntervalMs);
        else delay = Math.min(pollIntervalMs, earliest - now);
        // A write notifies only of a deadline due within the store's `notifyWithinMs`: one due
        // later than that but before the next poll is heard of by looking again by then.
        // (At most once a second: a `notifyWithinMs` of 0 would otherwise poll in a tight loop.)
        if (unlisten !== undefined && notifyWithinMs !== false) delay = Math.min(delay, Math.max(notifyWithinMs, 1_000));
      } catch (error) {
        report(error);
        failuresInARow++;
        delay = Math.min(pollIntervalMs, 100 * 2 ** Math.min(failuresInARow, 10));
      }
      if (running && delay > 0) await sleep(delay);
    }
  }

  const worker: DeadlineWorker = {
    get running() {
      return running;
    },
    get stats() {
      return { ...stats };
    },
    sweep,
    start() {
      // A second start() while running or starting is the same start.
      starting ??= (async () => {
        await stopping;
        try {
          await checkTable(client, names);
          if (options.listen !== false && client.listen) {
            try {
              unlisten = await client.listen(names.channel, onNotify);
            } catch (error) {
              // Without LISTEN the worker still polls.
              report(translateError(error, t));
            }
          }
          running = true;
          loop = run();
        } catch (error) {
          starting = undefined;
          throw error;
        }
      })();
      return starting;
    },
    stop() {
      // The start this stop ends is the one under way now: a start() called before this stop
      // resolves begins after it (it was the same start, already resolved, and then stopped).
      const ending = starting;
      starting = undefined;
      const before = stopping;
      stopping = (async () => {
        await before;
        await ending?.catch(() => undefined);
        running = false;
        sleeping?.wake();
        await loop;
        loop = undefined;
        const stopListening = unlisten;
        unlisten = undefined;
        try {
          await stopListening?.();
        } catch (error) {
          report(error);
        }
      })();
      return stopping;
    },
  };
  return worker;
}
