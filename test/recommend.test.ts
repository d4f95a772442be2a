import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { createIncident, crisisMachine, recommend } from 'crisis-playbook';
import { referenceCase as referenceCaseEvents } from '../examples/reference-case/events.js';
import { outOfSightFacts, pathTo, startIncident } from './helpers.js';

describe('recommend', () => {
  it('explains the assessment in sentences from the playbook, with the guards and facts beside them', () => {
    const actor = startIncident([{ type: 'facts.update', facts: { ...outOfSightFacts, insiderInVenue: true } }]);
    const [first, second] = recommend(actor.getSnapshot());
    expect(first!.title).toBe('Do not post back publicly yet');
    expect(first!.because).toEqual([{ kind: 'rung', text: 'You are at “Gather information”, where every incident starts.' }]);
    expect(second!.because.slice(1)).toEqual([
      {
        kind: 'guard',
        guard: 'isPosterKnown',
        result: false,
        facts: { knowsPoster: false },
        text: 'You do not know the person who posted, so you will have to reach them another way.',
      },
      {
        kind: 'guard',
        guard: 'arePostsOutOfSight',
        result: true,
        facts: { venue: 'private-group', memberOfVenue: false, witnessed: false, connectedToPoster: false },
        text: 'The posts are in a private group you are not a member of, and you neither saw them nor are connected to the person, so you cannot read them yet.',
      },
    ]);
    // What comes next, as the facts stand now.
    expect(first!.next).toEqual([
      expect.objectContaining({
        if: 'the facts are gathered and the assessment is complete',
        then: '“Request access”: ask to join the group so you can read the posts first hand',
        target: 'requestingAccess',
        events: ['assessment.complete'],
      }),
    ]);
  });

  it('gives no reason for how the incident got to its rung that the facts corrected since contradict', () => {
    // Routed to requestingAccess because the posts were out of sight; then the responder saw them.
    const actor = startIncident([
      { type: 'facts.update', facts: { knowsPoster: false, witnessed: false, connectedToPoster: false, venue: 'private-group', memberOfVenue: false } },
      { type: 'assessment.complete' },
      { type: 'facts.update', facts: { witnessed: true } },
    ]);
    const rung = recommend(actor.getSnapshot()).find((item) => item.source.track === null)!;
    actor.stop();
    expect(rung.title).toBe('Ask to join the group, then wait for the answer');
    // Not how the incident got here (the posts out of sight, which no longer holds), but what the
    // facts say now: there is no need to ask.
    expect(rung.because.map((reason) => reason.text)).toEqual([
      'You are at “Request access”: the facts are gathered and the assessment is complete.',
      'You can see the posts without asking to join a group (where they are: private group): they are not in a private group you are shut out of, or you saw them, or you are connected to the person who posted.',
    ]);
  });

  it('fills the facts a reason reads into its sentence', () => {
    const actor = startIncident([{ type: 'facts.update', facts: { ...outOfSightFacts, venue: 'public-group' } }]);
    const assess = recommend(actor.getSnapshot()).find((item) => item.title === 'Complete the assessment')!;
    const reason = assess.because.find((item) => item.guard === 'arePostsOutOfSight')!;
    expect(reason).toMatchObject({ result: false, facts: { venue: 'public-group' } });
    expect(reason.text).toBe('You can see the posts without asking to join a group (where they are: public group): they are not in a private group you are shut out of, or you saw them, or you are connected to the person who posted.');
  });

  it('says how the incident reached its rung: the event, or the waiting window that ran out, and the guards that chose it', () => {
    const ignored = startIncident([...pathTo.directMessage, { type: 'message.ignored', at: '2026-04-07T12:00:00Z' }]);
    const [first] = recommend(ignored.getSnapshot());
    expect(first!.because).toEqual([
      { kind: 'rung', text: 'You are at “Monitor”: the private message got no answer.' },
      {
        kind: 'guard',
        guard: 'hasInsiderInVenue',
        result: false,
        facts: { insiderInVenue: undefined },
        text: 'You have not recorded yet whether a colleague is in the group where the posts are.',
      },
    ]);
    const clock = new SimulatedClock();
    const waited = createIncident(crisisMachine, { clock }).start();
    waited.send({ type: 'facts.update', facts: outOfSightFacts });
    waited.send({ type: 'assessment.complete' });
    clock.increment(24 * 3_600_000);
    expect(recommend(waited.getSnapshot())[0]!.because[0]!.text).toBe('You are at “Private message”: the access window of 24 hours ran out.');
    waited.stop();
  });

  it('gives the fallback as its own "if …, then …" line, not as the reason for this rung', () => {
    const actor = startIncident([...pathTo.directMessage, { type: 'facts.update', facts: { insiderInVenue: true } }]);
    const [first] = recommend(actor.getSnapshot());
    expect(first!.title).toBe('Message the person privately, then wait for the reply');
    expect(first!.because.map((reason) => reason.guard)).not.toContain('hasInsiderInVenue');
    expect(first!.next.map((step) => [step.if, step.then, step.target])).toEqual([
      [
        'the reply window of 24 hours runs out, or the private message got no answer',
        '“Go through a colleague”: ask the colleague who is in the group to suggest that the person contact the organisation directly',
        'intermediary',
      ],
      ['the person answered the private message', '“Phone call”: talk it through on the phone', 'phoneCall'],
    ]);
    expect(first!.next[0]).toMatchObject({ window: 'replyWindow', events: ['message.ignored'] });
    expect(first!.next[0]!.because).toEqual([expect.objectContaining({ guard: 'hasInsiderInVenue', result: true })]);
    // With no one in the group, the same line leads to monitoring, and says why.
    const alone = startIncident([...pathTo.directMessage, { type: 'facts.update', facts: { insiderInVenue: false } }]);
    const line = recommend(alone.getSnapshot())[0]!.next[0]!;
    expect(line.target).toBe('monitoring');
    expect(line.because.map((reason) => reason.text)).toEqual(['No one else in the organisation is in the group where the posts are.']);
  });

  it('says a fact is not recorded yet only while recording it could change the answer', () => {
    const outOfSightReason = (facts: Record<string, unknown>) => {
      const actor = startIncident([{ type: 'facts.update', facts } as never]);
      const assess = recommend(actor.getSnapshot()).find((item) => item.title === 'Complete the assessment')!;
      actor.stop();
      return assess.because.find((reason) => reason.guard === 'arePostsOutOfSight')!.text;
    };
    const notYet = /^You have not recorded yet all that says whether you can see the posts/;
    // Nothing recorded, or a private group with membership unknown: it could go either way.
    expect(outOfSightReason({ knowsPoster: false })).toMatch(notYet);
    expect(outOfSightReason({ venue: 'private-group', witnessed: false })).toMatch(notYet);
    // Having seen the posts, or posts that are public, settles it, whatever else is unrecorded.
    expect(outOfSightReason({ venue: 'private-group', witnessed: true })).toBe(
      'You can see the posts without asking to join a group (where they are: private group): they are not in a private group you are shut out of, or you saw them, or you are connected to the person who posted.',
    );
    expect(outOfSightReason({ venue: 'public-group' })).toBe(
      'You can see the posts without asking to join a group (where they are: public group): they are not in a private group you are shut out of, or you saw them, or you are connected to the person who posted.',
    );
  });

  it('asks the guard itself, as provided in code, which unrecorded facts could make it hold', () => {
    // A provided guard that reads a fact the playbook's condition does not: knowing the poster.
    const machine = crisisMachine.provide({ guards: { arePostsOutOfSight: ({ context }: { context: { facts: { knowsPoster?: boolean } } }) => context.facts.knowsPoster === false } as never });
    const incident = createIncident(machine).start();
    incident.send({ type: 'facts.update', facts: { venue: 'public-group' } });
    const reason = recommend(incident.getSnapshot()).flatMap((item) => item.because).find((each) => each.guard === 'arePostsOutOfSight')!;
    incident.stop();
    expect(reason.result).toBe(false);
    expect(reason.text).toMatch(/^You have not recorded yet all that says whether you can see the posts/);
  });

  it('lists both outcomes of a guard that only the event can answer', () => {
    const actor = startIncident([{ type: 'contact.received', channel: 'phone' }]);
    const [first] = recommend(actor.getSnapshot());
    expect(first!.next.map((step) => [step.if, step.target])).toEqual([
      ['the conversation happened (the call ended in an agreement)', 'resolved'],
      ['the conversation happened (the call ended without an agreement)', 'monitoring'],
    ]);
  });

  it('writes no identifier meant for code into any reason or next line, on any rung of the reference case', () => {
    const actor = createIncident(crisisMachine).start();
    const texts = new Set<string>();
    for (const event of [...referenceCaseEvents, { type: 'threat.reported', kind: 'legal-action' }, { type: 'threat.reported', kind: 'other' }] as const) {
      for (const item of recommend(actor.getSnapshot())) {
        for (const reason of [...item.because, ...item.next.flatMap((step) => step.because)]) texts.add(reason.text);
        for (const step of item.next) texts.add(step.if).add(step.then);
      }
      actor.send(event as never);
    }
    expect(texts.size).toBeGreaterThan(20);
    for (const text of texts) {
      expect(text, text).not.toMatch(/\b[a-z]+[A-Z][A-Za-z]*\b/); // camelCase names
      expect(text, text).not.toMatch(/[=<>]/); // comparisons
      expect(text, text).not.toMatch(/\b[a-z]+\.[a-z]+\b/); // event types
      expect(text, text).not.toMatch(/\b(?:true|false|undefined|null)\b/);
      expect(text, text).toMatch(/^[A-Z“a-z]/);
    }
  });

  it('uses guard implementations given through provide', () => {
    const machine = crisisMachine.provide({ guards: { hasViolenceThreat: () => true } });
    const actor = createActor(machine).start();
    actor.send({ type: 'threat.reported', kind: 'visit' });
    expect(recommend(actor.getSnapshot())[0]!.title).toBe('Contact the authorities now');
  });

  it('rejects snapshots of machines that were not compiled from a playbook', async () => {
    const { createMachine } = await import('xstate');
    const other = createActor(createMachine({ initial: 'a', states: { a: {} } })).start();
    expect(() => recommend(other.getSnapshot())).toThrow(/compiled by crisis-playbook/);
  });
});

describe('availableEvents', () => {
  it('lists what the rung and the side tracks handle where the incident stands, each once', async () => {
    const { availableEvents, createIncident, crisisMachine } = await import('crisis-playbook');
    const incident = createIncident(crisisMachine).start();
    expect(availableEvents(incident.getSnapshot())).toEqual(['assessment.complete', 'contact.received', 'facts.update', 'incident.closed', 'community.supported', 'threat.reported']);
    incident.send({ type: 'assessment.complete' });
    incident.send({ type: 'community.supported' });
    expect(availableEvents(incident.getSnapshot())).toEqual([
      'message.sent',
      'message.replied',
      'message.ignored',
      'contact.received',
      'facts.update',
      'incident.closed',
      'community.supported',
      'threat.reported',
    ]);
    incident.send({ type: 'incident.closed', reason: 'Done' });
    expect(availableEvents(incident.getSnapshot())).toEqual([]);
  });
});

describe('reasons in a custom playbook', () => {
  it('checks the placeholders of a reason', async () => {
    const { defaultPlaybook } = await import('crisis-playbook');
    const { safeParsePlaybook } = await import('crisis-playbook/authoring');
    const guards = {
      ...defaultPlaybook.guards,
      isPosterKnown: { ...defaultPlaybook.guards.isPosterKnown, reason: { true: 'Known ({facts.knowsPoster}).', false: 'Not known ({facts.posterName}, {threat}).' } },
    };
    const result = safeParsePlaybook({ ...defaultPlaybook, guards });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual([
      ['unknown_placeholder', 'guards.isPosterKnown.reason.false'],
      ['unknown_placeholder', 'guards.isPosterKnown.reason.false'],
    ]);
    expect(result.error.issues[0]!.message).toMatch(/^Unknown placeholder "\{facts\.posterName\}"; expected one of .*"\{facts\.venue\}"/);
  });

  it('falls back to the description for a guard without reason, and to its name in words for one given in code only', async () => {
    const { defaultPlaybook } = await import('crisis-playbook');
    const { compilePlaybook, extendPlaybook } = await import('crisis-playbook/authoring');
    const playbook = extendPlaybook(defaultPlaybook)
      .addGuards({ isLoud: { description: 'The thread is loud.', condition: { path: 'supporters', atLeast: 3 } } })
      .setAdvice('gatheringInfo', [{ title: 'Check the noise', detail: 'Count the posts.', priority: 50, because: ['isLoud', 'isVip'] }])
      .build({ guards: ['isVip'] });
    const machine = compilePlaybook(playbook, { guards: { isVip: () => true } });
    const incident = createIncident(machine).start();
    const item = recommend(incident.getSnapshot()).find((candidate) => candidate.title === 'Check the noise')!;
    expect(item.because.slice(1).map((reason) => [reason.guard, reason.result, reason.text])).toEqual([
      ['isLoud', false, 'Not so: the thread is loud.'],
      ['isVip', true, 'is vip: yes'],
    ]);
    for (let count = 0; count < 3; count++) incident.send({ type: 'community.supported' } as never);
    const loud = recommend(incident.getSnapshot()).find((candidate) => candidate.title === 'Check the noise')!;
    expect(loud.because[1]).toMatchObject({ guard: 'isLoud', result: true, text: 'The thread is loud.', facts: { supporters: 3 } });
    incident.stop();
  });
});

describe('reasons for guards that stand for thousands of others', () => {
  it('take milliseconds, not seconds: the unrecorded facts are not tried over every combination', async () => {
    const { compilePlaybook, extendPlaybook } = await import('crisis-playbook/authoring');
    const { defaultPlaybook } = await import('crisis-playbook');
    // g12 stands for 2^12 guards; each h stands for g12 and g9: 4,608 named guards.
    const guards: Record<string, { description: string; condition: unknown }> = { g0: { description: 'g0', condition: { all: [{ path: 'facts.venue', equals: 'public-group' }, { path: 'facts.venue', equals: 'private-group' }] } } };
    for (let i = 1; i <= 12; i++) guards[`g${i}`] = { description: `g${i}`, condition: { any: [`g${i - 1}`, `g${i - 1}`] } };
    const many = Array.from({ length: 20 }, (_, j) => `h${j}`);
    for (const name of many) {
      guards[name] = { description: name, condition: { any: ['g12', 'g9'] }, reason: { true: 'Yes.', false: 'No.', unknown: 'Not recorded yet.' } } as never;
    }
    const machine = compilePlaybook(
      extendPlaybook(defaultPlaybook)
        .addGuards(guards as never)
        .setAdvice('gatheringInfo', [{ title: 'Look', detail: 'Look at it.', priority: 1, because: many as never }])
        .build(),
    );
    const incident = createIncident(machine).start();
    const started = performance.now();
    const [item] = recommend(incident.getSnapshot());
    const took = performance.now() - started;
    incident.stop();
    expect(item!.because.filter((reason) => reason.guard !== undefined)).toHaveLength(20);
    // Unrecorded: said to be one the facts could make hold ("not recorded yet"), as it could (the venue is not recorded).
    // Unrecorded (the venue): too large to try every answer, so said to be one the facts could make hold.
    expect(item!.because.filter((reason) => reason.guard !== undefined).map((reason) => reason.text)).toEqual(many.map(() => 'Not recorded yet.'));
    expect(took).toBeLessThan(1_000);
  });
});
