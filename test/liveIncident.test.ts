import fc from 'fast-check';
import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createIncident, crisisMachine, currentRung, IncidentError, InputValidationError, limits, type Refusal, safeParseEvent } from 'crisis-playbook';
import { decideDue, parseStoredIncident, serializeIncident } from 'crisis-playbook/server';
import { outOfSightFacts } from './helpers.js';

const hostile: [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['a number', 42],
  ['a string', 'assessment.complete'],
  ['an array', [{ type: 'assessment.complete' }]],
  ['a non-string type', { type: 1 }],
  ['a missing type', { kind: 'visit' }],
  ['an undeclared type', { type: 'assessment.done' }],
  ['xstate.stop', { type: 'xstate.stop' }],
  ['a forged window', { type: 'xstate.after.replyWindow.crisis.active.ladder.directMessage' }],
  ['a forged error', { type: 'xstate.error.actor.crisis' }],
  ['a forged init', { type: 'xstate.init', input: {} }],
  ['a wrong payload', { type: 'call.completed', apology: 'yes', agreement: true }],
  ['an extra key', { type: 'message.replied', email: 'dee@example.com' }],
  ['a phone as a number', { type: 'message.replied', phone: 447700900000 }],
  ['a note with an escape sequence', { type: 'community.supported', note: 'hi\u001b[2J' }],
  ['a note of a million characters', { type: 'community.supported', note: 'x'.repeat(1_000_000) }],
  ['a time out of range', { type: 'community.supported', at: '9999-12-31T12:00:00Z' }],
  ['a type of a million characters', { type: 'a'.repeat(1_000_000) }],
  ['a Proxy that throws', new Proxy({}, { get() { throw new Error('boom'); }, ownKeys() { throw new Error('boom'); } })],
  ['a getter that throws', Object.defineProperty({}, 'type', { enumerable: true, get() { throw new Error('boom'); } })],
  ['a BigInt', 10n],
  ['a symbol', Symbol('event')],
  ['a function', () => ({ type: 'assessment.complete' })],
];

function directMessageIncident(refusals: Refusal[] = []) {
  const incident = createIncident(crisisMachine, { onRefused: (refusal) => refusals.push(refusal) }).start();
  incident.send({ type: 'facts.update', facts: { ...outOfSightFacts, venue: 'public-group', insiderInVenue: true } });
  incident.send({ type: 'assessment.complete' });
  return incident;
}

describe('a live incident created with createIncident', () => {
  it.each(hostile)('refuses %s without changing, stopping or throwing', (_, event) => {
    const refusals: Refusal[] = [];
    const incident = directMessageIncident(refusals);
    const before = serializeIncident(incident.getSnapshot());
    expect(() => incident.send(event as never)).not.toThrow();
    expect(incident.getSnapshot().status).toBe('active');
    expect(serializeIncident(incident.getSnapshot())).toEqual(before);
    expect(refusals).toHaveLength(1);
    const { error } = refusals[0]!;
    expect(error).toBeInstanceOf(IncidentError);
    expect(['invalid_event', 'event_not_applicable']).toContain(error.code);
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.message.length).toBeLessThan(1200);
    // It still takes valid events afterwards.
    incident.send({ type: 'message.ignored' });
    expect(currentRung(incident.getSnapshot())).toBe('intermediary');
    incident.stop();
  });

  it('says why through safeSend, with the same error the server gives', () => {
    const incident = directMessageIncident();
    const result = incident.safeSend({ type: 'access.denied' });
    expect(result).toMatchObject({ success: false, error: { code: 'event_not_applicable' } });
    expect(incident.safeSend({ type: 'message.ignored' })).toEqual({ success: true });
    incident.stop();
    expect(incident.safeSend({ type: 'message.sent' })).toMatchObject({ success: false, error: { code: 'incident_finished' } });
  });

  it('never applies an event whose getters answer differently on a second read', () => {
    const refusals: Refusal[] = [];
    const incident = directMessageIncident(refusals);
    const before = incident.getSnapshot();
    let reads = 0;
    const sly = {
      get type() {
        reads += 1;
        return reads === 1 ? 'message.sent' : 'message.ignored';
      },
    };
    incident.send(sly as never);
    expect(incident.getSnapshot()).toBe(before);
    expect(refusals.map((refusal) => refusal.error.code)).toEqual(['invalid_event']);
    incident.stop();
  });

  it('survives any value and any mutation of a valid event, and applies only valid ones', () => {
    const valid = [
      { type: 'facts.update', facts: { venue: 'private-group' } },
      { type: 'message.sent', by: 'Ana', note: 'Sent on Messenger' },
      { type: 'community.supported' },
      { type: 'threat.reported', kind: 'visit' },
      { type: 'intermediary.asked', name: 'Ben' },
    ];
    const mutated = fc
      .tuple(fc.constantFrom(...valid), fc.string(), fc.anything())
      .map(([event, key, value]) => ({ ...event, [key]: value }));
    const incident = directMessageIncident();
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(fc.anything(), mutated, fc.constantFrom(...valid), fc.constantFrom(...hostile.map(([, event]) => event))), (event) => {
        const before = incident.getSnapshot();
        const result = incident.safeSend(event);
        expect(incident.getSnapshot().status).toBe('active');
        if (result.success) {
          accepted += 1;
          expect(safeParseEvent(event).success).toBe(true);
        } else {
          expect(incident.getSnapshot()).toBe(before);
        }
      }),
      { numRuns: 20_000 },
    );
    expect(accepted).toBeGreaterThan(0);
    incident.stop();
    // The accepted events fill the timeline toward its cap, and each copies it: seconds of work.
  }, 120_000);

  it('throws invalid input at once instead of leaving an actor in an error state', () => {
    expect(() => createIncident(crisisMachine, { input: { windows: { replyWindow: 2 ** 40 } } as never })).toThrow(InputValidationError);
    expect(() => createIncident(crisisMachine, { input: 'nope' as never })).toThrow(InputValidationError);
  });

  it('refuses to run on a clock outside the times an incident can be processed at', () => {
    const clock = new SimulatedClock();
    clock.set(limits.latestTime + 1);
    expect(() => createIncident(crisisMachine, { clock })).toThrow(expect.objectContaining({ code: 'invalid_time' }));
    const later = new SimulatedClock();
    const incident = createIncident(crisisMachine, { clock: later }).start();
    later.set(limits.latestTime + 1);
    expect(incident.safeSend({ type: 'community.supported' })).toMatchObject({ success: false, error: { code: 'invalid_time' } });
    incident.stop();
  });

  it('refuses events at the timeline cap with the error the server gives, and stays storable', () => {
    const incident = createIncident(crisisMachine).start();
    for (let i = 0; i < limits.timelineEntries; i++) expect(incident.safeSend({ type: 'community.supported' }).success).toBe(true);
    const result = incident.safeSend({ type: 'community.supported' });
    expect(result).toMatchObject({ success: false, error: { code: 'timeline_full' } });
    const stored = serializeIncident(incident.getSnapshot());
    expect(parseStoredIncident(JSON.stringify(stored)).snapshot.context.timeline).toHaveLength(limits.timelineEntries);
    incident.stop();
  });

  it('drops a reminder that falls due at the timeline cap, live and on the server, so that nothing stays due', () => {
    const t0 = Date.parse('2026-04-06T19:00:00.000Z');
    const clock = new SimulatedClock();
    clock.set(t0);
    const incident = createIncident(crisisMachine, { clock }).start();
    // Support does not count as a response: the first-response reminder stays pending.
    for (let i = 0; i < limits.timelineEntries; i++) incident.send({ type: 'community.supported' });
    const full = serializeIncident(incident.getSnapshot());
    expect(full.snapshot.context.reminders).toEqual([{ reminder: 'first-response', severity: 'low', due: '2026-04-07T19:00:00.000Z' }]);
    // On the server: applying what fell due drops it (a change to store), and nothing is due after.
    const due = decideDue(full, { now: t0 + 25 * 3_600_000 });
    expect(due.changed).toBe(true);
    expect(due.added).toEqual([]);
    expect(due.incident.snapshot.context.reminders).toBeUndefined();
    expect(due.nextDue).toBeUndefined();
    expect(decideDue(due.incident, { now: t0 + 26 * 3_600_000 }).changed).toBe(false);
    // Live: the reminder timer fires, records nothing and leaves nothing pending.
    clock.increment(25 * 3_600_000);
    expect(incident.getSnapshot().status).toBe('active');
    expect(incident.getSnapshot().context.reminders).toBeUndefined();
    expect(incident.getSnapshot().context.timeline).toHaveLength(limits.timelineEntries);
    expect(serializeIncident(incident.getSnapshot())).toEqual(due.incident);
    incident.stop();
  });
});

describe('a live incident sent events while it is busy', () => {
  it('checks an event sent from a subscription against the state it was sent in, and applies it after', () => {
    const refusals: Refusal[] = [];
    const incident = createIncident(crisisMachine, { onRefused: (refusal) => refusals.push(refusal) }).start();
    const results: { type: string; success: boolean }[] = [];
    // Sent while the actor is still processing assessment.complete: XState queues them.
    const subscription = incident.subscribe((snapshot) => {
      if (currentRung(snapshot) !== 'directMessage' || results.length > 0) return;
      for (const type of ['message.sent', 'access.granted', 'community.supported'] as const) results.push({ type, success: incident.safeSend({ type }).success });
    });
    incident.send({ type: 'assessment.complete' });
    subscription.unsubscribe();
    expect(results).toEqual([
      { type: 'message.sent', success: true },
      { type: 'access.granted', success: false },
      { type: 'community.supported', success: true },
    ]);
    expect(refusals.map((refusal) => refusal.error.code)).toEqual(['event_not_applicable']);
    // Both accepted events were applied, once each, in order.
    expect(incident.getSnapshot().context.timeline.map((entry) => entry.type)).toEqual(['assessment.complete', 'message.sent', 'community.supported']);
    incident.stop();
  });

  it('checks events sent before start against the state each will be processed in, and applies them on start', () => {
    const refused: string[] = [];
    const incident = createIncident(crisisMachine, { onRefused: ({ error }) => refused.push(error.code) });
    expect(incident.safeSend({ type: 'assessment.complete' }).success).toBe(true);
    // After the queued assessment, the incident will be on directMessage: the message applies there.
    expect(incident.safeSend({ type: 'message.sent' }).success).toBe(true);
    // A second assessment would do nothing there: refused now, not dropped without a word later.
    expect(incident.safeSend({ type: 'assessment.complete' })).toMatchObject({ success: false, error: { code: 'event_not_applicable' } });
    expect(refused).toEqual(['event_not_applicable']);
    incident.start();
    expect(currentRung(incident.getSnapshot())).toBe('directMessage');
    expect(incident.getSnapshot().context.timeline.map((entry) => entry.type)).toEqual(['assessment.complete', 'message.sent']);
    incident.stop();
  });

  it('checks events sent from a subscription during start() against the state they will be processed in', () => {
    const incident = createIncident(crisisMachine);
    const answers: (string | true)[] = [];
    incident.subscribe(() => {
      if (answers.length > 0) return;
      for (const event of [{ type: 'incident.closed', reason: 'Resolved offline.' }, { type: 'facts.update', facts: { witnessed: true } }]) {
        const result = incident.safeSend(event);
        answers.push(result.success || result.error.code);
      }
    });
    incident.start();
    expect(answers).toEqual([true, 'incident_finished']);
    expect(incident.getSnapshot().status).toBe('done');
  });

  it('checks events sent from a subscription against the state the events queued before them lead to', () => {
    const incident = createIncident(crisisMachine).start();
    const answers: boolean[] = [];
    incident.subscribe((snapshot) => {
      if (snapshot.context.timeline.length !== 1 || answers.length > 0) return;
      answers.push(incident.safeSend({ type: 'incident.closed', reason: 'Resolved offline.' }).success);
      // Sent after the close, in the same queue: the incident will be finished by then.
      answers.push(incident.safeSend({ type: 'facts.update', facts: { witnessed: true } }).success);
    });
    incident.send({ type: 'facts.update', facts: { venue: 'public-group' } });
    expect(answers).toEqual([true, false]);
    expect(incident.getSnapshot().status).toBe('done');
    expect(incident.getSnapshot().context.facts.witnessed).toBeUndefined();
  });
});

describe('a live incident that is stopped, or whose guards given in code throw', () => {
  it('refuses every event once stop() is called: before it started, and while the stop waits behind the event being processed', () => {
    const refusals: Refusal[] = [];
    const never = createIncident(crisisMachine, { onRefused: (refusal) => refusals.push(refusal) });
    never.stop();
    // XState would drop the event without a word.
    expect(never.safeSend({ type: 'assessment.complete' })).toMatchObject({ success: false, error: { code: 'incident_finished' } });

    const incident = createIncident(crisisMachine, { onRefused: (refusal) => refusals.push(refusal) }).start();
    const results: boolean[] = [];
    incident.subscribe((snapshot) => {
      if (currentRung(snapshot) !== 'directMessage' || results.length > 0) return;
      incident.stop();
      results.push(incident.safeSend({ type: 'message.sent' }).success);
    });
    incident.send({ type: 'assessment.complete' });
    expect(results).toEqual([false]);
    expect(incident.getSnapshot().status).toBe('stopped');
    expect(incident.getSnapshot().context.timeline.map((entry) => entry.type)).toEqual(['assessment.complete']);
    expect(refusals.map((refusal) => refusal.error.code)).toEqual(['incident_finished', 'incident_finished']);
    expect(refusals[1]!.error.message).toMatch(/stopped/);
  });

  it('never throws from safeSend when a guard given in code throws, idle or busy: the actor stops with the error, as XState reports it', () => {
    const machine = crisisMachine.provide({
      guards: {
        isPosterKnown: () => {
          throw new Error('a guard given in code threw');
        },
      },
    });
    // Sent before start: queued, and the error comes when it is processed.
    const early = createIncident(machine);
    const errors: unknown[] = [];
    early.subscribe({ error: (error) => errors.push(error) });
    expect(early.safeSend({ type: 'assessment.complete' }).success).toBe(true);
    early.start();
    expect(early.getSnapshot().status).toBe('error');
    expect(String(errors[0])).toMatch(/a guard given in code threw/);

    // Sent from a subscription while the actor processes another event.
    const busy = createIncident(machine).start();
    busy.subscribe({ error: (error) => errors.push(error) });
    let result: unknown;
    busy.subscribe({
      next: (snapshot) => {
        if (snapshot.context.timeline.length === 1 && result === undefined) result = busy.safeSend({ type: 'assessment.complete' });
      },
      error: () => {},
    });
    busy.send({ type: 'facts.update', facts: { witnessed: true } });
    expect(result).toEqual({ success: true });
    expect(busy.getSnapshot().status).toBe('error');
    expect(errors).toHaveLength(2);
  });
});

describe('plain createActor, for comparison (documented in the README)', () => {
  it('is stopped by an xstate.stop event sent from outside', () => {
    const actor = createActor(crisisMachine).start();
    actor.send({ type: 'xstate.stop' } as never);
    expect(actor.getSnapshot().status).toBe('stopped');
  });

  it('still refuses invalid payloads and internal-looking events through its guards', () => {
    const actor = createActor(crisisMachine).start();
    actor.send({ type: 'assessment.complete' });
    actor.send({ type: 'message.replied', phone: 42 } as never);
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
    actor.stop();
  });
});
