import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { currentRung } from 'crisis-playbook';
import { decide, decideDue, openIncident, restoreIncident, safeDecide, serializeIncident, type StoredIncident } from 'crisis-playbook/server';
import { outOfSightFacts, startIncident } from './helpers.js';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-04-06T19:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A stored incident waiting on request access since t0 (access window due at t0 + 24 h). */
function waitingForAccess(): StoredIncident {
  let { incident } = openIncident({ now: t0 });
  incident = decide(incident, { type: 'facts.update', facts: { ...outOfSightFacts, insiderInVenue: true } }, { now: t0 }).incident;
  return decide(incident, { type: 'assessment.complete' }, { now: t0 }).incident;
}

describe('deadlines are data', () => {
  it('records the absolute due time when a waiting rung is entered, and drops it when the rung is left', () => {
    const stored = waitingForAccess();
    expect(stored.snapshot.context.deadlines).toEqual([{ window: 'accessWindow', rung: 'requestingAccess', due: iso(t0 + 24 * HOUR) }]);
    const left = decide(stored, { type: 'access.denied' }, { now: t0 + HOUR }).incident;
    expect(left.snapshot.context.deadlines).toEqual([{ window: 'replyWindow', rung: 'directMessage', due: iso(t0 + 25 * HOUR) }]);
  });

  it('uses the per-incident window from the input', () => {
    const { incident } = openIncident({ now: t0, input: { windows: { replyWindow: '2h' } } });
    const next = decide(incident, { type: 'assessment.complete' }, { now: t0 });
    expect(next.deadlines).toEqual([
      { at: iso(t0 + 2 * HOUR), event: { type: 'window.elapsed', window: 'replyWindow', rung: 'directMessage' } },
    ]);
  });
});

describe('restoring a live actor', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: t0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('25 h into a 24 h window: the deadline fires once, on restore, and the next window runs from its due time', () => {
    const stored = JSON.stringify(waitingForAccess());
    vi.setSystemTime(t0 + 25 * HOUR);
    const actor = restoreIncident(stored);
    const snapshot = actor.getSnapshot();
    expect(currentRung(snapshot)).toBe('directMessage');
    const elapsed = snapshot.context.timeline.filter((e: { type: string }) => e.type === 'window.elapsed');
    expect(elapsed).toEqual([
      { at: iso(t0 + 24 * HOUR), type: 'window.elapsed', window: 'accessWindow', from: 'requestingAccess', to: 'directMessage' },
    ]);
    // The reply window started when the access window ran out (t0 + 24 h): 23 h remain.
    vi.advanceTimersByTime(23 * HOUR - 1);
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
    vi.advanceTimersByTime(1);
    expect(currentRung(actor.getSnapshot())).toBe('intermediary');
    expect(actor.getSnapshot().context.timeline.filter((e: { type: string }) => e.type === 'window.elapsed')).toHaveLength(2);
    actor.stop();
  });

  it('1 h into a 24 h window: the deadline fires after the remaining 23 h, not the full window', () => {
    const stored = JSON.stringify(waitingForAccess());
    vi.setSystemTime(t0 + HOUR);
    const actor = restoreIncident(stored);
    expect(currentRung(actor.getSnapshot())).toBe('requestingAccess');
    vi.advanceTimersByTime(23 * HOUR - 1);
    expect(currentRung(actor.getSnapshot())).toBe('requestingAccess');
    vi.advanceTimersByTime(1);
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
    expect(actor.getSnapshot().context.timeline.at(-1)).toMatchObject({ at: iso(t0 + 24 * HOUR), window: 'accessWindow' });
    actor.stop();
  });

  it('leaving the rung early cancels the re-armed deadline', () => {
    vi.setSystemTime(t0 + HOUR);
    const actor = restoreIncident(JSON.stringify(waitingForAccess()));
    actor.send({ type: 'access.denied' });
    const entries = actor.getSnapshot().context.timeline.length;
    vi.advanceTimersByTime(23 * HOUR + 1);
    expect(actor.getSnapshot().context.timeline).toHaveLength(entries);
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
    actor.stop();
  });

  it('agrees with the live actor that never stopped', () => {
    const live = startIncident([{ type: 'facts.update', facts: { ...outOfSightFacts, insiderInVenue: true } }, { type: 'assessment.complete' }]);
    vi.advanceTimersByTime(30 * HOUR);
    const restored = restoreIncident(waitingForAccess(), { now: t0 + 30 * HOUR });
    expect(restored.getSnapshot().value).toEqual(live.getSnapshot().value);
    expect(restored.getSnapshot().context.timeline.slice(-1)).toEqual(live.getSnapshot().context.timeline.slice(-1));
    expect(restored.getSnapshot().context.deadlines).toEqual(live.getSnapshot().context.deadlines);
    live.stop();
    restored.stop();
  });
});

describe('decide, safeDecide and decideDue', () => {
  it('return the next incident, recommendations, added entries and the deadlines to schedule', () => {
    const { incident } = openIncident({ now: t0 });
    const result = decide(JSON.stringify(incident), { type: 'facts.update', facts: outOfSightFacts, by: 'Ana' }, { now: t0 + 1000 });
    expect(result.changed).toBe(true);
    expect(result.rung).toBe('gatheringInfo');
    expect(result.added).toEqual([{ at: iso(t0 + 1000), type: 'facts.update', from: 'gatheringInfo', to: 'gatheringInfo', by: 'Ana' }]);
    expect(result.recommendations[0]!.title).toBe('Do not post back publicly yet');
    const next = decide(result.incident, { type: 'assessment.complete' }, { now: new Date(t0 + 2000) });
    expect(next.rung).toBe('requestingAccess');
    expect(next.deadlines).toEqual([
      { at: iso(t0 + 2000 + 24 * HOUR), event: { type: 'window.elapsed', window: 'accessWindow', rung: 'requestingAccess' } },
    ]);
  });

  it('is deterministic for a given now and never changes its input', () => {
    const stored = waitingForAccess();
    const copy = structuredClone(stored);
    const a = decide(stored, { type: 'access.granted' }, { now: t0 + HOUR });
    const b = decide(stored, { type: 'access.granted' }, { now: t0 + HOUR });
    expect(a).toEqual(b);
    expect(stored).toEqual(copy);
  });

  it('applies every deadline that has fallen due, in order, each once', () => {
    const later = decideDue(waitingForAccess(), { now: t0 + 100 * HOUR });
    expect(later.added.map((e) => [e.window, e.at])).toEqual([
      ['accessWindow', iso(t0 + 24 * HOUR)],
      ['replyWindow', iso(t0 + 48 * HOUR)],
      ['intermediaryWindow', iso(t0 + 96 * HOUR)],
    ]);
    expect(later.rung).toBe('monitoring');
    const again = decideDue(later.incident, { now: t0 + 200 * HOUR });
    expect(again.changed).toBe(false);
    expect(again.incident).toEqual(later.incident);
  });

  it('treats a deadline event that is not due, or whose rung was left, as a no-op', () => {
    const stored = waitingForAccess();
    const early = decide(stored, { type: 'window.elapsed', window: 'accessWindow', rung: 'requestingAccess' }, { now: t0 + HOUR });
    expect(early.changed).toBe(false);
    const left = decide(stored, { type: 'access.denied' }, { now: t0 + HOUR }).incident;
    const stale = decide(left, { type: 'window.elapsed', window: 'accessWindow', rung: 'requestingAccess' }, { now: t0 + 24 * HOUR + 1 });
    expect(stale.changed).toBe(false);
    expect(stale.rung).toBe('directMessage');
  });

  it('rejects an event that does nothing on the current rung', () => {
    const result = safeDecide(waitingForAccess(), { type: 'call.completed', apology: true, agreement: true }, { now: t0 });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.code).toBe('event_not_applicable');
      expect(result.error.message).toContain('"call.completed" does nothing on rung "requestingAccess"');
    }
  });

  it('ends with an output and accepts nothing more', () => {
    const closed = decide(waitingForAccess(), { type: 'incident.closed', reason: 'Resolved offline' }, { now: t0 + HOUR });
    expect(closed.status).toBe('done');
    expect(closed.output).toEqual({ outcome: 'closed', apology: null, closeReason: 'Resolved offline', threats: [], timelineLength: 3 });
    expect(closed.deadlines).toEqual([]);
    const result = safeDecide(closed.incident, { type: 'contact.received', channel: 'phone' }, { now: t0 + 2 * HOUR });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.code).toBe('incident_finished');
  });

  it('serialises a live snapshot into the same envelope', () => {
    const actor = startIncident([{ type: 'assessment.complete' }]);
    const stored = serializeIncident(actor.getSnapshot());
    expect(stored).toMatchObject({ format: 'crisis-playbook/incident', formatVersion: 1, playbook: { id: 'crisis', version: '1.0.0' } });
    expect(stored.snapshot.value).toEqual({ active: { ladder: 'directMessage', community: 'quiet', safety: 'none' } });
    expect(decide(stored, { type: 'message.replied' }, { now: Date.now() }).rung).toBe('phoneCall');
    actor.stop();
  });

  it('rejects a time that is not a time', () => {
    const result = safeDecide(waitingForAccess(), { type: 'access.denied' }, { now: 'tomorrow' });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.code).toBe('invalid_time');
  });

  it('takes a time as text only as an ISO 8601 date and time with its offset, the same in every time zone', () => {
    // What Date.parse would read in the server's own time zone, or roll over into another day.
    for (const now of ['1', '6/4/2026', 'April 6, 2026 19:00', '2026-04-06 19:00', '2026-04-06T19:00:00', '2026-02-30T00:00:00Z', '2026-04-06T24:00:00Z']) {
      const result = safeDecide(waitingForAccess(), { type: 'access.denied' }, { now });
      expect(result.success ? now : result.error.code, now).toBe('invalid_time');
    }
    const opened = Date.parse('2026-04-06T19:00:00Z');
    for (const now of ['2026-04-06T21:00:00+02:00', '2026-04-06T19:00:00Z', '2026-04-06T19:00:00.000Z']) {
      const result = safeDecide(waitingForAccess(), { type: 'access.denied' }, { now });
      expect(result.success && Date.parse(result.data.added[0]!.at), now).toBe(opened);
    }
  });
});

describe('a machine compiled by another copy of the library', () => {
  it('is refused with a message that says so (the ESM and CommonJS builds loaded in one process are two copies)', async () => {
    const { createIncident, defaultPlaybook } = await import('crisis-playbook');
    const { createIncidentRuntime } = await import('crisis-playbook/server');
    // A second copy of the library's modules, with a registry of its own.
    vi.resetModules();
    const other = await import('../src/authoring.js');
    const machine = other.compilePlaybook(defaultPlaybook);
    const message = /"crisis" was compiled by another copy of crisis-playbook \(its ESM and CommonJS builds loaded in one process, or two installed versions\)/;
    expect(() => createIncidentRuntime({ playbooks: [machine] })).toThrow(message);
    expect(() => createIncident(machine)).toThrow(message);
    // A machine that no copy compiled is simply not one.
    const { createMachine } = await import('xstate');
    expect(() => createIncident(createMachine({ id: 'plain' }) as never)).toThrow(/"plain" is not one$/);
  });
});
