import { describe, expect, it } from 'vitest';
import { createActor, type AnyStateNode } from 'xstate';
import { crisisMachine, currentRung, defaultPlaybook, type PlaybookDefinition, PlaybookDefinitionError } from 'crisis-playbook';
import { compilePlaybook, playbookDefinitionSchema, safeParsePlaybook } from 'crisis-playbook/authoring';

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap(allNodes)];
}

describe('the compiled default playbook', () => {
  const nodes = allNodes(crisisMachine.root);

  it('has the rungs and side tracks of the default playbook', () => {
    const active = crisisMachine.root.states.active!;
    expect(Object.keys(active.states)).toEqual(['ladder', 'community', 'safety']);
    expect(Object.keys(active.states.ladder!.states)).toEqual([
      'gatheringInfo',
      'requestingAccess',
      'directMessage',
      'intermediary',
      'phoneCall',
      'monitoring',
    ]);
    expect(Object.keys(active.states.community!.states)).toEqual(['quiet', 'supported']);
    expect(Object.keys(active.states.safety!.states)).toEqual(['none', 'threatened']);
    expect(crisisMachine.root.states.resolved!.type).toBe('final');
    expect(crisisMachine.root.states.closed!.type).toBe('final');
  });

  it('gives every state node a description and a meta title, and tags to every rung and track state', () => {
    for (const node of nodes) {
      expect(node.description, node.id).toBeTruthy();
      expect(node.meta?.title, node.id).toBeTruthy();
      // The containers (the root, `active`, the regions) carry none: XState rebuilds the set of
      // tags with every snapshot, so tags that say nothing about where the incident is cost time.
      const leaf = Object.keys(node.states).length === 0;
      if (leaf) expect(node.tags.length, node.id).toBeGreaterThan(0);
      else expect(node.tags, node.id).toEqual([]);
    }
  });

  it('runs at most one assign per transition, and no entry or exit actions of its own', () => {
    // XState rebuilds the snapshot for every assign: the timeline entry, the built-in actions'
    // effects and the deadlines are one update (appendTimeline or applyActions).
    const implementations = crisisMachine.implementations.actions as Record<string, { type?: string }>;
    let transitions = 0;
    let assigning = 0;
    for (const node of nodes) {
      for (const list of [...node.transitions.values(), node.after]) {
        for (const transition of list) {
          const assigns = transition.actions.filter((action) => {
            const type = typeof action === 'string' ? action : (action as { type: string }).type;
            return implementations[type]?.type === 'xstate.assign';
          });
          expect(assigns.length, `${node.id} ${transition.eventType}`).toBeLessThanOrEqual(1);
          transitions += 1;
          assigning += assigns.length;
        }
      }
      // Only XState's own timers for the windows, and the root's reminder timer (no assign).
      const own = [...node.entry, ...node.exit].filter((action) => !String((action as { type?: string }).type).startsWith('xstate.'));
      expect(own.map((action) => (typeof action === 'string' ? action : (action as { type?: string }).type)), node.id).toEqual(node === crisisMachine.root ? ['armReminder'] : []);
    }
    expect(transitions).toBeGreaterThanOrEqual(50);
    // In the default playbook every transition runs exactly one: the one that records it, or
    // clearDeadlines for a window that is over without a move.
    expect(assigning).toBe(transitions);
  });

  it('gives every rung and track state advice in meta and tags', () => {
    const leaves = nodes.filter((node) => Object.keys(node.states).length === 0);
    expect(leaves).toHaveLength(12);
    for (const node of leaves) {
      expect(node.meta?.title, node.id).toBeTruthy();
      expect(Array.isArray(node.meta?.advice), node.id).toBe(true);
    }
    const tagged = Object.fromEntries(leaves.map((node) => [node.key, [...node.tags]]));
    expect(tagged).toMatchObject({
      gatheringInfo: ['needs-action'],
      requestingAccess: ['needs-action', 'waiting'],
      monitoring: ['waiting'],
      resolved: ['final'],
      closed: ['final'],
      quiet: ['quiet'],
      none: ['no-threats'],
      threatened: ['threatened', 'severity-raised'],
    });
  });

  it('references guards, actions and delays by name only', () => {
    const transitions = nodes.flatMap((node) => [...node.transitions.values()].flat());
    expect(transitions.length).toBeGreaterThan(30);
    for (const transition of transitions) {
      for (const action of transition.actions) expect(typeof action, transition.eventType).not.toBe('function');
      if (transition.guard !== undefined) {
        // A name, or XState's `and` of the validity check and a named guard or a comparison.
        const guard = transition.guard as string | { guards?: unknown[]; name?: string };
        if (typeof guard === 'string') continue;
        if (typeof (guard as unknown) === 'object') {
          // A named guard with params (the reminder's, at a full timeline): its name is one of the machine's guards.
          expect(Object.keys(crisisMachine.implementations.guards), transition.eventType).toContain((guard as { type?: unknown }).type);
          expect(JSON.parse(JSON.stringify(guard)), transition.eventType).toEqual(guard);
          continue;
        }
        expect(guard.guards?.[0], transition.eventType).toBe('isEventValid');
        const condition = guard.guards?.[1] as string | { type?: unknown } | { guards?: unknown[] };
        const named = (part: unknown): boolean =>
          typeof part === 'string' ||
          (typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'matches') ||
          (typeof part === 'function' && Array.isArray((part as { guards?: unknown[] }).guards) && (part as unknown as { guards: unknown[] }).guards.every(named));
        expect(named(condition), transition.eventType).toBe(true);
        expect(JSON.parse(JSON.stringify(guard)), transition.eventType).toMatchObject({ type: expect.any(String) });
      }
    }
    expect(Object.keys(crisisMachine.implementations.delays)).toEqual(['accessWindow', 'replyWindow', 'intermediaryWindow']);
    expect(Object.keys(crisisMachine.implementations.guards)).toEqual(
      expect.arrayContaining(['isPosterKnown', 'arePostsOutOfSight', 'hasInsiderInVenue', 'isAgreementReached', 'isEventValid']),
    );
  });

  it('is built from the definition, not written by hand: changing the data changes the machine', () => {
    const quick = compilePlaybook({
      ...defaultPlaybook,
      id: 'quick',
      ladder: {
        ...defaultPlaybook.ladder,
        rungs: defaultPlaybook.ladder.rungs.map((rung) =>
          rung.id === 'gatheringInfo'
            ? { ...rung, on: [...rung.on.slice(0, 2), { event: 'assessment.complete', target: 'phoneCall' }] }
            : rung,
        ),
      },
    });
    const actor = createActor(quick).start();
    actor.send({ type: 'assessment.complete' });
    expect(currentRung(actor.getSnapshot())).toBe('phoneCall');
  });
});

describe('the default playbook definition', () => {
  it('is plain JSON that validates with the exported schema and compiles after a round trip', () => {
    const json: unknown = JSON.parse(JSON.stringify(defaultPlaybook));
    expect(json).toEqual(defaultPlaybook);
    expect(playbookDefinitionSchema.safeParse(json).success).toBe(true);
    const machine = compilePlaybook(json as PlaybookDefinition);
    const actor = createActor(machine).start();
    actor.send({ type: 'assessment.complete' });
    expect(currentRung(actor.getSnapshot())).toBe('directMessage');
  });

  it('passes validation', () => {
    expect(safeParsePlaybook(defaultPlaybook).success).toBe(true);
  });
});

describe('an invalid definition', () => {
  const broken = {
    ...defaultPlaybook,
    windows: { ...defaultPlaybook.windows, replyWindow: { description: 'Never', duration: '0h' } },
    ladder: {
      ...defaultPlaybook.ladder,
      rungs: [
        ...defaultPlaybook.ladder.rungs.map((rung) =>
          rung.id === 'monitoring'
            ? { ...rung, on: [{ event: 'coffee.break', target: 'nowhere', guard: 'isTired' }] }
            : rung,
        ),
        { id: 'island', title: 'Island', description: 'Not linked to anything.', advice: [] },
      ],
    },
  };

  it('is reported with every issue at once, each with a code and a path', () => {
    const result = safeParsePlaybook(broken);
    expect(result.success).toBe(false);
    if (result.success) return;
    const found = result.error.issues.map((issue) => [issue.code, issue.path.join('.')]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['invalid_duration', 'windows.replyWindow.duration'],
        ['unknown_event', 'ladder.rungs.5.on.0.event'],
        ['unknown_rung', 'ladder.rungs.5.on.0.target'],
        ['unknown_guard', 'ladder.rungs.5.on.0.guard'],
      ]),
    );
  });

  it('reports unreachable rungs and traps once references resolve', () => {
    const result = safeParsePlaybook({
      ...defaultPlaybook,
      ladder: {
        ...defaultPlaybook.ladder,
        // Without these, nothing leaves monitoring, and the intermediary only leads there.
        fromEveryRung: defaultPlaybook.ladder.fromEveryRung.filter((t) => t.event === 'facts.update'),
        rungs: [
          ...defaultPlaybook.ladder.rungs,
          { id: 'island', title: 'Island', description: 'Not linked to anything.', advice: [] },
        ],
      },
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual([
      ['trap', 'ladder.rungs.3'],
      ['trap', 'ladder.rungs.5'],
      ['unreachable_rung', 'ladder.rungs.7'],
      ['unreachable_rung', 'ladder.rungs.8'],
    ]);
    expect(result.error.issues[1]!.message).toBe('No final rung can be reached from rung "monitoring"');
  });

  it('does not compile: compilePlaybook throws a PlaybookDefinitionError listing the issues', () => {
    expect(() => compilePlaybook(broken as never)).toThrow(PlaybookDefinitionError);
    expect(() => compilePlaybook(broken as never)).toThrow(/unknown_guard/);
  });

  it('reports a malformed document with the path of each shape error', () => {
    const result = safeParsePlaybook({ ...defaultPlaybook, id: 'has space', tracks: 'none' });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((issue) => issue.path.join('.'))).toEqual(['id', 'tracks']);
  });
});
