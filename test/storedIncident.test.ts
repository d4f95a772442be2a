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
    // A pre-release comes before its release, whatever the order they were registered in.
    const versioned = (version: string) => compilePlaybook(extendPlaybook(defaultPlaybook).rename({ id: 'crisis', version }).build());
    const newest = (...versions: string[]) => createIncidentRuntime({ playbooks: versions.map(versioned) }).open({ now: t0 }).incident.playbook.version;
    expect(newest('2.0.0', '2.0.0-beta.1')).toBe('2.0.0');
    expect(newest('2.0.0-rc1', '2.0.0')).toBe('2.0.0');
    expect(newest('2.0.0-beta.10', '2.0.0-beta.2', '1.9.0')).toBe('2.0.0-beta.10');
    expect(newest('2.0.0-rc.1', '2.0.0-beta.3')).toBe('2.0.0-rc.1');
    expect(newest('2.1.0-alpha', '2.0.0')).toBe('2.1.0-alpha');
    // Two different playbooks under one id and version: which one would check an incident of it? Refused.
    const twin = compilePlaybook(extendPlaybook(defaultPlaybook).setWindow('replyWindow', '12h').build());
    expect(() => createIncidentRuntime({ playbooks: [crisisMachine, twin] })).toThrow(/two compiled playbooks are registered as "crisis@1\.0\.0" \(two compilations are two machines, even of one definition\)/);
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

  it('keeps the length a running window started with when a migration changes it, so that the migrated document reads back', () => {
    const v2 = compilePlaybook(extendPlaybook(defaultPlaybook).rename({ id: 'crisis', version: '2.0.0' }).setWindow('replyWindow', '12h').build());
    const runtime = createIncidentRuntime({
      playbooks: [v2],
      migrate: (document) => ({ ...document, playbook: { id: 'crisis', version: '2.0.0' } }),
    });
    // On 1.0.0 the reply window of 24 hours started at t0 + 1 min.
    const old = decide(openIncident({ now: t0 }).json, { type: 'assessment.complete' }, { now: t0 + 60_000 });
    const migrated = runtime.decideDue(old.json, { now: t0 + 120_000 });
    expect(migrated.changed).toBe(true);
    // The running window keeps its due time, and the incident the length it started with.
    expect(migrated.incident.snapshot.context.deadlines).toEqual(old.incident.snapshot.context.deadlines);
    expect(migrated.incident.snapshot.context.windows).toEqual({ replyWindow: 24 * 3_600_000 });
    // The document the host stores reads back, as text and as an object, and goes on.
    for (const input of [migrated.json, migrated.incident]) {
      expect(runtime.safeParse(input).success).toBe(true);
      const again = runtime.safeDecideDue(input, { now: t0 + 180_000 });
      expect(again.success).toBe(true);
      if (again.success) expect(again.data.changed).toBe(false);
    }
    expect(runtime.decideDue(migrated.json, { now: t0 + 60_000 + 24 * 3_600_000 }).rung).toBe('monitoring');
    // A version whose severity rules put the incident at another level: the pending reminder the
    // old version worked out is kept (re-worked at the next change), not refused.
    const stricter = structuredClone(defaultPlaybook) as unknown as { id: string; version: string; severity: { rules: { level: string }[] } };
    stricter.version = '2.0.0';
    stricter.severity.rules[0]!.level = 'high';
    const severe = createIncidentRuntime({ playbooks: [compilePlaybook(stricter as never)], migrate: (document) => ({ ...document, playbook: { id: 'crisis', version: '2.0.0' } }) });
    const publicPosts = decide(openIncident({ now: t0 }).json, { type: 'facts.update', facts: { venue: 'public-group' } }, { now: t0 + 60_000 });
    expect(publicPosts.incident.snapshot.context.reminders?.[0]?.severity).toBe('medium');
    const upgraded = severe.safeDecideDue(publicPosts.json, { now: t0 + 120_000 });
    expect(upgraded.success).toBe(true);
    // A window that runs the same length on both versions is not pinned.
    const same = createIncidentRuntime({ playbooks: [compilePlaybook(extendPlaybook(defaultPlaybook).rename({ id: 'crisis', version: '2.0.0' }).build())], migrate: (document) => ({ ...document, playbook: { id: 'crisis', version: '2.0.0' } }) });
    expect(same.decideDue(old.json, { now: t0 + 120_000 }).incident.snapshot.context.windows).toEqual({});
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

describe('a migrate hook that does not upgrade', () => {
  it('is named in the error, with what it returned', () => {
    const old = edit((d) => (d.formatVersion = 0));
    const message = (migrate: (document: Readonly<Record<string, unknown>>) => unknown) => {
      const result = createIncidentRuntime({ playbooks: [crisisMachine], migrate }).safeDecideDue(old, { now: t0 + 3_600_000 });
      return result.success ? 'success' : `${result.error.code}: ${result.error.issues[0]!.message}`;
    };
    expect(message((document) => document)).toBe('unsupported_format: This incident was stored in format 0; the "migrate" hook returned it in that format; it must return it in format 1');
    expect(message(async (document) => ({ ...document, formatVersion: 1 }))).toMatch(/^implementation_error: The "migrate" hook returned a Promise; it must return the upgraded document itself/);
    expect(
      message(() => {
        throw new Error('no table');
      }),
    ).toBe('implementation_error: The "migrate" hook threw: "no table"');
    const v2 = compilePlaybook(extendPlaybook(defaultPlaybook).rename({ id: 'crisis', version: '2.0.0' }).build());
    const stale = createIncidentRuntime({ playbooks: [v2], migrate: (document) => document }).safeParse(referenceIncident(4));
    expect(stale.success ? '' : stale.error.issues[0]!.message).toBe(
      'Playbook "crisis" version "1.0.0" is not registered; the "migrate" hook returned a document of it; it must return one of a registered version',
    );
    expect(message((document) => ({ ...document, formatVersion: 1 }))).toBe('success');
  });
});

describe('caller mistakes in JavaScript', () => {
  it('are named as what they are, not blamed on code given through provide', () => {
    const stored = referenceIncident(4);
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
    const code = (result: { success: boolean; error?: IncidentError }) => (result.success ? 'success' : result.error!.code);
    // No options: no time.
    expect(code((safeDecide as (...args: unknown[]) => ReturnType<typeof safeDecide>)(stored, { type: 'message.sent' }))).toBe('invalid_time');
    expect(code((runtime.safeDecideDue as (...args: unknown[]) => ReturnType<typeof runtime.safeDecideDue>)(stored))).toBe('invalid_time');
    expect(code((runtime.safeOpen as (...args: unknown[]) => ReturnType<typeof runtime.safeOpen>)())).toBe('invalid_time');
    // A playbook that is no name.
    for (const playbook of [null, 5, {}]) expect(code(runtime.safeOpen({ now: t0, playbook: playbook as never }))).toBe('unknown_playbook');
    // Options that are null: no time either.
    expect(code(runtime.safeOpen(null as never))).toBe('invalid_time');
    expect(code(safeDecide(stored, { type: 'message.sent' }, null as never))).toBe('invalid_time');
    expect(code(runtime.safeDecideDue(stored, null as never))).toBe('invalid_time');
    // An event whose type cannot be read.
    const hostile = {
      get type(): string {
        throw new Error('Jane Doe +33 6 12 34 56 78');
      },
    };
    const result = safeDecide(stored, hostile, { now: t0 + 3_600_000 });
    expect(code(result)).toBe('invalid_event');
    expect(result.success ? '' : result.error.message).not.toContain('Jane');
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

describe('messages about events and stored incidents', () => {
  it('say how long a text was rather than quote it: names, phone numbers and notes stay out of logs', () => {
    const details = 'Jane Doe +33 6 12 34 56 78 (home, after 6 pm)';
    const onMessage = referenceIncident(5);
    const event = safeDecide(onMessage, { type: 'message.replied', phone: details.repeat(3) }, { now: t0 + 3_600_000 });
    expect(event.success).toBe(false);
    if (!event.success) {
      expect(event.error.message).not.toContain('Jane');
      expect(event.error.issues.map((issue) => issue.message)).toEqual([expect.stringMatching(/; received a string of 135 characters$/)]);
    }
    const stored = structuredClone(onMessage) as unknown as { snapshot: { context: { replyPhone: string | null } } };
    stored.snapshot.context.replyPhone = `${details}\u0007`;
    const read = safeDecide(stored, { type: 'message.sent' }, { now: t0 + 3_600_000 });
    expect(read.success).toBe(false);
    if (!read.success) expect(read.error.message).not.toContain('Jane');
    // A value that is not among those a field allows is quoted: it holds no one's details, and shows the typo.
    const typo = safeDecide(onMessage, { type: 'threat.reported', kind: 'hug' }, { now: t0 + 3_600_000 });
    expect(typo.success ? '' : typo.error.message).toContain('received "hug"');
  });
});
