import { describe, expect, it } from 'vitest';
import { type CrisisEvent, currentRung, EventValidationError, parseEvent, safeParseEvent } from 'crisis-playbook';
import { pathTo, startIncident } from './helpers.js';

describe('parseEvent and safeParseEvent', () => {
  it('turn JSON into a typed event', () => {
    const event = parseEvent(JSON.parse('{"type":"threat.reported","kind":"visit","by":"Ana"}'));
    expect(event).toEqual({ type: 'threat.reported', kind: 'visit', by: 'Ana' });
  });

  it.each([
    ['a misspelled type', { type: 'acess.denied' }, 'unknown_event', ['type']],
    ['no type', { kind: 'visit' }, 'unknown_event', ['type']],
    ['a missing field', { type: 'call.completed', apology: true }, 'invalid_type', ['agreement']],
    ['a wrong field type', { type: 'call.completed', apology: 'yes', agreement: true }, 'invalid_type', ['apology']],
    ['a value outside the enum', { type: 'threat.reported', kind: 'hug' }, 'invalid_value', ['kind']],
    ['an unknown key', { type: 'access.denied', extra: 1 }, 'unrecognized_keys', []],
    ['an unknown fact', { type: 'facts.update', facts: { mood: 'bad' } }, 'unrecognized_keys', ['facts']],
    ['an over-long note', { type: 'message.sent', note: 'x'.repeat(2001) }, 'too_big', ['note']],
    ['a bad timestamp', { type: 'message.sent', at: 'yesterday' }, 'invalid_format', ['at']],
    ['a prototype key', JSON.parse('{"type":"message.sent","__proto__":{"polluted":true}}'), 'unrecognized_keys', []],
    ['not an object', 'message.sent', 'invalid_type', []],
  ])('report %s with a code and a path', (_, input, code, path) => {
    const result = safeParseEvent(input);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBeInstanceOf(EventValidationError);
    expect(result.error.issues[0]).toMatchObject({ code, path });
    expect(() => parseEvent(input)).toThrow(EventValidationError);
  });

  it('looks for the type meant at little cost: 5,000 refused events with 64-character types well under a second', () => {
    // The whole distance to every type, for every refused event, took 0.45 ms an event (2.2 s here).
    const letters = 'abcdefghijklmnopqrstuvwxyz.';
    let seed = 7;
    const random = () => letters[(seed = (seed * 48_271) % 2_147_483_647) % letters.length]!;
    const types = Array.from({ length: 5_000 }, () => Array.from({ length: 64 }, random).join(''));
    const started = performance.now();
    for (const type of types) expect(safeParseEvent({ type }).success).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('names the fact meant for a misnamed fact, and lists the facts', () => {
    const misnamed = safeParseEvent({ type: 'facts.update', facts: { hasInsiderInVenue: true } });
    expect(misnamed.success).toBe(false);
    if (!misnamed.success) {
      expect(misnamed.error.issues).toMatchObject([{ code: 'unrecognized_keys', path: ['facts'] }]);
      expect(misnamed.error.issues[0]!.message).toMatch(
        /^Unknown fact "hasInsiderInVenue" \(did you mean "insiderInVenue"\?\); the facts are witnessed, knowsPoster, connectedToPoster, venue, memberOfVenue, insiderInVenue/,
      );
    }
    // The key is named; the value sent with it (personal, maybe) is not.
    const withValue = safeParseEvent({ type: 'facts.update', facts: { note: 'Jane Doe, 12 rue X, +33 6 12 34 56 78' } });
    expect(withValue.success).toBe(false);
    if (!withValue.success) {
      expect(withValue.error.message).toContain('Unknown fact "note"');
      expect(withValue.error.message).not.toContain('Jane');
    }
    const several = safeParseEvent({ type: 'facts.update', facts: { a: 1, b: 2, c: 3, d: 4, witnesed: true } });
    if (!several.success) expect(several.error.issues[0]!.message).toMatch(/^Unknown facts "a", "b", "c" and 2 more; the facts are /);
    expect(several.success).toBe(false);
  });

  it('names the expected and the received value', () => {
    const result = safeParseEvent({ type: 'acess.denied' });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.message).toContain('Unknown event type "acess.denied" (did you mean "access.denied"?); expected one of "facts.update"');
    }
    // Nothing near: the list alone.
    const far = safeParseEvent({ type: 'lunch.ordered' });
    if (!far.success) expect(far.error.message).toContain('Unknown event type "lunch.ordered"; expected one of "facts.update"');
    expect(far.success).toBe(false);
    if (!result.success) {
      expect(result.error.message).toContain('"access.denied"');
    }
  });
});

describe('event times', () => {
  it('keep the claimed time apart from the processing time, which never goes backwards', () => {
    const actor = startIncident([
      { type: 'facts.update', facts: {}, at: '2030-01-01T00:00:00Z' },
      { type: 'assessment.complete', at: '1999-01-01T00:00:00Z' },
    ]);
    const [first, second] = actor.getSnapshot().context.timeline;
    expect([first!.occurredAt, second!.occurredAt]).toEqual(['2030-01-01T00:00:00Z', '1999-01-01T00:00:00Z']);
    expect(Date.parse(second!.at)).toBeGreaterThanOrEqual(Date.parse(first!.at));
    expect(Date.parse(first!.at)).toBeLessThanOrEqual(Date.now());
  });
});

describe('an invalid event sent to an actor', () => {
  it('is rejected even when it is an object that was valid when sent before and then changed', () => {
    const actor = startIncident();
    const event: Record<string, unknown> = { type: 'threat.reported', kind: 'visit' };
    actor.send(event as CrisisEvent);
    event.kind = 'hug';
    event.extra = 1;
    actor.send(event as CrisisEvent);
    expect(actor.getSnapshot().context.threats.map((t) => t.kind)).toEqual(['visit']);
    expect(actor.getSnapshot().context.timeline).toHaveLength(1);
  });

  it.each<[string, keyof typeof pathTo, unknown]>([
    ['call without agreement', 'phoneCall', { type: 'call.completed', apology: true }],
    ['contact on an unknown channel', 'monitoring', { type: 'contact.received', channel: 'pigeon' }],
    ['facts of the wrong type', 'gatheringInfo', { type: 'facts.update', facts: { venue: 42 } }],
    ['an unknown threat', 'directMessage', { type: 'threat.reported', kind: 'hug' }],
    ['a close without a reason', 'intermediary', { type: 'incident.closed' }],
    ['an over-long name', 'intermediary', { type: 'intermediary.asked', name: 'x'.repeat(500) }],
  ])('changes nothing in the incident: %s', (_, rung, event) => {
    const actor = startIncident(pathTo[rung]);
    const before = actor.getSnapshot();
    actor.send(event as CrisisEvent);
    const after = actor.getSnapshot();
    expect(currentRung(after)).toBe(rung);
    expect(after.value).toEqual(before.value);
    expect(after.context).toBe(before.context);
  });
});
