import { describe, expect, it, vi } from 'vitest';
import { type CrisisEvent, IncidentError } from 'crisis-playbook';
import { decide, MemoryIncidentStore, openIncident, updateIncident } from 'crisis-playbook/server';

const t0 = Date.parse('2026-04-06T19:00:00.000Z');

async function storeWithIncident() {
  const store = new MemoryIncidentStore();
  const { incident } = openIncident({ now: t0 });
  await store.create('inc-1', incident);
  return store;
}

describe('MemoryIncidentStore', () => {
  it('creates at version 1, loads copies, and bumps the version on every save', async () => {
    const store = await storeWithIncident();
    const loaded = (await store.load('inc-1'))!;
    expect(loaded.version).toBe(1);
    const next = decide(loaded.incident, { type: 'assessment.complete' }, { now: t0 + 1 });
    const saved = await store.save('inc-1', next.incident, 1);
    expect(saved.version).toBe(2);
    // Mutating what was loaded does not touch the store.
    (loaded.incident.snapshot.context.timeline as unknown[]).push('junk');
    expect((await store.load('inc-1'))!.incident).toEqual(next.incident);
    expect(await store.load('nope')).toBeUndefined();
  });

  it('rejects a save against a stale version, and a second create', async () => {
    const store = await storeWithIncident();
    const loaded = (await store.load('inc-1'))!;
    await store.save('inc-1', decide(loaded.incident, { type: 'assessment.complete' }, { now: t0 + 1 }).incident, 1);
    const stale = store.save('inc-1', decide(loaded.incident, { type: 'facts.update', facts: {} }, { now: t0 + 2 }).incident, 1);
    await expect(stale).rejects.toBeInstanceOf(IncidentError);
    await expect(stale).rejects.toMatchObject({ code: 'stale_version' });
    await expect(store.create('inc-1', loaded.incident)).rejects.toMatchObject({ code: 'already_exists' });
    await expect(store.save('inc-2', loaded.incident, 1)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('loses nothing when writers race on one incident', async () => {
    const store = await storeWithIncident();
    const events: CrisisEvent[] = [
      { type: 'community.supported', by: 'writer-1' },
      { type: 'threat.reported', kind: 'visit', by: 'writer-2' },
      { type: 'facts.update', facts: { insiderInVenue: true }, by: 'writer-3' },
      { type: 'community.supported', by: 'writer-4' },
      { type: 'threat.reported', kind: 'police-report', by: 'writer-5' },
    ];
    let attempts = 0;
    await Promise.all(
      events.map((event, index) =>
        updateIncident(
          store,
          'inc-1',
          async (incident) => {
            attempts++;
            // Interleave: every writer reads before any of them writes.
            await new Promise((resolve) => setTimeout(resolve, 5 - index));
            return decide(incident, event, { now: t0 + 1_000 }).incident;
          },
          { attempts: 10 },
        ),
      ),
    );
    const final = (await store.load('inc-1'))!;
    expect(final.version).toBe(1 + events.length);
    expect(final.incident.snapshot.context.timeline.map((entry) => entry.by).sort()).toEqual(events.map((e) => e.by).sort());
    expect(attempts).toBeGreaterThan(events.length);
  });

  it('gives up after the allowed attempts with the stale-version error', async () => {
    const store = await storeWithIncident();
    let bump = 0;
    const racing = updateIncident(
      store,
      'inc-1',
      async (incident) => {
        // Another writer saves every time before this one does.
        const current = (await store.load('inc-1'))!;
        await store.save('inc-1', decide(current.incident, { type: 'community.supported' }, { now: t0 + ++bump }).incident, current.version);
        return decide(incident, { type: 'facts.update', facts: {} }, { now: t0 + 1_000 }).incident;
      },
      { attempts: 3 },
    );
    await expect(racing).rejects.toMatchObject({ code: 'stale_version' });
    expect(bump).toBe(3);
  });
});

describe('updateIncident under contention', () => {
  it('refuses attempts that are not a positive integer, and bad backoff times', async () => {
    const store = await storeWithIncident();
    const same = (incident: Parameters<Parameters<typeof updateIncident>[2]>[0]) => incident;
    for (const attempts of [Number.NaN, 0, -1, 1.5, Number.POSITIVE_INFINITY, '3' as unknown as number]) {
      await expect(updateIncident(store, 'inc-1', same, { attempts })).rejects.toThrow(/"attempts" must be a positive integer/);
    }
    await expect(updateIncident(store, 'inc-1', same, { backoff: { initialMs: -1 } })).rejects.toThrow(/backoff.initialMs/);
    await expect(updateIncident(store, 'inc-1', same, { backoff: { maxMs: Number.NaN } })).rejects.toThrow(/backoff.maxMs/);
  });

  it('lets at least 99 % of 50 concurrent writers through at default settings, and loses none of them', async () => {
    const store = await storeWithIncident();
    // A store whose round trips take a little time, as a database's do, so that writers overlap.
    const slow = {
      load: async (id: string) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return store.load(id);
      },
      create: store.create.bind(store),
      save: async (id: string, incident: Parameters<typeof store.save>[1], version: number) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return store.save(id, incident, version);
      },
    };
    const writers = Array.from({ length: 50 }, (_, index) => `writer-${index}`);
    // The round trips and the backoff run on fake timers: the writers overlap the same way
    // whatever the machine's load (on a busy machine, real 1 ms timers fire late and in bunches).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let results: PromiseSettledResult<unknown>[];
    try {
      const settled = Promise.allSettled(
        writers.map((by, index) =>
          updateIncident(slow, 'inc-1', (incident) => decide(incident, { type: 'community.supported', by }, { now: t0 + 1_000 + index }).incident),
        ),
      );
      await vi.runAllTimersAsync();
      results = await settled;
    } finally {
      vi.useRealTimers();
    }
    const succeeded = results.filter((result) => result.status === 'fulfilled').length;
    expect(succeeded / writers.length).toBeGreaterThanOrEqual(0.99);
    const { incident } = (await store.load('inc-1'))!;
    const recorded = incident.snapshot.context.timeline.map((entry) => entry.by);
    // Every writer that succeeded is in the timeline exactly once; nobody else is.
    const winners = writers.filter((_, index) => results[index]!.status === 'fulfilled');
    expect([...recorded].sort()).toEqual([...winners].sort());
    expect(incident.snapshot.context.supporters).toBe(winners.length);
  });
});
