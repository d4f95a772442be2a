// Loads a playbook kept as JSON (as an organisation would keep it in a file or a database),
// validates it, compiles it and runs a case through it.
import { readFileSync } from 'node:fs';
import { SimulatedClock } from 'xstate';
import { createEventParser, createIncident, currentRung, currentTracks, formatIssues, recommend } from 'crisis-playbook';
import { compilePlaybook, safeParsePlaybook } from 'crisis-playbook/authoring';

const document: unknown = JSON.parse(readFileSync(new URL('./playbook.json', import.meta.url), 'utf8'));
const checked = safeParsePlaybook(document);
if (!checked.success) {
  console.error(formatIssues(checked.error.issues));
  process.exit(1);
}
const playbook = checked.data;
const parser = createEventParser(playbook);
const incident = createIncident(compilePlaybook(playbook)).start();

// Events as they would arrive from a request body: untyped JSON, parsed before sending.
const incoming: unknown[] = [
  { type: 'facts.update', facts: { knowsPoster: true, venue: 'private-group', witnessed: false } },
  { type: 'assessment.complete' },
  { type: 'press.inquiry', outlet: 'Riverside Gazette' },
  { type: 'message.ignored' },
  { type: 'press.answered' },
  { type: 'incident.closed', reason: 'Parents were answered at the meeting' },
];
for (const input of incoming) {
  const event = parser.parse(input);
  incident.send(event);
  const snapshot = incident.getSnapshot();
  const top = snapshot.status === 'done' ? undefined : recommend(snapshot)[0]?.title;
  console.log(`${event.type.padEnd(20)} → ${currentRung(snapshot)} ${JSON.stringify(currentTracks(snapshot))}${top ? `  next: ${top}` : ''}`);
}
console.log('outcome:', incident.getSnapshot().output);

// Follow-ups as data: on the private message, one follow-up before giving up (`followUps` in
// playbook.json). A simulated clock lets the reply window run out twice.
const clock = new SimulatedClock();
const waiting = createIncident(compilePlaybook(playbook), { clock }).start();
waiting.send(parser.parse({ type: 'assessment.complete' }));
console.log(`next: If ${recommend(waiting.getSnapshot())[0]?.next[0]?.if}, then ${recommend(waiting.getSnapshot())[0]?.next[0]?.then}`);
for (let hours = 12; hours <= 24; hours += 12) {
  clock.increment(12 * 3_600_000);
  const snapshot = waiting.getSnapshot();
  const entry = snapshot.context.timeline.at(-1);
  console.log(`after ${hours} h: ${entry?.window} ran out → ${currentRung(snapshot)}${entry?.followUp ? ` (follow-up ${entry.followUp} sent)` : ''}`);
}
waiting.stop();
