import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
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
