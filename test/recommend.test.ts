import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { crisisMachine, recommend } from 'crisis-playbook';
import { outOfSightFacts, pathTo, startIncident } from './helpers.js';

describe('recommend', () => {
  it('explains the assessment with the guard results and the facts they read', () => {
    const actor = startIncident([{ type: 'facts.update', facts: { ...outOfSightFacts, insiderInVenue: true } }]);
    const [first, second] = recommend(actor.getSnapshot());
    expect(first!.title).toBe('Do not post back publicly yet');
    expect(first!.because).toEqual([
      { kind: 'rung', text: 'The incident is at gatheringInfo (Gather information), where every incident starts' },
    ]);
    expect(second!.because.slice(1)).toEqual([
      {
        kind: 'guard',
        guard: 'isPosterKnown',
        result: false,
        facts: { knowsPoster: false },
        text: 'isPosterKnown is false (knowsPoster = false)',
      },
      {
        kind: 'guard',
        guard: 'arePostsOutOfSight',
        result: true,
        facts: { venue: 'private-group', memberOfVenue: false, witnessed: false, connectedToPoster: false },
        text: 'arePostsOutOfSight is true (venue = "private-group", memberOfVenue = false, witnessed = false, connectedToPoster = false)',
      },
    ]);
  });

  it('says how the incident reached its rung, including a waiting window that ran out', () => {
    const actor = startIncident([...pathTo.directMessage, { type: 'message.ignored', at: '2026-04-07T12:00:00Z' }]);
    const [first] = recommend(actor.getSnapshot());
    expect(first!.because[0]!.text).toBe(
      'The incident is at monitoring (Monitor), reached from directMessage on message.ignored at 2026-04-07T12:00:00Z',
    );
    expect(first!.because[0]!.kind).toBe('rung');
  });

  it('reports unknown facts as unknown', () => {
    const actor = startIncident(pathTo.directMessage);
    const [first] = recommend(actor.getSnapshot());
    expect(first!.because[1]).toMatchObject({
      guard: 'hasInsiderInVenue',
      result: false,
      text: 'hasInsiderInVenue is false (insiderInVenue = unknown)',
    });
  });

  it('uses guard implementations given through provide', () => {
    const machine = crisisMachine.provide({ guards: { hasViolenceThreat: () => true } });
    const actor = createActor(machine).start();
    actor.send({ type: 'threat.reported', kind: 'visit' });
    expect(recommend(actor.getSnapshot())[0]!.title).toBe('Contact the authorities now');
  });

  it('rejects snapshots of machines that were not compiled from a playbook', async () => {
    const { createMachine } = await import('xstate');
    const other = createActor(createMachine({ initial: 'a', states: { a: {} } })).start();
    expect(() => recommend(other.getSnapshot())).toThrow(/compiled by crisis-playbook/);
  });
});

describe('availableEvents', () => {
  it('lists what the rung and the side tracks handle where the incident stands, each once', async () => {
    const { availableEvents, createIncident, crisisMachine } = await import('crisis-playbook');
    const incident = createIncident(crisisMachine).start();
    expect(availableEvents(incident.getSnapshot())).toEqual(['assessment.complete', 'contact.received', 'facts.update', 'incident.closed', 'community.supported', 'threat.reported']);
    incident.send({ type: 'assessment.complete' });
    incident.send({ type: 'community.supported' });
    expect(availableEvents(incident.getSnapshot())).toEqual([
      'message.sent',
      'message.replied',
      'message.ignored',
      'contact.received',
      'facts.update',
      'incident.closed',
      'community.supported',
      'threat.reported',
    ]);
    incident.send({ type: 'incident.closed', reason: 'Done' });
    expect(availableEvents(incident.getSnapshot())).toEqual([]);
  });
});
