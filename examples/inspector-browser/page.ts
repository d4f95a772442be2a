// The page script: runs the reference case with the hosted Stately inspector attached.
import { createBrowserInspector } from '@statelyai/inspect';
import { createIncident, crisisMachine, currentRung, recommend } from 'crisis-playbook';
import { incidentInspectorOptions } from 'crisis-playbook/visualize';
import { referenceCase } from '../reference-case/events.js';

const inspector = createBrowserInspector(incidentInspectorOptions({ machine: crisisMachine }));
const incident = createIncident(crisisMachine, { inspect: inspector.inspect }).start();
const list = document.querySelector('#steps')!;
const button = document.querySelector<HTMLButtonElement>('#next')!;
let next = 0;

button.addEventListener('click', () => {
  const event = referenceCase[next++];
  if (!event) return;
  incident.send(event);
  const snapshot = incident.getSnapshot();
  const item = document.createElement('li');
  item.textContent = `${event.type} → ${currentRung(snapshot)} (${recommend(snapshot)[0]?.title ?? 'done'})`;
  list.append(item);
  button.disabled = next >= referenceCase.length;
});
