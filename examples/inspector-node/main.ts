// Streams an incident to the Stately inspector from Node, through the local WebSocket relay of
// `@statelyai/inspect/server`. Run it, then open http://localhost:<port> in a browser (the page
// embeds https://stately.ai/inspect). `--once` replays the reference case, checks that the
// relay forwarded it, and exits (this is what the test suite runs).
import { createServer } from 'node:net';
import { createWebSocketInspector, createWebSocketReceiver } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import { createIncident, crisisMachine } from 'crisis-playbook';
import { incidentInspectorOptions } from 'crisis-playbook/visualize';
import { referenceCase } from '../reference-case/events.js';

const once = process.argv.includes('--once');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const port = Number(process.env.INSPECT_PORT ?? (once ? await freePort() : 8080));
const relay = createInspectorServer({ port, autoOpen: !once && process.argv.includes('--open') });
const url = `ws://localhost:${port}`;

// A second client of the relay, standing in for the browser page: it sees what the page sees.
const seen: { type: string; name?: string; definition?: string; event?: { type: string } }[] = [];
createWebSocketReceiver({ server: url }).subscribe((event) => void seen.push(event as (typeof seen)[number]));

const inspector = createWebSocketInspector({ url, ...incidentInspectorOptions({ machine: crisisMachine }) });
const incident = createIncident(crisisMachine, { inspect: inspector.inspect }).start();
for (const event of referenceCase) incident.send(event);

console.log(`inspector relay on http://localhost:${port} (open it in a browser to see the incident)`);
const deadline = Date.now() + 10_000;
while (seen.filter((e) => e.type === '@xstate.event').length < referenceCase.length && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const actor = seen.find((e) => e.type === '@xstate.actor');
const events = seen.filter((e) => e.type === '@xstate.event' && !e.event?.type.startsWith('xstate.'));
console.log(`relay forwarded: actor ${actor?.name} with a ${actor?.definition?.length ?? 0}-character definition, ${events.length} events`);
console.log(`events: ${events.map((e) => e.event?.type).join(', ')}`);

if (once) {
  inspector.stop();
  relay.stop();
  process.exit(events.length === referenceCase.length ? 0 : 1);
}
