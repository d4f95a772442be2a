import { describe, expect, it, vi } from 'vitest';
import { createActor, initialTransition, SimulatedClock, transition } from 'xstate';
import { createIncident, crisisMachine, currentReminders, currentRung, currentSeverity, defaultPlaybook, recommend, type EmittedReminder, type IncidentContext } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook } from 'crisis-playbook/authoring';
import { createIncidentRuntime, decide, decideDue, openIncident, type StoredIncident } from 'crisis-playbook/server';

const opened = Date.parse('2026-04-06T19:00:00Z');
const minute = 60_000;
const at = (ms: number) => new Date(opened + ms).toISOString();

function live() {
  const clock = new SimulatedClock();
  clock.set(opened);
  const incident = createIncident(crisisMachine, { clock }).start();
  const heard: EmittedReminder[] = [];
  incident.on('reminder', (event) => heard.push(event as EmittedReminder));
  return { clock, incident, heard };
}

/** A simulated clock set at `time` that keeps the timers pending on it (a stopped incident's must go). */
function pendingTimers(time: number) {
  const simulated = new SimulatedClock();
  simulated.set(time);
  const pending = new Set<unknown>();
  const clock = {
    now: () => simulated.now(),
    setTimeout: (fn: () => void, ms: number) => {
      const id: unknown = simulated.setTimeout(() => (pending.delete(id), fn()), ms);
      pending.add(id);
      return id;
    },
    clearTimeout: (id: unknown) => (pending.delete(id), simulated.clearTimeout(id as never)),
  };
  return { simulated, pending, clock };
}

const reminderEntries = (context: IncidentContext) => context.timeline.filter((entry) => entry.type === 'reminder.due');

describe('reminders of the response-time targets', () => {
  it('are pending from the opening at the target of the current level, and follow the level as it rises', () => {
    const { incident } = live();
    expect(currentReminders(incident.getSnapshot())).toEqual({
      pending: [{ reminder: 'first-response', severity: 'low', due: at(24 * 60 * minute) }],
      overdue: [],
    });
    incident.send({ type: 'threat.reported', kind: 'visit' });
    expect(currentReminders(incident.getSnapshot()).pending).toEqual([{ reminder: 'first-response', severity: 'high', due: at(60 * minute) }]);
    incident.send({ type: 'threat.reported', kind: 'violence' });
    const { pending } = currentReminders(incident.getSnapshot());
    expect(pending).toEqual([{ reminder: 'first-response', severity: 'critical', due: at(15 * minute) }]);
    // The same time as the severity's own "respond by".
    expect(currentSeverity(incident.getSnapshot())?.respondBy).toBe(pending[0]!.due);
    incident.stop();
  });

  it('fire once in a live incident, when due, without moving it, and are heard by its listeners', () => {
    const { clock, incident, heard } = live();
    incident.send({ type: 'threat.reported', kind: 'violence' });
    const before = incident.getSnapshot();
    clock.increment(15 * minute - 1);
    expect(heard).toEqual([]);
    clock.increment(1);
    expect(heard).toEqual([{ type: 'reminder', reminder: 'first-response', severity: 'critical', at: at(15 * minute) }]);
    const after = incident.getSnapshot();
    expect(reminderEntries(after.context)).toEqual([
      { at: at(15 * minute), type: 'reminder.due', from: 'gatheringInfo', to: 'gatheringInfo', reminder: 'first-response', severity: 'critical' },
    ]);
    expect(after.value).toEqual(before.value);
    expect(currentReminders(after)).toEqual({ pending: [], overdue: [{ reminder: 'first-response', severity: 'critical', due: at(15 * minute) }] });
    clock.increment(48 * 60 * minute);
    expect(heard).toHaveLength(1);
    expect(reminderEntries(incident.getSnapshot().context)).toHaveLength(1);
    incident.stop();
  });

  it('fire again when the severity rises above the level a reminder fired at, at once when the new target has passed', () => {
    const { clock, incident, heard } = live();
    incident.send({ type: 'threat.reported', kind: 'visit' });
    clock.increment(60 * minute);
    expect(heard.map((event) => event.severity)).toEqual(['high']);
    // Critical: due 15 minutes after the opening, long past.
    incident.send({ type: 'threat.reported', kind: 'violence' });
    clock.increment(0);
    expect(heard.map((event) => event.severity)).toEqual(['high', 'critical']);
    expect(reminderEntries(incident.getSnapshot().context).map((entry) => entry.at)).toEqual([at(60 * minute), at(60 * minute)]);
    incident.stop();
  });

  it('stop once someone responds, and are never listed after a response', () => {
    const { clock, incident, heard } = live();
    incident.send({ type: 'threat.reported', kind: 'violence' });
    incident.send({ type: 'assessment.complete' });
    expect(currentReminders(incident.getSnapshot())).toEqual({ pending: [], overdue: [] });
    expect(incident.getSnapshot().context.reminders).toBeUndefined();
    clock.increment(30 * 60 * minute);
    expect(heard).toEqual([]);
    incident.stop();
  });

  it('show as advice once overdue, after a danger to people and before the rest, until someone responds', () => {
    const { clock, incident } = live();
    incident.send({ type: 'threat.reported', kind: 'violence' });
    expect(recommend(incident.getSnapshot()).some((item) => item.title === 'First response overdue')).toBe(false);
    clock.increment(15 * minute);
    const advice = recommend(incident.getSnapshot());
    expect(advice.slice(0, 2).map((item) => item.title)).toEqual(['Contact the authorities now', 'First response overdue']);
    expect(advice[1]).toMatchObject({ source: { track: 'severity', state: 'critical' }, priority: 1 });
    expect(advice[1]!.detail).toBe(
      'At Critical, the first response is due within 15 minutes: it was due by 2026-04-06 19:15 UTC, and nobody has responded yet. Respond now, even briefly, and tell whoever is on duty.',
    );
    expect(recommend(incident.getSnapshot(), { locale: 'fr' })[1]!.title).toBe('Première réponse en retard');
    // No article or adjective to agree with the number or with the level's gender.
    expect(recommend(incident.getSnapshot(), { locale: 'fr' })[1]!.detail).toMatch(/^Niveau « Critical » : la première réponse est attendue sous 15 minutes ; elle l’était pour /);
    incident.send({ type: 'assessment.complete' });
    expect(recommend(incident.getSnapshot()).some((item) => item.title === 'First response overdue')).toBe(false);
    incident.stop();
  });

  it('are applied exactly once by decideDue, counted in nextDue and listed in the decision', () => {
    const open = openIncident({ now: opened });
    expect(open.reminders).toEqual({ due: [], pending: [{ reminder: 'first-response', severity: 'low', due: at(24 * 60 * minute) }] });
    const threatened = decide(open.incident, { type: 'threat.reported', kind: 'violence' }, { now: opened + minute });
    expect(threatened.nextDue).toBe(at(15 * minute));
    expect(threatened.reminders.pending).toEqual([{ reminder: 'first-response', severity: 'critical', due: at(15 * minute) }]);
    expect(decideDue(threatened.incident, { now: opened + 15 * minute - 1 }).changed).toBe(false);

    const due = decideDue(threatened.incident, { now: opened + 20 * minute });
    expect(due.changed).toBe(true);
    expect(due.rung).toBe(threatened.rung);
    expect(due.added).toEqual([
      { at: at(15 * minute), type: 'reminder.due', from: 'gatheringInfo', to: 'gatheringInfo', reminder: 'first-response', severity: 'critical' },
    ]);
    expect(due.reminders).toEqual({ due: [{ reminder: 'first-response', severity: 'critical', due: at(15 * minute) }], pending: [] });
    // The gathering window stays the next thing due.
    expect(due.nextDue).toBe(due.deadlines[0]?.at);

    const again = decideDue(due.incident, { now: opened + 30 * minute });
    expect(again.changed).toBe(false);
    expect(again.added).toEqual([]);
    expect(again.reminders.due).toEqual([]);
  });

  it('come before the event a decision applies when they fell due first, and a scheduled reminder job is a no-op until due', () => {
    const threatened = decide(openIncident({ now: opened }).incident, { type: 'threat.reported', kind: 'violence' }, { now: opened });
    const early = decide(threatened.incident, { type: 'reminder.due' }, { now: opened + minute });
    expect(early.changed).toBe(false);
    const late = decide(threatened.incident, { type: 'assessment.complete' }, { now: opened + 20 * minute });
    expect(late.added.map((entry) => entry.type)).toEqual(['reminder.due', 'assessment.complete']);
    expect(late.reminders).toEqual({ due: [{ reminder: 'first-response', severity: 'critical', due: at(15 * minute) }], pending: [] });
  });

  it('cannot be forged: a live incident refuses the event, a plain actor ignores it', () => {
    const { incident } = live();
    incident.send({ type: 'threat.reported', kind: 'violence' });
    const result = incident.safeSend({ type: 'reminder.due' });
    expect(result.success ? undefined : result.error.code).toBe('invalid_event');
    expect(reminderEntries(incident.getSnapshot().context)).toEqual([]);
    incident.stop();

    const plain = createActor(crisisMachine).start();
    plain.send({ type: 'threat.reported', kind: 'violence' });
    plain.send({ type: 'reminder.due' } as never);
    expect(reminderEntries(plain.getSnapshot().context)).toEqual([]);
    plain.stop();
  });

  it('are checked in stored documents: a forged, early, repeated or misplaced reminder is refused', () => {
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
    const threatened = decide(openIncident({ now: opened }).incident, { type: 'threat.reported', kind: 'violence' }, { now: opened });
    const fired = decideDue(threatened.incident, { now: opened + 20 * minute }).incident;
    expect(runtime.parse(fired)).toEqual(fired);
    const withContext = (stored: StoredIncident, change: (context: IncidentContext) => Partial<IncidentContext>): unknown => ({
      ...stored,
      snapshot: { ...stored.snapshot, context: { ...stored.snapshot.context, ...change(stored.snapshot.context) } },
    });
    const entry = fired.snapshot.context.timeline.at(-1)!;
    const refused = (document: unknown) => {
      const result = runtime.safeParse(document);
      return result.success ? [] : result.error.issues.map((issue) => issue.message);
    };
    // Recorded before its target passed.
    expect(refused(withContext(fired, (c) => ({ timeline: [...c.timeline.slice(0, -1), { ...entry, at: at(10 * minute) }] })))).toEqual([
      expect.stringContaining('the reminder cannot be recorded earlier'),
    ]);
    // Twice at the same level.
    expect(refused(withContext(fired, (c) => ({ timeline: [...c.timeline, entry] })))).toEqual([expect.stringContaining('once per level')]);
    // A level without a target, or a move.
    expect(refused(withContext(fired, (c) => ({ timeline: [...c.timeline.slice(0, -1), { ...entry, severity: 'extreme' }] })))).toEqual([
      expect.stringContaining('no response-time target'),
    ]);
    expect(refused(withContext(fired, (c) => ({ timeline: [...c.timeline.slice(0, -1), { ...entry, to: 'resolved' }] })))).not.toEqual([]);
    // A reminder named on another entry.
    expect(refused(withContext(threatened.incident, (c) => ({ timeline: c.timeline.map((e) => ({ ...e, reminder: 'first-response' })) })))).not.toEqual([]);
    // A pending reminder with another due time, or after it fired.
    expect(refused(withContext(threatened.incident, (c) => ({ reminders: [{ ...c.reminders![0]!, due: at(5 * minute) }] })))).toEqual([
      expect.stringContaining('first response is due 2026-04-06T19:15:00.000Z'),
    ]);
    expect(refused(withContext(fired, () => ({ reminders: [{ reminder: 'first-response', severity: 'critical', due: at(15 * minute) }] })))).toEqual([
      expect.stringContaining('already fired'),
    ]);
    // A pending reminder at another level than the incident's severity, each due when its level says:
    // the violence threat's fifteen minutes swapped for the low level's day, or a quiet incident's
    // day for the critical level's fifteen minutes.
    const quiet = openIncident({ now: opened }).incident;
    expect(quiet.snapshot.context.reminders).toEqual([{ reminder: 'first-response', severity: 'low', due: at(24 * 60 * minute) }]);
    expect(refused(withContext(threatened.incident, () => ({ reminders: quiet.snapshot.context.reminders })))).toEqual([
      expect.stringContaining('The incident is at severity "critical", so its pending first-response reminder is at that level; received "low"'),
    ]);
    expect(refused(withContext(quiet, () => ({ reminders: threatened.incident.snapshot.context.reminders })))).toEqual([
      expect.stringContaining('The incident is at severity "low"'),
    ]);
    expect(refused(threatened.incident)).toEqual([]);
  });

  it('apply when a stored incident is restored, once, and the restored incident fires the next one', () => {
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
    const visit = runtime.decide(runtime.open({ now: opened }).incident, { type: 'threat.reported', kind: 'visit' }, { now: opened });
    const clock = new SimulatedClock();
    clock.set(opened + 30 * minute);
    const restored = runtime.restore(visit.incident, { clock });
    const heard: EmittedReminder[] = [];
    restored.on('reminder', (event) => heard.push(event as EmittedReminder));
    clock.increment(30 * minute);
    expect(heard.map((event) => event.severity)).toEqual(['high']);
    expect(currentRung(restored.getSnapshot())).toBe(visit.rung);
    restored.stop();
  });

  it('are cleared when the incident stops, normally or with an error, checked or plain: a stopped incident is not kept until its reminder falls due', () => {
    const { simulated, pending, clock } = pendingTimers(opened);
    // Nobody has answered: the first response's reminder is due in a day.
    const checked = createIncident(crisisMachine, { clock }).start();
    expect(pending.size).toBe(1);
    checked.stop();
    expect(pending.size).toBe(0);

    // A plain actor (its own system) and a restored incident alike.
    const plain = createActor(crisisMachine, { clock }).start();
    expect(pending.size).toBe(1);
    plain.stop();
    expect(pending.size).toBe(0);
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
    const restored = runtime.restore(runtime.open({ now: opened }).incident, { clock });
    expect(pending.size).toBe(1);
    restored.stop();
    expect(pending.size).toBe(0);

    // An action given in code that throws stops the actor with an error: its timer goes too.
    const failing = crisisMachine.provide({
      actions: {
        recordThreat: () => {
          throw new Error('boom');
        },
      },
    });
    const failed = createActor(failing, { clock });
    failed.subscribe({ error: () => {} });
    failed.start();
    expect(pending.size).toBe(1);
    failed.send({ type: 'threat.reported', kind: 'visit' });
    expect(failed.getSnapshot().status).toBe('error');
    expect(pending.size).toBe(0);

    // Two incidents on one system's clock: stopping one leaves the other's reminder to fire.
    const first = createIncident(crisisMachine, { clock }).start();
    const second = createIncident(crisisMachine, { clock }).start();
    const heard: EmittedReminder[] = [];
    second.on('reminder', (event) => heard.push(event as EmittedReminder));
    first.stop();
    expect(pending.size).toBe(1);
    simulated.increment(24 * 60 * minute);
    expect(heard.map((event) => event.severity)).toEqual(['low']);
    second.stop();
    expect(pending.size).toBe(0);
  });

  it('end with the incident: nothing is pending once it finished, and restoring it arms no timer', () => {
    // A playbook whose first rung closes the incident when nobody triaged it within two hours.
    const definition = structuredClone(defaultPlaybook) as unknown as {
      windows: Record<string, unknown>;
      ladder: { rungs: { id: string; after?: unknown[] }[] };
    };
    definition.windows.triageWindow = { description: 'How long the facts may wait.', duration: '2h' };
    definition.ladder.rungs.find((rung) => rung.id === 'gatheringInfo')!.after = [{ window: 'triageWindow', target: 'closed', description: 'Nobody triaged it: closed.' }];
    const machine = compilePlaybook(definition as unknown as typeof defaultPlaybook);
    const runtime = createIncidentRuntime({ playbooks: [machine] });
    const open = runtime.open({ now: opened });
    expect(open.reminders.pending).toHaveLength(1);
    const done = runtime.decideDue(open.incident, { now: opened + 3 * 60 * minute });
    expect(done.status).toBe('done');
    expect(done.reminders.pending).toEqual([]);
    expect(done.nextDue).toBeUndefined();
    expect((done.incident.snapshot.context as IncidentContext).reminders).toBeUndefined();
    // Nor is a first response advised, due or overdue any more, even after its reminder fell due first.
    const violence = runtime.decide(open.incident, { type: 'threat.reported', kind: 'violence' }, { now: opened });
    const overdue = runtime.decideDue(violence.incident, { now: opened + 90 * minute });
    const before = machine.resolveState({ value: overdue.incident.snapshot.value as never, context: overdue.incident.snapshot.context });
    expect(currentReminders(before).overdue.map((reminder) => reminder.severity)).toEqual(['critical']);
    expect(recommend(before).map((advice) => advice.title)).toContain('First response overdue');
    const late = runtime.decideDue(overdue.incident, { now: opened + 3 * 60 * minute });
    expect(late.status).toBe('done');
    for (const finished of [done, late]) {
      const snapshot = machine.resolveState({ value: finished.incident.snapshot.value as never, context: finished.incident.snapshot.context });
      expect(currentReminders(snapshot)).toEqual({ pending: [], overdue: [] });
      expect(currentSeverity(snapshot)?.respondBy).toBeUndefined();
      expect(recommend(snapshot).map((advice) => advice.source.track)).not.toContain('severity');
      expect(recommend(snapshot).map((advice) => advice.title)).not.toContain('First response overdue');
    }
    // A finished document an earlier release wrote still listed the reminder: it is not pending either.
    const older = structuredClone(done.incident);
    (older.snapshot.context as { reminders?: unknown }).reminders = (open.incident.snapshot.context as IncidentContext).reminders;
    const again = runtime.decideDue(older, { now: opened + 4 * 60 * minute });
    expect(again.reminders.pending).toEqual([]);
    expect(again.nextDue).toBeUndefined();

    const { pending, clock } = pendingTimers(opened + 4 * 60 * minute);
    // Finished already, and finished while restoring (its window ran out while nobody ran it).
    for (const stored of [done.incident, open.incident]) {
      const restored = runtime.restore(stored, { clock });
      expect(restored.getSnapshot().status).toBe('done');
      expect(pending.size).toBe(0);
    }
  });

  it('are armed only by a running actor: when it starts, on each change, never by a pure transition; and provide replaces the arming', () => {
    // A clock that counts the timers set on it.
    const simulated = new SimulatedClock();
    simulated.set(opened);
    const set: number[] = [];
    const clock = {
      now: () => simulated.now(),
      setTimeout: (fn: () => void, ms: number) => (set.push(ms), simulated.setTimeout(fn, ms)),
      clearTimeout: (id: unknown) => simulated.clearTimeout(id as never),
    };
    const incident = createIncident(crisisMachine, { clock });
    expect(set).toEqual([]); // created, not started: nothing armed yet
    incident.start();
    expect(set).toEqual([24 * 60 * minute]);
    incident.send({ type: 'threat.reported', kind: 'violence' });
    expect(set).toEqual([24 * 60 * minute, 15 * minute]);
    incident.stop();

    // Pure transitions execute no action: no timer, whatever the severity does.
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      const [start] = initialTransition(crisisMachine);
      const [next] = transition(crisisMachine, start, { type: 'threat.reported', kind: 'violence' });
      expect((next.context as IncidentContext).reminders?.[0]?.severity).toBe('critical');
      expect(timers).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
    }

    // An app's own armReminder runs instead, at the start and on each change.
    const calls: number[] = [];
    const provided = crisisMachine.provide({ actions: { armReminder: ({ context }: { context: IncidentContext }) => calls.push(context.timeline.length) } as never });
    const other = createIncident(provided, { clock }).start();
    other.send({ type: 'threat.reported', kind: 'visit' });
    other.send({ type: 'community.supported' });
    expect(calls).toEqual([0, 1, 2]);
    expect(set).toHaveLength(2);
    other.stop();
  });
});

describe('the first response', () => {
  it('is not a guarded move that did not apply: a threat that is no legal one keeps the reminder pending', async () => {
    const { acmePlaybook } = await import('../examples/custom-rung/playbook.js');
    const machine = compilePlaybook(acmePlaybook);
    const clock = new SimulatedClock();
    clock.set(opened);
    const live = createIncident(machine, { clock }).start();
    live.send({ type: 'threat.reported', kind: 'visit' });
    const snapshot = live.getSnapshot();
    // Still on the first rung (the move to the legal review is for legal threats), at a higher severity.
    expect(snapshot.context.timeline.map((entry) => [entry.type, entry.from, entry.to])).toEqual([['threat.reported', 'gatheringInfo', 'gatheringInfo']]);
    expect(currentReminders(snapshot).pending).toEqual([{ reminder: 'first-response', severity: 'high', due: at(60 * minute) }]);
    live.stop();
    const runtime = createIncidentRuntime({ playbooks: [machine] });
    const decided = runtime.decide(runtime.open({ now: opened }).incident, { type: 'threat.reported', kind: 'visit' }, { now: opened });
    expect(decided.incident.snapshot.context.reminders).toEqual([{ reminder: 'first-response', severity: 'high', due: at(60 * minute) }]);
    expect(runtime.summarize(decided.incident, { now: opened + minute }).firstResponse).toBeNull();
    // The legal threat moves the ladder: that is a response.
    const legal = runtime.decide(decided.incident, { type: 'threat.reported', kind: 'legal-action' }, { now: opened + minute });
    expect(legal.rung).toBe('legalReview');
    expect(legal.incident.snapshot.context.reminders).toBeUndefined();
    expect(runtime.summarize(legal.incident, { now: opened + 2 * minute }).firstResponse).toMatchObject({ event: 'threat.reported', afterMs: minute });

    // A guarded move from every rung to the rung the incident is on: staying there tells nothing of
    // whether the move applied (its guard read the event), so it is no response either.
    const toStart = compilePlaybook(
      extendPlaybook(defaultPlaybook)
        .addGuards({ isViolence: { description: 'Violence was threatened.', condition: { path: 'event.kind', equals: 'violence' } } })
        .addTransitions('everyRung', [{ event: 'threat.reported', target: 'gatheringInfo', guard: 'isViolence' }])
        .build(),
    );
    const other = createIncidentRuntime({ playbooks: [toStart] });
    const visit = other.decide(other.open({ now: opened }).incident, { type: 'threat.reported', kind: 'visit' }, { now: opened });
    expect(visit.incident.snapshot.context.reminders?.[0]?.severity).toBe('high');
  });
});

describe('an overdue first response after the severity fell', () => {
  it('names the level whose target passed, and says the incident is at another level now', () => {
    const { clock, incident } = live();
    incident.send({ type: 'facts.update', facts: { venue: 'public-group' } });
    clock.increment(5 * 60 * minute); // the medium level's 4 hours passed
    incident.send({ type: 'facts.update', facts: { venue: 'private-group' } }); // a correction: low now
    const snapshot = incident.getSnapshot();
    expect(currentSeverity(snapshot)!.level).toBe('low');
    const overdue = recommend(snapshot).find((item) => item.title === 'First response overdue')!;
    expect(overdue.detail).toMatch(/^At Medium, the first response is due within 4 hours/);
    expect(overdue.because[0]!.text).toBe('The first response fell overdue while the incident was at Medium; it is at Low now, and nobody has responded yet.');
    incident.stop();
  });
});
