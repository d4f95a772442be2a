// One deadline worker process of test/postgres-processes.test.ts. Every save is logged into
// applied_log inside the sweep's own transaction, so the log holds exactly what committed, even
// for a worker killed with SIGKILL. SLOW_MS makes each batch take longer (the worker to kill).
import { crisisMachine } from 'crisis-playbook';
import { createIncidentRuntime } from 'crisis-playbook/server';
import { connectPostgres, createDeadlineWorker, createPostgresIncidentStore } from 'crisis-playbook/postgres';

const env = (name: string) => process.env[name] ?? (console.error(`missing ${name}`), process.exit(2));
const name = env('WORKER_NAME');
const schema = env('SCHEMA');
const slowMs = Number(process.env['SLOW_MS'] ?? 0);
const url = new URL(env('DATABASE_URL'));
url.searchParams.set('application_name', name);

const connection = await connectPostgres({ connectionString: url.toString(), max: 3 });
const store = createPostgresIncidentStore({ client: connection, schema, table: 'incidents' });
const worker = createDeadlineWorker({
  store,
  runtime: createIncidentRuntime({ playbooks: [crisisMachine] }),
  batchSize: 10,
  pollIntervalMs: 250,
  inTransaction: async (tx, { id, version, decision }) => {
    await tx.query(`INSERT INTO "${schema}".applied_log (id, version, entries, worker) VALUES ($1, $2, $3, $4)`, [id, version, decision.added.length, name]);
    if (slowMs > 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
  },
  onError: (error) => console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`),
});
process.once('SIGTERM', () => {
  void worker
    .stop()
    .then(() => connection.close())
    .then(() => {
      console.log(JSON.stringify({ name, stats: worker.stats }));
      process.exit(0);
    });
});
await worker.start();
console.log('ready');
