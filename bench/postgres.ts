// `npm run bench:postgres`: what crisis-playbook/postgres costs on top of the database. Against
// the server of DATABASE_URL when it is set, else the embedded PGlite. Prints, in one run and in
// paired rounds (library and baseline alternating):
// - events decided and saved per second (updateIncident: load, decide, save) with 1, 2 and 4
//   concurrent clients, against raw `SELECT document, version …; UPDATE … WHERE version = $n`
//   round trips on the same table with the same documents (the target's baseline), and against
//   the same round trips writing what the library writes (the decided documents and the
//   store's columns), which separates what the database does from what the library does;
// - the same with one client, the library and both baselines interleaved operation by operation
//   (mean time of an operation), which a drifting machine load affects least;
// - the store alone (load and save the same document, no decide) against the same round trips;
// - deadline applications per second with 1, 2 and 4 deadline workers (in this process),
//   against the same raw round trip.
// See docs/performance.md.
import { cpus, loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { crisisMachine } from 'crisis-playbook';
import { createIncidentRuntime, decide, type StoredIncident, updateIncident } from 'crisis-playbook/server';
import { connectPostgres, createDeadlineWorker, createPostgresIncidentStore, type PostgresConnection } from 'crisis-playbook/postgres';
import { serverEvents, serverNow, storedIncident, twentyEvents } from './scenarios.js';

const url = process.env['DATABASE_URL'] || undefined;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const ROUND_MS = Number(process.env['BENCH_ROUND_MS'] ?? 1_000);
const INCIDENTS = 2_000;
const DUE_INCIDENTS = url ? 2_000 : 1_000;
/** BENCH_CLIENTS=1,4 measures only those concurrencies; BENCH_EVENTS_ONLY=1 only the events. */
const CONCURRENCY = (process.env['BENCH_CLIENTS'] ?? '1,2,4').split(',').map(Number);
const EVENTS_ONLY = process.env['BENCH_EVENTS_ONLY'] === '1';
/** How many operations of each side the interleaved one-client measure times. */
const INTERLEAVED = Number(process.env['BENCH_INTERLEAVED'] ?? 1_500);
const TARGET = 1.5;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')} /s`;

const connection: PostgresConnection = await connectPostgres({ connectionString: url, max: 8 });
const schema = `cp_bench_${process.pid}`;
const table = `"${schema}"."incidents"`;
/** BENCH_PREPARED=0: the store runs plain statements (`preparedStatements: false`), to compare. */
const preparedStatements = process.env['BENCH_PREPARED'] !== '0';
const store = createPostgresIncidentStore({ client: connection, schema, table: 'incidents', notifyWithinMs: false, preparedStatements });
const dueStore = createPostgresIncidentStore({ client: connection, schema, table: 'due', notifyWithinMs: false });
const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });

/** The 20-entry incident of `npm run bench`, waiting on the intermediary. */
const base = JSON.parse(storedIncident(twentyEvents)) as StoredIncident;
const baseJson = JSON.stringify(base);
const ids = Array.from({ length: INCIDENTS }, (_, index) => `inc-${String(index).padStart(5, '0')}`);

/** Runs `operation` from `clients` concurrent loops for `ms`, each on its own share of the ids; operations per second. */
async function throughput(clients: number, ms: number, operation: (id: string) => Promise<unknown>): Promise<number> {
  const end = performance.now() + ms;
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const mine = ids.filter((_, index) => index % clients === client);
      for (let index = 0; performance.now() < end; index++) {
        await operation(mine[index % mine.length]!);
        done++;
      }
    }),
  );
  return (done * 1000) / (performance.now() - started);
}

/** The library: load, decide an event (validated, as from the network), save with optimistic concurrency. */
let eventIndex = 0;
const library = (id: string) =>
  updateIncident(store, id, (incident) => decide(incident, JSON.parse(JSON.stringify(serverEvents[eventIndex++ % serverEvents.length])), { now: serverNow }).incident);

/** The store alone: load and save the same document through the store, without deciding. */
const storeOnly = async (id: string) => {
  const current = (await store.load(id))!;
  await store.save(id, current.incident, current.version);
};

/** The baseline: the same two statements by hand, writing back the same document. */
const raw = async (id: string) => {
  const { rows } = await connection.query<{ document: unknown; version: number }>(`SELECT document, version FROM ${table} WHERE id = $1`, [id]);
  const row = rows[0]!;
  const updated = await connection.query(`UPDATE ${table} SET document = $2::jsonb, version = version + 1 WHERE id = $1 AND version = $3 RETURNING version`, [
    id,
    JSON.stringify(row.document),
    row.version,
  ]);
  if (updated.rows.length !== 1) throw new Error('raw update lost a race');
};

/** What the library writes for each of `serverEvents` on the 20-entry incident, with the columns the store sets for it. */
interface DecidedWrite {
  readonly incident: StoredIncident;
  readonly playbookId: string;
  readonly playbookVersion: string;
  readonly status: string;
  readonly rung: string;
  readonly nextDue: string | null;
}
let decidedWrites: DecidedWrite[] = [];

/**
 * Decides each of `serverEvents` once and lets the store write the result to a scratch row, so
 * that the columns are the store's own (status, rung, next_due with windows and reminders),
 * not worked out again here.
 */
async function decideWrites(): Promise<DecidedWrite[]> {
  const writes: DecidedWrite[] = [];
  for (const [index, event] of serverEvents.entries()) {
    const incident = decide(base, event, { now: serverNow }).incident;
    const id = `columns-${index}`;
    await store.create(id, incident);
    const { rows } = await connection.query<{ playbook_id: string; playbook_version: string; status: string; rung: string; next_due: string | null }>(
      `SELECT playbook_id, playbook_version, status, rung, next_due::text AS next_due FROM ${table} WHERE id = $1`,
      [id],
    );
    await connection.query(`DELETE FROM ${table} WHERE id = $1`, [id]);
    const row = rows[0]!;
    writes.push({ incident, playbookId: row.playbook_id, playbookVersion: row.playbook_version, status: row.status, rung: row.rung, nextDue: row.next_due });
  }
  return writes;
}

/**
 * The baseline that writes what the library writes: the same two statements by hand, but the
 * `UPDATE` stores the document the library's decision makes for the same event (decided once,
 * before the run) and sets the columns the store sets, so the database does the same work
 * (the same bytes, the same index entries when a window starts) and only the library's own
 * work is missing.
 */
let rawEventIndex = 0;
const rawSameWrites = async (id: string) => {
  const { rows } = await connection.query<{ document: unknown; version: number }>(`SELECT document, version FROM ${table} WHERE id = $1`, [id]);
  const row = rows[0]!;
  const write = decidedWrites[rawEventIndex++ % decidedWrites.length]!;
  const updated = await connection.query(
    `UPDATE ${table} SET document = $2::jsonb, version = version + 1, playbook_id = $4, playbook_version = $5, status = $6, rung = $7,
       next_due = $8::timestamptz, updated_at = now(), retry_at = NULL, failures = 0, last_error = NULL
     WHERE id = $1 AND version = $3 RETURNING version`,
    [id, JSON.stringify(write.incident), row.version, write.playbookId, write.playbookVersion, write.status, write.rung, write.nextDue],
  );
  if (updated.rows.length !== 1) throw new Error('raw update lost a race');
};

/** Every incident back to the 20-entry document, so that each round sees the same documents. */
const reset = () => connection.query(`UPDATE ${table} SET document = $1::jsonb`, [baseJson]);

interface Pair {
  readonly library: number;
  readonly raw: number;
  /** How much longer an operation of the library takes than a raw round trip. */
  readonly cost: number;
  /** The baseline writing what the library writes, when measured. */
  readonly sameWrites?: number;
  readonly costSameWrites?: number;
}

type Side = 'library' | 'raw' | 'sameWrites';

async function paired(clients: number, operation: (id: string) => Promise<unknown> = library, sides: readonly Side[] = ['library', 'raw']): Promise<Pair> {
  const rounds: Record<Side, number[]> = { library: [], raw: [], sameWrites: [] };
  const run = { library: operation, raw, sameWrites: rawSameWrites };
  for (let round = 0; round < ROUNDS; round++) {
    // Each side goes first, second… in turn, so that a drift in the machine's load is shared.
    const order = sides.map((_, index) => sides[(index + round) % sides.length]!);
    for (const side of order) {
      await reset();
      rounds[side].push(await throughput(clients, ROUND_MS, run[side]));
    }
  }
  const ratio = (side: Side) => median(rounds[side].map((value, round) => value / rounds.library[round]!));
  return {
    library: median(rounds.library),
    raw: median(rounds.raw),
    cost: ratio('raw'),
    ...(sides.includes('sameWrites') ? { sameWrites: median(rounds.sameWrites), costSameWrites: ratio('sameWrites') } : {}),
  };
}

/**
 * One client, the three sides interleaved operation by operation (in turn first, second and
 * third), so that every side meets the same moments of a machine whose load drifts: the mean
 * time of an operation of each side, and the library's over each baseline's.
 */
async function interleaved(operations: number): Promise<{ library: number; raw: number; sameWrites: number }> {
  await reset();
  const sides = [library, raw, rawSameWrites] as const;
  const totals = [0, 0, 0];
  for (let index = 0; index < operations; index++) {
    for (let turn = 0; turn < sides.length; turn++) {
      const side = (index + turn) % sides.length;
      // Each side on ids of its own, each id once: the same documents as in the rounds.
      const id = ids[(index * sides.length + side) % ids.length]!;
      const started = performance.now();
      await sides[side]!(id);
      totals[side]! += performance.now() - started;
    }
    if ((index * sides.length) % ids.length >= ids.length - sides.length) await reset();
  }
  const [libraryMs, rawMs, sameMs] = totals.map((total) => total / operations) as [number, number, number];
  return { library: libraryMs, raw: rawMs, sameWrites: sameMs };
}

/** Puts back DUE_INCIDENTS incidents whose intermediary window has run out, in one statement. */
async function refillDue(): Promise<void> {
  const due = base.snapshot.context.deadlines[0]!.due;
  await connection.query(`TRUNCATE "${schema}"."due"`);
  await connection.query(
    `INSERT INTO "${schema}"."due" (id, document, version, playbook_id, playbook_version, status, rung, next_due)
     SELECT 'due-' || g, $1::jsonb, 1, $2, $3, 'active', 'intermediary', $4::timestamptz FROM generate_series(1, $5::int) AS g`,
    [baseJson, base.playbook.id, base.playbook.version, due, DUE_INCIDENTS],
  );
}

async function deadlines(workers: number): Promise<number> {
  const later = Date.parse(base.snapshot.context.deadlines[0]!.due) + 1000;
  const pool = Array.from({ length: workers }, () => createDeadlineWorker({ store: dueStore, runtime, batchSize: 50, now: () => later, onError: () => undefined }));
  await refillDue();
  const started = performance.now();
  await Promise.all(pool.map(async (worker) => {
    while ((await worker.sweep()).claimed > 0);
  }));
  const seconds = (performance.now() - started) / 1000;
  const applied = pool.reduce((sum, worker) => sum + worker.stats.deadlines, 0);
  if (applied !== DUE_INCIDENTS) throw new Error(`expected ${DUE_INCIDENTS} deadlines applied, got ${applied}`);
  return applied / seconds;
}

try {
  await store.migrate();
  await dueStore.migrate();
  await connection.query(`TRUNCATE ${table}`);
  decidedWrites = await decideWrites();
  for (let from = 0; from < ids.length; from += 500) {
    await connection.query(
      `INSERT INTO ${table} (id, document, version, playbook_id, playbook_version, status, rung, next_due)
       SELECT id, $2::jsonb, 1, $3, $4, 'active', 'intermediary', $5::timestamptz FROM unnest($1::text[]) AS id`,
      [ids.slice(from, from + 500), baseJson, base.playbook.id, base.playbook.version, base.snapshot.context.deadlines[0]!.due],
    );
  }
  // The library's store and the raw statements agree on what is stored.
  const check = await store.load(ids[0]!);
  if (!isDeepStrictEqual(runtime.parse(check!.incident), runtime.parse(base))) throw new Error('the stored document differs from the one written');

  const version = (await connection.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v.split(' on ')[0];
  console.log(`crisis-playbook/postgres on ${connection.kind === 'pg' ? `a server (${version})` : `PGlite (${version})`}; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load ${loadavg()[0]!.toFixed(1)}`);
  console.log(`store statements: ${preparedStatements ? 'prepared once per connection (the default)' : 'plain (preparedStatements: false)'}`);
  console.log(`documents: the 20-entry incident (${baseJson.length.toLocaleString('en-US')} B of JSON); ${ROUNDS} paired rounds of ${ROUND_MS} ms; medians\n`);

  // Warm up both paths (JIT, prepared plans, the pool's connections).
  await throughput(4, 500, library);
  await throughput(4, 500, raw);
  await throughput(4, 500, storeOnly);
  await throughput(4, 500, rawSameWrites);

  const rows: string[][] = [];
  const raws = new Map<number, number>();
  for (const clients of CONCURRENCY) {
    const pair = await paired(clients, library, ['library', 'raw', 'sameWrites']);
    raws.set(clients, pair.raw);
    rows.push([
      `events decided and saved, ${clients} client${clients > 1 ? 's' : ''}`,
      rate(pair.library),
      rate(pair.raw),
      `${pair.cost.toFixed(2)}×`,
      `≤ ${TARGET}×`,
      pair.cost <= TARGET ? 'PASS' : 'FAIL',
      rate(pair.sameWrites!),
      `${pair.costSameWrites!.toFixed(2)}×`,
    ]);
  }
  const perEvent = await interleaved(INTERLEAVED);
  const perEventCost = perEvent.library / perEvent.raw;
  rows.push([
    `events decided and saved, 1 client, interleaved`,
    rate(1000 / perEvent.library),
    rate(1000 / perEvent.raw),
    `${perEventCost.toFixed(2)}×`,
    `≤ ${TARGET}×`,
    perEventCost <= TARGET ? 'PASS' : 'FAIL',
    rate(1000 / perEvent.sameWrites),
    `${(perEvent.library / perEvent.sameWrites).toFixed(2)}×`,
  ]);
  for (const clients of EVENTS_ONLY ? [] : CONCURRENCY) {
    const pair = await paired(clients, storeOnly);
    rows.push([`store load + save, no decide, ${clients} client${clients > 1 ? 's' : ''}`, rate(pair.library), rate(pair.raw), `${pair.cost.toFixed(2)}×`, '–', 'info', '', '']);
  }
  for (const workers of EVENTS_ONLY ? [] : CONCURRENCY) {
    const values: number[] = [];
    for (let round = 0; round < 3; round++) values.push(await deadlines(workers));
    const applied = median(values);
    const rawRate = raws.get(workers)!;
    rows.push([`deadlines applied, ${workers} worker${workers > 1 ? 's' : ''}`, rate(applied), rate(rawRate), `${(rawRate / applied).toFixed(2)}×`, '–', 'info', '', '']);
  }

  const header = ['measure', 'library', 'raw round trip', 'cost', 'target', 'result', 'raw, same writes', 'cost'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width, column) => (column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log(
    '\ncost: raw round trips per second over the library\'s, same concurrency (1.00× = free); the target is on this one. "raw, same writes": the raw round trip writing the documents and columns the library writes, so its cost is the library\'s own work. A sweep claims and saves up to 50 incidents in one transaction.',
  );
} finally {
  await connection.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await connection.close();
}
