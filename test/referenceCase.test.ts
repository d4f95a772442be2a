import { describe, expect, it } from 'vitest';
import { currentRung, currentTracks, recommend } from 'crisis-playbook';
import { referenceCase } from '../examples/reference-case/events.js';
import { referenceRungs, startIncident } from './helpers.js';

describe('the reference case', () => {
  it('climbs the ladder rung by rung, runs both side tracks and ends resolved', () => {
    const actor = startIncident();
    const rungs: string[] = [];
    const tracks: Record<string, string>[] = [];
    for (const event of referenceCase) {
      actor.send(event);
      rungs.push(currentRung(actor.getSnapshot()));
      tracks.push(currentTracks(actor.getSnapshot()));
    }

    expect(rungs).toEqual(referenceRungs);
    expect(tracks[6]).toEqual({ community: 'quiet', safety: 'none' });
    expect(tracks[7]).toEqual({ community: 'supported', safety: 'none' });
    expect(tracks[8]).toEqual({ community: 'supported', safety: 'threatened' });
    expect(tracks[10]).toEqual({ community: 'supported', safety: 'threatened' });

    const snapshot = actor.getSnapshot();
    expect(snapshot.status).toBe('done');
    expect(snapshot.output).toEqual({
      outcome: 'resolved',
      apology: true,
      closeReason: null,
      threats: ['visit', 'police-report'],
      timelineLength: 12,
    });
  });

  it('keeps one timeline entry per accepted event with the rung before and after', () => {
    const actor = startIncident(referenceCase);
    const { timeline } = actor.getSnapshot().context;

    expect(timeline.map((entry) => entry.type)).toEqual(referenceCase.map((event) => event.type));
    expect(timeline.map((entry) => entry.occurredAt)).toEqual(referenceCase.map((event) => event.at));
    // Processing times never go backwards.
    const processed = timeline.map((entry) => Date.parse(entry.at));
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(timeline.map((entry) => `${entry.from}>${entry.to}`)).toEqual([
      'gatheringInfo>gatheringInfo',
      'gatheringInfo>requestingAccess',
      'requestingAccess>requestingAccess',
      'requestingAccess>directMessage',
      'directMessage>directMessage',
      'directMessage>intermediary',
      'intermediary>intermediary',
      'intermediary>intermediary',
      'intermediary>intermediary',
      'intermediary>intermediary',
      'intermediary>phoneCall',
      'phoneCall>resolved',
    ]);
    expect(timeline[3]).toMatchObject({ by: 'Ana', note: 'The group admin refused.' });
    // Each entry starts where the previous one ended.
    timeline.slice(1).forEach((entry, index) => expect(entry.from).toBe(timeline[index]!.to));
  });

  it('records the facts, the threats, the supporters and the call in context', () => {
    const { context } = startIncident(referenceCase).getSnapshot();
    expect(context.facts).toMatchObject({ venue: 'private-group', insiderInVenue: true, memberOfVenue: false });
    expect(context.threats).toEqual([
      { kind: 'visit', at: '2026-04-07T17:40:00Z' },
      { kind: 'police-report', at: '2026-04-07T17:45:00Z' },
    ]);
    expect(context.supporters).toBe(1);
    expect(context.intermediary).toBe('Ben');
    expect(context.call).toEqual({ apology: true, agreement: true });
  });

  it('advises on every step, the threats and the supporters while the incident is open', () => {
    const actor = startIncident(referenceCase.slice(0, -1));
    const titles = recommend(actor.getSnapshot()).map((r) => r.title);
    // The visit and the police report each get their own advice, after the call and before the supporters.
    expect(titles).toEqual([
      'Call and listen',
      'Brief the front desk and plan for a visit',
      'Keep to the facts for a police report',
      'Brief staff and document everything',
      'Let your supporters speak',
    ]);
  });
});
