import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { currentRung, currentTracks } from './currentRung.js';
import { openRegions } from '../compile/layout.js';

/**
 * The events that can do something where an incident stands: those its rung handles, then
 * those its side tracks' states handle, each once, in the order of the playbook. Whether an
 * event's conditions hold is not asked: `snapshot.can(event)` tells that for one event. Empty
 * once the incident is done.
 *
 * @example
 * ```ts
 * import { availableEvents, createIncident, crisisMachine } from 'crisis-playbook';
 *
 * const incident = createIncident(crisisMachine).start();
 * console.log(availableEvents(incident.getSnapshot()));
 * // ['assessment.complete', 'contact.received', 'facts.update', 'incident.closed', 'community.supported', 'threat.reported']
 * incident.stop();
 * ```
 *
 * @category Advice
 */
export function availableEvents(snapshot: AnyMachineSnapshot): string[] {
  if (snapshot.status !== 'active') return [];
  const regions = openRegions(snapshot.machine as AnyStateMachine);
  const nodes = [regions.ladder?.states[currentRung(snapshot)], ...Object.entries(currentTracks(snapshot)).map(([track, state]) => regions[track]?.states[state])];
  // XState's own events (a window running out) are not for people to send.
  return [...new Set(nodes.flatMap((node) => (node?.ownEvents ?? []).filter((event) => !event.startsWith('xstate.'))))];
}
