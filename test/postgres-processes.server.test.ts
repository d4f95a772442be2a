// Across processes, on a real PostgreSQL server (DATABASE_URL): 4 deadline worker processes and
// 4 writer processes over 500 incidents whose windows (0.2 to 0.8 s) fall due during the test;
// one worker is killed with SIGKILL in the middle of a transaction. Every deadline must be
// applied exactly once, no writer's update lost, and every final document must equal a
// single-process replay of the same inputs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { type CrisisEvent } from 'crisis-playbook';
import { decide, decideDue, openIncident, type StoredIncident } from 'crisis-playbook/server';
import { connectPostgres, createPostgresIncidentStore, type PostgresConnection } from 'crisis-playbook/postgres';
import type { Assignment, WriterLog } from './support/pg-process-writer.js';
import { databaseUrl, hostOf, uniqueSchema } from './support/postgres.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const INCIDENTS = 500;
const WORKERS = 4;
const WRITERS = 4;
const EVENTS_PER_INCIDENT = 3;
let scripts = '';

interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The two process scripts bundled once with esbuild (the library from src/, as the other tests
 * use it), so that eight processes start as plain `node` without compiling TypeScript each.
 */
async function bundle(): Promise<string> {
  const outdir = join(root, 'node_modules', '.cache', `postgres-processes-${process.pid}`);
  await build({
    entryPoints: ['pg-process-worker.ts', 'pg-process-writer.ts'].map((file) => join(root, 'test', 'support', file)),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    alias: {
      'crisis-playbook/postgres': join(root, 'src', 'postgres', 'index.ts'),
      'crisis-playbook/server': join(root, 'src', 'server.ts'),
      'crisis-playbook': join(root, 'src', 'index.ts'),
    },
    external: ['pg', '@electric-sql/pglite', 'xstate', 'zod'],
    logLevel: 'error',
  });
  return outdir;
}

function start(name: string, script: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, [join(scripts, script.replace(/\.ts$/, '.mjs'))], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entry: Child = {
    name,
    process: child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.on('data', (chunk: Buffer) => (entry.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (entry.stderr += chunk.toString()));
  return entry;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A deterministic pseudo-random sequence, so that the inputs can be read back from the test. */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
}

// This file only runs with a server: vitest.config.ts leaves *.server.test.ts out without DATABASE_URL.
describe(`4 worker and 4 writer processes on ${databaseUrl ? hostOf(databaseUrl) : ''}`, () => {
  const schema = uniqueSchema('procs');
  const children: Child[] = [];
  let connection: PostgresConnection | undefined;
  const work = mkdtempSync(join(tmpdir(), 'crisis-pg-processes-'));

  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exit));
    if (connection) {
      await connection.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await connection.close();
    }
    rmSync(work, { recursive: true, force: true });
    if (scripts) rmSync(scripts, { recursive: true, force: true });
  });

  it('applies every deadline exactly once, loses no update, and ends where a single-process replay ends', async () => {
    scripts = await bundle();
    connection = await connectPostgres({ connectionString: databaseUrl, max: 4 });
    const db = connection;
    const store = createPostgresIncidentStore({ client: db, schema, table: 'incidents' });
    await store.migrate();
    await db.query(`CREATE TABLE "${schema}".applied_log (id text NOT NULL, version integer NOT NULL, entries integer NOT NULL, worker text NOT NULL)`);
    const env = { DATABASE_URL: databaseUrl!, SCHEMA: schema };
    const go = join(work, 'go');
    const random = sequence(11);

    const workers = Array.from({ length: WORKERS }, (_, index) =>
      start(`cp-worker-${index + 1}`, 'pg-process-worker.ts', { ...env, WORKER_NAME: `cp-worker-${index + 1}`, SLOW_MS: index === 0 ? '8' : '0' }),
    );
    children.push(...workers);

    // 1,500 events in all, each incident's three spread over the four writers, so that they race.
    // Each writer gets its list now and starts writing once the incidents exist.
    const kinds = (n: number, by: string): CrisisEvent =>
      n % 3 === 0 ? { type: 'community.supported', by } : n % 3 === 1 ? { type: 'threat.reported', kind: 'visit', by } : { type: 'facts.update', facts: { insiderInVenue: n % 2 === 0 }, by };
    const assignments: Assignment[][] = Array.from({ length: WRITERS }, () => []);
    for (let round = 0; round < EVENTS_PER_INCIDENT; round++) {
      for (let index = 0; index < INCIDENTS; index++) {
        const writer = Math.floor(random() * WRITERS);
        const id = `p-${String(index).padStart(3, '0')}`;
        assignments[writer]!.push({ id, event: kinds(index + round, `${id}/${round}/w${writer}`) });
      }
    }
    const writers = assignments.map((list, index) => {
      const file = join(work, `writer-${index}.json`);
      writeFileSync(file, JSON.stringify(list));
      return start(`cp-writer-${index + 1}`, 'pg-process-writer.ts', { ...env, ASSIGNMENTS: file, PACE_MS: '3', GO: go });
    });
    children.push(...writers);

    // Workers and writers start together; the writers wait for the incidents.
    const failed = () => children.some((child) => child.process.exitCode !== null) && Promise.reject(new Error(children.map((child) => `${child.name}: ${child.stderr}`).join('\n')));
    await until('the workers to start', () => workers.every((worker) => worker.stdout.includes('ready')) || failed(), 60_000);
    await until('the writers to start', () => writers.every((writer) => writer.stderr.includes('ready')) || failed(), 60_000);

    // The inputs: 500 incidents opened now, with windows of 0.2 to 0.8 s; half wait for access
    // first, a third have a colleague in the venue (the reply window then leads to intermediary).
    const opened = Date.now();
    const inputs = new Map<string, unknown>();
    const creating: Promise<unknown>[] = [];
    for (let index = 0; index < INCIDENTS; index++) {
      const window = () => 200 + Math.floor(random() * 600);
      const input = {
        facts: index % 2 === 0 ? { venue: 'private-group', memberOfVenue: false, witnessed: false, connectedToPoster: false, knowsPoster: false, insiderInVenue: index % 3 === 0 } : { insiderInVenue: index % 3 === 0 },
        windows: { accessWindow: window(), replyWindow: window(), intermediaryWindow: window() },
      };
      const id = `p-${String(index).padStart(3, '0')}`;
      inputs.set(id, input);
      const incident = decide(openIncident({ now: opened, input }).incident, { type: 'assessment.complete' }, { now: opened }).incident;
      creating.push(store.create(id, incident));
    }
    await Promise.all(creating);

    writeFileSync(go, '');

    // Kill worker 1 while a transaction of its is open: it has claimed rows and not committed.
    const victim = workers[0]!;
    await until('worker 1 to have committed a batch', async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".applied_log WHERE worker = 'cp-worker-1'`)).rows[0]!.n > 0, 30_000);
    const inFlight = await until(
      'worker 1 inside a transaction',
      async () => {
        const { rows } = await db.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = 'cp-worker-1' AND xact_start IS NOT NULL AND state IN ('active', 'idle in transaction')`,
        );
        if (rows.length === 0) return undefined;
        victim.process.kill('SIGKILL');
        return rows[0]!.pid;
      },
      30_000,
      1,
    );
    expect((await victim.exit).signal).toBe('SIGKILL');
    expect(inFlight).toBeGreaterThan(0);

    // The writers finish; then the surviving workers apply whatever is left.
    const writerResults = await Promise.all(writers.map((writer) => writer.exit));
    writers.forEach((writer, index) => expect(writerResults[index], writer.stderr).toEqual({ code: 0, signal: null }));
    await until('every deadline to be applied', async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".incidents WHERE next_due IS NOT NULL`)).rows[0]!.n === 0, 60_000, 100);
    // The killed worker's backend is gone, and so are its locks.
    await until('the killed backend to end', async () => (await db.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [inFlight])).rows.length === 0, 10_000);
    for (const worker of workers.slice(1)) worker.process.kill('SIGTERM');
    for (const worker of workers.slice(1)) expect(await worker.exit, worker.stderr).toEqual({ code: 0, signal: null });
    const ended = Date.now();

    // What was saved, by whom.
    const writerLogs = writers.flatMap((writer) => JSON.parse(writer.stdout.trim().split('\n').at(-1)!) as WriterLog[]);
    expect(writerLogs).toHaveLength(INCIDENTS * EVENTS_PER_INCIDENT);
    const applied = (await db.query<{ id: string; version: number; entries: number; worker: string }>(`SELECT id, version, entries, worker FROM "${schema}".applied_log`)).rows;
    expect(new Set(applied.map((row) => row.worker)).size).toBe(WORKERS); // all four took part, the killed one too
    const final = new Map(
      (await db.query<{ id: string; document: StoredIncident; version: number }>(`SELECT id, document, version FROM "${schema}".incidents`)).rows.map((row) => [row.id, row]),
    );
    expect(final.size).toBe(INCIDENTS);

    let deadlinesInDocuments = 0;
    for (const [id, { document, version }] of final) {
      // Every saved version came from exactly one writer save or one committed worker save.
      const saves = [...writerLogs.filter((log) => log.id === id).map((log) => log.version), ...applied.filter((row) => row.id === id).map((row) => row.version)].sort((a, b) => a - b);
      expect(saves, id).toEqual(Array.from({ length: version - 1 }, (_, index) => index + 2));
      const timeline = document.snapshot.context.timeline;
      const elapsed = timeline.filter((entry) => entry.type === 'window.elapsed');
      deadlinesInDocuments += elapsed.length;
      // Deadlines counted: what the workers' commits and the writers' decisions added, once each.
      const added = applied.filter((row) => row.id === id).reduce((sum, row) => sum + row.entries, 0) + writerLogs.filter((log) => log.id === id).reduce((sum, log) => sum + log.elapsed, 0);
      expect(elapsed.length, id).toBe(added);
      expect(new Set(elapsed.map((entry) => `${entry.window}@${entry.at}`)).size, id).toBe(elapsed.length);
      // No writer's update lost.
      const mine = writerLogs.filter((log) => log.id === id);
      expect(timeline.filter((entry) => entry.by !== undefined).map((entry) => entry.by).sort(), id).toEqual(mine.map((log) => log.event.by).sort());

      // The single-process replay: the same opening, the writers' events in the order they were
      // saved at the times they were decided, then every deadline due by the end.
      let replay = decide(openIncident({ now: opened, input: inputs.get(id) }).incident, { type: 'assessment.complete' }, { now: opened }).incident;
      for (const log of [...mine].sort((a, b) => a.version - b.version)) replay = decide(replay, log.event, { now: log.now }).incident;
      replay = decideDue(replay, { now: ended }).incident;
      expect(document, id).toEqual(replay);
      expect(document.snapshot.context.deadlines, id).toEqual([]);
    }
    const appliedByWorkers = applied.reduce((sum, row) => sum + row.entries, 0);
    expect(deadlinesInDocuments).toBe(appliedByWorkers + writerLogs.reduce((sum, log) => sum + log.elapsed, 0));
    console.log(
      `postgres-processes: ${INCIDENTS} incidents, ${writerLogs.length} writer events, ${deadlinesInDocuments} deadlines (${appliedByWorkers} by workers: ` +
        `${[...new Set(applied.map((row) => row.worker))].sort().map((worker) => `${worker} ${applied.filter((row) => row.worker === worker).length}`).join(', ')}); worker 1 killed mid-transaction`,
    );
  }, 180_000);
});
