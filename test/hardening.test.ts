import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { crisisMachine, currentRung, defaultPlaybook } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook, safeParsePlaybook, toMilliseconds } from 'crisis-playbook/authoring';
import { createIncidentRuntime, decide, openIncident, parseStoredIncident, safeDecide, type StoredIncident } from 'crisis-playbook/server';
import { acmePlaybook } from '../examples/custom-rung/playbook.js';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-04-06T19:00:00.000Z');

function onDirectMessage(): StoredIncident {
  const { incident } = openIncident({ now: t0 });
  return decide(incident, { type: 'assessment.complete' }, { now: t0 }).incident;
}

describe('inserting a rung before another', () => {
  it('leaves the other rung’s own transitions alone (sending the message restarts its window)', () => {
    const actor = createActor(compilePlaybook(acmePlaybook)).start();
    actor.send({ type: 'assessment.complete' });
    actor.send({ type: 'statement.published' });
    actor.send({ type: 'message.sent' });
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
    expect(actor.getSnapshot().context.deadlines.map((d) => d.window)).toEqual(['replyWindow']);
    actor.stop();
  });
});

describe('waiting windows', () => {
  it('are at most 2^31 - 1 ms (about 24.8 days), what a timer can wait', () => {
    expect(toMilliseconds('24d')).toBe(24 * 24 * HOUR);
    expect(toMilliseconds('30d')).toBeUndefined();
    expect(toMilliseconds(9e15)).toBeUndefined();
    expect(createActor(crisisMachine, { input: { windows: { replyWindow: '30d' } } }).getSnapshot().status).toBe('error');
    const result = safeParsePlaybook({ ...defaultPlaybook, windows: { ...defaultPlaybook.windows, replyWindow: { description: 'Long.', duration: '30d' } } });
    expect(result.success || result.error.issues[0]!.code).toBe('invalid_duration');
  });

  it('use the time of an injected clock that tells the time', () => {
    const clock = new SimulatedClock();
    clock.set(t0);
    const actor = createActor(crisisMachine, { clock }).start();
    actor.send({ type: 'assessment.complete' });
    expect(actor.getSnapshot().context.timeline[0]!.at).toBe(new Date(t0).toISOString());
    expect(actor.getSnapshot().context.deadlines[0]!.due).toBe(new Date(t0 + 24 * HOUR).toISOString());
    clock.increment(24 * HOUR);
    expect(actor.getSnapshot().context.timeline.at(-1)).toMatchObject({ window: 'replyWindow', at: new Date(t0 + 24 * HOUR).toISOString() });
  });

  it('that run out without moving the rung (every guard false) are dropped, once', () => {
    const strict = compilePlaybook(
      extendPlaybook(defaultPlaybook)
        .replaceRung('intermediary', {
          ...defaultPlaybook.ladder.rungs[3],
          after: [{ window: 'intermediaryWindow', target: 'monitoring', guard: 'hasViolenceThreat' }],
        })
        .build(),
    );
    const runtime = createIncidentRuntime({ playbooks: [strict] });
    let { incident } = runtime.open({ now: t0 });
    incident = runtime.decide(incident, { type: 'facts.update', facts: { insiderInVenue: true } }, { now: t0 }).incident;
    incident = runtime.decide(incident, { type: 'assessment.complete' }, { now: t0 }).incident;
    incident = runtime.decide(incident, { type: 'message.ignored' }, { now: t0 }).incident;
    const due = runtime.decideDue(incident, { now: t0 + 100 * HOUR });
    expect(due.changed).toBe(true);
    expect(due.rung).toBe('intermediary');
    expect(due.deadlines).toEqual([]);
    expect(runtime.decideDue(due.incident, { now: t0 + 200 * HOUR }).changed).toBe(false);
  });
});

describe('decide', () => {
  it('applies what fell due before the event, as a live actor would have', () => {
    const late = safeDecide(onDirectMessage(), { type: 'message.replied' }, { now: t0 + 25 * HOUR });
    expect(late.success).toBe(false);
    if (!late.success) expect(late.error.message).toContain('does nothing on rung "monitoring"');
    const closed = decide(onDirectMessage(), { type: 'incident.closed', reason: 'Quiet' }, { now: t0 + 25 * HOUR });
    expect(closed.added.map((e) => e.type)).toEqual(['window.elapsed', 'incident.closed']);
  });

  it('treats a deadline job for a finished incident as a no-op', () => {
    const closed = decide(onDirectMessage(), { type: 'incident.closed', reason: 'Quiet' }, { now: t0 + HOUR }).incident;
    const job = decide(closed, { type: 'window.elapsed', window: 'replyWindow', rung: 'directMessage' }, { now: t0 + 30 * HOUR });
    expect(job.changed).toBe(false);
    expect(job.status).toBe('done');
  });

  it('refuses events once the timeline is full, with a clear error', () => {
    const stored = structuredClone(onDirectMessage()) as unknown as { snapshot: { context: { timeline: unknown[] } } };
    const filler = { at: new Date(t0).toISOString(), type: 'facts.update', from: 'directMessage', to: 'directMessage' };
    stored.snapshot.context.timeline.push(...Array.from({ length: 9_999 }, () => filler));
    const result = safeDecide(stored, { type: 'message.sent' }, { now: t0 + 1 });
    expect(result.success || result.error.code).toBe('timeline_full');
  });
});

describe('stored incidents that were tampered with', () => {
  const tampered = (change: (doc: any) => void) => {
    const doc = structuredClone(decide(onDirectMessage(), { type: 'message.sent' }, { now: t0 + HOUR }).incident) as any;
    change(doc);
    return doc;
  };

  it.each([
    ['a move the playbook does not have', (d: any) => {
      d.snapshot.context.timeline[0].to = 'phoneCall';
      d.snapshot.context.timeline[1].from = 'phoneCall';
    }],
    ['a window that does not exist', (d: any) => d.snapshot.context.timeline.push({ ...d.snapshot.context.timeline[1], type: 'window.elapsed', window: 'coffeeWindow' })],
    ['a deadline pending twice', (d: any) => d.snapshot.context.deadlines.push(d.snapshot.context.deadlines[0])],
  ])('are rejected: %s', (_, change) => {
    expect(() => parseStoredIncident(tampered(change))).toThrow(/invalid_document/);
  });
});

describe('stored incidents with a great many mistakes', () => {
  const opened = () => structuredClone(openIncident({ now: t0 }).incident) as any;
  const refusal = (document: unknown) => {
    const result = safeDecide(JSON.stringify(document), { type: 'assessment.complete' }, { now: t0 + HOUR });
    if (result.success) throw new Error('accepted');
    return result.error;
  };

  it('are refused by the number of keys of their records, before anything reads the keys', () => {
    for (const [field, value] of [['windows', -1], ['followUps', 1]] as const) {
      const document = opened();
      document.snapshot.context[field] = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`w${i}`, value]));
      const error = refusal(document);
      expect(error.issues).toEqual([{ code: 'too_large', path: ['snapshot', 'context', field], message: 'Expected at most 10000 entries; received 10,001' }]);
    }
    const document = opened();
    document.snapshot.value.active = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`r${i}`, 'x']));
    expect(refusal(document).issues.map((issue) => issue.path.join('.'))).toEqual(['snapshot.value.active']);
  });

  it('list the first hundred, and say how many more there are', () => {
    const document = opened();
    document.snapshot.context.windows = Object.fromEntries(Array.from({ length: 9_000 }, (_, i) => [`w${i}`, -1]));
    const error = refusal(document);
    expect(error.issues).toHaveLength(101);
    expect(error.issues.at(-1)).toEqual({ code: 'invalid_document', path: [], message: 'and 8,900 more issues, not listed (the first 100 are)' });
    expect(error.message.length).toBeLessThan(20_000);
  });

  it('check a timeline entry by entry, and stop once a hundred issues are found', () => {
    const document = opened();
    // Every entry wrong in thirteen ways: 130,000 issues, were they all listed.
    document.snapshot.context.timeline = Array.from({ length: 10_000 }, () => ({ at: 1, type: 2, from: 3, to: 4, by: 5, note: 6, occurredAt: 7, window: 8, followUp: 'x', reminder: 9, severity: 10, extra: 1, more: 2 }));
    const error = refusal(document);
    expect(error.issues).toHaveLength(101);
    expect(error.issues[0]!.path).toEqual(['snapshot', 'context', 'timeline', 0, 'at']);
    expect(error.issues.at(-1)!.message).toBe('and more issues, not listed (the first 100 are; the last 9,991 entries of the timeline were not checked)');
    // A few wrong entries at the end of a long timeline are all found, with their places.
    const late = opened();
    const entry = { at: '2026-04-06T19:00:00.000Z', type: 'facts.update', from: 'gatheringInfo', to: 'gatheringInfo' };
    late.snapshot.context.timeline = Array.from({ length: 5_000 }, (_, i) => (i >= 4_998 ? { ...entry, at: 5 } : entry));
    expect(refusal(late).issues.map((issue) => issue.path.join('.'))).toEqual(['snapshot.context.timeline.4998.at', 'snapshot.context.timeline.4999.at']);
  });
});

describe('playbook documents', () => {
  it('with a guard named like an Object method get an issue, not a crash', () => {
    const result = safeParsePlaybook({
      ...defaultPlaybook,
      guards: { ...defaultPlaybook.guards, weird: { description: 'Odd.', condition: { any: ['toString', 'constructor'] } } },
    });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((i) => i.code)).toEqual(['unknown_guard', 'unknown_guard']);
  });

  it('with prototype keys or the reserved rung id "active" are rejected', () => {
    const polluted = JSON.parse(JSON.stringify(defaultPlaybook).replace('"guards":{', '"guards":{"__proto__":{"description":"x","condition":"isPosterKnown"},'));
    const result = safeParsePlaybook(polluted);
    expect(result.success || result.error.issues[0]).toMatchObject({ code: 'reserved_key', path: ['guards', '__proto__'] });
    const active = safeParsePlaybook({
      ...defaultPlaybook,
      ladder: { ...defaultPlaybook.ladder, rungs: defaultPlaybook.ladder.rungs.map((r) => (r.id === 'closed' ? { ...r, id: 'active' } : r)) },
    });
    expect(active.success).toBe(false);
    if (!active.success) expect(active.error.issues.map((i) => i.code)).toContain('reserved_id');
  });
});
