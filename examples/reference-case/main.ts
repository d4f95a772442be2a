// Replays the reference case (docs/concepts.md, "The reference case") through the default
// playbook and prints, after each event, where the incident stands and what a responder reads:
// the top three recommendations with their reasons, what comes next, and how many more there are.
import { createIncident, crisisMachine, currentRung, currentTracks, defaultPlaybook, recommend } from 'crisis-playbook';
import { referenceCase } from './events.js';

const shown = 3;
const titleOf = (rung: string) => defaultPlaybook.ladder.rungs.find((spec) => spec.id === rung)?.title ?? rung;
const trackTitle = (track: string, state: string) =>
  defaultPlaybook.tracks.find((candidate) => candidate.id === track)?.states.find((candidate) => candidate.id === state)?.title ?? state;

const actor = createIncident(crisisMachine).start();
console.log('crisis-playbook: the reference case, replayed through the default playbook\n');

referenceCase.forEach((event, index) => {
  actor.send(event);
  const snapshot = actor.getSnapshot();
  const rung = currentRung(snapshot);
  const tracks = Object.entries(currentTracks(snapshot)).map(([track, state]) => trackTitle(track, state));
  console.log(`${String(index + 1).padStart(2)}. ${event.type}`);
  console.log(`    where: ${[titleOf(rung), ...tracks].join(' | ')}`);
  const recommendations = recommend(snapshot);
  recommendations.slice(0, shown).forEach((item, rank) => {
    console.log(`    ${rank + 1}) ${item.title}`);
    for (const reason of item.because) console.log(`       why: ${reason.text}`);
    for (const step of item.next) console.log(`       if ${step.if}, then ${step.then}`);
  });
  if (recommendations.length > shown) console.log(`    … and ${recommendations.length - shown} more`);
});

const snapshot = actor.getSnapshot();
const output = snapshot.output!;
const threats = output.threats.map((kind) => kind.replace('-', ' '));
console.log(`\nstatus: ${snapshot.status}`);
console.log(
  `outcome: ${output.outcome === 'resolved' ? 'resolved with an agreement' : `closed (${output.closeReason ?? 'no reason given'})`}` +
    `${output.apology ? ', after an apology' : ''}, in ${output.timelineLength} recorded events` +
    `${threats.length > 0 ? `; threats recorded: ${threats.join(', ')}` : ''}.`,
);
console.log('\ntimeline:');
for (const entry of snapshot.context.timeline) {
  const move = entry.from === entry.to ? entry.from : `${entry.from} → ${entry.to}`;
  console.log(`  ${entry.occurredAt ?? entry.at}  ${entry.type.padEnd(20)} ${move}${entry.by ? `  (by ${entry.by})` : ''}`);
}
actor.stop();
