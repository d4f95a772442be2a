// One writer process of test/postgres-processes.test.ts: applies its events in order through
// updateIncident, each decided at the time of its own attempt, and prints what it saved.
import { existsSync, readFileSync } from 'node:fs';
import { type CrisisEvent } from 'crisis-playbook';
import { decide, type Decision, updateIncident } from 'crisis-playbook/server';
import { connectPostgres, createPostgresIncidentStore } from 'crisis-playbook/postgres';

export interface Assignment {
  readonly id: string;
  readonly event: CrisisEvent;
}
export interface WriterLog {
  readonly id: string;
  readonly version: number;
  readonly event: CrisisEvent;
  readonly now: number;
  /** Deadlines that decide applied before the event (window.elapsed entries it added). */
  readonly elapsed: number;
}

const env = (name: string) => process.env[name] ?? (console.error(`missing ${name}`), process.exit(2));
const schema = env('SCHEMA');
const assignments = JSON.parse(readFileSync(env('ASSIGNMENTS'), 'utf8')) as Assignment[];
const paceMs = Number(process.env['PACE_MS'] ?? 10);

const connection = await connectPostgres({ connectionString: env('DATABASE_URL'), max: 2 });
const store = createPostgresIncidentStore({ client: connection, schema, table: 'incidents' });
// Started with the workers; writes once the test has created the incidents.
console.error('ready');
const go = env('GO');
while (!existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 5));
const log: WriterLog[] = [];
for (const { id, event } of assignments) {
  let now = 0;
  let decision: Decision | undefined;
  const saved = await updateIncident(
    store,
    id,
    (incident) => {
      now = Date.now();
      decision = decide(incident, event, { now });
      return decision.incident;
    },
    { attempts: 200, backoff: { initialMs: 2, maxMs: 50 } },
  );
  log.push({ id, version: saved.version, event, now, elapsed: decision!.added.filter((entry) => entry.type === 'window.elapsed').length });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * paceMs * 2));
}
await connection.close();
console.log(JSON.stringify(log));
