import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { z } from 'zod';
import { currentRung, currentTracks, defaultPlaybook, PlaybookDefinitionError, recommend, type RungSpec } from 'crisis-playbook';
import { compilePlaybook, extendPlaybook, safeCompilePlaybook, safeParsePlaybook } from 'crisis-playbook/authoring';
import { acmePlaybook } from '../examples/custom-rung/playbook.js';
import { outOfSightFacts } from './helpers.js';

const signOff = {
  id: 'managerSignOff',
  title: 'Manager sign-off',
  description: 'A manager approves the call before it is made.',
  tags: ['needs-action'],
  advice: [{ title: 'Get a manager to sign off', detail: 'Brief them on the facts and the aim of the call.', priority: 20 }],
  on: [{ event: 'manager.approved', target: 'phoneCall' }],
} as const satisfies RungSpec;

function rungIds(definition: { ladder: { rungs: readonly { id: string }[] } }) {
  return definition.ladder.rungs.map((rung) => rung.id);
}

describe('insertRung', () => {
  const playbook = extendPlaybook(defaultPlaybook)
    .addEvents({ 'manager.approved': {} })
    .insertRung({ before: 'phoneCall' }, signOff)
    .build();

  it('before a rung: everything that led to it leads to the new rung', () => {
    expect(rungIds(playbook)).toEqual([
      'gatheringInfo',
      'requestingAccess',
      'directMessage',
      'intermediary',
      'managerSignOff',
      'phoneCall',
      'monitoring',
      'resolved',
      'closed',
    ]);
    const actor = createActor(compilePlaybook(playbook)).start();
    actor.send({ type: 'contact.received', channel: 'phone' });
    expect(currentRung(actor.getSnapshot())).toBe('managerSignOff');
    actor.send({ type: 'manager.approved' });
    expect(currentRung(actor.getSnapshot())).toBe('phoneCall');
    // A new contact during the call keeps it on the call (it did before the insertion), not back to the sign-off.
    actor.send({ type: 'contact.received', channel: 'message' });
    expect(currentRung(actor.getSnapshot())).toBe('phoneCall');
    expect(actor.getSnapshot().context.timeline.at(-1)).toMatchObject({ type: 'contact.received', from: 'phoneCall', to: 'phoneCall' });
  });

  it('before the first rung: the new rung becomes the start', () => {
    const triage = extendPlaybook(defaultPlaybook)
      .addEvents({ 'triage.done': {} })
      .insertRung(
        { before: 'gatheringInfo' },
        { id: 'triage', title: 'Triage', description: 'Decide who responds.', advice: [], on: [{ event: 'triage.done', target: 'gatheringInfo' }] },
      )
      .build();
    expect(triage.ladder.initial).toBe('triage');
    const actor = createActor(compilePlaybook(triage)).start();
    expect(currentRung(actor.getSnapshot())).toBe('triage');
  });

  it('after a rung: everything that left it leads to the new rung', () => {
    const review = extendPlaybook(defaultPlaybook)
      .addEvents({ 'review.done': {} })
      .insertRung(
        { after: 'requestingAccess' },
        { id: 'review', title: 'Review', description: 'Read what you can see.', advice: [], on: [{ event: 'review.done', target: 'directMessage' }] },
      )
      .build();
    const requesting = review.ladder.rungs.find((rung) => rung.id === 'requestingAccess')!;
    expect([...requesting.on!, ...requesting.after!].map((t) => (t as { target?: string }).target)).toEqual(['requestingAccess', 'review', 'review', 'review']);
    const actor = createActor(compilePlaybook(review)).start();
    actor.send({ type: 'facts.update', facts: outOfSightFacts });
    actor.send({ type: 'assessment.complete' });
    actor.send({ type: 'access.granted' });
    expect(currentRung(actor.getSnapshot())).toBe('review');
  });
});

describe('removeRung', () => {
  it('reroutes what led to the rung to where it led', () => {
    const noGroups = extendPlaybook(defaultPlaybook).removeRung('requestingAccess').build();
    expect(rungIds(noGroups)).not.toContain('requestingAccess');
    const actor = createActor(compilePlaybook(noGroups)).start();
    actor.send({ type: 'facts.update', facts: outOfSightFacts });
    actor.send({ type: 'assessment.complete' });
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
  });

  it('reports an ambiguous removal, and accepts rerouteTo', () => {
    const result = extendPlaybook(defaultPlaybook).removeRung('directMessage').safeBuild();
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.issues[0]).toMatchObject({ code: 'ambiguous_removal', path: ['operations', 0, 'id'] });
      expect(result.error.issues[0]!.message).toContain('"phoneCall", "intermediary", "monitoring"');
    }
    const rerouted = extendPlaybook(defaultPlaybook).removeRung('directMessage', { rerouteTo: 'intermediary' }).build();
    const actor = createActor(compilePlaybook(rerouted)).start();
    actor.send({ type: 'assessment.complete' });
    expect(currentRung(actor.getSnapshot())).toBe('intermediary');
  });

  it('reports a removed rung that is still referenced', () => {
    const result = extendPlaybook(defaultPlaybook)
      .removeRung('requestingAccess')
      .addEvents({ 'group.found': {} })
      .addTransitions('monitoring', [{ event: 'group.found', target: 'requestingAccess' as 'monitoring' }])
      // Types already refuse the removed rung; untyped callers (JSON, `as`) get an issue.
      .insertRung({ after: 'requestingAccess' as 'monitoring' }, { ...signOff, on: [] })
      .safeBuild();
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.issues.map((issue) => issue.code)).toEqual(['removed_rung_referenced', 'removed_rung_referenced']);
      expect(result.error.issues.map((issue) => issue.path.join('.'))).toEqual([
        'ladder.rungs.4.on.0.target',
        'operations.3.after',
      ]);
    }
  });
});

describe('replaceRung', () => {
  it('replaces a rung and points references at the new id', () => {
    const playbook = extendPlaybook(defaultPlaybook)
      .addEvents({ 'meeting.held': { payload: { agreement: { type: 'boolean' } } } })
      .replaceRung('phoneCall', {
        id: 'meeting',
        title: 'Meeting',
        description: 'Talk it through face to face.',
        advice: [{ title: 'Meet in person', detail: 'Somewhere neutral.', priority: 20 }],
        on: [
          { event: 'meeting.held', target: 'resolved', guard: { path: 'event.agreement', equals: true } },
          { event: 'meeting.held', target: 'monitoring' },
        ],
      })
      .build();
    expect(rungIds(playbook)).toContain('meeting');
    expect(rungIds(playbook)).not.toContain('phoneCall');
    const actor = createActor(compilePlaybook(playbook)).start();
    actor.send({ type: 'contact.received', channel: 'in-person' });
    expect(currentRung(actor.getSnapshot())).toBe('meeting');
    actor.send({ type: 'meeting.held', agreement: true });
    expect(actor.getSnapshot().output?.outcome).toBe('resolved');
  });
});

describe('events, guards, windows, advice and tracks', () => {
  it('adds an event whose payload is a zod schema, validated like the others', () => {
    const playbook = extendPlaybook(defaultPlaybook)
      .addEvents({ 'legal.cleared': { schema: z.object({ counsel: z.string().min(2) }) } })
      .addTransitions('monitoring', [{ event: 'legal.cleared', target: 'phoneCall' }])
      .build();
    const actor = createActor(compilePlaybook(playbook)).start();
    actor.send({ type: 'assessment.complete' });
    actor.send({ type: 'message.ignored' });
    actor.send({ type: 'legal.cleared', counsel: 'R' });
    expect(currentRung(actor.getSnapshot())).toBe('monitoring');
    actor.send({ type: 'legal.cleared', counsel: 'R. Patel' });
    expect(currentRung(actor.getSnapshot())).toBe('phoneCall');
  });

  it('changes a waiting window and the advice of a rung and of a track state', () => {
    const playbook = extendPlaybook(defaultPlaybook)
      .setWindow('replyWindow', '6h')
      .setAdvice('monitoring', [{ title: 'Log it in the CRM', detail: 'Case type: social.', priority: 20 }])
      .setAdvice('community.supported', [{ title: 'Thank supporters by email', detail: 'Not in the thread.', priority: 30 }])
      .build();
    expect(playbook.windows.replyWindow.duration).toBe('6h');
    const actor = createActor(compilePlaybook(playbook)).start();
    actor.send({ type: 'assessment.complete' });
    actor.send({ type: 'message.ignored' });
    actor.send({ type: 'community.supported' });
    expect(recommend(actor.getSnapshot()).map((r) => r.title)).toEqual(['Log it in the CRM', 'Thank supporters by email']);
  });

  it('adds a side track that runs beside the ladder', () => {
    const playbook = extendPlaybook(defaultPlaybook)
      .addEvents({ 'press.inquiry': {} })
      .addTrack({
        id: 'press',
        title: 'Press',
        description: 'Journalists asking.',
        initial: 'quiet',
        states: [
          { id: 'quiet', title: 'Quiet', description: 'No journalist.', advice: [], on: [{ event: 'press.inquiry', target: 'asked' }] },
          {
            id: 'asked',
            title: 'Asked',
            description: 'A journalist asked.',
            advice: [{ title: 'Refer to the spokesperson', detail: 'Only they speak to the press.', priority: 15 }],
          },
        ],
      })
      .build();
    const actor = createActor(compilePlaybook(playbook)).start();
    actor.send({ type: 'press.inquiry' });
    expect(currentTracks(actor.getSnapshot())).toEqual({ community: 'quiet', safety: 'none', press: 'asked' });
    expect(recommend(actor.getSnapshot())[0]!.title).toBe('Refer to the spokesperson');
  });

  it('accepts guards written as named functions in TypeScript', () => {
    const playbook = extendPlaybook(defaultPlaybook)
      .addTransitions('gatheringInfo', [])
      .build({ guards: ['isVip'] });
    const vipFirst = {
      ...playbook,
      ladder: {
        ...playbook.ladder,
        rungs: playbook.ladder.rungs.map((rung) =>
          rung.id === 'gatheringInfo' ? { ...rung, on: [{ event: 'assessment.complete', target: 'phoneCall', guard: 'isVip' }, ...rung.on] } : rung,
        ),
      },
    };
    const machine = compilePlaybook(vipFirst, { guards: { isVip: ({ context }) => context.facts.venue === 'personal-feed' } });
    const actor = createActor(machine).start();
    actor.send({ type: 'facts.update', facts: { venue: 'personal-feed' } });
    actor.send({ type: 'assessment.complete' });
    expect(currentRung(actor.getSnapshot())).toBe('phoneCall');
    expect(() => compilePlaybook(vipFirst)).toThrow(/Unknown guard "isVip"/);
  });
});

describe('the custom-rung example playbook', () => {
  it('goes to legal review on a threat of legal action only, recording the threat once', () => {
    const machine = compilePlaybook(acmePlaybook);
    const actor = createActor(machine).start();
    actor.send({ type: 'assessment.complete' });
    expect(currentRung(actor.getSnapshot())).toBe('holdingStatement');
    actor.send({ type: 'threat.reported', kind: 'visit' });
    expect(currentRung(actor.getSnapshot())).toBe('holdingStatement');
    actor.send({ type: 'threat.reported', kind: 'legal-action' });
    const snapshot = actor.getSnapshot();
    expect(currentRung(snapshot)).toBe('legalReview');
    expect(currentTracks(snapshot).safety).toBe('threatened');
    expect(snapshot.context.threats.map((t) => t.kind)).toEqual(['visit', 'legal-action']);
    expect(snapshot.context.timeline.map((e) => `${e.type}:${e.from}>${e.to}`)).toEqual([
      'assessment.complete:gatheringInfo>holdingStatement',
      'threat.reported:holdingStatement>holdingStatement',
      'threat.reported:holdingStatement>legalReview',
    ]);
  });
});

describe('validation of an extended playbook', () => {
  it('collects the problems of every operation and of the result at once', () => {
    const result = extendPlaybook(defaultPlaybook)
      .insertRung({ before: 'nowhere' as 'phoneCall' }, signOff)
      .addEvents({ 'access.denied': {} })
      .setWindow('coffeeWindow' as 'replyWindow', '1h')
      .addRung({ ...signOff, id: 'island', on: [{ event: 'manager.approved', target: 'phoneCall' }] })
      .safeBuild();
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBeInstanceOf(PlaybookDefinitionError);
    // Sorted by path, the operations' issues among the definition's.
    expect(result.error.issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual([
      // Graph checks still run when only an event is wrong.
      ['unreachable_rung', 'ladder.rungs.8'],
      ['unknown_event', 'ladder.rungs.8.on.0.event'],
      ['unknown_rung', 'operations.0.before'],
      ['duplicate_id', 'operations.1.events'],
      ['unknown_window', 'operations.2.name'],
    ]);
    expect(() => extendPlaybook(defaultPlaybook).removeRung('directMessage').build()).toThrow(/ambiguous_removal/);
  });

  it('reports each kind of problem of a definition with a code, a path and a message', () => {
    const result = safeParsePlaybook({
      ...defaultPlaybook,
      windows: { ...defaultPlaybook.windows, accessWindow: { description: 'Bad', duration: 'soon' } },
      ladder: {
        ...defaultPlaybook.ladder,
        rungs: [
          ...defaultPlaybook.ladder.rungs,
          { id: 'monitoring', title: 'Again', description: 'Duplicate.', advice: [] },
          {
            id: 'loop',
            title: 'Loop',
            description: 'Goes nowhere.',
            advice: [{ title: 'x', detail: 'y', priority: 1, because: ['isMystery'] }],
            on: [{ event: 'loop.again', target: 'loop', guard: 'isMystery' }],
          },
        ],
      },
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    const codes = result.error.issues.map((issue) => issue.code);
    expect(codes).toEqual(
      expect.arrayContaining(['invalid_duration', 'duplicate_id', 'unknown_event', 'unknown_guard']),
    );
    for (const issue of result.error.issues) {
      expect(issue.path.length).toBeGreaterThan(0);
      expect(issue.message.length).toBeGreaterThan(10);
    }
  });

  it('reports a cycle of rungs with no way out as traps', () => {
    const rung = (id: string, on: { event: string; target: string }[], final = false) => ({
      id,
      title: id,
      description: `The ${id} rung.`,
      advice: [],
      on: final ? undefined : on,
      final,
    });
    const result = safeParsePlaybook({
      id: 'loop',
      version: '1',
      title: 'Loop',
      description: 'A draft that can be rejected forever.',
      events: { 'draft.ready': {}, 'draft.rejected': {}, 'case.dropped': {} },
      guards: {},
      windows: {},
      ladder: {
        initial: 'start',
        description: 'Start, then draft and review in a loop.',
        rungs: [
          rung('start', [
            { event: 'draft.ready', target: 'drafting' },
            { event: 'case.dropped', target: 'done' },
          ]),
          rung('drafting', [{ event: 'draft.ready', target: 'reviewing' }]),
          rung('reviewing', [{ event: 'draft.rejected', target: 'drafting' }]),
          rung('done', [], true),
        ],
      },
      tracks: [],
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual([
      ['trap', 'ladder.rungs.1'],
      ['trap', 'ladder.rungs.2'],
    ]);
  });

  it('safeCompilePlaybook returns the issues instead of throwing', () => {
    const result = safeCompilePlaybook({ ...defaultPlaybook, tracks: [{ id: 'ladder', title: 'Clash', description: 'Clash', initial: 'a', states: [{ id: 'a', title: 'A', description: 'A.', advice: [] }] }] });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]).toMatchObject({ code: 'duplicate_id', path: ['tracks', 0, 'id'] });
    expect(safeCompilePlaybook(defaultPlaybook).success).toBe(true);
  });
});

describe('an action that counts what an event reports', () => {
  const issuesOf = (result: ReturnType<ReturnType<typeof extendPlaybook>['safeBuild']>) =>
    result.success ? [] : result.error.issues.map((issue) => [issue.code, issue.path.join('.'), issue.message]);

  it('runs once per event: not in the ladder and a side track for the same event, nor twice in one transition', () => {
    // The ladder's monitoring rung also records the threat the safety track records: one report, two threats.
    const both = issuesOf(extendPlaybook(defaultPlaybook).addTransitions('monitoring', [{ event: 'threat.reported', actions: ['recordThreat'] }]).safeBuild());
    expect(both).toEqual([
      [
        'counted_twice',
        `tracks.1.states.0.on.0.actions.0`,
        '"recordThreat" already runs for "threat.reported" in the ladder, and each region takes the event: one "threat.reported" would be counted twice; run it in one region only',
      ],
    ]);
    // Twice in one transition.
    const twice = issuesOf(extendPlaybook(defaultPlaybook).addTransitions('monitoring', [{ event: 'community.supported', actions: ['recordSupport', 'recordSupport'] }]).safeBuild());
    expect(twice.map(([code, , message]) => [code, message])).toContainEqual(['counted_twice', '"recordSupport" is listed twice: one event would be counted twice']);
    // Alternatives in one region are one count: a rung's own move and the move from every rung.
    expect(issuesOf(extendPlaybook(defaultPlaybook).addTransitions('everyRung', [{ event: 'message.sent', actions: ['recordSupport'] }]).addTransitions('monitoring', [{ event: 'message.sent', actions: ['recordSupport'] }]).safeBuild())).toEqual([]);
    expect(safeParsePlaybook(defaultPlaybook).success).toBe(true);
    // Guarded moves may exclude each other: a legal threat counted by the ladder, any other by the track.
    const exclusive = structuredClone(defaultPlaybook) as unknown as {
      guards: Record<string, unknown>;
      ladder: { fromEveryRung: unknown[] };
      tracks: { id: string; states: { on: { guard?: unknown }[] }[] }[];
    };
    exclusive.guards.isLegal = { description: 'A legal threat.', condition: { path: 'event.kind', equals: 'legal-action' } };
    exclusive.ladder.fromEveryRung.push({ event: 'threat.reported', target: 'monitoring', guard: 'isLegal', actions: ['recordThreat'] });
    for (const state of exclusive.tracks.find((track) => track.id === 'safety')!.states) state.on[0]!.guard = { not: 'isLegal' };
    expect(safeParsePlaybook(exclusive).success).toBe(true);
  });
});

describe('payload fields', () => {
  it('named like what every JavaScript object has are refused: an event without them could not be sent', () => {
    for (const field of ['valueOf', 'toString', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString']) {
      const result = extendPlaybook(defaultPlaybook)
        .addEvents({ 'note.added': { payload: { [field]: { type: 'string', optional: true, maxLength: 100 } } } } as never)
        .safeBuild();
      expect(result.success, field).toBe(false);
      if (!result.success) {
        expect(result.error.issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual([['reserved_field', `events.note.added.payload.${field}`]]);
      }
    }
    // Any other name works, sent or not; and such a name works for a field every event must carry.
    const machine = compilePlaybook(extendPlaybook(defaultPlaybook).addEvents({ 'note.added': { payload: { value: { type: 'string', optional: true, maxLength: 100 } } } } as never).build());
    expect(machine.id).toBe('crisis');
    expect(extendPlaybook(defaultPlaybook).addEvents({ 'note.added': { payload: { valueOf: { type: 'string', maxLength: 40 } } } } as never).safeBuild().success).toBe(true);
  });
});

describe('unknown names in a playbook', () => {
  it('name the one meant, and a hundred thousand of them are listed without listing every known name again for each', () => {
    const typo = structuredClone(defaultPlaybook) as unknown as { ladder: { rungs: { advice: { when?: unknown }[] }[] } };
    typo.ladder.rungs[0]!.advice[0]!.when = 'hasOtherThret';
    const result = safeParsePlaybook(typo);
    expect(result.success ? [] : result.error.issues.map((issue) => issue.message)).toEqual([expect.stringMatching(/^Unknown guard "hasOtherThret" \(did you mean "hasOtherThreat"\?\); expected one of "isPosterKnown"/)]);

    const many = structuredClone(defaultPlaybook) as unknown as { guards: Record<string, unknown> };
    for (let i = 0; i < 10_000; i++) many.guards[`g${i}`] = { description: 'g', condition: { path: 'facts.venue', equals: 'unknown' } };
    many.guards.many = { description: 'many', condition: { any: Array.from({ length: 100_000 }, (_, i) => `u${i}`) } };
    const started = performance.now();
    const checked = safeParsePlaybook(many);
    expect(checked.success ? 0 : checked.error.issues.length).toBe(100_000);
    // Each issue once listed all 10,000 names again (3.6 s for this playbook).
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

describe('comparisons in conditions', () => {
  const issuesOf = (condition: unknown) => {
    const result = extendPlaybook(defaultPlaybook).addGuards({ typo: { description: 'A typo.', condition } } as never).safeBuild();
    return result.success ? [] : result.error.issues.map((issue) => [issue.code, issue.path.join('.'), issue.message]);
  };

  it('read facts the incident records, and compare them with values they can take: a typo would never hold', () => {
    expect(issuesOf({ path: 'facts.venu', equals: 'public-group' })).toEqual([
      ['unknown_fact', 'guards.typo.condition.path', 'Unknown fact "venu" (did you mean "venue"?); the facts are witnessed, knowsPoster, connectedToPoster, venue, memberOfVenue, insiderInVenue'],
    ]);
    expect(issuesOf({ any: ['hasThreats', { path: 'facts.venue', in: ['public-group', 'privat-group'] }] })).toEqual([
      ['unknown_value', 'guards.typo.condition.any.1.in.1', 'Fact "venue" is never "privat-group" (did you mean "private-group"?); it is one of "personal-feed", "public-group", "private-group", "unknown"'],
    ]);
    expect(issuesOf({ path: 'facts.witnessed', equals: 'yes' })).toEqual([['unknown_value', 'guards.typo.condition.equals', 'Fact "witnessed" is never "yes"; it is one of true, false']]);
    expect(issuesOf({ path: 'threats', includes: 'legal' })).toEqual([
      ['unknown_value', 'guards.typo.condition.includes', 'No threat of kind "legal" is ever recorded; the kinds are "other", "visit", "police-report", "legal-action", "violence"'],
    ]);
    // Values they can take are fine, whatever the comparison.
    expect(issuesOf({ all: [{ path: 'facts.venue', equals: 'private-group' }, { path: 'threats', includes: 'legal-action' }, { path: 'supporters', atLeast: 3 }] })).toEqual([]);
  });
});

describe('placeholders', () => {
  it('are checked in the drafts of severity levels and in translations, as in the drafts of rungs', () => {
    const playbook = structuredClone(defaultPlaybook) as unknown as {
      severity: { levels: { advice?: { title: string; detail: string; priority: number; drafts?: { title: string; text: string }[] }[] }[] };
      translations?: Record<string, Record<string, string>>;
      ladder: { rungs: { advice: { title: string }[] }[] };
    };
    const level = playbook.severity.levels.findIndex((each) => (each.advice?.length ?? 0) > 0);
    playbook.severity.levels[level]!.advice![0]!.drafts = [{ title: 'Note', text: 'About {facts.venu} and {threat}' }];
    const title = playbook.ladder.rungs[0]!.advice[0]!.title;
    playbook.translations = { de: { [title]: 'Nicht öffentlich antworten, {values.persn}' } };
    const result = safeParsePlaybook(playbook);
    expect(result.success ? [] : result.error.issues.map((issue) => [issue.code, issue.path.join('.'), issue.message])).toEqual([
      ['unknown_placeholder', `severity.levels.${level}.advice.0.drafts.0.text`, expect.stringMatching(/^Unknown placeholder "\{facts.venu\}"; expected one of/)],
      ['unknown_placeholder', `severity.levels.${level}.advice.0.drafts.0.text`, expect.stringMatching(/^Unknown placeholder "\{threat\}"; expected one of/)],
      ['unknown_placeholder', `translations.de.${title}`, 'Unknown placeholder "{values.persn}"; the text it translates has none'],
    ]);
  });
});

describe('a condition evaluated with no event at hand', () => {
  it('cannot use a named guard that reads the event, itself or through the guards it names', () => {
    const result = extendPlaybook(defaultPlaybook)
      .addGuards({
        isLegalThreat: { description: 'Legal action was threatened.', condition: { path: 'event.kind', equals: 'legal-action' } },
        isLegalOrViolent: { description: 'A legal or violent threat.', condition: { any: ['isLegalThreat', 'hasViolenceThreat'] } },
      } as never)
      .setAdvice('gatheringInfo', [{ title: 'Ask legal', detail: 'Before anything else.', priority: 1, when: 'isLegalOrViolent' } as never])
      .safeBuild();
    expect(result.success ? [] : result.error.issues.map((issue) => [issue.code, issue.path.join('.'), issue.message])).toEqual([
      [
        'event_without_event',
        'ladder.rungs.0.advice.0.when',
        'Advice is evaluated with no event at hand, so it cannot use the guard "isLegalOrViolent", which reads "event.kind"; use a guard that compares facts, threats or supporters',
      ],
    ]);
  });
});

describe('builder typos', () => {
  const messages = (result: ReturnType<ReturnType<typeof extendPlaybook>['safeBuild']>) => (result.success ? [] : result.error.issues.map((issue) => `${issue.code}: ${issue.message}`));

  it('name the window, track state or event meant, and list the ones there are', () => {
    expect(messages(extendPlaybook(defaultPlaybook).setWindow('replyWindw' as never, '12h').safeBuild())).toEqual([
      'unknown_window: setWindow: unknown window "replyWindw" (did you mean "replyWindow"?); the windows are "accessWindow", "replyWindow", "intermediaryWindow"',
    ]);
    expect(messages(extendPlaybook(defaultPlaybook).setAdvice('safety.threatend' as never, []).safeBuild())).toEqual([
      'unknown_state: setAdvice: track "safety" has no state "threatend" (did you mean "safety.threatened"?); its states are "none", "threatened"',
    ]);
    expect(messages(extendPlaybook(defaultPlaybook).addTransitions('monitoring', [{ event: 'contact.recieved' as never, target: 'phoneCall' }]).safeBuild())).toEqual([
      expect.stringMatching(/^unknown_event: Event "contact.recieved" \(did you mean "contact.received"\?\) is used but not declared in "events"; the events are "facts.update", /),
    ]);
  });
});

describe('more checks of this review', () => {
  it('inserts a rung before a final rung that a move from every rung leads to', () => {
    const result = extendPlaybook(defaultPlaybook)
      .addEvents({ 'closing.done': {} })
      .insertRung({ before: 'closed' }, { id: 'closing', title: 'Closing', description: 'Close it.', advice: [], on: [{ event: 'closing.done', target: 'closed' }] })
      .safeBuild();
    expect(result.success).toBe(true);
  });

  it('says a track state is no rung to the operations that take rungs', () => {
    const result = extendPlaybook(defaultPlaybook).setFollowUps('safety.threatened' as never, undefined).safeBuild();
    expect(result.success ? [] : result.error.issues.map((issue) => issue.message)).toEqual([
      expect.stringMatching(/^setFollowUps: "safety.threatened" is a side track's state, not a rung; setFollowUps takes a rung, one of "gatheringInfo"/),
    ]);
  });

  it('reports a chain of 10,000 guards named in advice as too long, not as a crash', () => {
    const chain = structuredClone(defaultPlaybook) as unknown as { guards: Record<string, unknown>; ladder: { rungs: { advice: { when?: unknown }[] }[] } };
    for (let i = 0; i < 10_000; i++) chain.guards[`g${i}`] = { description: 'g', condition: i === 9_999 ? { path: 'event.agreement', equals: true } : `g${i + 1}` };
    chain.ladder.rungs[0]!.advice[0]!.when = 'g0';
    const result = safeParsePlaybook(chain);
    const codes = new Set(result.success ? [] : result.error.issues.map((issue) => issue.code));
    expect(codes.has('guard_chain_too_long')).toBe(true);
    expect(codes.has('unexpected_error')).toBe(false);
  });

  it('suggests the name meant in every check, not only the first hundred of a process', () => {
    const typo = structuredClone(defaultPlaybook) as unknown as { guards: Record<string, unknown> };
    typo.guards.typo = { description: 'A typo.', condition: { path: 'facts.venu', equals: 'public-group' } };
    for (let i = 0; i < 102; i++) {
      const result = safeParsePlaybook(typo);
      expect(result.success ? '' : result.error.issues[0]!.message).toContain('(did you mean "venue"?)');
    }
  });
});
