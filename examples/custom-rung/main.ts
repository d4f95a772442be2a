// Runs a case through Acme's extended playbook (legal review + holding statement) and prints
// the path the incident took.
import { createIncident, currentRung, recommend } from 'crisis-playbook';
import { compilePlaybook } from 'crisis-playbook/authoring';
import { acmePlaybook } from './playbook.js';

const machine = compilePlaybook(acmePlaybook);
const incident = createIncident(machine).start();
const path = [currentRung(incident.getSnapshot())];

const events = [
  {
    type: 'facts.update',
    facts: { witnessed: false, knowsPoster: false, connectedToPoster: false, venue: 'private-group', memberOfVenue: false, insiderInVenue: true },
  },
  { type: 'assessment.complete' },
  { type: 'access.denied' },
  { type: 'statement.published', by: 'Comms' },
  { type: 'message.ignored' },
  { type: 'threat.reported', kind: 'legal-action', note: 'Mentions a lawyer' },
  { type: 'legal.cleared', counsel: 'R. Patel' },
  { type: 'contact.received', channel: 'phone' },
  { type: 'call.completed', apology: true, agreement: true },
] as const;

for (const event of events) {
  incident.send(event);
  const rung = currentRung(incident.getSnapshot());
  if (rung !== path.at(-1)) path.push(rung);
  if (rung === 'legalReview') console.log(`at legalReview, top advice: ${recommend(incident.getSnapshot())[0]?.title}`);
}

console.log(`path: ${path.join(' → ')}`);
console.log('outcome:', incident.getSnapshot().output);
