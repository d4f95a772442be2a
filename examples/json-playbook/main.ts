// Loads a playbook kept as JSON (as an organisation would keep it in a file or a database),
// validates it, compiles it and runs a case through it.
import { readFileSync } from 'node:fs';
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
