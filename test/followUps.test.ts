// Follow-ups before giving up (issue 14, point 6): a rung sends a bounded number of follow-ups
// when its window runs out before it takes the window's move.
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createIncident, currentRung, defaultPlaybook, recommend, type PlaybookDefinition } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook, playbookTexts, safeParsePlaybook } from 'crisis-playbook/authoring';
import { createIncidentRuntime } from 'crisis-playbook/server';
import { toMermaid } from 'crisis-playbook/visualize';
import { machineConfig } from '../src/compile/machineConfig.js';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-04-06T19:00:00.000Z');
const followUp = 'Send one short, friendly follow-up message.';
const playbook = extendPlaybook(defaultPlaybook)
  .rename({ id: 'follow-up', version: '1.0.0' })
  .setFollowUps('directMessage', { window: 'replyWindow', max: 1, description: followUp })
  .build();
const machine = compilePlaybook(playbook);
const insider = { type: 'facts.update', facts: { insiderInVenue: true } } as const;

describe('follow-ups compiled', () => {
  it('puts a guarded, re-entering move that records the follow-up before the window moves', () => {
    const config = JSON.parse(JSON.stringify(machineConfig(playbook))) as { states: { active: { states: { ladder: { states: Record<string, { after?: Record<string, unknown[]> }> } } } } };
    const rungs = config.states.active.states.ladder.states;
    const moves = rungs.directMessage!.after!.replyWindow!;
    expect(moves[0]).toEqual({
      target: 'directMessage',
      reenter: true,
      guard: { type: 'canFollowUp', params: { rung: 'directMessage', max: 1 } },
      actions: [
        {
          type: 'appendTimeline',
          params: { from: 'directMessage', to: 'directMessage', window: 'replyWindow', followUp: true, leave: 'directMessage', enter: ['replyWindow'] },
        },
        // The playbook has response-time targets: a live incident's reminder timer follows each change.
        'armReminder',
      ],
      description: followUp,
    });
    expect(moves.slice(1)).toEqual(JSON.parse(JSON.stringify(machineConfig(defaultPlaybook))).states.active.states.ladder.states.directMessage.after.replyWindow);
    // Other rungs and the default playbook have none.
    expect(JSON.stringify(rungs.requestingAccess)).not.toContain('canFollowUp');
    expect(JSON.stringify(machineConfig(defaultPlaybook))).not.toContain('canFollowUp');
  });
});

describe('follow-ups in a live incident (simulated clock)', () => {
  it('stays on the rung once, records follow-up 1 of 1 and restarts the window, then moves on', () => {
    const clock = new SimulatedClock();
    clock.set(t0);
    const incident = createIncident(machine, { clock }).start();
    incident.send(insider);
    incident.send({ type: 'assessment.complete' });
    clock.increment(24 * HOUR - 1);
    expect(currentRung(incident.getSnapshot())).toBe('directMessage');
    clock.increment(1);
    let context = incident.getSnapshot().context;
    expect(currentRung(incident.getSnapshot())).toBe('directMessage');
    expect(context.timeline.at(-1)).toEqual({
      at: '2026-04-07T19:00:00.000Z',
      type: 'window.elapsed',
      from: 'directMessage',
      to: 'directMessage',
      window: 'replyWindow',
      followUp: 1,
    });
    expect(context.followUps).toEqual({ directMessage: 1 });
    expect(context.deadlines).toEqual([{ window: 'replyWindow', rung: 'directMessage', due: '2026-04-08T19:00:00.000Z' }]);
    clock.increment(24 * HOUR);
    context = incident.getSnapshot().context;
    expect(currentRung(incident.getSnapshot())).toBe('intermediary');
    expect(context.timeline.at(-1)).toEqual({ at: '2026-04-08T19:00:00.000Z', type: 'window.elapsed', from: 'directMessage', to: 'intermediary', window: 'replyWindow' });
    expect(context.followUps).toBeUndefined();
    expect(context.timeline.filter((entry) => entry.followUp !== undefined)).toHaveLength(1);
    incident.stop();
  });

  it('counts each follow-up up to max before it moves on', () => {
    const twice = compilePlaybook(extendPlaybook(playbook).setFollowUps('directMessage', { window: 'replyWindow', max: 2 }).build());
    const clock = new SimulatedClock();
    const incident = createIncident(twice, { clock }).start();
    incident.send({ type: 'assessment.complete' });
    clock.increment(24 * HOUR);
    clock.increment(24 * HOUR);
    expect(incident.getSnapshot().context.timeline.map((entry) => entry.followUp)).toEqual([undefined, 1, 2]);
    expect(incident.getSnapshot().context.followUps).toEqual({ directMessage: 2 });
    clock.increment(24 * HOUR);
    expect(currentRung(incident.getSnapshot())).toBe('monitoring');
    incident.stop();
  });

  it('leaves the default playbook without follow-ups: the reply window moves on at once', () => {
    const clock = new SimulatedClock();
    const incident = createIncident(compilePlaybook(defaultPlaybook), { clock }).start();
    incident.send({ type: 'assessment.complete' });
    clock.increment(24 * HOUR);
    expect(currentRung(incident.getSnapshot())).toBe('monitoring');
    expect(incident.getSnapshot().context).not.toHaveProperty('followUps');
    incident.stop();
  });
});

describe('follow-ups in the server runtime', () => {
  const runtime = createIncidentRuntime({ playbooks: [machine] });
  const opened = runtime.open({ now: t0 });
  const onMessage = runtime.decide(runtime.decide(opened.incident, insider, { now: t0 }).incident, { type: 'assessment.complete' }, { now: t0 });

  it('decideDue applies each follow-up exactly once, then the move', () => {
    const first = runtime.decideDue(onMessage.incident, { now: t0 + 24 * HOUR });
    expect(first.added).toEqual([
      { at: '2026-04-07T19:00:00.000Z', type: 'window.elapsed', from: 'directMessage', to: 'directMessage', window: 'replyWindow', followUp: 1 },
    ]);
    expect(first.rung).toBe('directMessage');
    expect(first.incident.snapshot.context.followUps).toEqual({ directMessage: 1 });
    expect(first.deadlines.map((deadline) => deadline.at)).toEqual(['2026-04-08T19:00:00.000Z']);
    const again = runtime.decideDue(first.incident, { now: t0 + 30 * HOUR });
    expect(again.changed).toBe(false);
    expect(again.added).toEqual([]);
    const second = runtime.decideDue(first.incident, { now: t0 + 48 * HOUR });
    expect(second.added).toEqual([
      { at: '2026-04-08T19:00:00.000Z', type: 'window.elapsed', from: 'directMessage', to: 'intermediary', window: 'replyWindow' },
    ]);
    expect(second.rung).toBe('intermediary');
    expect(second.incident.snapshot.context.followUps).toBeUndefined();
    expect(JSON.stringify(second.incident)).not.toContain('followUps');
    // Both at once, late: the follow-up at the first due time, the move a window after it.
    const late = runtime.decideDue(onMessage.incident, { now: t0 + 100 * HOUR });
    expect(late.added.map((entry) => [entry.at, entry.to, entry.followUp])).toEqual([
      ['2026-04-07T19:00:00.000Z', 'directMessage', 1],
      ['2026-04-08T19:00:00.000Z', 'intermediary', undefined],
      ['2026-04-10T19:00:00.000Z', 'monitoring', undefined],
    ]);
  });

  it('accepts a stored incident with its follow-up count, and refuses a tampered one', () => {
    const stored = runtime.decideDue(onMessage.incident, { now: t0 + 24 * HOUR }).incident;
    expect(runtime.parse(JSON.parse(JSON.stringify(stored))).snapshot.context.followUps).toEqual({ directMessage: 1 });
    const edit = (change: (doc: { snapshot: { context: Record<string, unknown> & { timeline: Record<string, unknown>[] } } }) => void) => {
      const doc = JSON.parse(JSON.stringify(stored));
      change(doc);
      return runtime.safeParse(doc);
    };
    const refused = (result: ReturnType<typeof runtime.safeParse>) => (result.success ? [] : result.error.issues.map((issue) => issue.path.join('.')));
    expect(refused(edit((d) => (d.snapshot.context.followUps = { directMessage: 2 })))).toContain('snapshot.context.followUps');
    expect(refused(edit((d) => delete d.snapshot.context.followUps))).toContain('snapshot.context.followUps');
    expect(refused(edit((d) => (d.snapshot.context.followUps = { intermediary: 1 })))).toContain('snapshot.context.followUps');
    expect(refused(edit((d) => (d.snapshot.context.followUps = { directMessage: 0 })))).toContain('snapshot.context.followUps.directMessage');
    expect(refused(edit((d) => (d.snapshot.context.timeline[2]!.followUp = 2)))).toContain('snapshot.context.timeline.2.followUp');
    // Without its number, the entry is a stay on the window that the playbook does not have.
    expect(refused(edit((d) => delete d.snapshot.context.timeline[2]!.followUp))).toContain('snapshot.context.timeline.2');
    expect(refused(edit((d) => (d.snapshot.context.timeline[1]!.followUp = 1)))).toContain('snapshot.context.timeline.1.followUp');
    // Moving on before the follow-up was sent.
    const skipped = runtime.decideDue(onMessage.incident, { now: t0 + 48 * HOUR }).incident;
    const doc = JSON.parse(JSON.stringify(skipped));
    expect(runtime.parse(doc).snapshot.value).toEqual({ active: { ladder: 'intermediary', community: 'quiet', safety: 'none' } });
    doc.snapshot.context.timeline.splice(2, 1);
    doc.snapshot.context.timeline[2].at = '2026-04-07T19:00:00.000Z';
    doc.snapshot.context.deadlines[0].due = '2026-04-09T19:00:00.000Z';
    const result = runtime.safeParse(doc);
    expect(result.success ? [] : result.error.issues.map((issue) => issue.message)).toEqual([
      'Rung "directMessage" sends 1 follow-up(s) before it moves on when "replyWindow" runs out, but the timeline records 0',
    ]);
  });
});

describe('follow-ups in advice and the diagram', () => {
  it('says "send follow-up 1 of 1" before the final move, and how many were sent', () => {
    const clock = new SimulatedClock();
    const incident = createIncident(machine, { clock }).start();
    incident.send(insider);
    incident.send({ type: 'assessment.complete' });
    let top = recommend(incident.getSnapshot())[0]!;
    expect(top.next[0]).toEqual({
      if: 'the reply window of 24 hours runs out',
      then: 'send follow-up 1 of 1: send one short, friendly follow-up message',
      target: 'directMessage',
      window: 'replyWindow',
      events: [],
      because: [],
      followUp: { number: 1, max: 1 },
    });
    expect(top.next.find((step) => step.target === 'intermediary')!.if).toBe('the private message got no answer');
    clock.increment(24 * HOUR);
    top = recommend(incident.getSnapshot())[0]!;
    expect(top.because.map((reason) => reason.text)).toContain('The reply window of 24 hours ran out, so you sent follow-up 1 of 1 and wait again.');
    expect(top.next.some((step) => step.followUp !== undefined)).toBe(false);
    expect(top.next[0]!.if).toBe('the reply window of 24 hours runs out, or the private message got no answer');
    expect(top.next[0]!.target).toBe('intermediary');
    expect(recommend(incident.getSnapshot(), { locale: 'fr' })[0]!.because.map((reason) => reason.text).join('\n')).toContain('relance 1 sur 1');
    incident.stop();
  });

  it('labels the window in the diagram with its follow-ups; the default diagram is unchanged', () => {
    expect(toMermaid(playbook)).toContain('after replyWindow #215;1 follow-up');
    expect(toMermaid(defaultPlaybook)).not.toContain('follow-up');
    expect(toMermaid(defaultPlaybook)).toBe(toMermaid(extendPlaybook(playbook).setFollowUps('directMessage', undefined).rename({ id: defaultPlaybook.id, version: defaultPlaybook.version, title: defaultPlaybook.title, description: defaultPlaybook.description }).build()));
  });

  it('lists the follow-up description among the texts to translate', () => {
    expect(playbookTexts(playbook)).toContain(followUp);
  });
});

describe('follow-ups validated', () => {
  const withFollowUps = (rung: number, followUps: unknown): unknown => {
    const copy = JSON.parse(JSON.stringify(defaultPlaybook)) as { ladder: { rungs: Record<string, unknown>[] } };
    copy.ladder.rungs[rung]!.followUps = followUps;
    return copy;
  };
  const issues = (document: unknown) => {
    const result = safeParsePlaybook(document);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.code}`);
  };
  const index = (id: string) => defaultPlaybook.ladder.rungs.findIndex((rung) => rung.id === id);
  const dm = index('directMessage');

  it('accepts a positive whole max of at most 10 on a window of the rung', () => {
    expect(issues(withFollowUps(dm, { window: 'replyWindow', max: 10 }))).toEqual([]);
  });

  it.each([
    [{ window: 'replyWindow', max: 0 }, `ladder.rungs.${dm}.followUps.max too_small`],
    [{ window: 'replyWindow', max: 11 }, `ladder.rungs.${dm}.followUps.max too_big`],
    [{ window: 'replyWindow', max: 1.5 }, `ladder.rungs.${dm}.followUps.max invalid_type`],
    [{ window: 'replyWindow' }, `ladder.rungs.${dm}.followUps.max invalid_type`],
    [{ window: 'replyWindow', max: 1, extra: true }, `ladder.rungs.${dm}.followUps unrecognized_keys`],
    [{ window: 'accessWindow', max: 1 }, `ladder.rungs.${dm}.followUps.window unknown_window`],
    [{ window: 'noSuchWindow', max: 1 }, `ladder.rungs.${dm}.followUps.window unknown_window`],
  ])('refuses %j', (followUps, issue) => {
    expect(issues(withFollowUps(dm, followUps))).toContain(issue);
  });

  it('refuses follow-ups on a final rung', () => {
    expect(issues(withFollowUps(index('resolved'), { window: 'replyWindow', max: 1 }))).toContain(`ladder.rungs.${index('resolved')}.followUps final_with_transitions`);
  });

  it('setFollowUps refuses an unknown rung', () => {
    const result = extendPlaybook(defaultPlaybook).setFollowUps('nowhere' as never, { window: 'replyWindow', max: 1 }).safeBuild();
    expect(result.success).toBe(false);
  });

  it('keeps the example playbook valid with its follow-up', async () => {
    const { readFileSync } = await import('node:fs');
    const json = JSON.parse(readFileSync(new URL('../examples/json-playbook/playbook.json', import.meta.url), 'utf8')) as PlaybookDefinition;
    expect(json.ladder.rungs.find((rung) => rung.id === 'directMessage')!.followUps).toMatchObject({ window: 'replyWindow', max: 1 });
    expect(issues(json)).toEqual([]);
  });
});
