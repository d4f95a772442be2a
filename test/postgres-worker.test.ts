import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crisisMachine, IncidentError } from 'crisis-playbook';
import { createIncidentRuntime, decide, MemoryIncidentStore, openIncident, type StoredIncident, updateIncident } from 'crisis-playbook/server';
import { createDeadlineWorker, createPostgresIncidentStore, PostgresStoreError, type AppliedDeadlines, type DeadlineWorker, type InvalidIncident, type PostgresIncidentStore } from 'crisis-playbook/postgres';
import { outOfSightFacts } from './helpers.js';
import { corruptions, edited } from './support/corruptions.js';
import { backends, databaseUrl, openDatabase, uniqueSchema, type Database } from './support/postgres.js';

const t0 = Date.parse('2026-04-06T19:00:00.000Z');
const HOUR = 3_600_000;
const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
const elapsed = (incident: StoredIncident) => incident.snapshot.context.timeline.filter((entry) => entry.type === 'window.elapsed');
const silent = { onError: () => undefined, onInvalid: () => undefined };
/** A worker whose clock reads a day after t0 (a waiting incident's window has run out), without LISTEN or reports. */
const dayLaterWorker = (store: PostgresIncidentStore, options: Partial<Parameters<typeof createDeadlineWorker>[0]> = {}) =>
  createDeadlineWorker({ store, runtime, listen: false, now: () => t0 + 25 * HOUR, ...silent, ...options });

/** An incident assessed at `now`: on requestingAccess (posts out of sight) or directMessage, each with a 24 h window. */
function waitingIncident(now: number, outOfSight: boolean, windows?: Record<string, number>): StoredIncident {
  const opened = openIncident({ now, input: { ...(outOfSight ? { facts: outOfSightFacts } : {}), ...(windows ? { windows } : {}) } });
  return decide(opened.incident, { type: 'assessment.complete' }, { now }).incident;
}

/** Every worker sweeps at once, each until a sweep claims nothing; what they apply goes into `applied`. */
async function sweepUntilIdle(workers: readonly DeadlineWorker[], applied: AppliedDeadlines[]): Promise<void> {
  await Promise.all(
    workers.map(async (worker) => {
      for (let result = await worker.sweep(); result.claimed > 0; result = await worker.sweep()) applied.push(...result.applied);
    }),
  );
}

const until = async (condition: () => Promise<boolean> | boolean, timeoutMs: number) => {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe.each(backends)('createDeadlineWorker on $name', (backend) => {
  let db: Database;
  let tables = 0;
  /** A store on a fresh table, so that each test sees only its own incidents. */
  const freshStore = (options?: { notifyWithinMs?: number | false }) => db.store(`w${++tables}`, options);
  const documentText = async (store: PostgresIncidentStore, id: string) =>
    (await db.connection.query<{ text: string; version: number }>(`SELECT document::text AS text, version FROM "${db.schema}"."${store.table}" WHERE id = $1`, [id])).rows[0];

  beforeAll(async () => {
    db = await openDatabase(backend, 'worker');
  }, 60_000);
  afterAll(async () => db?.close());

  it('applies every due deadline exactly once with several workers sweeping at once', async () => {
    const store = await freshStore();
    const count = 60;
    for (let index = 0; index < count; index++) await store.create(`inc-${index}`, waitingIncident(t0 + index * 1000, index % 3 === 0));
    let clock = t0 + 25 * HOUR;
    const workers = Array.from({ length: 3 }, () => createDeadlineWorker({ store, runtime, batchSize: 7, now: () => clock, ...silent }));
    const applied: AppliedDeadlines[] = [];
    const drain = () => sweepUntilIdle(workers, applied);
    await drain();
    // At +25 h every first window ran out: out-of-sight ones moved to directMessage with a new window.
    expect(applied).toHaveLength(count);
    clock = t0 + 50 * HOUR;
    await drain();
    const outOfSight = Math.ceil(count / 3);
    expect(applied).toHaveLength(count + outOfSight);
    const saves = applied.map((entry) => `${entry.id}@${entry.version}`);
    expect(new Set(saves).size).toBe(saves.length); // no incident version saved twice
    const deadlines = applied.reduce((sum, entry) => sum + entry.decision.added.length, 0);
    expect(deadlines).toBe(count + outOfSight);
    expect(workers.reduce((sum, worker) => sum + worker.stats.deadlines, 0)).toBe(deadlines);
    for (let index = 0; index < count; index++) {
      const { incident, version } = (await store.load(`inc-${index}`))!;
      const windows = elapsed(incident).map((entry) => entry.window);
      expect(windows).toEqual(index % 3 === 0 ? ['accessWindow', 'replyWindow'] : ['replyWindow']);
      expect(version).toBe(1 + (index % 3 === 0 ? 2 : 1));
      expect(incident.snapshot.value).toMatchObject({ active: { ladder: 'monitoring' } });
    }
    expect(await store.dueBy(clock + 1000 * HOUR)).toEqual([]);
    for (const worker of workers) expect((await worker.sweep()).claimed).toBe(0);
  });

  it('applies each reminder of a response-time target exactly once with two workers, without moving the incident', async () => {
    const store = await freshStore();
    const count = 20;
    for (let index = 0; index < count; index++) {
      // Nobody has responded; a threat of violence makes the first response due within 15 minutes.
      const opened = openIncident({ now: t0 }).incident;
      await store.create(`rem-${index}`, decide(opened, { type: 'threat.reported', kind: index % 2 === 0 ? 'violence' : 'visit' }, { now: t0 }).incident);
    }
    expect((await store.dueBy(t0 + 15 * 60_000)).map((summary) => summary.nextDue)).toEqual(Array.from({ length: count / 2 }, () => new Date(t0 + 15 * 60_000).toISOString()));
    const clock = t0 + 2 * HOUR;
    const workers = Array.from({ length: 2 }, () => createDeadlineWorker({ store, runtime, batchSize: 3, now: () => clock, ...silent }));
    const applied: AppliedDeadlines[] = [];
    const drain = () => sweepUntilIdle(workers, applied);
    await drain();
    await drain();
    expect(applied).toHaveLength(count);
    expect(applied.flatMap((entry) => entry.decision.reminders.due.map((reminder) => reminder.severity)).sort()).toEqual(
      [...Array.from({ length: count / 2 }, () => 'critical'), ...Array.from({ length: count / 2 }, () => 'high')],
    );
    for (let index = 0; index < count; index++) {
      const { incident, version } = (await store.load(`rem-${index}`))!;
      const reminders = incident.snapshot.context.timeline.filter((entry) => entry.type === 'reminder.due');
      expect(reminders.map((entry) => entry.severity)).toEqual([index % 2 === 0 ? 'critical' : 'high']);
      expect(version).toBe(2);
      expect(incident.snapshot.value).toMatchObject({ active: { ladder: 'gatheringInfo' } });
    }
    // A reminder never repeats at a lower level (the low target of 24 h): nothing is left to fall due.
    expect(await store.dueBy(t0 + 1000 * HOUR)).toEqual([]);
    for (const worker of workers) expect((await worker.sweep()).claimed).toBe(0);
  });

  it('loses no writer update when writers race with the worker', async () => {
    const store = await freshStore();
    const count = 20;
    for (let index = 0; index < count; index++) await store.create(`race-${index}`, waitingIncident(t0, false));
    const worker = createDeadlineWorker({ store, runtime, batchSize: 3, now: () => t0 + 25 * HOUR, ...silent });
    const sweeping = (async () => {
      while ((await worker.sweep()).claimed > 0);
    })();
    await Promise.all(
      Array.from({ length: count * 2 }, (_, index) =>
        updateIncident(store, `race-${index % count}`, (incident) => decide(incident, { type: 'community.supported', by: `writer-${index}` }, { now: t0 + 26 * HOUR }).incident, {
          attempts: 100,
          backoff: { initialMs: 1, maxMs: 10 },
        }),
      ),
    );
    await sweeping;
    for (let index = 0; index < count; index++) {
      const { incident } = (await store.load(`race-${index}`))!;
      expect(elapsed(incident)).toHaveLength(1);
      expect(incident.snapshot.context.timeline.filter((entry) => entry.by?.startsWith('writer-')).map((entry) => entry.by).sort()).toEqual([`writer-${index}`, `writer-${index + count}`].sort());
      // The window ran out (stamped at its due time) before the writers' events, whoever saved first.
      expect(incident.snapshot.context.timeline.map((entry) => entry.type)).toEqual(['assessment.complete', 'window.elapsed', 'community.supported', 'community.supported']);
    }
  });

  it('never overwrites a document that fails to parse: it reports it, counts it, backs off and goes on', async () => {
    const store = await freshStore();
    const table = `"${db.schema}"."${store.table}"`;
    for (let index = 0; index < 3; index++) await store.create(`good-${index}`, waitingIncident(t0, false));
    // Corrupted on disk: written past the store, with a next_due that says "due now".
    for (const [index, [, base, edit]] of corruptions.entries()) {
      await db.connection.query(
        `INSERT INTO ${table} (id, document, version, playbook_id, playbook_version, status, rung, next_due) VALUES ($1, $2::jsonb, 1, 'crisis', '1.0.0', 'active', 'directMessage', $3)`,
        [`bad-${index}`, JSON.stringify(edited(base, edit)), new Date(t0).toISOString()],
      );
    }
    const before = await Promise.all(corruptions.map((_, index) => documentText(store, `bad-${index}`)));
    const reported: InvalidIncident[] = [];
    let clock = t0 + 25 * HOUR;
    const worker = createDeadlineWorker({
      store,
      runtime,
      batchSize: 10,
      now: () => clock,
      retry: { initialMs: HOUR, maxMs: 3 * HOUR },
      onInvalid: (failure) => void reported.push(failure),
      onError: () => undefined,
    });
    let applied = 0;
    for (let result = await worker.sweep(); result.claimed > 0; result = await worker.sweep()) applied += result.applied.length;
    expect(applied).toBe(3);
    expect(worker.stats).toMatchObject({ applied: 3, invalid: corruptions.length, errors: 0 });
    expect(reported.map((failure) => failure.id).sort()).toEqual(corruptions.map((_, index) => `bad-${index}`).sort());
    for (const failure of reported) {
      expect(failure.error, failure.id).toBeInstanceOf(IncidentError);
      expect(failure).toMatchObject({ version: 1, failures: 1, retryAt: new Date(clock + HOUR).toISOString() });
    }
    const after = await Promise.all(corruptions.map((_, index) => documentText(store, `bad-${index}`)));
    expect(after).toEqual(before); // byte for byte, and the version did not move
    for (let index = 0; index < 3; index++) expect((await store.load(`good-${index}`))!.version).toBe(2);
    const failing = await store.failing({ limit: 1000 });
    expect(failing).toHaveLength(corruptions.length);
    expect(failing[0]).toMatchObject({ failures: 1, retryAt: new Date(clock + HOUR).toISOString(), lastError: expect.stringMatching(/^invalid_document: /) });

    // Not claimed again before its retry time, then again with a longer wait.
    expect((await worker.sweep()).claimed).toBe(0);
    clock += HOUR;
    const again = await worker.sweep();
    expect(again.claimed).toBe(10);
    expect(again.invalid.map((failure) => [failure.failures, failure.retryAt])).toEqual(again.invalid.map(() => [2, new Date(clock + 2 * HOUR).toISOString()]));
    expect(worker.stats.invalid).toBe(corruptions.length + 10);

    // A document put right through the store is picked up again at once.
    const fixed = again.invalid[0]!.id;
    await store.save(fixed, waitingIncident(t0, true), 1);
    expect((await store.failing({ limit: 1000 })).map((s) => s.id)).not.toContain(fixed);
    const healed: string[] = [];
    for (let result = await worker.sweep(); result.claimed > 0; result = await worker.sweep()) healed.push(...result.applied.map((entry) => entry.id));
    expect(healed).toEqual([fixed]);
    expect((await store.load(fixed))!.version).toBe(3);
  });

  it('goes on with the rest when one row cannot be saved or its error has half an emoji: that row alone is reported', async () => {
    const store = await freshStore();
    const table = `"${db.schema}"."${store.table}"`;
    // Created first, so the oldest and in every batch: a version at the largest integer (edited
    // by hand), and a document whose error message is cut in the middle of an emoji.
    await store.create('at-largest', waitingIncident(t0 - 2000, false));
    await db.connection.query(`UPDATE ${table} SET version = 2147483647 WHERE id = 'at-largest'`);
    await store.create('emoji', waitingIncident(t0 - 1000, false));
    const cut = `${'a'.repeat(113)}😀 more`;
    await db.connection.query(`UPDATE ${table} SET document = jsonb_set(document, '{snapshot,context,facts}', $1::jsonb) WHERE id = 'emoji'`, [JSON.stringify({ venue: { x: cut } })]);
    await store.create('healthy', waitingIncident(t0, false));
    const worker = dayLaterWorker(store);
    const result = await worker.sweep();
    expect(result.applied.map((entry) => entry.id)).toEqual(['healthy']);
    expect((await store.load('healthy'))!.version).toBe(2);
    expect(result.invalid.map((failure) => failure.id).sort()).toEqual(['at-largest', 'emoji']);
    const largest = result.invalid.find((failure) => failure.id === 'at-largest')!;
    expect(largest).toMatchObject({ version: 2147483647, failures: 1 });
    expect(largest.error.issues[0]!.message).toMatch(/^The database refused the incident's update: .*out of range/);
    const failing = await store.failing({ limit: 10 });
    expect(failing.map((entry) => entry.id).sort()).toEqual(['at-largest', 'emoji']);
    // Well-formed: no half of a surrogate pair alone (the whole emoji may be there).
    for (const entry of failing) expect(entry.lastError).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect((await documentText(store, 'at-largest'))!.version).toBe(2147483647);
  });

  it('verifies signatures: a consistent edit is refused and left as it is, signed documents are signed again', async () => {
    const store = await freshStore();
    const signing = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: ['a-secret-of-at-least-32-characters!!'] } });
    const opened = signing.open({ now: t0 });
    const signed = signing.decide(opened.incident, { type: 'assessment.complete', by: 'Ana' }, { now: t0 }).incident;
    await store.create('signed', signed);
    await store.create('forged', { ...signed, snapshot: { ...signed.snapshot, context: { ...signed.snapshot.context, timeline: [{ ...signed.snapshot.context.timeline[0]!, by: 'Mallory' }] } } });
    const before = await documentText(store, 'forged');
    const reported: InvalidIncident[] = [];
    const worker = createDeadlineWorker({ store, runtime: signing, now: () => t0 + 25 * HOUR, onInvalid: (failure) => void reported.push(failure), onError: () => undefined });
    const result = await worker.sweep();
    expect(result.applied.map((entry) => entry.id)).toEqual(['signed']);
    expect(reported.map((failure) => [failure.id, failure.error.code])).toEqual([['forged', 'invalid_signature']]);
    expect(await documentText(store, 'forged')).toEqual(before);
    const saved = (await store.load('signed'))!.incident;
    expect(saved.signature).toMatch(/^hmac-sha256\./);
    expect(signing.parse(saved)).toEqual(saved);
  });

  it('calls onDecision after the commit, and rolls the batch back when inTransaction throws', async () => {
    const store = await freshStore();
    for (let index = 0; index < 4; index++) await store.create(`hook-${index}`, waitingIncident(t0, false));
    let fail = true;
    const seen: string[] = [];
    const errors: unknown[] = [];
    const worker = createDeadlineWorker({
      store,
      runtime,
      now: () => t0 + 25 * HOUR,
      inTransaction: async (tx, { id, version }) => {
        // An outbox row, committed with the deadline.
        await tx.query(`CREATE TABLE IF NOT EXISTS "${db.schema}"."outbox_${store.table}" (id text, version int)`);
        await tx.query(`INSERT INTO "${db.schema}"."outbox_${store.table}" VALUES ($1, $2)`, [id, version]);
        if (fail && id === 'hook-2') throw new Error('outbox full');
      },
      onDecision: ({ id, version }) => {
        seen.push(`${id}@${version}`);
        if (id === 'hook-0') throw new Error('mail server down');
      },
      onError: (error) => void errors.push(error),
      onInvalid: () => undefined,
    });
    await expect(worker.sweep()).rejects.toThrow('outbox full');
    expect(seen).toEqual([]);
    for (let index = 0; index < 4; index++) expect((await store.load(`hook-${index}`))!.version).toBe(1);
    fail = false;
    const result = await worker.sweep();
    expect(result.applied).toHaveLength(4);
    expect(seen.sort()).toEqual(['hook-0@2', 'hook-1@2', 'hook-2@2', 'hook-3@2']);
    expect(errors.map((error) => (error as Error).message)).toEqual(['mail server down']);
    expect(worker.stats.errors).toBe(1);
    const outbox = await db.connection.query<{ id: string }>(`SELECT id FROM "${db.schema}"."outbox_${store.table}" ORDER BY id`);
    expect(outbox.rows.map((row) => row.id)).toEqual(['hook-0', 'hook-1', 'hook-2', 'hook-3']);
  });

  it('wakes up on NOTIFY: a deadline due soon after a write is applied within a second, without polling', async () => {
    const store = await freshStore();
    const decisions: { id: string; at: number }[] = [];
    const worker = createDeadlineWorker({ store, runtime, pollIntervalMs: 60_000, onDecision: ({ id }) => void decisions.push({ id, at: Date.now() }), ...silent });
    const deaf = createDeadlineWorker({ store: await freshStore(), runtime, pollIntervalMs: 60_000, listen: false, ...silent });
    await Promise.all([worker.start(), worker.start()]); // one start
    await deaf.start();
    try {
      expect(worker.running).toBe(true);
      // Both asleep for a minute: their first sweep done (on a loaded machine, later than start()
      // resolving), then a moment for the query of the earliest due time that sets the sleep.
      await until(() => worker.stats.sweeps >= 1 && deaf.stats.sweeps >= 1, 5_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = Date.now();
      const due = now + 400;
      await store.create('soon', waitingIncident(now, false, { replyWindow: 400 }));
      const deafStore = createPostgresIncidentStore({ client: db.connection, schema: db.schema, table: `w${tables}` });
      await deafStore.create('soon', waitingIncident(now, false, { replyWindow: 400 }));
      await until(() => decisions.length > 0, 5_000);
      expect(decisions[0]!.id).toBe('soon');
      expect(decisions[0]!.at).toBeGreaterThanOrEqual(due);
      expect(decisions[0]!.at).toBeLessThan(due + 1_000);
      expect(elapsed((await store.load('soon'))!.incident)).toHaveLength(1);
      // The worker that does not listen is still asleep, waiting for its next poll.
      expect((await deafStore.load('soon'))!.version).toBe(1);
      expect(deaf.stats.sweeps).toBe(1);
    } finally {
      await worker.stop();
      await deaf.stop();
    }
    expect(worker.running).toBe(false);
  });

  it("passes on the error of the app's own statements in inTransaction as it came, not as one of the incidents table", async () => {
    const store = await freshStore();
    await store.create('outbox-missing', waitingIncident(t0, false));
    const worker = dayLaterWorker(store, { inTransaction: async (tx, { id }) => void (await tx.query(`INSERT INTO "${db.schema}"."no_outbox" (id) VALUES ($1)`, [id])) });
    const error = await worker.sweep().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).not.toBeInstanceOf(PostgresStoreError);
    expect((error as Error).message).toMatch(/no_outbox/);
    expect((await store.load('outbox-missing'))!.version).toBe(1);
  });

  it('looks again within notifyWithinMs while listening, for a deadline written too far ahead to be notified', async () => {
    const store = await freshStore({ notifyWithinMs: 300 });
    const decisions: { id: string; at: number }[] = [];
    const worker = createDeadlineWorker({ store, runtime, pollIntervalMs: 60_000, onDecision: ({ id }) => void decisions.push({ id, at: Date.now() }), ...silent });
    await worker.start();
    try {
      await until(() => worker.stats.sweeps >= 1, 5_000);
      const now = Date.now();
      // Due in 1.5 s: further ahead than 300 ms, so the write sends no NOTIFY; the poll is a minute away.
      await store.create('later', waitingIncident(now, false, { replyWindow: 1_500 }));
      await until(() => decisions.length > 0, 6_000);
      expect(decisions[0]!.id).toBe('later');
      expect(decisions[0]!.at).toBeGreaterThanOrEqual(now + 1_500);
    } finally {
      await worker.stop();
    }
  });

  it('stops gracefully: the batch in flight commits, and nothing runs after stop() resolves', async () => {
    const store = await freshStore({ notifyWithinMs: false });
    for (let index = 0; index < 3; index++) await store.create(`stop-${index}`, waitingIncident(t0, false));
    let entered!: () => void;
    const inFlight = new Promise<void>((resolve) => (entered = resolve));
    let finished = false;
    const worker = createDeadlineWorker({
      store,
      runtime,
      now: () => t0 + 25 * HOUR,
      pollIntervalMs: 20,
      inTransaction: async (_tx, { id }) => {
        if (id !== 'stop-0') return;
        entered();
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished = true;
      },
      ...silent,
    });
    await worker.start();
    await inFlight;
    await worker.stop();
    expect(finished).toBe(true);
    expect(worker.stats.sweeps).toBe(1);
    for (let index = 0; index < 3; index++) expect((await store.load(`stop-${index}`))!.version).toBe(2);
    await store.create('after-stop', waitingIncident(t0, false));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await store.load('after-stop'))!.version).toBe(1);
    expect(worker.stats.sweeps).toBe(1);
  });

  it('starts again when start() is called before an earlier stop() resolved (a restart that does not wait)', async () => {
    const store = await freshStore({ notifyWithinMs: false });
    const worker = createDeadlineWorker({ store, runtime, listen: false, pollIntervalMs: 20, now: () => t0 + 25 * HOUR, ...silent });
    await worker.start();
    const stopping = worker.stop();
    await worker.start();
    expect(worker.running).toBe(true);
    await stopping;
    // The stop ended the run before; the start after it stands.
    expect(worker.running).toBe(true);
    await store.create('after-restart', waitingIncident(t0, false));
    await until(async () => (await store.load('after-restart'))!.version === 2, 5_000);
    await worker.stop();
    expect(worker.running).toBe(false);
  });

  it('refuses to start on a missing table with one clear error, and checks its options', async () => {
    const missing = createPostgresIncidentStore({ client: db.connection, schema: db.schema, table: 'never_migrated' });
    const worker = createDeadlineWorker({ store: missing, runtime, ...silent });
    const error = await worker.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostgresStoreError);
    expect(error).toMatchObject({ code: 'missing_table', message: expect.stringContaining('run `await store.migrate()`') });
    expect(worker.running).toBe(false);
    await expect(worker.sweep()).rejects.toMatchObject({ code: 'missing_table' });
    const store = await freshStore();
    expect(() => createDeadlineWorker({ store: new MemoryIncidentStore() as never, runtime })).toThrow(/"store" must be a store made by createPostgresIncidentStore/);
    expect(() => createDeadlineWorker({ store, runtime: undefined as never })).toThrow(/"runtime" must be the app's IncidentRuntime/);
    expect(() => createDeadlineWorker({ store, runtime, batchSize: 0 })).toThrow(/"batchSize" must be an integer from 1 to 1000/);
    expect(() => createDeadlineWorker({ store, runtime, pollIntervalMs: 1 })).toThrow(/"pollIntervalMs" must be a number from 10/);
    for (const bad of [-1, 1.5, Number.NaN, 86_400_001]) {
      expect(() => createDeadlineWorker({ store, runtime, stalledTransactionMs: bad })).toThrow(/"stalledTransactionMs" must be an integer from 0 to 86400000/);
    }
    await expect(createDeadlineWorker({ store, runtime, now: () => Number.NaN }).sweep()).rejects.toThrow(/"now" must return epoch milliseconds or a Date/);
  });
});

if (!databaseUrl) console.warn('postgres-worker: DATABASE_URL is not set, so the single pg.Client test did not run (it needs a server); CI sets it.');

// Registered only with a server (CI always has one), so nothing shows as skipped without one.
if (databaseUrl) describe('a single pg.Client', () => {
  it('carries the store and a listening worker on one connection, its transactions one at a time', async () => {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const schema = uniqueSchema('client');
    const decisions: { id: string; at: number }[] = [];
    try {
      const store = createPostgresIncidentStore({ client, schema });
      await store.migrate();
      for (let index = 0; index < 5; index++) await store.create(`c-${index}`, waitingIncident(t0, false));
      const worker = createDeadlineWorker({ store, runtime, pollIntervalMs: 60_000, onDecision: ({ id }) => void decisions.push({ id, at: Date.now() }), ...silent });
      await worker.start();
      // Writers and a sweep at once, all on the one connection.
      const sweeper = createDeadlineWorker({ store, runtime, now: () => t0 + 25 * HOUR, ...silent });
      await Promise.all([
        sweeper.sweep(),
        ...Array.from({ length: 15 }, (_, index) =>
          updateIncident(store, `c-${index % 5}`, (incident) => decide(incident, { type: 'community.supported', by: `w${index}` }, { now: t0 + 26 * HOUR }).incident, {
            attempts: 50,
            backoff: { initialMs: 1, maxMs: 5 },
          }),
        ),
      ]);
      for (let index = 0; index < 5; index++) {
        const { incident, version } = (await store.load(`c-${index}`))!;
        expect(incident.snapshot.context.timeline.filter((entry) => entry.by?.startsWith('w'))).toHaveLength(3);
        expect(elapsed(incident)).toHaveLength(1);
        expect(version).toBe(5);
      }
      const now = Date.now();
      await store.create('soon', waitingIncident(now, false, { replyWindow: 300 }));
      await until(() => decisions.some((decision) => decision.id === 'soon'), 5_000);
      expect(decisions.find((decision) => decision.id === 'soon')!.at).toBeLessThan(now + 300 + 1_000);
      await worker.stop();
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });
});

describe('stalledTransactionMs on PGlite', () => {
  it('sets nothing: a sweep idle for longer still commits, and the database answers after (a session timeout inside PGlite blocked the process)', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = new PGlite();
    try {
      const store = createPostgresIncidentStore({ client: pglite });
      await store.migrate();
      await store.create('due', waitingIncident(t0, false));
      const slow = dayLaterWorker(store, { stalledTransactionMs: 100, inTransaction: () => new Promise((resolve) => setTimeout(resolve, 400)) });
      expect((await slow.sweep()).applied.map(({ id }) => id)).toEqual(['due']);
      expect((await pglite.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pglite.close();
    }
  });
});

// Registered only with a server, like the test above.
if (databaseUrl) describe('a worker that stalls inside its sweep (a frozen process, a machine cut off)', () => {
  it('loses its rows after stalledTransactionMs: another worker applies the deadline, once', async () => {
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({ connectionString: databaseUrl });
    const schema = uniqueSchema('stall');
    try {
      const store = createPostgresIncidentStore({ client: pool, schema });
      await store.migrate();
      await store.create('due', waitingIncident(t0, false));
      let stalled = false;
      // The first worker stops answering inside its transaction for 4 s: idle in transaction, its rows locked.
      const frozen = dayLaterWorker(store, {
        stalledTransactionMs: 300,
        inTransaction: async () => {
          stalled = true;
          await new Promise((resolve) => setTimeout(resolve, 4_000));
        },
      });
      const first = frozen.sweep().then(() => undefined, (error: unknown) => error);
      await until(() => stalled, 5_000);
      const other = dayLaterWorker(store);
      const started = Date.now();
      let applied: string[] = [];
      await until(async () => (applied = (await other.sweep()).applied.map(({ id }) => id)).length > 0, 3_500);
      // Claimed well before the stalled worker woke up: the server ended its session.
      expect(applied).toEqual(['due']);
      expect(Date.now() - started).toBeLessThan(3_500);
      expect(await first).toMatchObject({ message: expect.stringMatching(/terminat|connection/i) });
      expect(elapsed((await store.load('due'))!.incident)).toHaveLength(1);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    }
  });
});

// Registered only with a server, like the test above.
if (databaseUrl) describe('a pg.Pool or pg.Client without an error listener whose idle connection the server ends', () => {
  const terminate = async (application: string) => {
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [application]);
      return rowCount;
    } finally {
      await admin.end();
    }
  };

  it('keeps the process alive: the pool opens a new connection for the next query', async () => {
    const pg = (await import('pg')).default;
    const application = `cp-idle-pool-${process.pid}`;
    // As an app sets one up without reading node-postgres' advice: no pool.on('error').
    const pool = new pg.Pool({ connectionString: databaseUrl, application_name: application });
    const schema = uniqueSchema('idle');
    const store = createPostgresIncidentStore({ client: pool, schema });
    try {
      await store.migrate();
      await store.create('a', waitingIncident(t0, false));
      expect(pool.idleCount).toBeGreaterThan(0);
      expect(await terminate(application)).toBeGreaterThan(0);
      // The pool hears of it (an 'error' event, which ended the process when no one listened).
      await until(() => pool.idleCount === 0, 5_000);
      expect((await store.load('a'))!.version).toBe(1);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    }
  });

  it('keeps the process alive with a single client: its sweeps and loads fail with the lost connection', async () => {
    const pg = (await import('pg')).default;
    const application = `cp-idle-client-${process.pid}`;
    const client = new pg.Client({ connectionString: databaseUrl, application_name: application });
    await client.connect();
    const schema = uniqueSchema('idleclient');
    const store = createPostgresIncidentStore({ client, schema });
    await store.migrate();
    const worker = createDeadlineWorker({ store, runtime, listen: false, now: () => t0, ...silent });
    expect(await terminate(application)).toBe(1);
    // A client cannot reconnect: its next queries fail with the reason, through the store and onError.
    await until(async () => (await worker.sweep().then(() => false, () => true)), 5_000);
    await expect(store.load('a')).rejects.toThrow(/connection|not queryable|terminat/i);
    // Said as the store's own error, whichever words the driver used.
    for (const failing of [store.load('a'), worker.sweep()]) await expect(failing).rejects.toMatchObject({ name: 'PostgresStoreError', code: 'connection_failed' });
    const cleanup = new pg.Client({ connectionString: databaseUrl });
    await cleanup.connect();
    await cleanup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await Promise.all([cleanup.end(), client.end().catch(() => undefined)]);
  });
});

if (databaseUrl) describe('a pg.Pool of one connection', () => {
  it('is polled without LISTEN, and the worker says why, rather than every query waiting for ever', async () => {
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    const schema = uniqueSchema('maxone');
    const store = createPostgresIncidentStore({ client: pool, schema });
    await store.migrate();
    const errors: unknown[] = [];
    const worker = createDeadlineWorker({ store, runtime, now: () => t0, onError: (error) => void errors.push(error), onInvalid: () => undefined });
    await worker.start();
    try {
      expect(errors.map((error) => (error as Error).message)).toEqual([expect.stringContaining('one connection (max: 1), which LISTEN would keep for itself')]);
      await store.create('one', waitingIncident(t0, false));
      expect((await store.load('one'))!.version).toBe(1);
      await until(() => worker.stats.sweeps >= 1, 5_000);
    } finally {
      await worker.stop();
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    }
  });
});

// Registered only with a server, like the test above.
if (databaseUrl) describe('a pg.Pool whose connection the server ends mid-sweep', () => {
  it('fails that sweep, keeps the process alive, and applies the deadline on the next sweep', async () => {
    const pg = (await import('pg')).default;
    const application = `cp-victim-${process.pid}`;
    const pool = new pg.Pool({ connectionString: databaseUrl, application_name: application });
    const admin = new pg.Client({ connectionString: databaseUrl });
    const blocker = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await blocker.connect();
    const schema = uniqueSchema('ended');
    try {
      const store = createPostgresIncidentStore({ client: pool, schema });
      await store.migrate();
      await store.create('due', waitingIncident(t0, false));
      // The claim waits behind a lock, as during any slow statement; then its backend is ended.
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE "${schema}"."${store.table}" IN ACCESS EXCLUSIVE MODE`);
      const worker = dayLaterWorker(store);
      const sweep = worker.sweep().then(
        () => undefined,
        (error: unknown) => error,
      );
      await until(async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [application])).rowCount === 1, 5_000);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [application]);
      expect(await sweep).toMatchObject({ message: expect.stringMatching(/connection/i) });
      await blocker.query('ROLLBACK');
      // The process went on; the next sweep, on a new connection, applies the deadline once.
      expect((await worker.sweep()).applied.map(({ id }) => id)).toEqual(['due']);
      expect(elapsed((await store.load('due'))!.incident)).toHaveLength(1);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await Promise.all([admin.end(), blocker.end(), pool.end()]);
    }
  });
});
