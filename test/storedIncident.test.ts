import { describe, expect, it } from 'vitest';
import { crisisMachine, defaultPlaybook, IncidentError } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook } from 'crisis-playbook/authoring';
import { createIncidentRuntime, decide, openIncident, parseStoredIncident, restoreIncident, safeDecide, type StoredIncident } from 'crisis-playbook/server';
import { referenceCase } from '../examples/reference-case/events.js';

const t0 = Date.parse('2026-04-06T19:00:00.000Z');

function referenceIncident(count = 8): StoredIncident {
  let { incident } = openIncident({ now: t0 });
  referenceCase.slice(0, count).forEach((event, index) => {
    incident = decide(incident, event, { now: t0 + index * 60_000 }).incident;
  });
  return incident;
}

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(IncidentError);
    return (error as IncidentError).code;
  }
  return undefined;
}

type Mutable = Record<string, any>;
const edit = (change: (doc: Mutable) => void): unknown => {
  const doc = structuredClone(referenceIncident()) as Mutable;
  change(doc);
  return doc;
};

describe('a stored incident', () => {
  it('is a versioned envelope of plain JSON that round-trips', () => {
    const stored = referenceIncident();
    expect(Object.keys(stored)).toEqual(['format', 'formatVersion', 'playbook', 'snapshot']);
    expect(stored.playbook).toEqual({ id: 'crisis', version: '1.0.0' });
    expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
    expect(parseStoredIncident(JSON.stringify(stored))).toEqual(stored);
  });

  it.each([
    ['corrupted JSON', () => '{"format": "crisis-playbook/incident", ', 'invalid_json'],
    ['truncated JSON', () => JSON.stringify(referenceIncident()).slice(0, 300), 'invalid_json'],
    ['not an object', () => '42', 'invalid_document'],
    ['another format', () => edit((d) => (d.format = 'something-else')), 'invalid_document'],
    ['a future format', () => edit((d) => (d.formatVersion = 2)), 'unsupported_format'],
    ['an old format without a migration hook', () => edit((d) => (d.formatVersion = 0)), 'unsupported_format'],
    ['an unknown rung', () => edit((d) => (d.snapshot.value.active.ladder = 'prayer')), 'invalid_document'],
    ['an unknown track state', () => edit((d) => (d.snapshot.value.active.safety = 'calm')), 'invalid_document'],
    ['a missing track', () => edit((d) => delete d.snapshot.value.active.community), 'invalid_document'],
    ['a wrong playbook', () => edit((d) => (d.playbook.id = 'other')), 'unknown_playbook'],
    ['another version of the playbook', () => edit((d) => (d.playbook.version = '0.9.0')), 'unknown_playbook_version'],
    ['a timeline in another order', () => edit((d) => d.snapshot.context.timeline.reverse()), 'invalid_document'],
    ['a timeline entry removed', () => edit((d) => d.snapshot.context.timeline.splice(3, 1)), 'invalid_document'],
    ['a timeline that goes back in time', () => edit((d) => (d.snapshot.context.timeline[5].at = '2020-01-01T00:00:00.000Z')), 'invalid_document'],
    ['a deadline for another rung', () => edit((d) => d.snapshot.context.deadlines.push({ window: 'accessWindow', rung: 'requestingAccess', due: '2026-04-08T00:00:00.000Z' })), 'invalid_document'],
    ['a done status on an open rung', () => edit((d) => (d.snapshot.status = 'done')), 'invalid_document'],
    ['an unknown fact', () => edit((d) => (d.snapshot.context.facts.mood = 'bad')), 'invalid_document'],
    ['a __proto__ key', () => JSON.stringify(referenceIncident()).replace('"facts":{', '"facts":{"__proto__":{"polluted":true},'), 'invalid_document'],
    ['a constructor key', () => edit((d) => (d.snapshot.context.constructor = { prototype: {} })), 'invalid_document'],
    ['an over-long string', () => edit((d) => (d.snapshot.context.closeReason = 'x'.repeat(5000))), 'invalid_document'],
    ['a non-JSON value', () => edit((d) => (d.snapshot.context.supporters = Number.NaN)), 'invalid_document'],
    ['a function', () => edit((d) => (d.snapshot.context.replyPhone = () => '123')), 'invalid_document'],
  ])('is rejected when it has %s, with an error that says what is wrong', (_, document, code) => {
    expect(errorCode(() => parseStoredIncident(document()))).toBe(code);
    const result = safeDecide(document(), { type: 'message.ignored' }, { now: t0 + 3_600_000 });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.code).toBe(code);
      expect(result.error.issues.length).toBeGreaterThan(0);
      expect(result.error.message.length).toBeGreaterThan(20);
    }
    expect(errorCode(() => restoreIncident(document()))).toBe(code);
  });

  it('names the problem: an unknown rung, and a timeline out of order', () => {
    const unknownRung = safeDecide(edit((d) => (d.snapshot.value.active.ladder = 'prayer')), { type: 'message.ignored' }, { now: t0 });
    expect(unknownRung.success || unknownRung.error.message).toContain('Unknown open rung "prayer"');
    const reordered = safeDecide(edit((d) => d.snapshot.context.timeline.reverse()), { type: 'message.ignored' }, { now: t0 });
    expect(reordered.success || reordered.error.message).toContain('The timeline is out of order');
  });

  it('does not pollute prototypes', () => {
    const document = JSON.stringify(referenceIncident()).replace('"facts":{', '"facts":{"__proto__":{"polluted":true},');
    safeDecide(document, { type: 'message.ignored' }, { now: t0 });
    safeDecide(referenceIncident(), JSON.parse('{"type":"facts.update","facts":{"__proto__":{"polluted":true}}}'), { now: t0 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('goes through the migration hook when old, and keeps the playbook version it started with', () => {
    const v2 = compilePlaybook(
      extendPlaybook(defaultPlaybook).rename({ id: 'crisis', version: '2.0.0' }).setWindow('replyWindow', '12h').build(),
    );
    const runtime = createIncidentRuntime({
      playbooks: [crisisMachine, v2],
      migrate: (document, reason) => (reason.code === 'old_format' ? { ...document, formatVersion: 1 } : document),
    });
    const old = edit((d) => (d.formatVersion = 0));
    expect(runtime.parse(old).formatVersion).toBe(1);

    // An incident opened on 1.0.0 stays on 1.0.0 after an event, even though 2.0.0 is registered.
    const stored = referenceIncident(4);
    const next = runtime.decide(stored, { type: 'message.sent' }, { now: t0 + 3_600_000 });
    expect(next.incident.playbook.version).toBe('1.0.0');
    expect(next.deadlines[0]!.at).toBe(new Date(t0 + 3_600_000 + 24 * 3_600_000).toISOString());
    // New incidents open on the newest version of the playbook.
    expect(runtime.open({ now: t0, playbook: 'crisis' }).incident.playbook.version).toBe('2.0.0');
    // Whatever the order the versions were registered in, named or by default.
    const reversed = createIncidentRuntime({ playbooks: [v2, crisisMachine] });
    for (const each of [runtime, reversed]) {
      expect(each.open({ now: t0 }).incident.playbook.version).toBe('2.0.0');
      expect(each.open({ now: t0, playbook: 'crisis' }).incident.playbook.version).toBe('2.0.0');
    }
    const v10 = compilePlaybook(extendPlaybook(defaultPlaybook).rename({ id: 'crisis', version: '10.0.0' }).build());
    expect(createIncidentRuntime({ playbooks: [v10, v2] }).open({ now: t0 }).incident.playbook.version).toBe('10.0.0');
    // Two different playbooks under one id and version: which one would check an incident of it? Refused.
    const twin = compilePlaybook(extendPlaybook(defaultPlaybook).setWindow('replyWindow', '12h').build());
    expect(() => createIncidentRuntime({ playbooks: [crisisMachine, twin] })).toThrow(/two different playbooks are registered as "crisis@1\.0\.0"/);
    expect(() => createIncidentRuntime({ playbooks: [crisisMachine, crisisMachine] })).not.toThrow();
    // A version may hold an "@", an id may not: a document naming the playbook "acme@2026" of
    // version "1" is not one of the playbook "acme" of version "2026@1".
    const acme = createIncidentRuntime({ playbooks: [compilePlaybook(extendPlaybook(defaultPlaybook).rename({ id: 'acme', version: '2026@1' }).build())] });
    const acmeOpened = acme.open({ now: t0 });
    expect(acme.parse(acmeOpened.json).playbook).toEqual({ id: 'acme', version: '2026@1' });
    const forged = acmeOpened.json.replace('"id":"acme","version":"2026@1"', '"id":"acme@2026","version":"1"');
    expect(forged).not.toBe(acmeOpened.json);
    for (const result of [acme.safeParse(forged), acme.safeDecide(forged, { type: 'assessment.complete' }, { now: t0 })]) {
      expect(result.success).toBe(false);
      if (!result.success) expect(result.error.code).toBe('unknown_playbook');
    }
    expect(() => acme.open({ now: t0, playbook: 'acme@2026' })).toThrow(IncidentError);

    // A document the hook upgraded is a change, even when nothing falls due: the host must store it.
    const upgraded = runtime.decideDue(old, { now: t0 });
    expect(upgraded.changed).toBe(true);
    expect(upgraded.incident.formatVersion).toBe(1);
    expect(runtime.decideDue(upgraded.incident, { now: t0 }).changed).toBe(false);

    const withoutV1 = createIncidentRuntime({
      playbooks: [v2],
      migrate: (document, reason) =>
        reason.code === 'unknown_playbook_version' ? { ...document, playbook: { id: 'crisis', version: '2.0.0' } } : document,
    });
    expect(withoutV1.parse(stored).playbook.version).toBe('2.0.0');
  });
});

describe('bad input to decide', () => {
  const stored = () => referenceIncident(4);

  it.each([
    ['an unknown event type', { type: 'message.deleted' }, 'invalid_event'],
    ['a wrong payload', { type: 'contact.received', channel: 'pigeon' }, 'invalid_event'],
    ['a __proto__ key', JSON.parse('{"type":"message.sent","__proto__":{"x":1}}'), 'invalid_event'],
    ['a constructor key', { type: 'message.sent', constructor: 'x' }, 'invalid_event'],
    ['an over-long string', { type: 'message.sent', note: 'x'.repeat(2001) }, 'invalid_event'],
    ['a non-JSON value', { type: 'message.sent', note: 12n }, 'invalid_event'],
    ['a Date where a string goes', { type: 'message.sent', at: new Date() }, 'invalid_event'],
    ['undefined', undefined, 'invalid_event'],
  ])('gives a clear error for %s and leaves the incident unchanged', (_, event, code) => {
    const before = stored();
    const copy = structuredClone(before);
    const result = safeDecide(before, event, { now: t0 + 3_600_000 });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.code).toBe(code);
    expect(before).toEqual(copy);
  });
});

describe('stored checks follow the rule that a rung overrides a shared transition', () => {
  // In this playbook, monitoring handles contact.received itself (it stays), overriding the
  // transition every rung shares (to phoneCall).
  const playbook = extendPlaybook(defaultPlaybook)
    .rename({ id: 'overriding', version: '1.0.0' })
    .addTransitions('monitoring', [{ event: 'contact.received', description: 'Log it; no call from here.' }])
    .build();
  const runtime = createIncidentRuntime({ playbooks: [compilePlaybook(playbook)] });
  const t = Date.parse('2026-04-06T19:00:00.000Z');

  function atMonitoring() {
    let { incident } = runtime.open({ now: t });
    incident = runtime.decide(incident, { type: 'assessment.complete' }, { now: t + 1000 }).incident;
    return runtime.decide(incident, { type: 'message.ignored' }, { now: t + 2000 }).incident;
  }

  it('accepts what the playbook did: a stay on contact.received', () => {
    const next = runtime.decide(atMonitoring(), { type: 'contact.received', channel: 'email' }, { now: t + 3000 });
    expect(next.rung).toBe('monitoring');
    expect(() => runtime.parse(JSON.stringify(next.incident))).not.toThrow();
  });

  it('refuses a move by the overridden shared transition, which this rung never takes', () => {
    const forged = JSON.parse(JSON.stringify(atMonitoring())) as { snapshot: { value: { active: { ladder: string } }; context: { timeline: object[] } } };
    forged.snapshot.context.timeline.push({ at: '2026-04-06T19:00:03.000Z', type: 'contact.received', from: 'monitoring', to: 'phoneCall' });
    forged.snapshot.value.active.ladder = 'phoneCall';
    expect(() => runtime.parse(forged)).toThrow(expect.objectContaining({ code: 'invalid_document' }));
    // The same move is one the default playbook has, where monitoring does not override it.
    expect(() => parseStoredIncident(JSON.parse(JSON.stringify(forged).replace('"overriding"', '"crisis"')))).not.toThrow();
  });
});
