// The fast paths of the server runtime give what the plain ones give: XState's pure transition
// on a reused actor scope, the stored form built without a JSON copy, lazy recommendations,
// canonical JSON written directly, and signed documents taken as written.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { crisisMachine, recommend, venues } from 'crisis-playbook';
import { compilePlaybook } from 'crisis-playbook/authoring';
import { createIncidentRuntime, decide, openIncident, parseStoredIncident, safeDecide, type StoredIncident } from 'crisis-playbook/server';
import { acmePlaybook } from '../examples/custom-rung/playbook.js';
import { referenceCase } from '../examples/reference-case/events.js';
import { withNow } from '../src/compile/clock.js';
import { parseTime } from '../src/isoTime.js';
import { pureTransition } from '../src/runtime/pureTransition.js';
import { createSigner } from '../src/runtime/signing.js';
import { checkAgainstPlaybook } from '../src/runtime/storedChecks.js';
import { snapshotOf } from '../src/runtime/deadlines.js';
import { canonical, checkShape, checkTimeline, jsonLengthBound, storedIncidentSchema } from '../src/runtime/storedIncident.js';
import { layoutOf } from '../src/compile/layout.js';
import { compiledPlaybookOf } from '../src/compile/registry.js';
import { fromZodIssues } from '../src/errors/issues.js';
import { codeOf } from './helpers.js';

const t0 = Date.parse('2026-04-06T19:00:00.000Z');
const MINUTE = 60_000;
const runs = Math.min(Number(process.env.PROPERTY_RUNS ?? 200), 300);
const key = 'a-test-signing-key-of-at-least-32-bytes';

const meta = fc.record({ by: fc.constantFrom('Ana', 'Ben'), note: fc.string({ maxLength: 12 }) }, { requiredKeys: [] });
const plain = (type: string) => meta.map((m) => ({ type, ...m }));
const event = fc.oneof(
  fc
    .record({ witnessed: fc.boolean(), knowsPoster: fc.boolean(), venue: fc.constantFrom(...venues), insiderInVenue: fc.boolean(), memberOfVenue: fc.boolean(), connectedToPoster: fc.boolean() }, { requiredKeys: [] })
    .map((facts) => ({ type: 'facts.update', facts })),
  fc
    .constantFrom('assessment.complete', 'access.requested', 'access.granted', 'access.denied', 'message.sent', 'message.ignored', 'intermediary.declined', 'community.supported', 'step.taken')
    .chain(plain),
  fc.record({ type: fc.constant('message.replied'), phone: fc.constantFrom('+44 20 7946 0000', '0123') }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('intermediary.asked'), name: fc.constantFrom('Ben', 'Dee') }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('contact.received'), channel: fc.constantFrom('phone', 'message', 'email', 'in-person') }),
  fc.record({ type: fc.constant('call.completed'), apology: fc.boolean(), agreement: fc.boolean() }),
  fc.record({ type: fc.constant('threat.reported'), kind: fc.constantFrom('visit', 'police-report', 'legal-action', 'violence', 'other') }),
);

const state = (snapshot: AnyMachineSnapshot) => JSON.stringify({ status: snapshot.status, value: snapshot.value, context: snapshot.context });

describe('pureTransition (an actor scope reused per machine)', () => {
  // Two playbooks, and a provided machine whose guard counts its calls: every one is reached.
  const acme = compilePlaybook(acmePlaybook);
  let calls = 0;
  const provided = crisisMachine.provide({
    guards: {
      isPosterKnown: ({ context }: { context: { facts: { knowsPoster?: boolean } } }) => {
        calls++;
        return context.facts.knowsPoster === true;
      },
    } as never,
  });
  const machines: AnyStateMachine[] = [crisisMachine, acme, provided];

  it('gives the snapshots of transition(), across many calls on three machines interleaved', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2), event), { maxLength: 40 }), (steps) => {
        const live = machines.map((machine) => withNow(t0, () => initialTransition(machine)[0]));
        steps.forEach(([which, next], index) => {
          const machine = machines[which]!;
          const at = t0 + (index + 1) * MINUTE;
          const fast = withNow(at, () => pureTransition(machine, live[which]!, next as never));
          const plainResult = withNow(at, () => transition(machine, live[which]!, next as never)[0]);
          expect(state(fast)).toBe(state(plainResult));
          live[which] = fast;
        });
      }),
      { numRuns: runs },
    );
  });

  it('reaches provided guards', () => {
    const before = calls;
    const [initial] = withNow(t0, () => initialTransition(provided));
    const next = withNow(t0, () => pureTransition(provided, initial, { type: 'assessment.complete' }));
    expect(calls).toBeGreaterThan(before);
    expect(JSON.stringify(next.value)).toContain('directMessage');
  });

  it('leaves the machine usable when a guard throws', () => {
    const throwing = crisisMachine.provide({ guards: { isPosterKnown: () => { throw new Error('boom'); } } as never });
    const [initial] = withNow(t0, () => initialTransition(throwing));
    for (let i = 0; i < 3; i++) expect(() => pureTransition(throwing, initial, { type: 'assessment.complete' })).toThrow('boom');
    const after = pureTransition(throwing, initial, { type: 'community.supported' });
    expect(JSON.stringify(after.value)).toContain('supported');
  });
});

describe('decide against a reference path', () => {
  /** The reference: every check (parseStoredIncident), then XState's transition(), no fast path. */
  function reference(stored: StoredIncident, next: object, now: number) {
    const checked = parseStoredIncident(JSON.parse(JSON.stringify(stored)));
    const snapshot = crisisMachine.resolveState({ value: checked.snapshot.value, context: checked.snapshot.context });
    const [after] = withNow(now, () => transition(crisisMachine, snapshot, next as never));
    return { after, changed: after.context.timeline.length > snapshot.context.timeline.length };
  }

  it('gives the same incidents, rungs, deadlines and recommendations, signed or not', () => {
    const signed = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [key] } });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 25 }), (events) => {
        let incident = openIncident({ now: t0 }).incident;
        let signedIncident = signed.open({ now: t0 }).incident;
        events.forEach((next, index) => {
          const now = t0 + (index + 1) * MINUTE;
          if (incident.snapshot.status === 'done') return;
          const { after, changed } = reference(incident, next, now);
          const outcome = safeDecide(JSON.parse(JSON.stringify(incident)), JSON.parse(JSON.stringify(next)), { now });
          const fromSigned = signed.safeDecide(JSON.parse(JSON.stringify(signedIncident)), JSON.parse(JSON.stringify(next)), { now });
          if (!changed) {
            // Unchanged: an event the rung does not handle, or one the playbook refuses.
            expect(outcome.success ? 'applied' : outcome.error.code).toMatch(/^(event_not_applicable|invalid_event)$/);
            expect(fromSigned.success ? 'applied' : fromSigned.error.code).toBe(outcome.success ? 'applied' : outcome.error.code);
            return;
          }
          if (!outcome.success) throw outcome.error;
          const result = outcome.data;
          expect(result.changed).toBe(true);
          // The same data (the reference hands XState the event as sent, decide as parsed: keys may come in another order).
          expect(JSON.parse(JSON.stringify(result.incident.snapshot.context))).toEqual(JSON.parse(JSON.stringify(after.context)));
          expect(result.incident.snapshot.value).toEqual(after.value);
          expect(result.recommendations).toEqual(recommend(after));
          expect(JSON.parse(JSON.stringify(result)).recommendations).toEqual(JSON.parse(JSON.stringify(recommend(after))));
          expect(fromSigned.success).toBe(true);
          if (fromSigned.success) {
            const { signature, ...unsigned } = fromSigned.data.incident;
            expect(signature).toMatch(/^hmac-sha256\./);
            expect(canonical(unsigned)).toBe(canonical(result.incident));
            signedIncident = fromSigned.data.incident;
          }
          incident = result.incident;
        });
      }),
      { numRuns: runs, examples: [], interruptAfterTimeLimit: 20_000 },
    );
  }, 60_000);
});

describe('decisions', () => {
  it('work out recommendations on first read, visible to spreading and JSON', () => {
    const opened = openIncident({ now: t0 });
    const decision = decide(opened.incident, { type: 'assessment.complete' }, { now: t0 + MINUTE });
    expect(Object.keys(decision)).toContain('recommendations');
    expect({ ...decision }.recommendations.length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(decision)).recommendations).toEqual(JSON.parse(JSON.stringify(decision.recommendations)));
    expect(decision.recommendations).toBe(decision.recommendations);
    expect(opened.changed).toBe(false);
    expect(opened.incident).toEqual(parseStoredIncident(JSON.stringify(opened.incident)));
  });

  it('bound the length of the stored form from above', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonLengthBound(value, Number.MAX_SAFE_INTEGER)).toBeGreaterThanOrEqual(JSON.stringify(value).length);
      }),
      { numRuns: 2_000 },
    );
    expect(jsonLengthBound({ toJSON: () => 1 }, 1e9)).toBe(Infinity);
    expect(jsonLengthBound('x'.repeat(100), 50)).toBe(Infinity);
  });
});

describe('the timeline check without the schema (checkTimeline)', () => {
  const stored = JSON.parse(JSON.stringify(decide(decide(openIncident({ now: t0 }).incident, { type: 'assessment.complete', by: 'Ana' }, { now: t0 + MINUTE }).incident, { type: 'message.sent', note: 'Hi' }, { now: t0 + 2 * MINUTE }).incident)) as {
    snapshot: { context: { timeline: Record<string, unknown>[] } };
  };
  const base = stored.snapshot.context.timeline[1]!;
  const twoDigits = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
  const time = fc.oneof(
    fc.date({ min: new Date(-1e14), max: new Date(3e14), noInvalidDate: true }).map((date) => date.toISOString()),
    fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(2.5e14) }).map((date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')),
    fc
      .tuple(fc.integer({ min: 1800, max: 9999 }), twoDigits, twoDigits, twoDigits, twoDigits, twoDigits, fc.constantFrom('.000', '.5', '', '.123', '+00:00'))
      .map(([y, mo, d, h, mi, sec, rest]) => `${y}-${mo}-${d}T${h}:${mi}:${sec}${rest.startsWith('+') ? rest : `${rest}Z`}`),
    fc.string(),
  );
  const text = fc.oneof(fc.constantFrom('Ana', 'Ben', '', 'x'.repeat(120), 'x'.repeat(121), 'a\nb', 'a\tb', 'é', '\u0007', '\ud800', '😀', '\u0085', 'x'.repeat(2001)), fc.string({ unit: 'binary', maxLength: 8 }));
  const value = fc.oneof(time, text, fc.constantFrom('window.elapsed', 'replyWindow', 'first-response', undefined, null, 0, 1, 10, 11, 1.5, -1), fc.anything());
  const key = fc.constantFrom('at', 'occurredAt', 'type', 'from', 'to', 'window', 'followUp', 'reminder', 'severity', 'by', 'note', 'extra', '__proto__');
  const edit = fc.array(fc.tuple(key, value, fc.boolean()), { maxLength: 4 }).map((edits) => {
    const entry: Record<string, unknown> = { ...base };
    for (const [name, v, remove] of edits) {
      if (remove) Reflect.deleteProperty(entry, name);
      else Object.defineProperty(entry, name, { value: v, enumerable: true, configurable: true, writable: true });
    }
    return entry;
  });

  it('accepts only entries the schema accepts, with its output, the times parseTime reads and a length bound of the entries', () => {
    let accepted = 0;
    fc.assert(
      fc.property(edit, fc.nat(1), (entry, at) => {
        const document = JSON.parse(JSON.stringify(stored)) as typeof stored;
        document.snapshot.context.timeline[at] = entry;
        const checked = checkTimeline(document.snapshot.context.timeline);
        const schema = storedIncidentSchema.safeParse(document, { reportInput: true });
        const shape = checkShape(document);
        if (schema.success) expect(shape.data).toStrictEqual(schema.data);
        else expect(shape.issues).toEqual(fromZodIssues(schema.error.issues, [], 'length'));
        if (checked === undefined) return;
        accepted++;
        expect(schema.success).toBe(true);
        const entries = (schema.data as unknown as typeof stored).snapshot.context.timeline;
        expect(checked.entries).toStrictEqual(entries);
        expect(checked.entries.map((e) => Object.keys(e))).toEqual(entries.map((e) => Object.keys(e)));
        expect([...checked.times]).toEqual(entries.map((e) => parseTime(e.at as string)));
        expect(checked.bound).toBeGreaterThanOrEqual(jsonLengthBound(checked.entries, Number.MAX_SAFE_INTEGER) - 2 - entries.length);
      }),
      { numRuns: 5_000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('reads each calendar date as Date.UTC does, leap days included', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(253_399_622_400_000), noInvalidDate: true }), (date) => {
        const checked = checkTimeline([{ ...base, at: date.toISOString() }]);
        expect(checked?.times[0]).toBe(date.getTime());
      }),
      { numRuns: 5_000 },
    );
    for (const at of ['2024-02-29T00:00:00.000Z', '2000-02-29T12:00:00Z', '1970-01-01T00:00:00.000Z', '9999-12-01T00:00:00.000Z']) {
      expect(checkTimeline([{ ...base, at }])?.times[0]).toBe(Date.parse(at));
    }
    for (const at of ['2023-02-29T00:00:00.000Z', '1900-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '1969-12-31T23:59:59.999Z', '9999-12-01T00:00:00.001Z']) {
      expect(checkTimeline([{ ...base, at }])).toBeUndefined();
    }
  });

  it('gives the consistency checks the same issues with the times it read as without them, and the length bound a bound', () => {
    let incident = openIncident({ now: t0 }).incident;
    for (const { at, ...next } of referenceCase) incident = decide(incident, next, { now: at ?? t0 }).incident;
    const referenceText = JSON.stringify(incident);
    const info = compiledPlaybookOf(crisisMachine)!;
    const facts = { definition: info.definition, layout: layoutOf(crisisMachine), windowLength: (window: string) => info.defaultWindows[window] };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(30), fc.constantFrom('at', 'type', 'from', 'to', 'window'), fc.constantFrom('2026-04-06T19:00:30.000Z', 'message.sent', 'window.elapsed', 'replyWindow', 'phoneCall', 'directMessage', 'gatheringInfo')), { maxLength: 3 }), (edits) => {
        const document = JSON.parse(referenceText) as typeof stored;
        const timeline = document.snapshot.context.timeline;
        for (const [at, name, v] of edits) if (timeline.length > 0) timeline[at % timeline.length]![name] = v;
        const shape = checkShape(document);
        if (shape.data === undefined) return;
        expect(shape.timeline).toBeDefined();
        expect(checkAgainstPlaybook(shape.data, facts, shape.timeline!.times)).toEqual(checkAgainstPlaybook(shape.data, facts));
        expect(jsonLengthBound(shape.data, Number.MAX_SAFE_INTEGER, shape.timeline)).toBeGreaterThanOrEqual(jsonLengthBound(shape.data, Number.MAX_SAFE_INTEGER));
        // Within what every key of every entry adds at most.
        expect(jsonLengthBound(shape.data, Number.MAX_SAFE_INTEGER, shape.timeline)).toBeLessThanOrEqual(jsonLengthBound(shape.data, Number.MAX_SAFE_INTEGER) + 500 * timeline.length);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('snapshotOf (resolveState once per state value)', () => {
  it('gives what resolveState gives, for every state value of the reference case, each time with its own value', () => {
    const info = compiledPlaybookOf(crisisMachine)!;
    const loaded = (stored: StoredIncident) => ({ machine: crisisMachine, info, layout: layoutOf(crisisMachine), stored, trusted: false });
    const view = (snapshot: AnyMachineSnapshot) => ({ ...snapshot, tags: [...snapshot.tags], nodes: snapshot._nodes.map((node) => node.id) });
    let incident = openIncident({ now: t0 }).incident;
    const incidents = [incident];
    for (const { at, ...next } of referenceCase) incidents.push((incident = decide(incident, next, { now: at ?? t0 }).incident));
    for (let round = 0; round < 2; round++) {
      for (const stored of incidents) {
        const expected = crisisMachine.resolveState({ value: stored.snapshot.value, context: stored.snapshot.context });
        const snapshot = snapshotOf(loaded(stored));
        expect(view(snapshot)).toStrictEqual(view(expected));
        expect(snapshot.context).toBe(stored.snapshot.context);
        expect(snapshot.matches(expected.value)).toBe(true);
        expect(snapshot.getMeta()).toEqual(expected.getMeta());
        // Its own state value: changing it changes no other snapshot.
        if (typeof snapshot.value !== 'string') (snapshot.value as { active: Record<string, string> }).active.ladder = 'changed';
      }
    }
  });
});

describe('parseTime', () => {
  it('is Date.parse, for the form the library writes and for anything else', () => {
    const twoDigits = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const written = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), twoDigits, twoDigits, twoDigits, twoDigits, twoDigits, fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, mi, s, ms]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}Z`);
    const near = written.chain((text) => fc.nat(23).chain((at) => fc.constantFrom(' ', '+', 'x', '0', '/', ':').map((c) => text.slice(0, at) + c + text.slice(at + 1))));
    fc.assert(
      fc.property(fc.oneof(written, near, fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.string()), (text) => {
        expect(Object.is(parseTime(text), Date.parse(text))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('canonical JSON', () => {
  const byReplacer = (value: unknown) =>
    JSON.stringify(value, (_, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
    );

  it('is the text the replacer writes, for any value', () => {
    const keys = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '2', '01', '-1', '4294967295', '4294967294', '__proto__', 'toJSON'));
    fc.assert(
      fc.property(fc.oneof(fc.anything({ key: keys, withNullPrototype: true, withDate: true, withSparseArray: true, withObjectString: true }), fc.dictionary(keys, fc.jsonValue({ maxDepth: 2 }), { minKeys: 10, maxKeys: 40 })), (value) => {
        expect(canonical(value)).toBe(byReplacer(value));
      }),
      { numRuns: 2_000 },
    );
  }, 60_000);
});

describe('signed documents', () => {
  const signing = { keys: [key] };
  const runtime = createIncidentRuntime({ playbooks: [crisisMachine], signing });
  const checking = createIncidentRuntime({ playbooks: [crisisMachine], signing: { ...signing, checkSigned: true } });
  const signer = createSigner(signing);
  const waiting = () => runtime.decide(runtime.open({ now: t0 }).incident, { type: 'assessment.complete' }, { now: t0 + MINUTE }).incident;
  /** A document signed with the key after `edit`: what only a holder of the key can write. */
  const signedAfter = (edit: (document: Record<string, any>) => void) => {
    const { signature: _, ...document } = JSON.parse(JSON.stringify(waiting())) as Record<string, any>;
    edit(document);
    return signer.sign(document as StoredIncident);
  };

  it('refuse a tampered one, with the checks or without', () => {
    const text = JSON.stringify(waiting()).replace('"supporters":0', '"supporters":1');
    for (const reader of [runtime, checking]) {
      expect(codeOf(() => reader.decide(text, { type: 'message.sent' }, { now: t0 + 2 * MINUTE }))).toBe('invalid_signature');
      expect(codeOf(() => reader.parse(text))).toBe('invalid_signature');
    }
  });

  it('take a valid one as written: the consistency checks are skipped, unless checkSigned', () => {
    // Consistent in shape, not with its timeline: a supporter no event recorded.
    const inconsistent = signedAfter((document) => {
      document.snapshot.context.supporters = 3;
    });
    // decide takes it as written; parse (the check itself) and restore check it in full.
    expect(codeOf(() => runtime.decide(inconsistent, { type: 'message.sent' }, { now: t0 + 2 * MINUTE }))).toBe('accepted');
    expect(codeOf(() => runtime.decideDue(inconsistent, { now: t0 + 2 * MINUTE }))).toBe('accepted');
    expect(codeOf(() => runtime.parse(inconsistent))).toBe('invalid_document');
    expect(codeOf(() => runtime.restore(inconsistent, { now: t0 + 2 * MINUTE }).stop())).toBe('invalid_document');
    expect(codeOf(() => checking.decide(inconsistent, { type: 'message.sent' }, { now: t0 + 2 * MINUTE }))).toBe('invalid_document');
    expect(codeOf(() => createIncidentRuntime({ playbooks: [crisisMachine] }).parse({ ...inconsistent, signature: undefined }))).toBe('invalid_document');
    expect(runtime.decide(inconsistent, { type: 'message.sent' }, { now: t0 + 2 * MINUTE }).incident.snapshot.context.supporters).toBe(3);
  });

  it('refuse a broken one with an IncidentError, never another error', () => {
    const broken = [
      signedAfter((document) => {
        document.snapshot.context.timeline = 'not a list';
      }),
      signedAfter((document) => {
        delete document.snapshot.context;
      }),
      signedAfter((document) => {
        document.snapshot.value = { nope: 1 };
      }),
      signedAfter((document) => {
        document.snapshot = null;
      }),
      signedAfter((document) => {
        document.playbook = { id: 'crisis', version: 'nope' };
      }),
    ];
    for (const document of broken) {
      for (const run of [
        () => runtime.decide(document, { type: 'message.sent' }, { now: t0 + 2 * MINUTE }),
        () => runtime.decideDue(document, { now: t0 + 400 * 24 * 60 * MINUTE }),
        () => runtime.restore(document, { now: t0 + 2 * MINUTE }).stop(),
      ]) {
        expect(codeOf(run)).toMatch(/^(invalid_document|unknown_playbook|unknown_playbook_version)$/);
      }
      const result = runtime.safeDecide(document, { type: 'message.sent' }, { now: t0 + 2 * MINUTE });
      expect(result.success).toBe(false);
      if (!result.success) expect(result.error.code).not.toBe('implementation_error');
    }
  });

  it('are written signed and read back by the same runtime', () => {
    let incident: unknown = waiting();
    for (let i = 0; i < 5; i++) incident = JSON.stringify(runtime.decide(incident, { type: 'message.sent' }, { now: t0 + (i + 2) * MINUTE }).incident);
    expect(checking.parse(incident).snapshot.context.timeline).toHaveLength(6);
  });
});
