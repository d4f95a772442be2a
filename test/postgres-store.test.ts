import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CrisisEvent, IncidentError } from 'crisis-playbook';
import { decide, openIncident, type StoredIncident, updateIncident } from 'crisis-playbook/server';
import * as postgres from 'crisis-playbook/postgres';
import {
  connectPostgres,
  createPostgresIncidentStore,
  fromPg,
  fromPGlite,
  postgresSchemaSql,
  PostgresStoreError,
  type PostgresIncidentStore,
} from 'crisis-playbook/postgres';
import { outOfSightFacts } from './helpers.js';
import { exportReader } from './support/exports.js';
import { backends, databaseUrl, openDatabase, type Database } from './support/postgres.js';

const t0 = Date.parse('2026-04-06T19:00:00.000Z');
const HOUR = 3_600_000;

/** An incident waiting on a rung with a window: requestingAccess (posts out of sight) or directMessage. */
function waitingIncident(now: number, outOfSight: boolean): StoredIncident {
  const opened = openIncident({ now, input: outOfSight ? { facts: outOfSightFacts } : {} });
  return decide(opened.incident, { type: 'assessment.complete', by: 'Ana' }, { now: now + 60_000 }).incident;
}

interface Row {
  document: unknown;
  version: number;
  playbook_id: string;
  playbook_version: string;
  status: string;
  rung: string;
  next_due: Date | string | null;
}

describe.each(backends)('createPostgresIncidentStore on $name', (backend) => {
  let db: Database;
  let store: PostgresIncidentStore;
  const row = async (id: string, table = 'incidents') =>
    (await db.connection.query<Row>(`SELECT document, version, playbook_id, playbook_version, status, rung, next_due FROM "${db.schema}"."${table}" WHERE id = $1`, [id])).rows[0];
  const dueOf = (value: Row['next_due']) => (value === null ? null : new Date(value).toISOString());

  beforeAll(async () => {
    db = await openDatabase(backend, 'store');
    store = await db.store();
  }, 60_000);
  afterAll(async () => db?.close());

  it('gives one clear error before migrate(), and migrate() is idempotent and safe to run at once', async () => {
    const fresh = createPostgresIncidentStore({ client: db.connection, schema: db.schema, table: 'later' });
    const errors = await Promise.all([fresh.load('x'), fresh.check(), fresh.create('x', waitingIncident(t0, false))].map((p) => p.then(() => undefined, (e: unknown) => e)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(PostgresStoreError);
      expect(error).toMatchObject({ code: 'missing_table' });
      expect((error as Error).message).toMatch(/^Table "cp_store_\w+"\."later" does not exist: run `await store.migrate\(\)`/);
      expect((error as Error).message).not.toContain('\n');
    }
    // Several processes (here: several stores, several pool connections on a server) at once.
    const stores = Array.from({ length: 4 }, () => createPostgresIncidentStore({ client: db.connection, schema: db.schema, table: 'later' }));
    await Promise.all(stores.map((s) => s.migrate()));
    await fresh.migrate();
    await expect(fresh.check()).resolves.toBeUndefined();
    expect(await fresh.load('x')).toBeUndefined();
  });

  it('runs no DDL when the table is up to date: migrate() on start does not queue behind an open write (and every save behind it)', async () => {
    await store.create('held', waitingIncident(t0, false));
    const table = `"${db.schema}"."${store.table}"`;
    if (backend.url) {
      const pg = (await import('pg')).default;
      const writer = new pg.Client({ connectionString: backend.url });
      await writer.connect();
      try {
        await writer.query('BEGIN');
        await writer.query(`UPDATE ${table} SET failures = failures WHERE id = 'held'`);
        const outcome = await Promise.race([store.migrate().then(() => 'migrated'), new Promise((resolve) => setTimeout(() => resolve('waited'), 2_000))]);
        expect(outcome).toBe('migrated');
      } finally {
        await writer.query('ROLLBACK');
        await writer.end();
      }
    }
    // An index dropped by hand is made again.
    const indexes = async () => (await db.connection.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname`, [db.schema, store.table])).rows.map((r) => r.indexname);
    const before = await indexes();
    await db.connection.query(`DROP INDEX "${db.schema}"."${before.find((name) => name.endsWith('done_idx'))!}"`);
    await store.migrate();
    expect(await indexes()).toEqual(before);
  });

  it('refuses to adopt a table it did not make, and a table of a newer schema', async () => {
    await db.connection.query(`CREATE TABLE "${db.schema}"."theirs" (id text PRIMARY KEY)`);
    const theirs = createPostgresIncidentStore({ client: db.connection, schema: db.schema, table: 'theirs' });
    await expect(theirs.check()).rejects.toMatchObject({ code: 'outdated_schema', message: expect.stringContaining('was not made by crisis-playbook') });
    await expect(theirs.migrate()).rejects.toMatchObject({ code: 'outdated_schema' });
    const newer = await db.store('newer');
    await db.connection.query(`COMMENT ON TABLE "${db.schema}"."newer" IS 'crisis-playbook incidents, schema 99'`);
    await expect(newer.check()).rejects.toMatchObject({ code: 'newer_schema', message: expect.stringContaining('upgrade crisis-playbook') });
    await expect(newer.migrate()).rejects.toMatchObject({ code: 'newer_schema' });
  });

  it('creates at version 1 and bumps the version by one on every save, like MemoryIncidentStore', async () => {
    const incident = waitingIncident(t0, false);
    const created = await store.create('inc-versions', incident);
    expect(created).toEqual({ incident, version: 1 });
    const loaded = (await store.load('inc-versions'))!;
    expect(loaded).toEqual({ incident, version: 1 });
    let current = loaded;
    for (let step = 1; step <= 3; step++) {
      const next = decide(current.incident, { type: 'community.supported', by: `s${step}` }, { now: t0 + step * HOUR });
      const saved = await store.save('inc-versions', next.incident, current.version);
      expect(saved.version).toBe(step + 1);
      current = (await store.load('inc-versions'))!;
      expect(current).toEqual({ incident: next.incident, version: step + 1 });
    }
    // Mutating what was loaded does not touch the store.
    (current.incident.snapshot.context.timeline as unknown[]).push('junk');
    expect((await store.load('inc-versions'))!.incident.snapshot.context.timeline).toHaveLength(4);
    expect(await store.load('nope')).toBeUndefined();
    expect(await store.load('')).toBeUndefined();
    expect(await store.load('a\u0000b')).toBeUndefined();
  });

  it('answers already_exists, stale_version and not_found as IncidentErrors of the main entry', async () => {
    const incident = waitingIncident(t0, false);
    await store.create('inc-codes', incident);
    const taken = store.create('inc-codes', incident);
    await expect(taken).rejects.toBeInstanceOf(IncidentError);
    await expect(taken).rejects.toMatchObject({ code: 'already_exists', issues: [{ path: ['id'] }] });
    const next = decide(incident, { type: 'message.sent' }, { now: t0 + HOUR }).incident;
    await store.save('inc-codes', next, 1);
    const stale = store.save('inc-codes', next, 1);
    await expect(stale).rejects.toBeInstanceOf(IncidentError);
    await expect(stale).rejects.toMatchObject({ code: 'stale_version', message: expect.stringContaining('is at version 2, not 1') });
    await expect(store.save('inc-missing', next, 1)).rejects.toMatchObject({ code: 'not_found' });
    await expect(store.save('', next, 1)).rejects.toMatchObject({ code: 'not_found' });
    // The failed saves changed nothing.
    expect(await store.load('inc-codes')).toEqual({ incident: next, version: 2 });
  });

  it('keeps playbook, status, rung and next_due in step with the document on every write', async () => {
    const opened = openIncident({ now: t0, input: { facts: outOfSightFacts } }).incident;
    await store.create('inc-columns', opened);
    const created = (await row('inc-columns'))!;
    expect(created).toMatchObject({ version: 1, playbook_id: 'crisis', playbook_version: '1.0.0', status: 'active', rung: 'gatheringInfo' });
    // No window runs yet, but the first response is due within 24 hours (the low severity's target).
    expect(dueOf(created.next_due)).toBe(new Date(t0 + 24 * HOUR).toISOString());
    const events: CrisisEvent[] = [
      { type: 'assessment.complete' },
      { type: 'access.granted' },
      { type: 'message.sent' },
      { type: 'message.replied' },
      { type: 'call.completed', apology: true, agreement: true },
    ];
    let incident = opened;
    let version = 1;
    for (const [index, event] of events.entries()) {
      const decision = decide(incident, event, { now: t0 + (index + 1) * HOUR });
      ({ incident, version } = await store.save('inc-columns', decision.incident, version));
      const stored = (await row('inc-columns'))!;
      // Responded: from here on, only the windows fall due.
      const due = decision.deadlines.map((d) => Date.parse(d.at)).sort((a, b) => a - b)[0];
      expect(decision.nextDue).toBe(due === undefined ? undefined : new Date(due).toISOString());
      expect(stored).toMatchObject({ version, status: decision.status, rung: decision.rung });
      expect(dueOf(stored.next_due)).toBe(due === undefined || decision.status === 'done' ? null : new Date(due).toISOString());
      expect(stored.document).toEqual(decision.incident);
    }
    expect((await row('inc-columns'))!).toMatchObject({ status: 'done', rung: 'resolved', next_due: null });
  });

  it('computes the columns from the document, never from the caller, and refuses what has none', async () => {
    const incident = waitingIncident(t0, true);
    const shaped = { ...incident, snapshot: { ...incident.snapshot, value: { active: { ...(incident.snapshot.value as { active: object }).active, ladder: 'phoneCall' } } } };
    await store.create('inc-derived', shaped as StoredIncident);
    expect(await row('inc-derived')).toMatchObject({ rung: 'phoneCall' });
    const junk: [unknown, (string | number)[]][] = [
      [null, []],
      [[1, 2], []],
      ['{"format":"crisis-playbook/incident"}', []],
      [{ ...incident, playbook: { id: 1 } }, ['playbook']],
      [{ ...incident, snapshot: { ...incident.snapshot, status: 'paused' } }, ['snapshot', 'status']],
      [{ ...incident, snapshot: { ...incident.snapshot, value: { active: {} } } }, ['snapshot', 'value']],
      [{ ...incident, snapshot: { ...incident.snapshot, context: { ...incident.snapshot.context, deadlines: 'soon' } } }, ['snapshot', 'context', 'deadlines']],
      [{ ...incident, snapshot: { ...incident.snapshot, context: { ...incident.snapshot.context, deadlines: [{ due: 'tomorrow' }] } } }, ['snapshot', 'context', 'deadlines', 0, 'due']],
      [{ ...incident, snapshot: { ...incident.snapshot, context: { ...incident.snapshot.context, big: 10n } } }, []],
      [{ ...incident, note: 'nul \u0000 inside' }, []],
    ];
    for (const [document, path] of junk) {
      const error = await store.create('inc-junk', document as StoredIncident).catch((e: unknown) => e);
      expect(error, JSON.stringify(path)).toBeInstanceOf(IncidentError);
      expect(error).toMatchObject({ code: 'invalid_document', issues: [{ path }] });
      await expect(store.save('inc-derived', document as StoredIncident, 1)).rejects.toMatchObject({ code: 'invalid_document' });
    }
    expect(await store.load('inc-junk')).toBeUndefined();
    expect((await store.load('inc-derived'))!.version).toBe(1);
  });

  it('refuses names that are not plain identifiers, ids that are not strings and bad versions', async () => {
    for (const table of ['incidents; DROP TABLE x', 'Incidents', '1st', 'a"b', '', 'x'.repeat(49)]) {
      expect(() => createPostgresIncidentStore({ client: db.connection, table })).toThrow(/"table" must be a lowercase SQL identifier/);
    }
    expect(() => createPostgresIncidentStore({ client: db.connection, schema: 'public.x' })).toThrow(/"schema" must be/);
    expect(() => createPostgresIncidentStore({ client: 'postgres://localhost/db' as never })).toThrow(/"client" must be a pg Pool or Client, a PGlite instance.*connectPostgres/);
    expect(() => createPostgresIncidentStore({ client: {} as never })).toThrow(/"client" must be/);
    await expect(store.load(42 as never)).rejects.toThrow(TypeError);
    await expect(store.create('x'.repeat(1001), waitingIncident(t0, false))).rejects.toThrow(/1 to 1000 characters/);
    // Half a surrogate pair: PostgreSQL would keep U+FFFD, and "case-\ud800" and "case-\udfff" would be one row.
    await expect(store.create('case-\ud800', waitingIncident(t0, false))).rejects.toThrow(/no half of a surrogate pair/);
    expect(await store.load('case-\udfff')).toBeUndefined();
    await expect(store.create('事'.repeat(1000), waitingIncident(t0, false))).rejects.toThrow(/at most 2,000 bytes of UTF-8/);
    await store.create('事'.repeat(600), waitingIncident(t0, false));
    await store.create('case-😀', waitingIncident(t0, false));
    expect((await store.load('case-😀'))!.version).toBe(1);
    for (const version of [0, 1.5, Number.NaN, '1']) {
      await expect(store.save('inc-versions', waitingIncident(t0, false), version as never)).rejects.toThrow(/"expectedVersion" must be the positive integer version/);
    }
  });

  it('lists incidents due by a time, open by playbook and on a rung, with paging', async () => {
    const lists = await db.store('lists');
    const base = t0 + 100 * HOUR;
    for (let index = 0; index < 6; index++) {
      await lists.create(`l-${index}`, waitingIncident(base + index * HOUR, index % 2 === 0));
    }
    const done = decide(waitingIncident(base, false), { type: 'incident.closed', reason: 'Gone quiet' }, { now: base + 2 * HOUR });
    await lists.create('l-done', done.incident);
    // Deadlines 24 h after each assessment (one minute after opening).
    const due = (index: number) => new Date(base + index * HOUR + 60_000 + 24 * HOUR).toISOString();
    expect((await lists.dueBy(due(2))).map((s) => [s.id, s.nextDue])).toEqual([0, 1, 2].map((i) => [`l-${i}`, due(i)]));
    expect((await lists.dueBy(new Date(due(5)), { limit: 2 })).map((s) => s.id)).toEqual(['l-0', 'l-1']);
    expect(await lists.dueBy(base)).toEqual([]);
    const open = await lists.openByPlaybook('crisis');
    expect(open.map((s) => s.id)).toEqual(['l-0', 'l-1', 'l-2', 'l-3', 'l-4', 'l-5']);
    expect(open[0]).toMatchObject({ version: 1, playbook: { id: 'crisis', version: '1.0.0' }, status: 'active', rung: 'requestingAccess', failures: 0, retryAt: null, lastError: null });
    expect(Date.parse(open[0]!.createdAt)).toBeGreaterThan(0);
    expect(await lists.openByPlaybook('crisis', { version: '0.9.0' })).toEqual([]);
    expect((await lists.openByPlaybook('crisis', { limit: 2, after: 'l-1' })).map((s) => s.id)).toEqual(['l-2', 'l-3']);
    expect((await lists.openOnRung('directMessage')).map((s) => s.id)).toEqual(['l-1', 'l-3', 'l-5']);
    expect((await lists.openOnRung('requestingAccess', { playbook: 'crisis', after: 'l-0' })).map((s) => s.id)).toEqual(['l-2', 'l-4']);
    expect(await lists.openOnRung('closed')).toEqual([]);
    expect(await lists.failing()).toEqual([]);
    await expect(lists.dueBy('not a time')).rejects.toThrow(/expected a time/);
    await expect(lists.openOnRung('x', { limit: 0 })).rejects.toThrow(/"limit" must be an integer from 1 to 10000/);
  });

  it('loses no update when writers race on one incident through updateIncident', async () => {
    await store.create('inc-race', waitingIncident(t0, false));
    const writers = 8;
    let attempts = 0;
    await Promise.all(
      Array.from({ length: writers }, (_, index) =>
        updateIncident(
          store,
          'inc-race',
          async (incident) => {
            attempts++;
            await new Promise((resolve) => setTimeout(resolve, (index * 7) % 5));
            return decide(incident, { type: 'community.supported', by: `writer-${index}` }, { now: t0 + HOUR }).incident;
          },
          { attempts: 50, backoff: { initialMs: 1, maxMs: 20 } },
        ),
      ),
    );
    const final = (await store.load('inc-race'))!;
    expect(final.version).toBe(1 + writers);
    const by = final.incident.snapshot.context.timeline.map((entry) => entry.by).filter((name) => name?.startsWith('writer-'));
    expect(by.sort()).toEqual(Array.from({ length: writers }, (_, index) => `writer-${index}`).sort());
    expect(attempts).toBeGreaterThanOrEqual(writers);
  });

  it('runs load, create and save as statements prepared once per connection on pg, plain ones otherwise', async () => {
    // A connection of its own, so that pg_prepared_statements (one per session) shows its statements.
    const pg = backend.url ? (await import('pg')).default : undefined;
    const own = pg ? new pg.Client({ connectionString: backend.url }) : undefined;
    await own?.connect();
    try {
      const client = own ? fromPg(own) : db.connection;
      const named = async () =>
        (await client.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'crisis_playbook_%' AND statement LIKE '%"prepared"%' ORDER BY statement`)).rows.map(
          (row) => row.statement.replace(/\s+/g, ' ').split(' ').slice(0, 3).join(' '),
        );
      await createPostgresIncidentStore({ client: db.connection, schema: db.schema, table: 'prepared' }).migrate();
      for (const preparedStatements of [false, true]) {
        const id = `inc-${String(preparedStatements)}`;
        const store = createPostgresIncidentStore({ client, schema: db.schema, table: 'prepared', preparedStatements });
        await store.create(id, waitingIncident(t0, false));
        const loaded = (await store.load(id))!;
        const next = decide(loaded.incident, { type: 'community.supported', by: 'Ben' }, { now: t0 + HOUR }).incident;
        expect((await store.save(id, next, loaded.version)).version).toBe(2);
        // The compare-and-set holds through prepared statements: a second save of version 1 is stale.
        await expect(store.save(id, next, loaded.version)).rejects.toMatchObject({ code: 'stale_version' });
        await expect(store.save('inc-nobody', next, 1)).rejects.toMatchObject({ code: 'not_found' });
        expect((await store.load(id))!.incident).toEqual(next);
        const table = `"${db.schema}"."prepared"`;
        expect(await named()).toEqual(preparedStatements && own ? [`INSERT INTO ${table}`, 'SELECT document::text AS', `UPDATE ${table} SET`] : []);
      }
      // A prepared statement whose table went away gives the same clear error, and works again once it is back.
      const store = createPostgresIncidentStore({ client, schema: db.schema, table: 'prepared' });
      await client.query(`DROP TABLE "${db.schema}"."prepared"`);
      await expect(store.load('inc-prepared')).rejects.toMatchObject({ code: 'missing_table' });
      await store.migrate();
      await store.create('inc-again', waitingIncident(t0, false));
      expect((await store.load('inc-again'))!.version).toBe(1);
      expect(() => createPostgresIncidentStore({ client, preparedStatements: 'yes' as never })).toThrow(/"preparedStatements" must be true or false/);
    } finally {
      await own?.end();
    }
  });

  it('reads documents back so that decisions work on them (jsonb reorders keys)', async () => {
    const incident = waitingIncident(t0, true);
    await store.create('inc-roundtrip', incident);
    const loaded = (await store.load('inc-roundtrip'))!;
    expect(JSON.stringify(loaded.incident)).not.toBe(JSON.stringify(incident)); // the key order changed …
    expect(loaded.incident).toEqual(incident); // … the content did not
    const { decideDue } = await import('crisis-playbook/server');
    expect(decideDue(loaded.incident, { now: t0 + 2 * HOUR }).changed).toBe(false);
    expect(decideDue(loaded.incident, { now: t0 + 30 * HOUR }).rung).toBe('directMessage');
    // A document edited by hand into a JSON string (of an incident's text, or of anything) is no incident.
    const table = `"${db.schema}"."${store.table}"`;
    for (const [id, value] of [['as-text', JSON.stringify(incident)], ['not-json', 'not json']] as const) {
      await store.create(id, incident);
      await db.connection.query(`UPDATE ${table} SET document = to_jsonb($1::text) WHERE id = $2`, [value, id]);
      await expect(store.load(id)).rejects.toMatchObject({ code: 'invalid_document', message: expect.stringContaining(`holds a string, not an incident document`) });
    }
  });

  it('archives finished incidents with the SQL of docs/postgres.md', async () => {
    const docs = readFileSync(fileURLToPath(new URL('../docs/postgres.md', import.meta.url)), 'utf8');
    const sql = [...docs.matchAll(/```sql\n([\s\S]*?)\n```/g)].map((match) => match[1]!).find((block) => block.includes('_archive'))!;
    const live = await db.store('arch');
    await live.create('open', waitingIncident(t0, false));
    await live.create('old', decide(waitingIncident(t0, false), { type: 'incident.closed', reason: 'Over' }, { now: t0 + HOUR }).incident);
    await live.create('recent', decide(waitingIncident(t0, false), { type: 'incident.closed', reason: 'Over' }, { now: t0 + HOUR }).incident);
    await db.connection.query(`UPDATE "${db.schema}"."arch" SET updated_at = now() - interval '100 days' WHERE id IN ('old', 'open')`);
    const statements = sql
      .replaceAll('public.crisis_incidents_archive', `"${db.schema}"."arch_archive"`)
      .replaceAll('public.crisis_incidents', `"${db.schema}"."arch"`)
      .split(/;\n\n/);
    for (const statement of statements) await db.connection.query(statement);
    expect((await live.openByPlaybook('crisis')).map((s) => s.id)).toEqual(['open']);
    expect(await live.load('old')).toBeUndefined();
    expect((await live.load('recent'))!.version).toBe(1);
    const archived = await db.connection.query<{ id: string; status: string }>(`SELECT id, status FROM "${db.schema}"."arch_archive"`);
    expect(archived.rows).toEqual([{ id: 'old', status: 'done' }]);
  });

  it('applies the shipped SQL the same way as migrate()', async () => {
    const sql = postgresSchemaSql({ schema: db.schema, table: 'from_sql' });
    // psql and pg run the script as it is; PGlite's query() takes one statement at a time.
    const run = async () => {
      if (db.connection.kind === 'pg') await db.connection.query(sql);
      else for (const statement of sql.split(/;\n/).filter((text) => text.trim() !== '')) await db.connection.query(statement);
    };
    await run();
    await run(); // idempotent
    const fromSql = createPostgresIncidentStore({ client: db.connection, schema: db.schema, table: 'from_sql' });
    await expect(fromSql.check()).resolves.toBeUndefined();
    await fromSql.create('inc-1', waitingIncident(t0, false));
    expect((await fromSql.load('inc-1'))!.version).toBe(1);
  });
});

describe('connecting', () => {
  it('refuses a pool size that is no number of connections', async () => {
    for (const max of [0, -1, 1.5, Number.NaN, '10']) await expect(connectPostgres({ max: max as never })).rejects.toThrow(/"max" must be a whole number of connections, at least 1/);
  });

  it('gives one clear line for a wrong connection string', async () => {
    const cases: [string, RegExp][] = [
      ['postgres://postgres@127.0.0.1:1/test', /^Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/test \(ECONNREFUSED\): check the host and port/],
      ['postgres://postgres@localhost:1/test', /^Cannot connect to PostgreSQL at localhost:1\/test \(ECONNREFUSED\)/],
      ['mysql://root@localhost/db', /^Cannot use the connection string: expected postgres:\/\/user:password@host:5432\/database$/],
    ];
    if (databaseUrl) {
      const url = new URL(databaseUrl);
      cases.push([`${url.protocol}//${url.username || 'postgres'}@${url.host}/no_such_database_here`, /database "no_such_database_here" does not exist — check the database name/]);
      cases.push([`${url.protocol}//no_such_role_here@${url.host}${url.pathname}`, /refused the login: role "no_such_role_here" does not exist — check the user and password/]);
    }
    for (const [connectionString, message] of cases) {
      const error = await connectPostgres({ connectionString }).catch((e: unknown) => e);
      expect(error, connectionString).toBeInstanceOf(PostgresStoreError);
      expect(error).toMatchObject({ code: 'connection_failed' });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
    await expect(connectPostgres({ connectionString: ' ' })).rejects.toThrow(TypeError);
  });

  it('says that no user name was given, where node-postgres had no connection string (an unset DATABASE_URL)', async () => {
    const { describeConnectionError } = await import('../src/postgres/errors.js');
    // What the server answers a pg.Pool made with `connectionString: undefined` and no PGUSER or USER.
    const refused = Object.assign(new Error('no PostgreSQL user name specified in startup packet'), { code: '28000' });
    expect(describeConnectionError(refused)?.message).toBe(
      'PostgreSQL refused the login: no PostgreSQL user name specified in startup packet — no user name was given: is the connection string set (DATABASE_URL)? It reads postgres://user:password@host:5432/database',
    );
    const wrong = Object.assign(new Error('password authentication failed for user "ana"'), { code: '28P01' });
    expect(describeConnectionError(wrong)?.message).toMatch(/— check the user and password of the connection string$/);
  });

  it('adapts PGlite and pg objects, and says what it expected otherwise', async () => {
    expect(() => fromPg({} as never)).toThrow(/fromPg: expected a pg Pool or Client/);
    expect(() => fromPGlite({ query() {} } as never)).toThrow(/fromPGlite: expected a PGlite instance/);
    const embedded = await connectPostgres();
    expect(embedded.kind).toBe('pglite');
    expect(fromPGlite(embedded as never)).toBe(embedded);
    const rows = await embedded.transaction(async (tx) => (await tx.query<{ n: number }>('SELECT $1::int + 1 AS n', [41])).rows);
    expect(rows).toEqual([{ n: 42 }]);
    await expect(embedded.transaction(async (tx) => {
      await tx.query('CREATE TABLE rolled_back (x int)');
      throw new Error('no');
    })).rejects.toThrow('no');
    expect((await embedded.query<{ t: unknown }>(`SELECT to_regclass('rolled_back') AS t`)).rows[0]!.t).toBeNull();
    await embedded.close();
    await expect(embedded.query('SELECT 1')).rejects.toMatchObject({ code: 'connection_failed', message: expect.stringContaining('closed') });
  }, 30_000);
});

describe('a pg pool', () => {
  it('survives a connection the server ends during a transaction: the transaction fails with it, and the connection is not given back', async () => {
    // node-postgres reports a backend ended by the server (a restart, a failover, an idle-in-
    // transaction timeout) as an 'error' event on the connection, from its socket: with no
    // listener, Node.js ends the process. The pool stops listening while a connection is out.
    const ended = new Error('terminating connection due to administrator command');
    const released: unknown[] = [];
    const connection = Object.assign(new EventEmitter(), {
      query: (text: string) =>
        text === 'SELECT pg_sleep(10)'
          ? new Promise((_, reject) =>
              setImmediate(() => {
                connection.emit('error', ended);
                reject(new Error('Connection terminated unexpectedly'));
              }),
            )
          : Promise.resolve({ rows: [], rowCount: 0 }),
      release: (destroy?: unknown) => void released.push(destroy),
    });
    const pool = { totalCount: 1, query: () => Promise.resolve({ rows: [] }), connect: () => Promise.resolve(connection) };
    const client = fromPg(pool as never);
    await expect(client.transaction((tx) => tx.query('SELECT pg_sleep(10)'))).rejects.toThrow();
    expect(released).toEqual([ended]);
    expect(connection.listenerCount('error')).toBe(0);
    // A transaction that goes well gives its connection back, listening to nothing.
    await client.transaction((tx) => tx.query('SELECT 1'));
    expect(released).toEqual([ended, undefined]);
    expect(connection.listenerCount('error')).toBe(0);
  });

  it('names each prepared statement by its text alone, the same in every copy of the library sharing the pool (its ESM and CommonJS builds)', async () => {
    const names = new Map<string, Set<string>>();
    const pool = {
      totalCount: 0,
      connect: () => Promise.reject(new Error('not used')),
      query: (config: { name: string; text: string }) => {
        const seen = names.get(config.text) ?? new Set<string>();
        names.set(config.text, seen.add(config.name));
        return Promise.resolve({ rows: [], rowCount: 0 });
      },
    };
    const texts = ['SELECT 1 AS one', 'SELECT 2 AS two', 'SELECT 3 AS three'];
    const first = await import('../src/postgres/client.js');
    for (const text of texts) await first.preparedQuery(first.fromPg(pool as never), text, []);
    // A second copy of the module, which prepares the same statements in another order.
    vi.resetModules();
    const second = await import('../src/postgres/client.js');
    expect(second.preparedQuery).not.toBe(first.preparedQuery);
    for (const text of [...texts].reverse()) await second.preparedQuery(second.fromPg(pool as never), text, []);
    const chosen = texts.map((text) => [...names.get(text)!]);
    expect(chosen.map((each) => each.length)).toEqual([1, 1, 1]);
    expect(new Set(chosen.flat()).size).toBe(3);
    for (const [name] of chosen) expect(name).toMatch(/^crisis_playbook_[0-9a-f]{16}$/);
  });
});

describe('the crisis-playbook/postgres entry', () => {
  const indexPath = fileURLToPath(new URL('../src/postgres/index.ts', import.meta.url));
  const exported = exportReader([indexPath]).exportsOf(indexPath);

  it('names each export and documents it with a summary and an example', () => {
    expect(readFileSync(indexPath, 'utf8')).not.toMatch(/export \*/);
    expect(exported.length).toBeGreaterThan(20);
    for (const entry of exported) {
      expect(entry.summary, `${entry.name} has no JSDoc summary`).not.toBe('');
      expect(entry.tags, `${entry.name} has no @example`).toContain('example');
    }
  });

  it('is documented with the SQL that postgresSchemaSql() gives', () => {
    const docs = readFileSync(fileURLToPath(new URL('../docs/postgres.md', import.meta.url)), 'utf8');
    expect(docs).toContain(`\`\`\`sql\n${postgresSchemaSql().trimEnd()}\n\`\`\``);
  });

  it('exports at run time exactly the values its types declare', () => {
    expect(Object.keys(postgres).sort()).toEqual(exported.filter((entry) => entry.isValue).map((entry) => entry.name).sort());
  });
});
