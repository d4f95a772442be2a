import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { crisisGuards, crisisMachine, currentRung, defaultPlaybook } from 'crisis-playbook';
import { outOfSightFacts } from './helpers.js';
import { checkGuard, transitionGuard } from '../src/compile/guards.js';

const event = { type: 'assessment.complete' };

describe('crisisGuards', () => {
  it('exports every named guard of the default playbook', () => {
    expect(Object.keys(crisisGuards).sort()).toEqual(Object.keys(defaultPlaybook.guards).sort());
  });

  it('answer the routing questions of the default playbook', () => {
    expect(crisisGuards.isPosterKnown({ context: { facts: { knowsPoster: true } }, event })).toBe(true);
    expect(crisisGuards.isPosterKnown({ context: { facts: {} }, event })).toBe(false);
    expect(crisisGuards.arePostsOutOfSight({ context: { facts: outOfSightFacts }, event })).toBe(true);
    expect(crisisGuards.arePostsOutOfSight({ context: { facts: { ...outOfSightFacts, witnessed: true } }, event })).toBe(
      false,
    );
    expect(crisisGuards.hasInsiderInVenue({ context: { facts: { insiderInVenue: true } }, event })).toBe(true);
    expect(
      crisisGuards.isAgreementReached({ context: { facts: {} }, event: { type: 'call.completed', agreement: true } }),
    ).toBe(true);
    expect(
      crisisGuards.hasViolenceThreat({
        context: { facts: {}, threats: [{ kind: 'violence', at: '2026-04-07T18:00:00Z' }] },
        event,
      }),
    ).toBe(true);
  });

  it('can be reused in an app’s own machine', () => {
    const triage = setup({
      types: {} as { context: { facts: { knowsPoster?: boolean } } },
      guards: { isPosterKnown: crisisGuards.isPosterKnown },
    }).createMachine({
      context: { facts: { knowsPoster: true } },
      initial: 'new',
      states: { new: { on: { triage: [{ guard: 'isPosterKnown', target: 'call' }, { target: 'write' }] } }, call: {}, write: {} },
    });
    const actor = createActor(triage).start();
    actor.send({ type: 'triage' });
    expect(actor.getSnapshot().value).toBe('call');
  });

  it('can be overridden with provide', () => {
    // An organisation that always calls first, whatever the facts.
    const machine = crisisMachine.provide({ guards: { isPosterKnown: () => true } });
    const actor = createActor(machine).start();
    actor.send({ type: 'assessment.complete' });
    expect(currentRung(actor.getSnapshot())).toBe('phoneCall');
  });

  it('reach every condition that names the overridden guard', async () => {
    const { compilePlaybook, extendPlaybook } = await import('crisis-playbook/authoring');
    const playbook = extendPlaybook(defaultPlaybook)
      .addGuards({
        shouldCall: { description: 'Call first.', condition: { any: ['isPosterKnown', { path: 'facts.venue', equals: 'personal-feed' }] } },
      })
      .addTransitions('monitoring', [{ event: 'assessment.complete', target: 'phoneCall', guard: { all: ['isPosterKnown'] } }])
      .build();
    const routed = {
      ...playbook,
      ladder: {
        ...playbook.ladder,
        rungs: playbook.ladder.rungs.map((rung) =>
          rung.id === 'gatheringInfo' ? { ...rung, on: [{ event: 'assessment.complete', target: 'phoneCall', guard: 'shouldCall' }, ...rung.on] } : rung,
        ),
      },
    };
    const machine = compilePlaybook(routed).provide({ guards: { isPosterKnown: () => true } });
    const viaNamedGuard = createActor(machine).start();
    viaNamedGuard.send({ type: 'assessment.complete' });
    expect(currentRung(viaNamedGuard.getSnapshot())).toBe('phoneCall');

    // The inline condition { all: ['isPosterKnown'] } on monitoring uses the override too.
    viaNamedGuard.send({ type: 'call.completed', apology: false, agreement: false });
    expect(currentRung(viaNamedGuard.getSnapshot())).toBe('monitoring');
    viaNamedGuard.send({ type: 'assessment.complete' });
    expect(currentRung(viaNamedGuard.getSnapshot())).toBe('phoneCall');

    const stillOriginal = createActor(compilePlaybook(routed)).start();
    stillOriginal.send({ type: 'assessment.complete' });
    expect(currentRung(stillOriginal.getSnapshot())).toBe('directMessage');
  });

  it('still validates events when a guard is overridden', () => {
    const machine = crisisMachine.provide({ guards: { isAgreementReached: () => true } });
    const actor = createActor(machine).start();
    actor.send({ type: 'facts.update', facts: { knowsPoster: true } });
    actor.send({ type: 'assessment.complete' });
    actor.send({ type: 'call.completed', apology: 'sorry' } as never);
    expect(currentRung(actor.getSnapshot())).toBe('phoneCall');
  });
});

describe('the guard of a guarded transition', () => {
  const args = (facts: Record<string, unknown>, event: Record<string, unknown> = { type: 'assessment.complete' }) => ({ context: { facts, timeline: [] }, event: event as never });

  it('asks isEventValid and the condition through the implementations it is given, as XState does', () => {
    const guard = transitionGuard({ all: ['isPosterKnown', { path: 'facts.venue', equals: 'private-group' }] }) as unknown as {
      check: (snapshot: unknown, args: unknown) => boolean;
      guards: unknown[];
      name: string;
    };
    const snapshotWith = (guards: Record<string, unknown>) => ({ machine: { implementations: { guards: { ...crisisMachine.implementations.guards, ...guards } } } });
    const known = { knowsPoster: true, venue: 'private-group' };
    expect(guard.check(snapshotWith({}), args(known))).toBe(true);
    expect(guard.check(snapshotWith({}), args({ ...known, venue: 'public-group' }))).toBe(false);
    expect(guard.check(snapshotWith({ isPosterKnown: () => false }), args(known))).toBe(false);
    expect(guard.check(snapshotWith({ isEventValid: () => false }), args(known))).toBe(false);
    // Shown as the condition, with the parts XState's `and` would have.
    expect(guard.name).toBe('isPosterKnown and facts.venue = private-group');
    expect(guard.guards[0]).toBe('isEventValid');
    expect(JSON.parse(JSON.stringify(guard))).toEqual({ type: 'matches', params: { all: ['isPosterKnown', { path: 'facts.venue', equals: 'private-group' }] } });
  });

  it('is followed part by part when advice evaluates it', () => {
    const guard = transitionGuard('isPosterKnown');
    const implementations = { ...crisisMachine.implementations.guards, asked: guard };
    expect(checkGuard('asked', args({ knowsPoster: true }), implementations)).toBe(true);
    expect(checkGuard('asked', args({ knowsPoster: false }), implementations)).toBe(false);
    expect(checkGuard('asked', args({ knowsPoster: true }), { ...implementations, isEventValid: () => false })).toBe(false);
  });
});
