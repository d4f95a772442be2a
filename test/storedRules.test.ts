import fc from 'fast-check';
import { SimulatedClock } from 'xstate';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createIncident, crisisMachine, defaultPlaybook, IncidentError, limits } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook } from 'crisis-playbook/authoring';
import { createIncidentRuntime, type StoredIncident } from 'crisis-playbook/server';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-04-06T19:00:00Z');

/** `safeDecide` on a stored JSON text: its result, how long it took, and whether it parsed any JSON. */
function decideText(runtime: ReturnType<typeof createIncidentRuntime>, text: string) {
  const parse = vi.spyOn(JSON, 'parse');
  try {
    const started = performance.now();
    const result = runtime.safeDecide(text, { type: 'assessment.complete' }, { now: t0 });
    return { result, milliseconds: performance.now() - started, parsed: parse.mock.calls.length > 0 };
  } finally {
    parse.mockRestore();
  }
}

const events: unknown[] = [
  { type: 'facts.update', facts: { witnessed: false, knowsPoster: false, connectedToPoster: false, venue: 'private-group', memberOfVenue: false } },
  { type: 'facts.update', facts: { insiderInVenue: true } },
  { type: 'facts.update', facts: { knowsPoster: true } },
  { type: 'assessment.complete', by: 'Ana' },
  { type: 'access.requested' },
  { type: 'access.granted' },
  { type: 'access.denied', note: 'Refused.\nTwice.' },
  { type: 'message.sent' },
  { type: 'message.replied', phone: '+44 20 7946 0000' },
  { type: 'message.ignored' },
  { type: 'intermediary.asked', name: 'Ben' },
  { type: 'intermediary.declined' },
  { type: 'contact.received', channel: 'phone' },
  { type: 'call.completed', apology: true, agreement: false },
  { type: 'call.completed', apology: true, agreement: true },
  { type: 'community.supported', note: 'x'.repeat(limits.textLength) },
  { type: 'threat.reported', kind: 'visit' },
  { type: 'threat.reported', kind: 'violence', at: '9999-11-30T00:00:00Z' },
  { type: 'incident.closed', reason: 'Calmed down' },
  { type: 'threat.reported', kind: 'hug' },
  { type: 'message.sent', at: '2026-02-31T00:00:00Z' },
  null,
  { type: 'xstate.stop' },
];

/** Times that are processable and times that are not: the edges of the Date range and beyond. */
const edgeTimes: unknown[] = [
  limits.earliestTime,
  limits.latestTime,
  limits.latestTime + 1,
  -1,
  8.64e15,
  -8.64e15,
  1e300,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  10n,
  '9999-12-31T12:00:00Z',
  '+010000-01-01T00:00:00.000Z',
  'yesterday',
  new Date(Number.NaN),
  new Date(limits.latestTime),
  {},
];

const time = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 72 }).map((hours) => ({ advance: hours * HOUR })) },
  { weight: 1, arbitrary: fc.constantFrom(...edgeTimes).map((now) => ({ now })) },
);
const windows = fc.option(
  fc.record({
    replyWindow: fc.oneof(fc.integer({ min: 1, max: limits.windowMs }), fc.constantFrom('1ms', '12h', '24d', '25d', 0, -1, 2 ** 40)),
    accessWindow: fc.oneof(fc.integer({ min: 1, max: limits.windowMs }), fc.constant(limits.windowMs)),
  }),
  { nil: undefined },
);
const step = fc.record({ event: fc.constantFrom(...events), time, due: fc.boolean() });

/** Whether `now` is a time the runtime processes, as its own rule says. */
function processable(now: unknown): boolean {
  const ms = typeof now === 'number' ? now : now instanceof Date ? now.getTime() : typeof now === 'string' ? Date.parse(now) : Number.NaN;
  return ms >= limits.earliestTime && ms <= limits.latestTime && (typeof now !== 'string' || now.length <= limits.timeLength);
}

const withKey = (key: string) => createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: [key] } });

describe('every document the runtime produces is one it accepts', () => {
  for (const [name, runtime] of [
    ['without signing', createIncidentRuntime({ playbooks: [crisisMachine] })],
    ['with signing', withKey('k'.repeat(32))],
  ] as const) {
    it(`over random histories, times (edges of the Date range included) and windows, ${name}`, () => {
      let documents = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: limits.earliestTime, max: limits.latestTime }),
          windows,
          fc.array(step, { maxLength: 25 }),
          (start, input, steps) => {
            let opened;
            try {
              opened = runtime.open({ now: start, input: input === undefined ? undefined : { windows: input } });
            } catch (error) {
              expect(error).toBeInstanceOf(IncidentError);
              expect((error as IncidentError).code).toBe('invalid_input');
              return;
            }
            const accept = (incident: StoredIncident) => {
              documents += 1;
              expect(runtime.parse(JSON.stringify(incident))).toEqual(incident);
            };
            accept(opened.incident);
            let incident = opened.incident;
            let now = start;
            for (const { event, time: next, due } of steps) {
              const at = 'advance' in next ? Math.min(now + next.advance, limits.latestTime) : next.now;
              const result = due
                ? (() => {
                    try {
                      return { success: true as const, data: runtime.decideDue(incident, { now: at as number }) };
                    } catch (error) {
                      return { success: false as const, error: error as IncidentError };
                    }
                  })()
                : runtime.safeDecide(incident, event, { now: at as number });
              if (!result.success) {
                expect(result.error).toBeInstanceOf(IncidentError);
                if (!processable(at)) expect(result.error.code).toBe('invalid_time');
                else expect(result.error.code).not.toBe('invalid_time');
                continue;
              }
              accept(result.data.incident);
              incident = result.data.incident;
              if (typeof at === 'number') now = Math.max(now, at);
            }
            // And as a live incident again.
            const clock = new SimulatedClock();
            clock.set(now);
            const live = runtime.restore(incident, { clock });
            clock.increment(48 * HOUR);
            live.send({ type: 'community.supported' });
            accept(runtime.serialize(live.getSnapshot()));
            live.stop();
          },
        ),
        { numRuns: 400 },
      );
      expect(documents).toBeGreaterThan(1000);
    });
  }

  it('for a custom playbook with a window on its first rung and a payload given as a zod schema', () => {
    const playbook = extendPlaybook(defaultPlaybook)
      .rename({ id: 'triage', version: '1.0.0' })
      .addWindows({ triageWindow: { description: 'Decide quickly.', duration: '30m' } })
      .addEvents({ 'threat.logged': { description: 'Logged by a tool.', schema: z.object({ kind: z.string(), source: z.string().optional() }) } })
      .build();
    const definition = {
      ...playbook,
      ladder: {
        ...playbook.ladder,
        rungs: playbook.ladder.rungs.map((rung) =>
          rung.id === 'gatheringInfo' ? { ...rung, after: [{ window: 'triageWindow', target: 'directMessage' }] } : rung,
        ),
      },
      tracks: playbook.tracks.map((track) =>
        track.id === 'safety'
          ? { ...track, states: track.states.map((state) => ({ ...state, on: [...(state.on ?? []), { event: 'threat.logged', target: 'threatened', actions: ['recordThreat'] }] })) }
          : track,
      ),
    };
    const runtime = createIncidentRuntime({ playbooks: [compilePlaybook(definition)] });
    const opened = runtime.open({ now: t0 });
    expect(opened.deadlines.map((d) => d.event.window)).toEqual(['triageWindow']);
    const logged = runtime.decide(opened.incident, { type: 'threat.logged', kind: 'k'.repeat(limits.textLength), source: 'tool' }, { now: t0 + 60_000 });
    expect(runtime.parse(JSON.stringify(logged.incident)).snapshot.context.threats[0]!.kind).toHaveLength(limits.textLength);
    const late = runtime.decideDue(logged.incident, { now: t0 + HOUR });
    expect(late.rung).toBe('directMessage');
    expect(runtime.parse(late.incident)).toEqual(late.incident);
    expect(runtime.safeDecide(late.incident, { type: 'threat.logged', kind: 'k'.repeat(limits.textLength + 1) }, { now: t0 + 2 * HOUR })).toMatchObject({
      success: false,
      error: { code: 'invalid_event' },
    });
  });
});

describe('a time that cannot be processed', () => {
  const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
  const { incident } = runtime.open({ now: t0 });
  const bad = edgeTimes.filter((now) => !processable(now));

  it.each(bad.map((now) => [String(typeof now === 'bigint' ? `${now}n` : now instanceof Date ? `Date(${now.getTime()})` : JSON.stringify(now) ?? now), now]))(
    'is invalid_time from every entry point: %s',
    (_, now) => {
      const code = (run: () => unknown) => {
        try {
          run();
          return 'no error';
        } catch (error) {
          return (error as IncidentError).code;
        }
      };
      expect(code(() => runtime.open({ now: now as number }))).toBe('invalid_time');
      expect(code(() => runtime.decide(incident, { type: 'assessment.complete' }, { now: now as number }))).toBe('invalid_time');
      expect(code(() => runtime.decideDue(incident, { now: now as number }))).toBe('invalid_time');
      expect(code(() => runtime.restore(incident, { now: now as number }))).toBe('invalid_time');
      const result = runtime.safeDecide(incident, { type: 'assessment.complete' }, { now: now as number });
      expect(result.success ? 'no error' : result.error.code).toBe('invalid_time');
      if (!result.success) expect(result.error.message.length).toBeLessThan(400);
    },
  );

  it('is refused as an event time too, live and stored', () => {
    const live = createIncident(crisisMachine).start();
    expect(live.safeSend({ type: 'community.supported', at: '9999-12-31T12:00:00Z' })).toMatchObject({ success: false, error: { code: 'invalid_event' } });
    live.stop();
    expect(runtime.safeDecide(incident, { type: 'community.supported', at: '0001-01-01T00:00:00Z' }, { now: t0 })).toMatchObject({
      success: false,
      error: { code: 'invalid_event' },
    });
  });
});

describe('the largest document the limits allow', () => {
  it('is smaller than the stored-document limit, so that the limit never refuses a document the runtime wrote', () => {
    const worstText = '"\\'.repeat(limits.textLength / 2);
    const entry = {
      at: '2026-04-06T19:00:00.000Z',
      occurredAt: `2026-04-06T19:00:00.${'9'.repeat(limits.timeLength - 24)}+14:00`.slice(0, limits.timeLength),
      type: 'e'.repeat(limits.nameLength),
      from: 'r'.repeat(64),
      to: 'r'.repeat(64),
      window: 'w'.repeat(64),
      by: '"'.repeat(limits.byLength),
      note: worstText,
    };
    const threat = { kind: worstText, at: entry.at, note: worstText };
    const perEvent = JSON.stringify(entry).length + JSON.stringify(threat).length + 2;
    // replyPhone, intermediary, closeReason; deadlines; one input window per window a
    // definition within its node limit can declare; the envelope.
    const rest = 3 * JSON.stringify(worstText).length + 100 * 200 + (limits.definitionNodes / 3) * 80 + 2000;
    expect(perEvent * limits.timelineEntries + rest).toBeLessThan(limits.storedDocumentLength);
  });

  it('refuses a longer document before parsing it, at once', () => {
    const huge = `{"format":"crisis-playbook/incident","pad":"${'x'.repeat(limits.storedDocumentLength)}"}`;
    expect(huge.indexOf('"pad"')).toBeGreaterThan(0); // the rope flattened before the clock starts (see below)
    const started = performance.now();
    const result = createIncidentRuntime({ playbooks: [crisisMachine] }).safeDecide(huge, { type: 'assessment.complete' }, { now: t0 });
    expect(performance.now() - started).toBeLessThan(100);
    expect(result).toMatchObject({ success: false, error: { code: 'invalid_document', issues: [{ code: 'too_large' }] } });
  });

  it('refuses a million-entry timeline sent as JSON text in a moment', () => {
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
    const entry = '{"at":"2026-04-06T19:00:00.000Z","type":"community.supported","from":"gatheringInfo","to":"gatheringInfo"}';
    const text = `{"format":"crisis-playbook/incident","formatVersion":1,"snapshot":{"context":{"timeline":[${Array.from({ length: 1_000_000 }, () => entry).join(',')}]}}}`;
    expect(text.length).toBeLessThan(limits.storedDocumentLength);
    // The template made a rope of the text; flattening it (≈ 350 ms for 107 MB) is this test's
    // work, not the runtime's: done before the clock starts.
    expect(text.indexOf('"from":')).toBeGreaterThan(0);
    const { result, milliseconds, parsed } = decideText(runtime, text);
    expect(milliseconds).toBeLessThan(300);
    // Refused without being parsed (whatever the load on the machine running this).
    expect(parsed).toBe(false);
    expect(result).toMatchObject({ success: false, error: { code: 'invalid_document', issues: [{ code: 'too_large' }] } });
  });

  it.each([
    ['empty objects', '{}'],
    ['objects without a "from" key', '{"from" :"a"}'],
    ['empty arrays', '[]'],
  ])('refuses a text of millions of %s before parsing it (parsing them would take seconds and gigabytes)', (_, unit) => {
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
    const count = Math.floor((24 * 1024 * 1024) / (unit.length + 1));
    const text = `{"format":"crisis-playbook/incident","formatVersion":1,"snapshot":{"context":{"timeline":[${`${unit},`.repeat(count)}${unit}]}}}`;
    expect(text.indexOf('"snapshot"')).toBeGreaterThan(0); // flattened before the clock starts
    const { result, milliseconds, parsed } = decideText(runtime, text);
    expect(milliseconds).toBeLessThan(1_000);
    expect(parsed).toBe(false);
    expect(result).toMatchObject({ success: false, error: { code: 'invalid_document', issues: [{ code: 'too_large', path: [] }] } });
  });

  it('counts the objects and arrays outside strings only: brackets in a text are not counted against it', () => {
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
    const document = JSON.parse(JSON.stringify(runtime.open({ now: t0 }).incident)) as Record<string, unknown>;
    const text = JSON.stringify({ ...document, pad: `${'{['.repeat(50_000)}\\"{${'x'.repeat(1024 * 1024)}` });
    const { result, parsed } = decideText(runtime, text);
    // Parsed, and refused for what it holds, not for its brackets.
    expect(parsed).toBe(true);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((issue) => issue.code)).not.toContain('too_large');
  });

  describe('a playbook whose event re-enters a rung on some of its moves only', () => {
    // message.sent restarts the reply window when the poster has an insider in the venue, and
    // leaves it running otherwise: each such entry is a time the rung may have been entered at.
    const definition = structuredClone(defaultPlaybook) as unknown as { version: string; ladder: { rungs: { id: string; on: { event: string }[] }[] } };
    const directMessage = definition.ladder.rungs.find((rung) => rung.id === 'directMessage')!;
    const index = directMessage.on.findIndex((move) => move.event === 'message.sent');
    directMessage.on.splice(
      index,
      1,
      { event: 'message.sent', target: 'directMessage', reenter: true, guard: 'hasInsiderInVenue' } as never,
      { event: 'message.sent', description: 'Sent again; the window keeps running.' } as never,
    );
    const runtime = createIncidentRuntime({ playbooks: [compilePlaybook({ ...definition, version: '9.9.9' } as unknown as typeof defaultPlaybook)] });
    const waiting = () => {
      const opened = runtime.open({ now: t0 });
      const moved = runtime.decide(opened.json, { type: 'assessment.complete' }, { now: t0 + 1000 });
      const sent = runtime.decide(moved.json, { type: 'message.sent' }, { now: t0 + 2000 });
      return JSON.parse(sent.json) as { snapshot: { context: { timeline: { at: string }[]; deadlines: { due: string }[] } } };
    };

    it('names at most three of the times a deadline could have started at', () => {
      const document = waiting();
      const { timeline, deadlines } = document.snapshot.context;
      const sent = timeline.at(-1)!;
      for (let second = 3; second <= 7; second++) timeline.push({ ...sent, at: new Date(t0 + second * 1000).toISOString() });
      deadlines[0]!.due = '2026-04-06T19:00:00.000Z';
      const result = runtime.safeDecideDue(document, { now: t0 + 10_000 });
      expect(result.success).toBe(false);
      if (result.success) return;
      const message = result.error.issues.find((issue) => issue.path.at(-1) === 'due')!.message;
      expect(message).toContain('entered at 2026-04-06T19:00:01.000Z, 2026-04-06T19:00:02.000Z, … or 2026-04-06T19:00:07.000Z (7 times)');
    });

    it('checks thousands of entries and deadlines in linear time, and refuses with an IncidentError', () => {
      const document = waiting();
      const { timeline, deadlines } = document.snapshot.context;
      const sent = timeline.at(-1)!;
      for (let k = 0; k < 4_500; k++) timeline.push({ ...sent, at: new Date(t0 + 3_000 + k).toISOString() });
      document.snapshot.context.deadlines = Array.from({ length: 4_500 }, () => ({ ...deadlines[0]!, due: '2026-04-06T19:00:00.000Z' }));
      const started = performance.now();
      const result = runtime.safeDecideDue(JSON.stringify(document), { now: t0 + 60_000 });
      // It took 16 s and ended in a RangeError (a message of every time for every deadline).
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(result.error.code).toBe('invalid_document');
      expect(result.error.message.length).toBeLessThan(1_000_000);
    });
  });

  describe('a 20,000-entry timeline sent as JSON text', () => {
    // Twenty thousand objects are fewer than the text's objects are counted against before it is
    // parsed (four lists' worth); the timeline's length refuses it first thing after the format:
    // before an entry is checked, a signature is checked or a migration hook runs.
    const base = JSON.parse(JSON.stringify(createIncidentRuntime({ playbooks: [crisisMachine] }).open({ now: t0 }).incident)) as Record<string, unknown> & {
      snapshot: { context: { timeline: unknown[] } };
    };
    const entry = { at: '2026-04-06T19:00:00.000Z', type: 'community.supported', from: 'gatheringInfo', to: 'not-a-rung' };
    const long = (document: Record<string, unknown>) => {
      const copy = JSON.parse(JSON.stringify(document)) as typeof base;
      copy.snapshot.context.timeline = Array.from({ length: 20_000 }, () => entry);
      const text = JSON.stringify(copy);
      expect(text.length).toBeGreaterThan(1024 * 1024);
      return text;
    };
    /** The refusal, with the count as its only issue (an entry checked would also report "not-a-rung"). */
    const expectRefusedByLength = (result: ReturnType<ReturnType<typeof createIncidentRuntime>['safeDecide']>) => {
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(result.error.code).toBe('invalid_document');
      expect(result.error.issues).toEqual([expect.objectContaining({ code: 'too_large', path: ['snapshot', 'context', 'timeline'] })]);
    };

    it('is refused by its length, without checking an entry', () => {
      expectRefusedByLength(createIncidentRuntime({ playbooks: [crisisMachine] }).safeDecide(long(base), { type: 'assessment.complete' }, { now: t0 }));
    });

    it('is refused by its length before its signature is checked (a wrong one would be written out again)', () => {
      const runtime = createIncidentRuntime({ playbooks: [crisisMachine], signing: { keys: ['a-secret-of-at-least-32-characters!!'] } });
      expectRefusedByLength(runtime.safeDecide(long({ ...base, signature: 'hmac-sha256.wrong' }), { type: 'assessment.complete' }, { now: t0 }));
    });

    it('is refused by its length before a migration hook gets it', () => {
      const migrate = vi.fn((document: unknown) => document);
      const runtime = createIncidentRuntime({ playbooks: [crisisMachine], migrate });
      expectRefusedByLength(runtime.safeDecide(long({ ...base, formatVersion: 0 }), { type: 'assessment.complete' }, { now: t0 }));
      expect(migrate).not.toHaveBeenCalled();
    });
  });

  it('refuses a timeline of a million entries as an object in a moment', () => {
    const runtime = createIncidentRuntime({ playbooks: [crisisMachine] });
    const document = JSON.parse(JSON.stringify(runtime.open({ now: t0 }).incident)) as { snapshot: { context: { timeline: unknown[] } } };
    const entry = { at: '2026-04-06T19:00:00.000Z', type: 'community.supported', from: 'gatheringInfo', to: 'gatheringInfo' };
    let reads = 0;
    // Counts the entries read: refused by its length, none of them looked at.
    document.snapshot.context.timeline = new Proxy(Array.from({ length: 1_000_000 }, () => entry), {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const started = performance.now();
    const result = runtime.safeDecide(document, { type: 'assessment.complete' }, { now: t0 });
    expect(performance.now() - started).toBeLessThan(100);
    expect(reads).toBe(0);
    expect(result).toMatchObject({ success: false, error: { code: 'invalid_document', issues: [{ code: 'too_large', path: ['snapshot', 'context', 'timeline'] }] } });
  });
});
