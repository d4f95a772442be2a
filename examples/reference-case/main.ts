// Replays the reference case (docs/concepts.md, "The reference case") through the default
// playbook and prints, after each event, where the incident stands, the top recommendation
// and why.
import { createIncident, crisisMachine, currentRung, currentTracks, recommend } from 'crisis-playbook';
import { referenceCase } from './events.js';

const actor = createIncident(crisisMachine).start();
console.log('crisis-playbook: the reference case, replayed through the default playbook\n');

referenceCase.forEach((event, index) => {
  actor.send(event);
  const snapshot = actor.getSnapshot();
  const tracks = Object.entries(currentTracks(snapshot)).map(([track, state]) => `${track}: ${state}`);
  console.log(`${String(index + 1).padStart(2)}. ${event.type}`);
  console.log(`    rung: ${[currentRung(snapshot), ...tracks].join(' | ')}`);
  const [top] = recommend(snapshot);
  if (top) {
    console.log(`    next: ${top.title}`);
    for (const reason of top.because) console.log(`    why:  ${reason.text}`);
  }
});

const snapshot = actor.getSnapshot();
console.log(`\nstatus: ${snapshot.status}`);
console.log('outcome:', snapshot.output);
console.log('\ntimeline:');
for (const entry of snapshot.context.timeline) {
  const move = entry.from === entry.to ? entry.from : `${entry.from} → ${entry.to}`;
  console.log(`  ${entry.occurredAt ?? entry.at}  ${entry.type.padEnd(20)} ${move}${entry.by ? `  (by ${entry.by})` : ''}`);
}
actor.stop();
