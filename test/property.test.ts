import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import { crisisMachine, venues } from 'crisis-playbook';
import { decide, decideDue, openIncident, parseStoredIncident, restoreIncident, safeDecide, serializeIncident, type StoredIncident } from 'crisis-playbook/server';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-04-06T19:00:00.000Z');
const runs = Number(process.env.PROPERTY_RUNS ?? 10_000);

const meta = fc.record({ by: fc.constantFrom('Ana', 'Ben'), note: fc.string({ maxLength: 20 }) }, { requiredKeys: [] });
const facts = fc.record(
  {
    witnessed: fc.boolean(),
    knowsPoster: fc.boolean(),
    connectedToPoster: fc.boolean(),
    venue: fc.constantFrom(...venues),
    memberOfVenue: fc.boolean(),
    insiderInVenue: fc.boolean(),
  },
  { requiredKeys: [] },
);
const plain = (type: string) => meta.map((m) => ({ type, ...m }));

const validEvent = fc.oneof(
  facts.map((f) => ({ type: 'facts.update', facts: f })),
  fc.constantFrom(
    'assessment.complete',
    'access.requested',
    'access.granted',
    'access.denied',
    'message.sent',
    'message.ignored',
    'intermediary.declined',
    'community.supported',
  ).chain(plain),
  fc.record({ type: fc.constant('message.replied'), phone: fc.constantFrom('+44 20 7946 0000', '0123') }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('intermediary.asked'), name: fc.constantFrom('Ben', 'Dee') }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('contact.received'), channel: fc.constantFrom('phone', 'message', 'email', 'in-person') }),
  fc.record({ type: fc.constant('call.completed'), apology: fc.boolean(), agreement: fc.boolean() }),
  fc.record({ type: fc.constant('threat.reported'), kind: fc.constantFrom('visit', 'police-report', 'legal-action', 'violence', 'other') }),
  fc.record({ type: fc.constant('incident.closed'), reason: fc.constantFrom('Died down', 'Duplicate') }),
);

// Invalid, but objects with a string `type`: what a typed app could still send by mistake.
const invalidEvent = fc.oneof(
  fc.constantFrom('acess.denied', 'message.deleted', 'xstate.init', 'window.elapsed').map((type) => ({ type })),
  fc.record({ type: fc.constant('call.completed'), apology: fc.constantFrom('yes', 1, null) }),
  fc.record({ type: fc.constant('contact.received'), channel: fc.string({ maxLength: 8 }) }),
  fc.record({ type: fc.constant('threat.reported'), kind: fc.constantFrom('hug', 'VISIT', '') }),
  fc.record({ type: fc.constant('incident.closed') }),
  fc.record({ type: fc.constant('facts.update'), facts: fc.constantFrom({ venue: 'forum' }, { mood: 'bad' }, 'all good') }),
  fc.constant({ type: 'message.sent', note: 'x'.repeat(2001) }),
  fc.constant(JSON.parse('{"type":"message.sent","__proto__":{"polluted":true}}') as object),
  fc.constant({ type: 'message.sent', constructor: 'x' }),
);

type Step = { kind: 'event'; event: Record<string, unknown> } | { kind: 'advance'; ms: number } | { kind: 'restart' };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: validEvent.map((event) => ({ kind: 'event' as const, event })) },
  { weight: 2, arbitrary: invalidEvent.map((event) => ({ kind: 'event' as const, event: event as Record<string, unknown> })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 72 * HOUR }).map((ms) => ({ kind: 'advance' as const, ms })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

function isPrefix(before: readonly unknown[], after: readonly unknown[]) {
  return before.every((entry, index) => JSON.stringify(entry) === JSON.stringify(after[index]));
}

describe(`${runs} generated sequences of valid and invalid events and clock jumps`, () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never throw, keep a defined state and an append-only timeline, keep a final state reachable, and agree pure and live', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        vi.useFakeTimers({ now: t0 });
        let now = t0;
        let stored: StoredIncident = openIncident({ now }).incident;
        let actor = createActor(crisisMachine).start();
        try {
          for (const item of steps) {
            const before = stored;
            const copy = structuredClone(stored);
            if (item.kind === 'advance') {
              // Pure mode does nothing until the next call: decide applies what fell due first.
              now += item.ms;
              vi.advanceTimersByTime(item.ms);
            } else if (item.kind === 'restart') {
              // The live process stops and comes back from its stored incident.
              const persisted = serializeIncident(actor.getSnapshot());
              actor.stop();
              actor = restoreIncident(JSON.stringify(persisted), { now }) as typeof actor;
            } else {
              const result = safeDecide(stored, item.event, { now });
              if (result.success) stored = result.data.incident;
              else expect(stored).toEqual(copy);
              if (actor.getSnapshot().status === 'active') actor.send(item.event as never);
            }
            // A defined state, consistent with its timeline and deadlines (parse checks both).
            expect(() => parseStoredIncident(stored)).not.toThrow();
            // Append-only.
            expect(isPrefix(before.snapshot.context.timeline, stored.snapshot.context.timeline)).toBe(true);
            // Pure and live agree, once what fell due is applied.
            const view = decideDue(stored, { now }).incident;
            const live = actor.getSnapshot();
            expect(live.value).toEqual(view.snapshot.value);
            expect(JSON.parse(JSON.stringify(live.context))).toEqual(view.snapshot.context);
          }
          // A final state stays reachable.
          if (stored.snapshot.status === 'active') {
            expect(decide(stored, { type: 'incident.closed', reason: 'End of test' }, { now }).status).toBe('done');
          }
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        } finally {
          actor.stop();
          vi.useRealTimers();
        }
      }),
      { numRuns: runs, seed: process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined },
    );
  }, 600_000);
});
