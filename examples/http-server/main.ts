// The incident API over HTTP, with incidents in PostgreSQL: the embedded PGlite in memory by
// default (PGLITE_DIR=folder keeps them on disk), the server of DATABASE_URL when it is set
// (DATABASE_SCHEMA picks the schema). See docs/server.md.
//
//   npm run example:server                    keeps listening (PORT, default 3000) until Ctrl-C
//   npx tsx examples/http-server/main.ts      drives an incident through the API with fetch, and exits
import { connectPostgres, createPostgresIncidentStore } from 'crisis-playbook/postgres';
import { startIncidentService } from './server.js';

const serve = process.argv.includes('--serve');
const connection = await connectPostgres({ connectionString: process.env.DATABASE_URL || undefined, dataDir: process.env.PGLITE_DIR });
const store = createPostgresIncidentStore({ client: connection, schema: process.env.DATABASE_SCHEMA || 'public' });
await store.migrate();
const service = await startIncidentService({
  store,
  port: serve ? Number(process.env.PORT ?? 3000) : 0,
  onDecision: ({ id, decision }) => console.log(`worker: ${id} ${decision.added.map((entry) => `${entry.window} ran out`).join(', ')} → ${decision.rung}`),
});
const where = connection.kind === 'pg' ? 'a PostgreSQL server' : `PGlite (${process.env.PGLITE_DIR ?? 'in memory'})`;

if (serve) {
  const json = `-H 'content-type: application/json'`;
  console.log(`Incident API on ${service.url}, incidents in ${where}. Try:
  curl -X POST ${service.url}/incidents/inc-1 ${json} -d '{"windows":{"replyWindow":"30s"}}'
  curl -X POST ${service.url}/incidents/inc-1/events ${json} -d '{"type":"assessment.complete","by":"Ana"}'
  curl ${service.url}/incidents/inc-1          # again in 30 s: the worker moved it on
Ctrl-C stops it.`);
  const stop = async () => {
    await service.close(); // no new requests, those in flight finish, the worker stops
    await connection.close();
    console.log('stopped');
  };
  process.once('SIGINT', () => void stop()).once('SIGTERM', () => void stop());
} else {
  console.log(`Incident API on ${service.url}, incidents in ${where}`);
  const id = `demo-${Date.now().toString(36)}`; // a new incident on every run, also in a database that keeps them

  async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
    const init = body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    const response = await fetch(`${service.url}${path}`, { method, ...init });
    const json = (await response.json()) as Record<string, unknown>;
    console.log(`${method} ${path}${body === undefined ? '' : ` ${JSON.stringify(body)}`} → ${response.status}`);
    console.log(`  ${JSON.stringify(json.rung ? { rung: json.rung, tracks: json.tracks, deadlines: json.deadlines } : json)}`);
    return json;
  }

  const facts = { venue: 'private-group', memberOfVenue: false, witnessed: false, connectedToPoster: false };
  await call('POST', `/incidents/${id}`, { facts, windows: { replyWindow: '1s' } });
  await call('POST', `/incidents/${id}/events`, { type: 'assessment.complete', by: 'Ana' });
  await call('POST', `/incidents/${id}/events`, { type: 'access.requested', by: 'Ana' });
  await call('POST', `/incidents/${id}/events`, { type: 'call.completed', apology: true, agreement: true });
  await call('POST', `/incidents/${id}/events`, { type: 'threat.reported', kind: 'hug' });
  await call('POST', `/incidents/${id}/events`, { type: 'access.denied', note: 'Merci 🙏 Zoë' });

  // The reply window (1 s here) runs out while the server runs: the deadline worker applies it.
  for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const { rung } = (await (await fetch(`${service.url}/incidents/${id}`)).json()) as { rung: string };
    if (rung !== 'directMessage') break;
  }
  const { version, timeline } = (await call('GET', `/incidents/${id}`)) as { version: number; timeline: { type: string; note?: string }[] };
  console.log(`stored version ${version}, timeline: ${timeline.map((entry) => entry.type + (entry.note ? ` "${entry.note}"` : '')).join(', ')}`);
  await call('GET', '/incidents/nobody');

  await service.close();
  await connection.close();
}
