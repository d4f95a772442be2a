import type { CrisisEvent } from 'crisis-playbook';

/**
 * The reference case the default playbook was written for (docs/concepts.md, "The reference
 * case"): a friend of a consultant calls on a holiday evening.
 * The responder saw nothing, does not know the person and is not connected to them; the posts
 * are in a private group she is not in, but a colleague is.
 */
export const referenceCase: CrisisEvent[] = [
  {
    type: 'facts.update',
    at: '2026-04-06T19:05:00Z',
    by: 'Ana',
    facts: {
      witnessed: false,
      knowsPoster: false,
      connectedToPoster: false,
      venue: 'private-group',
      memberOfVenue: false,
      insiderInVenue: true,
    },
  },
  { type: 'assessment.complete', at: '2026-04-06T19:20:00Z', by: 'Ana' },
  { type: 'access.requested', at: '2026-04-06T19:25:00Z', by: 'Ana' },
  { type: 'access.denied', at: '2026-04-06T21:10:00Z', by: 'Ana', note: 'The group admin refused.' },
  { type: 'message.sent', at: '2026-04-06T21:30:00Z', by: 'Ana' },
  { type: 'message.ignored', at: '2026-04-07T12:00:00Z', by: 'Ana' },
  { type: 'intermediary.asked', at: '2026-04-07T12:15:00Z', by: 'Ana', name: 'Ben' },
  { type: 'community.supported', at: '2026-04-07T14:00:00Z', by: 'Ben', note: 'Members defend the shop.' },
  { type: 'threat.reported', at: '2026-04-07T17:40:00Z', by: 'Ben', kind: 'visit' },
  { type: 'threat.reported', at: '2026-04-07T17:45:00Z', by: 'Ben', kind: 'police-report' },
  { type: 'contact.received', at: '2026-04-07T18:30:00Z', by: 'Ana', channel: 'phone' },
  { type: 'call.completed', at: '2026-04-07T19:10:00Z', by: 'Ana', apology: true, agreement: true },
];
