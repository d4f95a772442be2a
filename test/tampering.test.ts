import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIncidentRuntime, crisisMachine, decide, decideDue, IncidentError, openIncident, parseStoredIncident, type StoredIncident } from 'crisis-playbook';
import { hmacSha256 } from '../src/runtime/hmac.js';
import { referenceCase } from '../examples/reference-case/events.js';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-04-06T19:00:00Z');

type Doc = {
  snapshot: {
    status: string;
    value: string | { active: Record<string, string> };
    context: {
      openedAt: string;
      timeline: { at: string; type: string; from: string; to: string; window?: string; by?: string; note?: string; occurredAt?: string }[];
      deadlines: { window: string; rung: string; due: string }[];
      threats: { kind: string; at: string; note?: string }[];
      supporters: number;
      windows: Record<string, number>;
      facts: Record<string, unknown>;
      replyPhone: string | null;
      intermediary: string | null;
      call: { apology: boolean; agreement: boolean } | null;
      closeReason: string | null;
    };
    output?: Record<string, unknown>;
  };
  signature?: string;
};

/** The reference case applied through `decide`, one event per minute, stopped after `count` events. */
function reference(count: number, decideWith: typeof decide = decide, open = openIncident): StoredIncident {
  let { incident } = open({ now: t0 });
  referenceCase.slice(0, count).forEach(({ at: _, ...event }, index) => {
    incident = decideWith(incident, event, { now: t0 + (index + 1) * 60_000 }).incident;
  });
  return incident;
}

const copy = (stored: StoredIncident) => JSON.parse(JSON.stringify(stored)) as Doc;
const edited = (stored: StoredIncident, edit: (doc: Doc) => void) => {
  const doc = copy(stored);
  edit(doc);
  return doc;
};

// At the colleague, waiting on the intermediary window, after supporters and before threats.
const waiting = reference(8);
const threatened = reference(10);
const resolved = reference(12);
const closed = decide(waiting, { type: 'incident.closed', reason: 'It died down' }, { now: t0 + HOUR }).incident;
const active = (doc: Doc) => (doc.snapshot.value as { active: Record<string, string> }).active;

/** Edits a stored incident could suffer, from a careless script or a person; each leaves valid JSON. */
const corruptions: [string, StoredIncident, (doc: Doc) => void][] = [
  ['a deadline moved into the past', waiting, (d) => (d.snapshot.context.deadlines[0]!.due = '2000-01-01T00:00:00.000Z')],
  ['a deadline moved to year 9999', waiting, (d) => (d.snapshot.context.deadlines[0]!.due = '9999-06-01T00:00:00.000Z')],
  ['a deadline moved an hour later', waiting, (d) => (d.snapshot.context.deadlines[0]!.due = new Date(Date.parse(d.snapshot.context.deadlines[0]!.due) + HOUR).toISOString())],
  ['a deadline for another rung', waiting, (d) => (d.snapshot.context.deadlines[0]!.rung = 'directMessage')],
  ['a deadline pending twice', waiting, (d) => d.snapshot.context.deadlines.push({ ...d.snapshot.context.deadlines[0]! })],
  ['a deadline for a window the rung does not have', waiting, (d) => (d.snapshot.context.deadlines[0]!.window = 'replyWindow')],
  ['a threat of kind "hug"', threatened, (d) => (d.snapshot.context.threats[0]!.kind = 'hug')],
  ['a threat added without its event', threatened, (d) => d.snapshot.context.threats.push({ kind: 'violence', at: d.snapshot.context.threats[0]!.at })],
  ['a threat removed while its event stays', threatened, (d) => d.snapshot.context.threats.pop()],
  ['the safety track back to none after threats', threatened, (d) => (active(d).safety = 'none')],
  ['the safety track threatened without threats', waiting, (d) => (active(d).safety = 'threatened')],
  ['the community supportive without supporters', reference(7), (d) => (active(d).community = 'supported')],
  ['more supporters than were recorded', waiting, (d) => (d.snapshot.context.supporters = 5)],
  ['a close reason on an open incident', waiting, (d) => (d.snapshot.context.closeReason = 'Done')],
  ['a call outcome on an incident that never had a call', waiting, (d) => (d.snapshot.context.call = { apology: true, agreement: true })],
  ['a call removed although the timeline has one', resolved, (d) => (d.snapshot.context.call = null)],
  ['a reply phone without a reply', waiting, (d) => (d.snapshot.context.replyPhone = '+44 20 7946 0000')],
  ['an intermediary without asking one', reference(6), (d) => (d.snapshot.context.intermediary = 'Ben')],
  ['a stay entry for an event the rung does not handle', waiting, (d) => d.snapshot.context.timeline.push({ ...d.snapshot.context.timeline.at(-1)!, type: 'message.ignored' })],
  ['a move the playbook does not have', waiting, (d) => (d.snapshot.context.timeline[1]!.to = 'phoneCall')],
  ['an unknown event type', waiting, (d) => (d.snapshot.context.timeline[0]!.type = 'facts.forged')],
  ['an entry before the incident was opened', waiting, (d) => (d.snapshot.context.timeline[0]!.at = '2026-01-01T00:00:00.000Z')],
  ['an opening after the first entry', waiting, (d) => (d.snapshot.context.openedAt = '2026-12-01T00:00:00.000Z')],
  ['a timeline that goes back in time', waiting, (d) => (d.snapshot.context.timeline[3]!.at = '2026-04-06T19:00:30.000Z')],
  ['a processing time past the latest time', waiting, (d) => (d.snapshot.context.timeline.at(-1)!.at = '9999-12-31T00:00:00.000Z')],
  ['a claimed time that is no date', waiting, (d) => (d.snapshot.context.timeline[0]!.occurredAt = '2026-02-31T00:00:00Z')],
  ['a window.elapsed entry without its window', waiting, (d) => (d.snapshot.context.timeline[1]!.type = 'window.elapsed')],
  ['a name with an escape sequence', waiting, (d) => (d.snapshot.context.timeline[0]!.by = 'Ana\u001b[2J')],
  ['a note with a bell', waiting, (d) => (d.snapshot.context.timeline[0]!.note = 'ding\u0007')],
  ['an unknown waiting window', waiting, (d) => (d.snapshot.context.windows.shortWindow = 1000)],
  ['a window longer than a timer can wait', waiting, (d) => (d.snapshot.context.windows.replyWindow = 2 ** 40)],
  ['an unknown fact', waiting, (d) => (d.snapshot.context.facts.mood = 'angry')],
  ['an extra key in the context', waiting, (d) => Object.assign(d.snapshot.context, { admin: true })],
  ['an output that does not match', resolved, (d) => (d.snapshot.output!.apology = false)],
  ['an output on an open incident', waiting, (d) => (d.snapshot.output = { ...resolved.snapshot.output })],
  ['a done status on an open rung', waiting, (d) => (d.snapshot.status = 'done')],
  ['an open status on a final rung', resolved, (d) => (d.snapshot.status = 'active')],
  ['a close reason removed from a closed incident', closed, (d) => (d.snapshot.context.timeline.at(-1)!.type = 'facts.update')],
];

describe('a stored incident edited by hand', () => {
  it('is checked against at least thirty corruptions', () => {
    expect(corruptions.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corruptions)('is refused without a key when it has %s', (_, base, edit) => {
    expect(() => parseStoredIncident(base)).not.toThrow();
    const document = edited(base, edit);
    expect(() => parseStoredIncident(document)).toThrow(IncidentError);
    try {
      parseStoredIncident(JSON.stringify(document));
    } catch (error) {
      expect((error as IncidentError).code).toBe('invalid_document');
      expect((error as IncidentError).message.length).toBeLessThan(2000);
    }
  });

  it('is accepted when it is the real thing at every step of the reference case', () => {
    for (let count = 0; count <= referenceCase.length; count++) expect(() => parseStoredIncident(reference(count))).not.toThrow();
    expect(() => parseStoredIncident(decideDue(waiting, { now: t0 + 100 * HOUR }).incident)).not.toThrow();
  });
});

describe('signing', () => {
  const key = 'a-secret-key-of-at-least-32-bytes!';
  const signed = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [key] } });
  const signedWaiting = reference(8, signed.decide, signed.open);

  // Edits that keep the document consistent, so only a signature can tell.
  const consistent: [string, (doc: Doc) => void][] = [
    ['a rewritten note', (d) => (d.snapshot.context.timeline.find((e) => e.note)!.note = 'Nothing happened')],
    ['another recorder', (d) => (d.snapshot.context.timeline[0]!.by = 'Eve')],
    ['a deleted deadline', (d) => (d.snapshot.context.deadlines = [])],
    ['a removed supporter entry', (d) => {
      const timeline = d.snapshot.context.timeline;
      timeline.splice(timeline.findIndex((e) => e.type === 'community.supported'), 1);
      d.snapshot.context.supporters -= 1;
      if (d.snapshot.context.supporters === 0) active(d).community = 'quiet';
    }],
    ['changed facts', (d) => (d.snapshot.context.facts.insiderInVenue = false)],
    ['a removed signature', (d) => delete d.signature],
    ['a signature from another document', (d) => (d.signature = copy(reference(7, signed.decide, signed.open)).signature)],
  ];

  it('signs every document the runtime writes', () => {
    expect(signedWaiting.signature).toMatch(/^hmac-sha256\.[A-Za-z0-9_-]{43}$/);
    expect(signed.decideDue(signedWaiting, { now: t0 + 100 * HOUR }).incident.signature).toMatch(/^hmac-sha256\./);
    expect(signed.parse(signedWaiting)).toEqual(signedWaiting);
  });

  it.each(consistent)('detects %s, which consistency checks cannot', (_, edit) => {
    const document = edited(signedWaiting, edit);
    if (edit !== consistent.at(-2)![1] && edit !== consistent.at(-1)![1]) {
      const { signature: _signature, ...unsigned } = document;
      expect(() => parseStoredIncident(unsigned)).not.toThrow();
    }
    expect(() => signed.parse(document)).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
  });

  it.each(corruptions)('refuses %s as an invalid signature', (_, base, edit) => {
    const migrating = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [key], acceptUnsigned: true } });
    const live = migrating.restore(base, { now: t0 + 2 * HOUR });
    const resigned = signed.serialize(live.getSnapshot());
    live.stop();
    expect(() => signed.parse(resigned)).not.toThrow();
    expect(() => signed.parse(edited(resigned, edit))).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
  });

  it('verifies whatever order a database keeps the keys in', () => {
    const reversed = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reversed) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)])) : value;
    expect(() => signed.parse(JSON.stringify(reversed(signedWaiting)))).not.toThrow();
  });

  it('rotates keys: every key verifies, the first one signs', () => {
    const next = 'the-next-secret-key-of-32-bytes-or-more';
    const rotating = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [next, key] } });
    expect(() => rotating.parse(signedWaiting)).not.toThrow();
    const rewritten = rotating.decide(signedWaiting, { type: 'intermediary.declined' }, { now: t0 + HOUR }).incident;
    const onlyNext = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [next] } });
    expect(() => onlyNext.parse(rewritten)).not.toThrow();
    expect(() => onlyNext.parse(signedWaiting)).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
  });

  it('refuses unsigned documents unless told to accept them once, and then signs them', () => {
    expect(() => signed.parse(waiting)).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
    const migrating = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [key], acceptUnsigned: true } });
    const next = migrating.decide(waiting, { type: 'intermediary.declined' }, { now: t0 + HOUR }).incident;
    expect(() => signed.parse(next)).not.toThrow();
    expect(() => migrating.parse(edited(next, (d) => (d.snapshot.context.timeline[0]!.by = 'Eve')))).toThrow(
      expect.objectContaining({ code: 'invalid_signature' }),
    );
  });

  it('refuses keys too short to be secret', () => {
    expect(() => createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: ['short'] } })).toThrow(/at least 32 bytes/);
    expect(() => createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [] } })).toThrow(/at least one key/);
  });

  it('computes HMAC-SHA256 the same with and without node:crypto', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 300 }), (secret, text) => {
        const expected = createHmac('sha256', secret).update(text, 'utf8').digest();
        expect(Buffer.from(hmacSha256(secret, text, false))).toEqual(expected);
        expect(Buffer.from(hmacSha256(secret, text))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
