import { describe, expect, it } from 'vitest';
import { type CrisisEvent, type CrisisRung, currentRung } from 'crisis-playbook';
import { outOfSightFacts, pathTo, startIncident } from './helpers.js';

function rungAfter(events: CrisisEvent[]): CrisisRung {
  return currentRung(startIncident(events).getSnapshot()) as CrisisRung;
}

describe('routing after the assessment', () => {
  it('calls the person when the responder knows them, even when the posts are out of sight', () => {
    expect(rungAfter([{ type: 'facts.update', facts: { knowsPoster: true } }, { type: 'assessment.complete' }])).toBe(
      'phoneCall',
    );
    expect(
      rungAfter([
        { type: 'facts.update', facts: { ...outOfSightFacts, knowsPoster: true } },
        { type: 'assessment.complete' },
      ]),
    ).toBe('phoneCall');
  });

  it('requests access when the posts are in a private group the responder cannot see', () => {
    expect(rungAfter(pathTo.requestingAccess)).toBe('requestingAccess');
  });

  it.each([
    ['they witnessed the posts', { witnessed: true }],
    ['they are connected to the poster', { connectedToPoster: true }],
    ['they are a member of the group', { memberOfVenue: true }],
    ['the posts are in a public group', { venue: 'public-group' as const }],
    ['the posts are on a personal feed', { venue: 'personal-feed' as const }],
  ])('messages the person directly when %s', (_, change) => {
    expect(
      rungAfter([{ type: 'facts.update', facts: { ...outOfSightFacts, ...change } }, { type: 'assessment.complete' }]),
    ).toBe('directMessage');
  });

  it('messages the person directly when nothing is known', () => {
    expect(rungAfter([{ type: 'assessment.complete' }])).toBe('directMessage');
  });
});

describe('request access', () => {
  it.each(['access.granted', 'access.denied'] as const)('moves on to a private message on %s', (type) => {
    expect(rungAfter([...pathTo.requestingAccess, { type }])).toBe('directMessage');
  });

  it('stays put when the request is sent, and learns membership when access is granted', () => {
    expect(rungAfter([...pathTo.requestingAccess, { type: 'access.requested' }])).toBe('requestingAccess');
    const actor = startIncident([...pathTo.requestingAccess, { type: 'access.granted' }]);
    expect(actor.getSnapshot().context.facts.memberOfVenue).toBe(true);
  });
});

describe('private message', () => {
  it('calls the person when they reply, keeping the number they gave', () => {
    const actor = startIncident([...pathTo.directMessage, { type: 'message.replied', phone: '+44 20 7946 0000' }]);
    expect(currentRung(actor.getSnapshot())).toBe('phoneCall');
    expect(actor.getSnapshot().context.replyPhone).toBe('+44 20 7946 0000');
  });

  it('goes through a colleague when ignored and someone in the organisation is in the group', () => {
    expect(rungAfter(pathTo.intermediary)).toBe('intermediary');
  });

  it('monitors when ignored and no one in the organisation is in the group', () => {
    expect(rungAfter([...pathTo.directMessage, { type: 'message.ignored' }])).toBe('monitoring');
    expect(
      rungAfter([
        { type: 'facts.update', facts: { insiderInVenue: false } },
        ...pathTo.directMessage,
        { type: 'message.ignored' },
      ]),
    ).toBe('monitoring');
  });

  it('uses the facts learned on the way: an insider found after the assessment still counts', () => {
    expect(
      rungAfter([
        ...pathTo.directMessage,
        { type: 'facts.update', facts: { insiderInVenue: true } },
        { type: 'message.ignored' },
      ]),
    ).toBe('intermediary');
  });
});

describe('intermediary', () => {
  it('monitors when the intermediary route fails', () => {
    expect(rungAfter([...pathTo.intermediary, { type: 'intermediary.declined' }])).toBe('monitoring');
  });

  it('stays put and records who was asked', () => {
    const actor = startIncident([...pathTo.intermediary, { type: 'intermediary.asked', name: 'Ben' }]);
    expect(currentRung(actor.getSnapshot())).toBe('intermediary');
    expect(actor.getSnapshot().context.intermediary).toBe('Ben');
  });
});

describe('phone call', () => {
  it('resolves the incident on an agreement', () => {
    const actor = startIncident([...pathTo.phoneCall, { type: 'call.completed', apology: false, agreement: true }]);
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().output).toMatchObject({ outcome: 'resolved', apology: false });
  });

  it('monitors when no agreement is reached', () => {
    const actor = startIncident([...pathTo.phoneCall, { type: 'call.completed', apology: true, agreement: false }]);
    expect(currentRung(actor.getSnapshot())).toBe('monitoring');
    expect(actor.getSnapshot().context.call).toEqual({ apology: true, agreement: false });
  });
});

describe('events that do not belong to the current rung', () => {
  it.each<[CrisisRung, CrisisEvent]>([
    ['gatheringInfo', { type: 'access.denied' }],
    ['gatheringInfo', { type: 'call.completed', apology: true, agreement: true }],
    ['directMessage', { type: 'access.granted' }],
    ['monitoring', { type: 'message.replied' }],
  ])('in %s, ignore %o without a timeline entry', (rung, event) => {
    const actor = startIncident(pathTo[rung as keyof typeof pathTo]);
    const before = actor.getSnapshot();
    actor.send(event);
    expect(currentRung(actor.getSnapshot())).toBe(rung);
    expect(actor.getSnapshot().context).toBe(before.context);
  });
});
