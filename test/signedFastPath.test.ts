// Signed documents, read and written fast: a signing runtime writes every object in canonical
// key order, so the JSON a host writes of it is its canonical JSON and the signature is checked
// over `JSON.stringify` (or the text it came in) first; anything else (keys reordered by a
// database, spaces, other number forms) falls back to writing canonical JSON. The timeline of
// the next document is written from the text of the one before. The signature scheme is the
// previous release's: HMAC-SHA256 over canonical JSON, checked here by an independent oracle.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crisisMachine } from 'crisis-playbook';
import { createIncidentRuntime, decide, decideDue, openIncident, type Decision, type StoredIncident } from 'crisis-playbook/server';
import { hmacSha256 } from '../src/runtime/hmac.js';
import { createSigner, signedJson } from '../src/runtime/signing.js';
import { canonical } from '../src/runtime/storedIncident.js';
import { codeOf } from './helpers.js';

const t0 = Date.parse('2026-04-06T19:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const key = 'a-test-signing-key-of-at-least-32-bytes';
const runtime = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [key] } });
const signer = createSigner({ keys: [key] });

type Doc = Record<string, any>;
const plain = (value: unknown): Doc => JSON.parse(JSON.stringify(value)) as Doc;
const unsignedOf = ({ signature: _, ...unsigned }: Doc) => unsigned;

/** The signature the scheme gives, computed apart from the runtime: HMAC-SHA256 over canonical JSON. */
const oracle = (document: Doc, secret = key) => {
  const { signature: _, ...unsigned } = document;
  return `hmac-sha256.${createHmac('sha256', secret).update(canonical(unsigned), 'utf8').digest('base64url')}`;
};

/** Keys in the order PostgreSQL's jsonb gives them back: shorter first, then by bytes. */
const jsonbOrder = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(jsonbOrder);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, jsonbOrder((value as Doc)[k])]));
};

/** Every object's keys reversed: out of canonical order everywhere. */
const reversed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reversed((value as Doc)[k])]));
};

/** Whether every object lists its keys sorted (so `JSON.stringify` writes canonical JSON). */
const allSorted = (value: unknown): boolean => {
  if (Array.isArray(value)) return value.every(allSorted);
  if (value === null || typeof value !== 'object') return true;
  const keys = Object.keys(value);
  return keys.every((k, i) => i === 0 || keys[i - 1]! < k) && keys.every((k) => allSorted((value as Doc)[k]));
};

const events = [
  { type: 'assessment.complete' },
  { type: 'facts.update', facts: { witnessed: true, venue: 'public-group' }, by: 'Ana' },
  { type: 'message.sent', by: 'Ana', note: 'Sent a "calm" message \u2014 no reply yet' },
  { type: 'community.supported', by: 'Ben' },
];

/** An incident taken through `events` by a signing runtime, each document passed on as JSON text and parsed. */
function history(read: (text: string) => unknown = (text) => JSON.parse(text)): StoredIncident[] {
  const documents = [runtime.open({ now: t0 }).incident];
  events.forEach((event, i) => documents.push(runtime.decide(read(JSON.stringify(documents.at(-1))), event, { now: t0 + (i + 1) * MINUTE }).incident));
  return documents;
}

describe('documents a signing runtime writes', () => {
  it('list every key in canonical order, with the signature of the previous scheme', () => {
    for (const read of [(text: string) => JSON.parse(text), (text: string) => text, (text: string) => jsonbOrder(JSON.parse(text))]) {
      for (const document of history(read)) {
        const { signature, ...unsigned } = document;
        expect(allSorted(unsigned)).toBe(true);
        expect(JSON.stringify(unsigned)).toBe(canonical(unsigned));
        expect(signature).toBe(oracle(document));
      }
    }
    const due = runtime.decideDue(plain(history().at(-1)), { now: t0 + 100 * HOUR });
    expect(due.changed).toBe(true);
    expect(allSorted(unsignedOf(due.incident))).toBe(true);
    expect(due.incident.signature).toBe(oracle(due.incident));
  });

  it('decide the same whether read as text, parsed, or with keys reordered as by jsonb or reversed', () => {
    const last = history().at(-1)!;
    const event = { type: 'community.supported', by: 'Ana' };
    const now = t0 + 10 * MINUTE;
    const expected = runtime.decide(plain(last), event, { now }).incident;
    for (const input of [JSON.stringify(last), plain(last), jsonbOrder(plain(last)), reversed(plain(last)), JSON.stringify(last, null, 2), JSON.stringify(jsonbOrder(plain(last)))]) {
      const next = runtime.decide(input, event, { now }).incident;
      expect(next).toEqual(expected);
      expect(JSON.stringify(next)).toBe(JSON.stringify(expected));
    }
  });

  it('are checked over their own text first, and over canonical JSON when that does not match', () => {
    const last = plain(history().at(-1));
    expect(signer.verify(last).ordered).toBeDefined();
    expect(signer.verify(last, JSON.stringify(last)).ordered).toBeDefined();
    // Reordered or spaced: not in order, so checked over canonical JSON, and accepted.
    expect(signer.verify(jsonbOrder(last) as Doc).ordered).toBeUndefined();
    expect(signer.verify(reversed(last) as Doc).ordered).toBeUndefined();
    const spaced = JSON.stringify(last, null, 1);
    expect(signer.verify(JSON.parse(spaced) as Doc, spaced)).toMatchObject({ trusted: true });
    // Other forms of the same numbers and strings mean the same document.
    const forms = JSON.stringify(last).replace('"formatVersion":1', '"formatVersion":1.0e0').replace(/"supporters":(\d+)/, '"supporters":$1.00');
    expect(forms).toContain('1.0e0');
    expect(forms).toMatch(/"supporters":\d+\.00/);
    expect(signer.verify(JSON.parse(forms) as Doc, forms)).toMatchObject({ trusted: true });
    const escaped = JSON.stringify(last).replace('"Ana"', '"\\u0041na"');
    expect(escaped).toContain('\\u0041');
    expect(codeOf(() => runtime.decide(escaped, { type: 'community.supported' }, { now: t0 + 10 * MINUTE }))).toBe('accepted');
  });

  it('are refused when changed, in order or not, as text or parsed', () => {
    const last = plain(history().at(-1));
    const edits: ((d: Doc) => void)[] = [
      (d) => (d.snapshot.context.supporters += 1),
      (d) => (d.snapshot.context.timeline[0].by = 'Eve'),
      (d) => d.snapshot.context.timeline.pop(),
      (d) => d.snapshot.context.timeline.push({ ...d.snapshot.context.timeline.at(-1) }),
      (d) => (d.snapshot.context.facts.witnessed = false),
      (d) => (d.snapshot.context.extra = 1),
      (d) => (d.extra = null),
      (d) => (d.playbook.version = '1.0.1'),
    ];
    for (const edit of edits) {
      const changed = plain(last);
      edit(changed);
      for (const input of [changed, JSON.stringify(changed), jsonbOrder(changed), JSON.stringify(jsonbOrder(changed)), reversed(changed)]) {
        expect(codeOf(() => runtime.decide(input, { type: 'community.supported' }, { now: t0 + 10 * MINUTE }))).toBe('invalid_signature');
      }
    }
    // Text after the signature, or a signature member that is not the last one.
    const text = JSON.stringify(last);
    const { signature, ...unsigned } = last;
    for (const input of [
      text.replace(/}$/, ',"extra":1}'),
      JSON.stringify({ signature, ...unsigned, extra: 1 }),
      `${text.slice(0, -1)},"signature":"${signature}"}`.replace(/"supporters":\d+/, '"supporters":7'),
    ]) {
      expect(codeOf(() => runtime.decide(input, { type: 'community.supported' }, { now: t0 + 10 * MINUTE }))).toBe('invalid_signature');
    }
  });

  it('are accepted as written by the previous release: other key orders, signed over canonical JSON', () => {
    const last = plain(history().at(-1));
    const { signature: _, ...unsigned } = last;
    // The previous release wrote the snapshot as status, value, context, output, and entries as the machine made them.
    const previous = reversed(unsigned) as Doc;
    previous.signature = oracle(previous);
    expect(codeOf(() => runtime.decide(previous, { type: 'community.supported' }, { now: t0 + 10 * MINUTE }))).toBe('accepted');
    expect(codeOf(() => runtime.decide(JSON.stringify(previous), { type: 'community.supported' }, { now: t0 + 10 * MINUTE }))).toBe('accepted');
    const next = runtime.decide(previous, { type: 'community.supported' }, { now: t0 + 10 * MINUTE }).incident;
    expect(allSorted(unsignedOf(next))).toBe(true);
    expect(next.signature).toBe(oracle(next));
  });

  it('with a rotated key: verify under the old key, are written under the new one, and count as changed', () => {
    const next = 'the-next-signing-key-of-at-least-32-bytes';
    const rotating = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [next, key] } });
    const last = plain(history().at(-1));
    const written = rotating.decide(JSON.stringify(last), { type: 'community.supported' }, { now: t0 + 10 * MINUTE }).incident;
    expect(written.signature).toBe(oracle(written, next));
    // Nothing due: unchanged under the same key, whatever order the keys came back in; changed
    // (written again under the new key) when signed with the old one.
    const now = t0 + 11 * MINUTE;
    for (const input of [plain(written), jsonbOrder(plain(written)), JSON.stringify(written)]) expect(rotating.decideDue(input, { now }).changed).toBe(false);
    expect(rotating.decideDue(last, { now }).changed).toBe(true);
    expect(rotating.decideDue(last, { now }).incident.signature).toBe(oracle(rotating.decideDue(last, { now }).incident, next));
    expect(runtime.decideDue(jsonbOrder(last), { now }).changed).toBe(false);
  });
});

describe('signing a document after the one read before', () => {
  it('gives the signature of its canonical JSON, whatever the timeline shares with the one before', () => {
    const last = plain(history().at(-1));
    const entry = { at: '2026-04-06T20:00:00.000Z', type: 'step.taken', from: 'directMessage', to: 'directMessage', by: 'Ana' };
    /** `document` with the timeline `list`, as given (keys out of order, a signature that no longer matches). */
    const withTimeline = (document: Doc, list: unknown[]) => ({ ...document, snapshot: { ...document.snapshot, context: { ...document.snapshot.context, timeline: list } } }) as StoredIncident;
    // A long timeline (its text is kept apart for the next document) and a short one (it is not).
    const long = JSON.parse(canonical(unsignedOf(withTimeline(last, Array.from({ length: 250 }, (_, i) => ({ ...last.snapshot.context.timeline[i % 4], note: `entry ${i}` })))))) as Doc;
    long.signature = oracle(long);
    for (const before of [long, last]) {
      const { ordered } = signer.verify(before);
      expect(ordered?.document).toBeDefined();
      expect(ordered?.timeline?.list).toBe(before === long ? before.snapshot.context.timeline : undefined);
      const timeline = before.snapshot.context.timeline as Doc[];
      const cases = [
        [...timeline, entry], // one added (out of key order)
        [...timeline, entry, { ...entry, note: 'again' }], // two added
        [...timeline], // the same entries
        timeline.slice(0, -1), // one fewer
        [timeline[1], timeline[0], ...timeline.slice(2)], // reordered
        [{ ...timeline[0] }, ...timeline.slice(1), entry], // a copy of the first
        [], // none
      ];
      for (const list of cases) {
        const document = withTimeline(before, list);
        let length = -1;
        const signed = signer.sign(document, ordered, (written) => (length = written));
        // The length of its JSON, for the size limit: that of the document as it was given.
        expect(length).toBe(JSON.stringify(unsignedOf(document)).length);
        expect(signed.signature).toBe(oracle(document as Doc));
        expect(signed.signature).toBe(signer.sign(document).signature);
        expect(JSON.stringify(unsignedOf(signed))).toBe(canonical(unsignedOf(document)));
        // Its JSON, from the text signed (in pieces for the long timeline).
        expect(signedJson(signed)).toBe(JSON.stringify(signed));
      }
    }
  });

  it('gives the signature of canonical JSON for any plain data, and for values that are not', () => {
    const keys = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '2', 'snapshot', 'context', 'timeline', 'signature'));
    let kept = 0;
    const document = fc.record({ format: fc.jsonValue({ maxDepth: 2 }), snapshot: fc.record({ context: fc.dictionary(keys, fc.jsonValue({ maxDepth: 3 })), status: fc.string() }, { requiredKeys: [] }) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.oneof(document, fc.dictionary(keys, fc.anything({ key: keys, withNullPrototype: true, withDate: true, withSparseArray: true }))), (value) => {
        let length = -1;
        const signed = signer.sign(value as unknown as StoredIncident, undefined, (written) => (length = written));
        expect(length).toBe(JSON.stringify(unsignedOf(value)).length);
        expect(signed.signature).toBe(oracle(value as Doc));
        expect(signer.verify(JSON.parse(JSON.stringify(signed)) as Doc).trusted).toBe(true);
        // Kept for documents written in canonical order (plain data), which is then their JSON.
        const json = signedJson(signed);
        if (json !== undefined) {
          kept++;
          expect(json).toBe(JSON.stringify(signed));
        }
      }),
      { numRuns: 500 },
    );
    expect(kept).toBeGreaterThan(100);
  });
});

describe("a decision's json", () => {
  /** Every decision along the way, each made on the JSON text of the one before (`json`). */
  function decisions(open: () => Decision, step: (text: string, event: object, now: number) => Decision, due: (text: string, now: number) => Decision, count: number): Decision[] {
    const made = [open()];
    for (let i = 0; i < count; i++) made.push(step(made.at(-1)!.json, i === 0 ? events[0]! : i % 7 === 6 ? { type: 'message.sent', by: 'Ana', note: `n\u00e9 ${i}` } : events[1 + (i % (events.length - 1))]!, t0 + (i + 1) * MINUTE));
    // Nothing due (unchanged), then the windows run out (changed).
    made.push(due(made.at(-1)!.json, t0 + (count + 1) * MINUTE), due(made.at(-1)!.json, t0 + 400 * HOUR));
    return made;
  }

  it("is JSON.stringify of the incident, signed or not, short or long, without being one of the decision's own keys", () => {
    const unsigned = createIncidentRuntime({ playbooks: [crisisMachine] });
    const cases = [
      decisions(() => runtime.open({ now: t0 }), (text, event, now) => runtime.decide(text, event, { now }), (text, now) => runtime.decideDue(text, { now }), 240),
      decisions(() => unsigned.open({ now: t0 }), (text, event, now) => unsigned.decide(text, event, { now }), (text, now) => unsigned.decideDue(text, { now }), 30),
      decisions(() => openIncident({ now: t0 }), (text, event, now) => decide(text, event, { now }), (text, now) => decideDue(text, { now }), 30),
    ];
    for (const made of cases) {
      expect(made.at(-2)!.changed).toBe(false);
      expect(made.at(-1)!.changed).toBe(true);
      for (const decision of made) {
        expect(decision.json).toBe(JSON.stringify(decision.incident));
        expect(Object.keys(decision)).not.toContain('json');
        expect(JSON.stringify(decision)).not.toContain('"json"');
        expect({ ...decision }).not.toHaveProperty('json');
      }
    }
    // The signed ones verify from that text, and the long timeline went through the pieces written apart.
    expect(cases[0]!.at(-1)!.incident.snapshot.context.timeline.length).toBeGreaterThan(200);
    for (const decision of cases[0]!) expect(decision.incident.signature).toBe(oracle(decision.incident));
  });
});

describe('HMAC-SHA256 in pieces', () => {
  it('is the HMAC of the texts joined, with and without node:crypto', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 80 }), fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 5 }), (secret, pieces) => {
        const expected = createHmac('sha256', secret).update(pieces.join(''), 'utf8').digest();
        expect(Buffer.from(hmacSha256(secret, pieces))).toEqual(expected);
        expect(Buffer.from(hmacSha256(secret, pieces, false))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
