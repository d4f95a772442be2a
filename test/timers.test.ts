import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { createIncident, crisisMachine, currentRung, defaultPlaybook, type IncidentContext, limits } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook, safeParsePlaybook } from 'crisis-playbook/authoring';
import { createIncidentRuntime, decide, openIncident, parseStoredIncident, restoreIncident } from 'crisis-playbook/server';

const DAY = 86_400_000;
const t0 = Date.parse('2026-04-06T19:00:00Z');

/** An incident waiting on the private message, whose reply window runs out at `due`. */
function waitingForReply(replyWindow: number) {
  const opened = openIncident({ now: t0, input: { windows: { replyWindow } } });
  const waiting = decide(opened.incident, { type: 'assessment.complete' }, { now: t0 });
  return { stored: waiting.incident, due: Date.parse(waiting.deadlines[0]!.at) };
}

describe('timers never fire early', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: t0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fire at once in a plain XState scheduler when longer than 2^31 - 1 ms (what the runtime avoids)', () => {
    const actor = createActor(crisisMachine).start();
    actor.send({ type: 'assessment.complete' });
    const type = 'xstate.after.replyWindow.crisis.active.ladder.directMessage';
    actor.system.scheduler.schedule(actor, actor, { type }, limits.windowMs + 10 * DAY, type);
    vi.advanceTimersByTime(1);
    expect(currentRung(actor.getSnapshot())).toBe('monitoring');
  });

  it('wait the whole time in an incident restored with more than 2^31 - 1 ms to go', () => {
    const { stored, due } = waitingForReply(limits.windowMs);
    // Restored five days before the incident's clock says the window started (a clock set
    // back, or a replay): more than 2^31 - 1 ms remain.
    const now = t0 - 5 * DAY;
    expect(due - now).toBeGreaterThan(limits.windowMs);
    vi.setSystemTime(now);
    const incident = restoreIncident(stored, { now });
    vi.advanceTimersByTime(limits.windowMs);
    expect(currentRung(incident.getSnapshot())).toBe('directMessage');
    vi.advanceTimersByTime(due - now - limits.windowMs - 1);
    expect(currentRung(incident.getSnapshot())).toBe('directMessage');
    vi.advanceTimersByTime(1);
    expect(currentRung(incident.getSnapshot())).toBe('monitoring');
    incident.stop();
  });

  it('keep a stepped timer cancelled when its rung is left early', () => {
    const { stored } = waitingForReply(limits.windowMs);
    vi.setSystemTime(t0 - 5 * DAY);
    const incident = restoreIncident(stored, { now: t0 - 5 * DAY });
    incident.send({ type: 'message.replied' });
    expect(currentRung(incident.getSnapshot())).toBe('phoneCall');
    vi.advanceTimersByTime(40 * DAY);
    expect(currentRung(incident.getSnapshot())).toBe('phoneCall');
    expect((incident.getSnapshot().context as IncidentContext).timeline.map((entry) => entry.type)).toEqual(['assessment.complete', 'message.replied']);
    incident.stop();
  });

  it('fire on time in a live incident with the longest window', () => {
    const incident = createIncident(crisisMachine, { input: { windows: { replyWindow: limits.windowMs } } }).start();
    incident.send({ type: 'assessment.complete' });
    vi.advanceTimersByTime(limits.windowMs - 1);
    expect(currentRung(incident.getSnapshot())).toBe('directMessage');
    vi.advanceTimersByTime(1);
    expect(currentRung(incident.getSnapshot())).toBe('monitoring');
  });
});

describe('timers longer than 2^31 - 1 ms', () => {
  it('fire when due on a simulated clock moved past them in one go, not at its next move', () => {
    const { stored, due } = waitingForReply(limits.windowMs);
    const clock = new SimulatedClock();
    clock.set(t0 - 5 * DAY);
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
    const incident = runtime.restore(stored, { clock, now: t0 - 5 * DAY });
    clock.increment(due - (t0 - 5 * DAY) - 1);
    expect(currentRung(incident.getSnapshot())).toBe('directMessage');
    clock.increment(1);
    expect(currentRung(incident.getSnapshot())).toBe('monitoring');
    // Stamped when it fell due.
    expect((incident.getSnapshot().context as IncidentContext).timeline.at(-1)).toMatchObject({ type: 'window.elapsed', at: new Date(due).toISOString() });
    incident.stop();

    // The same in one move of the clock far past the time.
    const far = new SimulatedClock();
    far.set(t0 - 5 * DAY);
    const jumped = runtime.restore(stored, { clock: far, now: t0 - 5 * DAY });
    far.increment(40 * DAY);
    expect(currentRung(jumped.getSnapshot())).toBe('monitoring');
    jumped.stop();
  });

  it("can be unref'd, each of their steps too: a far reminder never keeps the process alive", () => {
    // An inner clock that records each timer and whether it was unref'd.
    const timers: { ms: number; unrefed: boolean; fn: () => void }[] = [];
    let time = t0;
    const inner = {
      now: () => time,
      setTimeout: (fn: () => void, ms: number) => {
        const timer = { ms, fn, unrefed: false, unref: () => ((timer.unrefed = true), timer) };
        timers.push(timer);
        return timer;
      },
      clearTimeout: () => {},
    };
    // A restored incident whose first-response reminder is more than 2^31 - 1 ms away (its clock set back 30 days).
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
    const opened = runtime.open({ now: t0 + 30 * DAY });
    const incident = runtime.restore(opened.incident, { clock: inner, now: t0 });
    const steps = timers.filter((timer) => timer.ms === limits.windowMs);
    expect(steps).toHaveLength(1);
    expect(steps[0]!.unrefed).toBe(true);
    // The first step ends: the next one is set, and unref'd as well.
    const before = timers.length;
    time += limits.windowMs;
    steps[0]!.fn();
    expect(timers.length).toBe(before + 1);
    const due = Date.parse((opened.incident.snapshot.context as IncidentContext).reminders![0]!.due);
    expect(timers.at(-1)!.ms).toBe(due - t0 - limits.windowMs);
    expect(timers.at(-1)!.unrefed).toBe(true);
    incident.stop();
  });
});

describe('windows longer than a timer can wait are refused wherever they enter', () => {
  it('as incident input, live and on the server', () => {
    expect(() => createIncident(crisisMachine, { input: { windows: { replyWindow: 2 ** 40 } } })).toThrow(/at most 2147483647 ms/);
    expect(() => openIncident({ now: t0, input: { windows: { replyWindow: limits.windowMs + 1 } } })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });

  it('in a playbook definition', () => {
    const result = safeParsePlaybook({ ...defaultPlaybook, windows: { ...defaultPlaybook.windows, replyWindow: { description: 'Long.', duration: 2 ** 40 } } });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((issue) => issue.code)).toContain('invalid_duration');
    expect(() => extendPlaybook(defaultPlaybook).setWindow('replyWindow', '25d').build()).toThrow(/invalid_duration/);
  });

  it('in a stored incident', () => {
    const { stored } = waitingForReply(DAY);
    const tampered = JSON.parse(JSON.stringify(stored)) as { snapshot: { context: { windows: Record<string, number> } } };
    tampered.snapshot.context.windows.replyWindow = 2 ** 40;
    expect(() => parseStoredIncident(tampered)).toThrow(expect.objectContaining({ code: 'invalid_document' }));
  });

  it('while a delay given through provide is only trusted as far as the limit', () => {
    const machine = compilePlaybook(defaultPlaybook).provide({ delays: { replyWindow: 3 * DAY } });
    const runtime = createIncidentRuntime({ playbooks: [machine] });
    const opened = runtime.open({ now: t0 });
    const waiting = runtime.decide(opened.incident, { type: 'assessment.complete' }, { now: t0 });
    expect(waiting.deadlines[0]!.at).toBe(new Date(t0 + 3 * DAY).toISOString());
    expect(runtime.parse(waiting.incident).snapshot.context.deadlines).toHaveLength(1);
  });
});

describe('a clock that fails', () => {
  const opened = Date.parse('2026-04-06T19:00:00.000Z');

  it('whose now() throws: events and new incidents are refused with invalid_time, nothing is thrown', async () => {
    const { safeCreateIncident } = await import('crisis-playbook');
    let broken = false;
    const clock = {
      now: () => {
        if (broken) throw new Error('NTP client down');
        return opened;
      },
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>),
    };
    const incident = createIncident(crisisMachine, { clock }).start();
    broken = true;
    let answer: ReturnType<typeof incident.safeSend> | undefined;
    expect(() => (answer = incident.safeSend({ type: 'assessment.complete' }))).not.toThrow();
    expect(answer).toMatchObject({ success: false, error: { code: 'invalid_time' } });
    expect(() => incident.send({ type: 'assessment.complete' })).not.toThrow();
    expect(incident.getSnapshot().context.timeline).toEqual([]);
    const created = safeCreateIncident(crisisMachine, { clock });
    expect(created.success).toBe(false);
    if (!created.success) expect(created.error.message).toMatch(/invalid_time/);
    incident.stop();
  });

  it('that reads no time when a window runs out: the window is recorded at its deadline, and the incident goes on', () => {
    const simulated = new SimulatedClock();
    simulated.set(opened);
    const reading: { time?: number } = {};
    const clock = { now: () => reading.time ?? simulated.now(), setTimeout: simulated.setTimeout.bind(simulated), clearTimeout: simulated.clearTimeout.bind(simulated) };
    const incident = createIncident(crisisMachine, { clock }).start();
    incident.send({ type: 'facts.update', facts: { insiderInVenue: false } });
    incident.send({ type: 'assessment.complete' });
    const due = incident.getSnapshot().context.deadlines[0]!.due;
    reading.time = Number.NaN;
    simulated.increment(25 * 3_600_000);
    const snapshot = incident.getSnapshot();
    expect(snapshot.status).toBe('active');
    expect(currentRung(snapshot)).toBe('monitoring');
    const last = snapshot.context.timeline.at(-1)!;
    expect(last).toMatchObject({ type: 'window.elapsed', window: 'replyWindow', at: due });
    incident.stop();
  });
});

describe('a wall clock set back while a window runs', () => {
  it('records the window as run out no earlier than its deadline', () => {
    const opened = Date.parse('2026-04-06T19:00:00.000Z');
    const simulated = new SimulatedClock();
    simulated.set(opened);
    const offset = { ms: 0 };
    // Timers run on elapsed time; now() is the wall clock, set back an hour.
    const clock = { now: () => simulated.now() + offset.ms, setTimeout: simulated.setTimeout.bind(simulated), clearTimeout: simulated.clearTimeout.bind(simulated) };
    const incident = createIncident(crisisMachine, { clock }).start();
    incident.send({ type: 'facts.update', facts: { insiderInVenue: false } });
    offset.ms = -3_600_000;
    incident.send({ type: 'assessment.complete' });
    const due = incident.getSnapshot().context.deadlines[0]!.due;
    simulated.increment(24 * 3_600_000);
    const last = incident.getSnapshot().context.timeline.at(-1)!;
    expect(last).toMatchObject({ type: 'window.elapsed', window: 'replyWindow' });
    expect(Date.parse(last.at)).toBeGreaterThanOrEqual(Date.parse(due));
    incident.stop();
  });
});
