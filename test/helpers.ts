import { createActor, type ActorOptions } from 'xstate';
import { type CrisisEvent, crisisMachine, type CrisisRung, IncidentError, type IncidentFacts } from 'crisis-playbook';

export const outOfSightFacts: Partial<IncidentFacts> = {
  witnessed: false,
  knowsPoster: false,
  connectedToPoster: false,
  venue: 'private-group',
  memberOfVenue: false,
};

/** Events that bring a fresh incident of the default playbook to each non-final rung. */
export const pathTo: Record<Exclude<CrisisRung, 'resolved' | 'closed'>, CrisisEvent[]> = {
  gatheringInfo: [],
  requestingAccess: [{ type: 'facts.update', facts: outOfSightFacts }, { type: 'assessment.complete' }],
  directMessage: [{ type: 'assessment.complete' }],
  intermediary: [
    { type: 'facts.update', facts: { insiderInVenue: true } },
    { type: 'assessment.complete' },
    { type: 'message.ignored' },
  ],
  phoneCall: [{ type: 'facts.update', facts: { knowsPoster: true } }, { type: 'assessment.complete' }],
  monitoring: [{ type: 'assessment.complete' }, { type: 'message.ignored' }],
};

export const nonFinalRungs = Object.keys(pathTo) as (keyof typeof pathTo)[];

/** A started default-playbook actor after sending `events`. */
export function startIncident(events: CrisisEvent[] = [], options: ActorOptions<typeof crisisMachine> = {}) {
  const actor = createActor(crisisMachine, options).start();
  for (const event of events) actor.send(event);
  return actor;
}

/** The rung after each event of the reference case (docs/concepts.md). */
export const referenceRungs = [
  'gatheringInfo',
  'requestingAccess',
  'requestingAccess',
  'directMessage',
  'directMessage',
  'intermediary',
  'intermediary',
  'intermediary',
  'intermediary',
  'intermediary',
  'phoneCall',
  'resolved',
];

/** What `run` did: `'accepted'`, or the code of the {@link IncidentError} it threw (anything else is named as such). */
export function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof IncidentError ? error.code : `not an IncidentError: ${String(error)}`;
  }
  return 'accepted';
}
