import { describe, expect, it } from 'vitest';
import { currentRung, currentTracks, recommend } from 'crisis-playbook';
import { pathTo, startIncident } from './helpers.js';

describe('the community track', () => {
  it('goes from quiet to supported and counts every report, without moving the ladder', () => {
    const actor = startIncident(pathTo.directMessage);
    expect(currentTracks(actor.getSnapshot()).community).toBe('quiet');
    actor.send({ type: 'community.supported', note: 'Regulars defend the shop' });
    actor.send({ type: 'community.supported' });
    const snapshot = actor.getSnapshot();
    expect(currentTracks(snapshot).community).toBe('supported');
    expect(snapshot.context.supporters).toBe(2);
    expect(currentRung(snapshot)).toBe('directMessage');
    expect(snapshot.context.timeline.slice(-2).map((e) => [e.type, e.from, e.to, e.note])).toEqual([
      ['community.supported', 'directMessage', 'directMessage', 'Regulars defend the shop'],
      ['community.supported', 'directMessage', 'directMessage', undefined],
    ]);
  });

  it('adds "let them, thank them privately, do not pile on" after the ladder advice', () => {
    const actor = startIncident([...pathTo.directMessage, { type: 'community.supported' }]);
    const recommendations = recommend(actor.getSnapshot());
    expect(recommendations.map((r) => r.title)).toEqual([
      'Message the person privately, then wait for the reply',
      'Let your supporters speak',
    ]);
    expect(recommendations[1]!.detail).toMatch(/thank them privately/);
    expect(recommendations[1]!.because[1]).toMatchObject({ guard: 'hasSupporters', result: true, facts: { supporters: 1 } });
    expect(recommendations[1]!.source).toEqual({ track: 'community', state: 'supported' });
  });
});

describe('the safety track', () => {
  it('records every threat and does not stop the ladder', () => {
    const actor = startIncident([
      ...pathTo.intermediary,
      { type: 'threat.reported', kind: 'legal-action', note: 'Mentions a lawyer' },
      { type: 'threat.reported', kind: 'visit' },
      { type: 'intermediary.declined' },
    ]);
    const snapshot = actor.getSnapshot();
    expect(currentTracks(snapshot).safety).toBe('threatened');
    expect(snapshot.context.threats.map((t) => [t.kind, t.note])).toEqual([
      ['legal-action', 'Mentions a lawyer'],
      ['visit', undefined],
    ]);
    expect(currentRung(snapshot)).toBe('monitoring');
  });

  it('puts "contact the authorities" first for a threat of violence, and explains why', () => {
    const actor = startIncident([
      ...pathTo.directMessage,
      { type: 'community.supported' },
      { type: 'threat.reported', kind: 'visit' },
      { type: 'threat.reported', kind: 'violence' },
    ]);
    const [first, ...rest] = recommend(actor.getSnapshot());
    expect(first!.title).toBe('Contact the authorities now');
    expect(first!.because).toContainEqual(
      expect.objectContaining({ kind: 'guard', guard: 'hasViolenceThreat', result: true, facts: { threats: ['visit', 'violence'] } }),
    );
    // Each kind of threat adds its own advice; the general briefing comes once.
    expect(rest.map((r) => r.title)).toEqual([
      'Message the person privately, then wait for the reply',
      'Brief the front desk and plan for a visit',
      'Brief staff and document everything',
      'Let your supporters speak',
    ]);
    expect(first!.because.map((reason) => reason.text)).toEqual([
      'Threats were made; each one is recorded and raises the severity.',
      'Someone threatened violence.',
    ]);
  });

  it('does not advise contacting the authorities for threats without violence', () => {
    const actor = startIncident([{ type: 'threat.reported', kind: 'police-report' }]);
    const titles = recommend(actor.getSnapshot()).map((r) => r.title);
    expect(titles).not.toContain('Contact the authorities now');
    expect(titles).toContain('Brief staff and document everything');
    expect(actor.getSnapshot().hasTag('severity-raised')).toBe(true);
    const brief = recommend(actor.getSnapshot()).find((r) => r.title === 'Brief staff and document everything')!;
    expect(brief.because.map((b) => b.text)).toEqual([
      'Threats were made; each one is recorded and raises the severity.',
      'Threats recorded so far: police report.',
    ]);
    expect(brief.because[1]).toMatchObject({ kind: 'guard', guard: 'hasThreats', result: true, facts: { threats: ['police-report'] } });
    expect(titles).toContain('Keep to the facts for a police report');
    expect(titles).not.toContain('Brief the front desk and plan for a visit');
  });

  it('gives each kind of threat its own advice, and several threats combine without repeating', () => {
    const kinds = ['visit', 'police-report', 'legal-action', 'violence', 'other'] as const;
    const titleOf = {
      visit: 'Brief the front desk and plan for a visit',
      'police-report': 'Keep to the facts for a police report',
      'legal-action': 'Prepare for legal action',
      violence: 'Contact the authorities now',
      other: 'Take the threat seriously, without escalating',
    };
    for (const kind of kinds) {
      const titles = recommend(startIncident([{ type: 'threat.reported', kind }]).getSnapshot()).map((r) => r.title);
      // Its own advice and the general briefing, and no other kind's advice.
      expect(titles, kind).toContain(titleOf[kind]);
      expect(titles, kind).toContain('Brief staff and document everything');
      for (const other of kinds) if (other !== kind) expect(titles, `${kind} without ${other}`).not.toContain(titleOf[other]);
    }
    const all = recommend(startIncident([...kinds, 'visit' as const].map((kind) => ({ type: 'threat.reported' as const, kind }))).getSnapshot());
    const titles = all.map((r) => r.title);
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles.slice(0, 1)).toEqual(['Contact the authorities now']);
    for (const kind of kinds) expect(titles).toContain(titleOf[kind]);
    // No two pieces of advice say the same thing.
    const details = all.map((r) => r.detail);
    expect(new Set(details).size).toBe(details.length);
  });
});
