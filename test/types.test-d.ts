import { describe, expectTypeOf, it } from 'vitest';
import { createActor, createMachine, type SnapshotFrom } from 'xstate';
import { type CrisisEvent, crisisGuards, crisisMachine, type CrisisRung, currentRung, type defaultPlaybook, type EventOf, type IncidentOutput, parseEvent } from 'crisis-playbook';
import { compilePlaybook } from 'crisis-playbook/authoring';
import { type MermaidOptions, toMermaid } from 'crisis-playbook/visualize';

const actor = createActor(crisisMachine);

describe('events of the default playbook', () => {
  it('accept every event of the default playbook with its payload', () => {
    actor.send({ type: 'facts.update', facts: { venue: 'private-group', insiderInVenue: true } });
    actor.send({ type: 'assessment.complete', by: 'Ana', note: 'Done' });
    actor.send({ type: 'message.replied', phone: '+44 20 7946 0000' });
    actor.send({ type: 'message.replied' });
    actor.send({ type: 'contact.received', channel: 'in-person' });
    actor.send({ type: 'call.completed', apology: true, agreement: false });
    actor.send({ type: 'threat.reported', kind: 'legal-action', note: 'A lawyer was named' });
    actor.send({ type: 'incident.closed', reason: 'Died down', at: '2026-04-08T09:00:00Z' });
  });

  it('reject a misspelled event type', () => {
    // @ts-expect-error 'acess.denied' is not an event of the playbook
    actor.send({ type: 'acess.denied' });
  });

  it('reject a wrong or missing payload', () => {
    // @ts-expect-error kind must be one of the threat kinds
    actor.send({ type: 'threat.reported', kind: 'hug' });
    // @ts-expect-error agreement is required
    actor.send({ type: 'call.completed', apology: true });
    // @ts-expect-error apology is a boolean
    actor.send({ type: 'call.completed', apology: 'yes', agreement: true });
    // @ts-expect-error reason is required
    actor.send({ type: 'incident.closed' });
    // @ts-expect-error facts are typed
    actor.send({ type: 'facts.update', facts: { venue: 'forum' } });
    // @ts-expect-error no unknown fields on an event without payload
    actor.send({ type: 'access.denied', kind: 'visit' });
  });

  it('are the same union as EventOf<typeof defaultPlaybook> and parseEvent returns it', () => {
    expectTypeOf<CrisisEvent>().toEqualTypeOf<EventOf<typeof defaultPlaybook>>();
    expectTypeOf(parseEvent).returns.toEqualTypeOf<CrisisEvent>();
    expectTypeOf<Extract<CrisisEvent, { type: 'threat.reported' }>['kind']>().toEqualTypeOf<
      'visit' | 'police-report' | 'legal-action' | 'violence' | 'other'
    >();
  });
});

describe('the machine', () => {
  it('types its input: partial facts and the known windows only', () => {
    createActor(crisisMachine, { input: { facts: { venue: 'public-group' }, windows: { replyWindow: '12h' } } });
    // @ts-expect-error there is no coffeeWindow
    createActor(crisisMachine, { input: { windows: { coffeeWindow: '1h' } } });
  });

  it('types the rung currentRung returns', () => {
    expectTypeOf(currentRung(actor.getSnapshot())).toEqualTypeOf<CrisisRung>();
    const other = createActor(createMachine({ initial: 'a', states: { a: {} } }));
    expectTypeOf(currentRung(other.getSnapshot())).toEqualTypeOf<string>();
  });

  it('types its output and the rung ids', () => {
    expectTypeOf<SnapshotFrom<typeof crisisMachine>['output']>().toEqualTypeOf<IncidentOutput | undefined>();
    expectTypeOf<CrisisRung>().toEqualTypeOf<
      'gatheringInfo' | 'requestingAccess' | 'directMessage' | 'intermediary' | 'phoneCall' | 'monitoring' | 'resolved' | 'closed'
    >();
  });

  it('accepts only known guard and delay names in provide', () => {
    crisisMachine.provide({ guards: { isPosterKnown: () => true }, delays: { replyWindow: 1000 } });
    // @ts-expect-error isPosterKnwon is misspelled
    crisisMachine.provide({ guards: { isPosterKnwon: () => true } });
    // @ts-expect-error there is no coffeeWindow delay
    crisisMachine.provide({ delays: { coffeeWindow: 1000 } });
  });

  it('exposes the guards with their names', () => {
    expectTypeOf(crisisGuards).toHaveProperty('arePostsOutOfSight');
    // @ts-expect-error no such guard
    void crisisGuards.isRaining;
  });

  it('derives the events of a compiled definition', () => {
    const machine = compilePlaybook({
      id: 'tiny',
      version: '1',
      title: 'Tiny',
      description: 'Two rungs.',
      events: { 'ping.sent': { payload: { loud: { type: 'boolean' } } } },
      guards: {},
      windows: {},
      ladder: {
        initial: 'open',
        description: 'A ladder.',
        rungs: [
          { id: 'open', title: 'Open', description: 'Open.', advice: [], on: [{ event: 'ping.sent', target: 'done' }] },
          { id: 'done', title: 'Done', description: 'Done.', final: true, advice: [] },
        ],
      },
      tracks: [],
    });
    const tiny = createActor(machine);
    tiny.send({ type: 'ping.sent', loud: true });
    // @ts-expect-error loud is required
    tiny.send({ type: 'ping.sent' });
    // @ts-expect-error not an event of this playbook
    tiny.send({ type: 'assessment.complete' });
  });
});

describe('toMermaid', () => {
  it('takes how to draw the shared transitions by name, not as a boolean', () => {
    expectTypeOf<MermaidOptions['fromEveryRung']>().toEqualTypeOf<'once' | 'each' | 'none' | undefined>();
    toMermaid(crisisMachine, { fromEveryRung: 'each' });
    // @ts-expect-error -- `true` was the old way of saying 'each'
    toMermaid(crisisMachine, { fromEveryRung: true });
  });
});
