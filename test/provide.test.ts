import { describe, expect, it } from 'vitest';
import { assign, createActor, transition, type AnyStateMachine } from 'xstate';
import {
  crisisMachine,
  currentRung,
  defaultPlaybook,
  recommend,
  type Condition,
  type IncidentContext,
  type PayloadField,
  type PlaybookDefinition,
  type RungSpec,
  type TransitionSpec,
} from 'crisis-playbook';
import { compilePlaybook, extendPlaybook } from 'crisis-playbook/authoring';
import { rungTransitions } from '../src/definition/graph.js';

const guardNames = Object.keys(defaultPlaybook.guards);

/** A valid event of each type, from the payload fields of the definition. */
function sampleEvent(definition: PlaybookDefinition, type: string): Record<string, unknown> {
  const sample = (field: PayloadField) => (field.type === 'enum' ? field.values[0] : field.type === 'boolean' ? true : field.type === 'facts' ? {} : 'x');
  return { type, ...Object.fromEntries(Object.entries(definition.events[type]?.payload ?? {}).map(([name, field]) => [name, sample(field)])) };
}

/** Whether a condition holds when every named guard is given by `named` (comparisons are on an empty context: false). */
function holds(condition: Condition, named: (name: string) => boolean): boolean {
  if (typeof condition === 'string') return named(condition);
  if ('all' in condition) return condition.all.every((part) => holds(part, named));
  if ('any' in condition) return condition.any.some((part) => holds(part, named));
  if ('not' in condition) return !holds(condition.not, named);
  return false;
}

function snapshotAt(machine: AnyStateMachine, rung: string) {
  const initial = createActor(machine).getSnapshot();
  return machine.resolveState({ value: { active: { ladder: rung, community: 'quiet', safety: 'none' } }, context: initial.context });
}

describe('guards given through provide', () => {
  // Each assignment of the named guards: all false, and each one true on its own.
  const assignments = [{} as Record<string, boolean>, ...guardNames.map((name) => ({ [name]: true }))];

  it.each(assignments.map((assignment) => [Object.keys(assignment)[0] ?? '(none)', assignment] as const))(
    'reach every transition of every rung: %s true, the others false',
    (_, assignment) => {
      const value = (name: string) => assignment[name] === true;
      const machine = crisisMachine.provide({ guards: Object.fromEntries(guardNames.map((name) => [name, () => value(name)])) as never });
      let checked = 0;
      for (const rung of (defaultPlaybook.ladder.rungs as readonly RungSpec[]).filter((candidate) => !candidate.final)) {
        const transitions = rungTransitions(defaultPlaybook, rung);
        for (const type of new Set(transitions.map((t) => t.event))) {
          // What the definition says, read with the provided guards.
          const taken = transitions.filter((t) => t.event === type).find((t) => t.guard === undefined || holds(t.guard, value));
          const expected = taken?.target ?? rung.id;
          const [next] = transition(machine, snapshotAt(machine, rung.id), sampleEvent(defaultPlaybook, type) as never);
          expect(currentRung(next), `${rung.id} on ${type}`).toBe(expected);
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThan(20);
    },
  );

  it('reach the advice: its conditions and its reasons', () => {
    const threatened = () => {
      const actor = createActor(crisisMachine).start();
      actor.send({ type: 'threat.reported', kind: 'visit' });
      return actor.getSnapshot();
    };
    expect(recommend(threatened()).map((r) => r.title)).not.toContain('Contact the authorities now');
    const machine = crisisMachine.provide({ guards: { hasViolenceThreat: () => true, hasThreats: () => false } });
    const actor = createActor(machine).start();
    actor.send({ type: 'threat.reported', kind: 'visit' });
    const advice = recommend(actor.getSnapshot());
    expect(advice[0]!.title).toBe('Contact the authorities now');
    const reasons = advice.flatMap((item) => item.because).filter((reason) => reason.kind === 'guard');
    expect(reasons.find((reason) => reason.guard === 'hasViolenceThreat')?.result).toBe(true);
    expect(reasons.find((reason) => reason.guard === 'hasThreats')?.result).toBe(false);
  });

  it('still leave invalid events unable to take a transition', () => {
    const machine = crisisMachine.provide({ guards: Object.fromEntries(guardNames.map((name) => [name, () => true])) as never });
    const [next] = transition(machine, snapshotAt(machine, 'phoneCall'), { type: 'call.completed', apology: 'yes', agreement: true } as never);
    expect(currentRung(next)).toBe('phoneCall');
    expect((next.context as IncidentContext).timeline).toHaveLength(0);
  });
});

describe('actions given through provide', () => {
  const actionNames = [...new Set(defaultPlaybook.ladder.rungs.flatMap((rung) => rungTransitions(defaultPlaybook, rung)).concat(defaultPlaybook.tracks.flatMap((track) => track.states.flatMap((state) => [...(state.on ?? [])]))).flatMap((t) => [...(t.actions ?? [])]))];

  it('reach every transition that names them, on the ladder and the tracks', () => {
    expect(actionNames.length).toBeGreaterThanOrEqual(8);
    const calls: string[] = [];
    const machine = crisisMachine.provide({ actions: Object.fromEntries(actionNames.map((name) => [name, () => calls.push(name)])) as never });
    const places = [
      ...(defaultPlaybook.ladder.rungs as readonly RungSpec[]).filter((rung) => !rung.final).map((rung) => ({ rung: rung.id, transitions: rungTransitions(defaultPlaybook, rung), tracks: { community: 'quiet', safety: 'none' } })),
      ...defaultPlaybook.tracks.flatMap((track) =>
        track.states.map((state) => ({ rung: 'monitoring', transitions: [...(state.on ?? [])] as TransitionSpec[], tracks: { community: 'quiet', safety: 'none', [track.id]: state.id } })),
      ),
    ];
    let checked = 0;
    for (const place of places) {
      for (const spec of place.transitions.filter((t) => (t.actions ?? []).length > 0 && t.guard === undefined)) {
        calls.length = 0;
        const initial = createActor(machine).getSnapshot();
        const snapshot = machine.resolveState({ value: { active: { ladder: place.rung, ...place.tracks } }, context: initial.context });
        const actor = createActor(machine, { snapshot }).start();
        actor.send(sampleEvent(defaultPlaybook, spec.event) as never);
        expect(calls, `${place.rung} ${JSON.stringify(place.tracks)} on ${spec.event}`).toEqual(expect.arrayContaining([...spec.actions!]));
        actor.stop();
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(8);
  });

  it('replace the built-in one, so an app can record a threat its own way', () => {
    const machine = crisisMachine.provide({
      actions: { recordThreat: assign(({ context }: { context: IncidentContext }) => ({ threats: [...context.threats, { kind: 'logged-elsewhere', at: '2026-04-06T19:00:00.000Z' }] })) as never },
    });
    const actor = createActor(machine).start();
    actor.send({ type: 'threat.reported', kind: 'visit' });
    expect(actor.getSnapshot().context.threats.map((threat) => threat.kind)).toEqual(['logged-elsewhere']);
  });
});

describe('compilePlaybook options', () => {
  it('take actions implemented in code, as validation does', () => {
    const notified: string[] = [];
    const playbook = extendPlaybook(defaultPlaybook)
      .addTransitions('everyRung', [{ event: 'community.supported', actions: ['notifyComms'] }])
      .build({ actions: ['notifyComms'] });
    const machine = compilePlaybook(playbook, { actions: { notifyComms: () => notified.push('comms') } });
    const actor = createActor(machine).start();
    actor.send({ type: 'community.supported' });
    expect(notified).toEqual(['comms']);
    expect(actor.getSnapshot().context.supporters).toBe(1);
    expect(() => compilePlaybook(playbook)).toThrow(/unknown_action/);
  });
});
