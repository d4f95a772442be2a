import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createIncident, crisisMachine, currentSeverity, defaultPlaybook, recommend } from 'crisis-playbook';
import { compilePlaybook, safeParsePlaybook } from 'crisis-playbook/authoring';
import { decide, openIncident } from 'crisis-playbook/server';
import { defaultPlaybookFr } from 'crisis-playbook/fr';

const opened = Date.parse('2026-04-06T19:00:00Z');

function incident() {
  const clock = new SimulatedClock();
  clock.set(opened);
  return createIncident(crisisMachine, { clock }).start();
}

describe('severity', () => {
  it('is derived by the playbook’s rules: public posts, threats, a threat of violence', () => {
    const quiet = incident();
    expect(currentSeverity(quiet.getSnapshot())).toEqual({
      level: 'low',
      title: 'Low',
      rank: 0,
      respondWithin: 24 * 3_600_000,
      respondBy: '2026-04-07T19:00:00.000Z',
      because: [{ kind: 'severity', text: 'Low: one person is upset; nothing recorded puts the posts in public view.' }],
    });
    quiet.send({ type: 'facts.update', facts: { venue: 'public-group' } });
    expect(currentSeverity(quiet.getSnapshot())).toMatchObject({ level: 'medium', respondBy: '2026-04-06T23:00:00.000Z' });
    quiet.send({ type: 'threat.reported', kind: 'visit' });
    const high = currentSeverity(quiet.getSnapshot())!;
    expect(high).toMatchObject({ level: 'high', rank: 2, respondWithin: 3_600_000, respondBy: '2026-04-06T20:00:00.000Z' });
    expect(high.because.map((reason) => reason.text)).toEqual(['High: threats were made.', 'Threats recorded so far: visit.']);
    quiet.send({ type: 'threat.reported', kind: 'violence' });
    expect(currentSeverity(quiet.getSnapshot())).toMatchObject({ level: 'critical', respondWithin: 900_000, respondBy: '2026-04-06T19:15:00.000Z' });
    quiet.stop();
  });

  it('advises on the response-time target until someone responds, among the other advice by priority', () => {
    const live = incident();
    live.send({ type: 'threat.reported', kind: 'violence' });
    const titles = recommend(live.getSnapshot()).map((item) => [item.title, item.source.track]);
    expect(titles.slice(0, 2)).toEqual([
      ['Contact the authorities now', 'safety'],
      ['Act within 15 minutes', 'severity'],
    ]);
    live.send({ type: 'assessment.complete' }); // the first response: the ladder moved
    expect(currentSeverity(live.getSnapshot())).toMatchObject({ level: 'critical' });
    expect(currentSeverity(live.getSnapshot())!.respondBy).toBeUndefined();
    expect(recommend(live.getSnapshot()).map((item) => item.title)).not.toContain('Act within 15 minutes');
    live.stop();
  });

  it('comes with every decision, and in French', () => {
    const open = openIncident({ now: opened });
    const decision = decide(open.incident, { type: 'threat.reported', kind: 'legal-action' }, { now: opened + 60_000 });
    expect(decision.severity).toMatchObject({ level: 'high', respondBy: '2026-04-06T20:00:00.000Z' });
    const live = incident();
    live.send({ type: 'threat.reported', kind: 'violence' });
    const french = currentSeverity(live.getSnapshot(), { locale: 'fr', translations: defaultPlaybookFr })!;
    expect(french.title).toBe('Critique');
    expect(french.because[0]!.text).toBe('Critique : quelqu’un pourrait être en danger.');
    live.stop();
  });

  it('is absent from a playbook without severity rules', () => {
    const { severity: _, ...withoutSeverity } = defaultPlaybook;
    const live = createIncident(compilePlaybook(withoutSeverity)).start();
    expect(currentSeverity(live.getSnapshot())).toBeUndefined();
    expect(recommend(live.getSnapshot()).some((item) => item.source.track === 'severity')).toBe(false);
    live.stop();
  });

  it('is checked: known and unique levels, durations, guards, and "severity" is not a track id', () => {
    const result = safeParsePlaybook({
      ...defaultPlaybook,
      severity: {
        levels: [
          { id: 'low', title: 'Low', description: 'Low.', respondWithin: '30d' },
          { id: 'low', title: 'Again', description: 'Again.' },
        ],
        rules: [{ when: 'hasThreatz', level: 'catastrophic' }],
      },
      tracks: [...defaultPlaybook.tracks, { id: 'severity', title: 'Severity', description: 'No.', initial: 'a', states: [{ id: 'a', title: 'A', description: 'A.', advice: [] }] }],
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual([
      ['invalid_duration', 'severity.levels.0.respondWithin'],
      ['duplicate_id', 'severity.levels.1.id'],
      ['unknown_level', 'severity.rules.0.level'],
      ['unknown_guard', 'severity.rules.0.when'],
      ['reserved_id', 'tracks.2.id'],
    ]);
  });

  it('is checked: a severity rule, an advice item or a draft may not compare the event, which they never have', () => {
    const ladder = defaultPlaybook.ladder;
    const first = ladder.rungs[0]!;
    const result = safeParsePlaybook({
      ...defaultPlaybook,
      ladder: {
        ...ladder,
        rungs: [
          {
            ...first,
            advice: [
              {
                ...first.advice[0]!,
                when: { any: [{ path: 'facts.witnessed', equals: true }, { not: { path: 'event.kind', equals: 'visit' } }] },
                drafts: [{ title: 'Note', text: 'Hello.', when: { path: 'event', equals: 'x' } }],
              },
            ],
          },
          ...ladder.rungs.slice(1),
        ],
      },
      severity: { ...defaultPlaybook.severity, rules: [{ when: { all: [{ path: 'event.kind', equals: 'violence' }] }, level: 'critical' }] },
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual([
      ['event_without_event', 'ladder.rungs.0.advice.0.drafts.0.when.path'],
      ['event_without_event', 'ladder.rungs.0.advice.0.when.any.1.not.path'],
      ['event_without_event', 'severity.rules.0.when.all.0.path'],
    ]);
    expect(result.error.issues[2]!.message).toBe('A severity rule is evaluated with no event at hand, so it cannot read "event.kind"; compare facts, threats or supporters instead');
  });
});
