// Starts the incident HTTP server on a free port, drives an incident through it with fetch,
// and shows the errors a client gets for bad input. See docs/server.md.
import type { AddressInfo } from 'node:net';
import { MemoryIncidentStore } from 'crisis-playbook/server';
import { createIncidentServer, DeadlineScheduler } from './server.js';

const store = new MemoryIncidentStore();
const scheduler = new DeadlineScheduler(store);
const server = createIncidentServer(store, scheduler).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function post(path: string, body: unknown) {
  const response = await fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const json = (await response.json()) as Record<string, unknown>;
  console.log(`POST ${path} ${JSON.stringify(body)} → ${response.status}`);
  console.log(`  ${JSON.stringify(json.rung ? { rung: json.rung, tracks: json.tracks, deadlines: json.deadlines } : json)}`);
}

await post('/incidents/inc-1', { facts: { venue: 'private-group', memberOfVenue: false, witnessed: false, connectedToPoster: false } });
await post('/incidents/inc-1/events', { type: 'assessment.complete', by: 'Ana' });
await post('/incidents/inc-1/events', { type: 'access.requested', by: 'Ana' });
await post('/incidents/inc-1/events', { type: 'call.completed', apology: true, agreement: true });
await post('/incidents/inc-1/events', { type: 'threat.reported', kind: 'hug' });
await post('/incidents/inc-1/events', { type: 'access.denied' });
const stored = await store.load('inc-1');
console.log(`stored version ${stored?.version}, timeline ${stored?.incident.snapshot.context.timeline.length} entries`);

scheduler.stop();
server.close();
