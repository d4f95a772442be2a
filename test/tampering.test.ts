import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crisisMachine, IncidentError } from 'crisis-playbook';
import { createIncidentRuntime, decideDue, parseStoredIncident } from 'crisis-playbook/server';
import { hmacSha256 } from '../src/runtime/hmac.js';
import { referenceCase } from '../examples/reference-case/events.js';
import { active, copy, corruptions, edited, HOUR, reference, t0, waiting, type Doc } from './support/corruptions.js';

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
