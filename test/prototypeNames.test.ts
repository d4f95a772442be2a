// Ids that every plain JavaScript object answers to (`valueOf`, `toString`, `hasOwnProperty`…)
// are valid names for windows and rungs: the library reads its own tables by their own keys, so
// a window or rung of that name behaves as any other, live and on the server.
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createIncident, currentRung, defaultPlaybook, recommend, type PlaybookDefinition } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook } from 'crisis-playbook/authoring';
import { createIncidentRuntime } from 'crisis-playbook/server';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-04-06T19:00:00.000Z');
const insider = { type: 'facts.update', facts: { insiderInVenue: true } } as const;

/** The default playbook with the reply window called `window` and the direct-message rung `rung`, one follow-up there. */
function renamed(window: string, rung: string): PlaybookDefinition {
  const text = JSON.stringify(defaultPlaybook).replaceAll('"replyWindow"', JSON.stringify(window)).replaceAll('"directMessage"', JSON.stringify(rung));
  return extendPlaybook(JSON.parse(text) as PlaybookDefinition)
    .rename({ id: `names-${window}-${rung}`, version: '1.0.0' })
    .setFollowUps(rung, { window, max: 1 })
    .build();
}

describe.each([
  ['valueOf', 'toString'],
  ['toString', 'valueOf'],
  ['hasOwnProperty', 'isPrototypeOf'],
  ['propertyIsEnumerable', 'toLocaleString'],
])('a window called %s and a rung called %s', (window, rung) => {
  const machine = compilePlaybook(renamed(window, rung));

  it('wait, follow up once and move on in a live incident', () => {
    const clock = new SimulatedClock();
    clock.set(t0);
    const incident = createIncident(machine, { clock }).start();
    incident.send(insider);
    expect(incident.safeSend({ type: 'assessment.complete' })).toEqual({ success: true });
    expect(incident.getSnapshot().status).toBe('active');
    expect(currentRung(incident.getSnapshot())).toBe(rung);
    expect(incident.getSnapshot().context.deadlines).toEqual([{ window, rung, due: '2026-04-07T19:00:00.000Z' }]);
    expect(recommend(incident.getSnapshot()).length).toBeGreaterThan(0);
    clock.increment(24 * HOUR);
    expect(currentRung(incident.getSnapshot())).toBe(rung);
    expect(incident.getSnapshot().context.followUps).toEqual({ [rung]: 1 });
    clock.increment(24 * HOUR);
    expect(currentRung(incident.getSnapshot())).toBe('intermediary');
    expect(incident.getSnapshot().context.timeline.map((entry) => entry.followUp ?? null)).toEqual([null, null, 1, null]);
    incident.stop();
  });

  it('do the same on the server, and the documents read back', () => {
    const runtime = createIncidentRuntime({ playbooks: [machine] });
    const opened = runtime.open({ now: t0 });
    const waiting = runtime.decide(runtime.decide(opened.json, insider, { now: t0 }).json, { type: 'assessment.complete' }, { now: t0 });
    expect(waiting.rung).toBe(rung);
    expect(waiting.deadlines).toEqual([{ at: '2026-04-07T19:00:00.000Z', event: { type: 'window.elapsed', window, rung } }]);
    const followedUp = runtime.decideDue(waiting.json, { now: t0 + 24 * HOUR });
    expect(followedUp.added.map((entry) => entry.followUp)).toEqual([1]);
    expect(followedUp.incident.snapshot.context.followUps).toEqual({ [rung]: 1 });
    const moved = runtime.decideDue(followedUp.json, { now: t0 + 48 * HOUR });
    expect(moved.rung).toBe('intermediary');
    expect(runtime.parse(moved.json).snapshot.context.timeline).toHaveLength(4);
  });
});

describe('a stored document naming a window the playbook does not have', () => {
  it('is refused as invalid, whatever the name', () => {
    const runtime = createIncidentRuntime({ playbooks: [compilePlaybook(defaultPlaybook)] });
    const waiting = runtime.decide(runtime.open({ now: t0 }).incident, { type: 'assessment.complete' }, { now: t0 });
    for (const name of ['valueOf', 'toString', 'constructor']) {
      const forged = structuredClone(waiting.incident);
      (forged.snapshot.context as unknown as { deadlines: { window: string }[] }).deadlines[0]!.window = name;
      const result = runtime.safeDecideDue(forged, { now: t0 + 48 * HOUR });
      expect(result.success, name).toBe(false);
      if (!result.success) expect(result.error.code, name).toBe('invalid_document');
    }
  });
});
