import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { type Condition, createIncident, currentRung, currentSeverity, defaultPlaybook, type GuardSpec, type Issue, limits, type PlaybookDefinition, recommend, type RungSpec } from 'crisis-playbook';
import { compileGuards, compilePlaybook, extendPlaybook, safeCompilePlaybook, safeParsePlaybook } from 'crisis-playbook/authoring';
import { machineConfig } from '../src/compile/machineConfig.js';
import { definitionLimitMessages, limitMessages } from '../src/limits.js';

type Result = { success: true } | { success: false; error: { issues: readonly Issue[] } };

/** Codes and paths of a result's issues, `[]` on success. */
const problems = (result: Result) => (result.success ? [] : result.error.issues.map(({ code, path }) => ({ code, path })));

/** The three safe forms on one document: each must give the same issues. */
function everySafeForm(document: unknown) {
  const validated = safeParsePlaybook(document);
  const compiled = safeCompilePlaybook(document as PlaybookDefinition);
  const built = extendPlaybook(document as PlaybookDefinition).safeBuild();
  expect(problems(compiled)).toEqual(problems(validated));
  expect(problems(built)).toEqual(problems(validated));
  return validated;
}

const withGuards = (guards: Record<string, unknown>): Record<string, unknown> => ({ ...defaultPlaybook, guards: { ...defaultPlaybook.guards, ...guards } });

function nestNot(depth: number, inner: Condition = 'isPosterKnown'): Condition {
  let condition = inner;
  for (let i = 0; i < depth; i++) condition = { not: condition };
  return condition;
}

function nestArrays(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

/** A chain of named guards c0 ... c{count - 1}, each (but c0) referring to the one before. */
function guardChain(count: number, condition: (previous: string | undefined) => Condition): Record<string, GuardSpec> {
  const guards: Record<string, GuardSpec> = {};
  for (let i = 0; i < count; i++) guards[`c${i}`] = { description: `Link ${i}.`, condition: condition(i === 0 ? undefined : `c${i - 1}`) };
  return guards;
}

describe('a condition nested too deep', () => {
  it('1,400 levels of "not" is reported at the level that crosses the limit, without a stack overflow', () => {
    const result = everySafeForm(withGuards({ deep: { description: 'Deep.', condition: nestNot(1400) } }));
    expect(problems(result)).toEqual([
      { code: 'condition_too_deep', path: ['guards', 'deep', 'condition', ...Array<string>(limits.conditionDepth).fill('not')] },
    ]);
    if (!result.success) expect(result.error.issues[0]!.message).toBe(`Condition nested too deep: ${definitionLimitMessages.conditionDepth}`);
  });

  it('1,400 levels of "all" on a transition: the list and its items count as one level', () => {
    let guard: Condition = 'isPosterKnown';
    for (let i = 0; i < 1400; i++) guard = { all: [guard] };
    const rungs = defaultPlaybook.ladder.rungs.map((rung: RungSpec) =>
      rung.id === 'monitoring' ? { ...rung, on: [{ event: 'contact.received', target: 'phoneCall', guard }, ...(rung.on ?? [])] } : rung,
    );
    const index = rungs.findIndex((rung) => rung.id === 'monitoring');
    const result = everySafeForm({ ...defaultPlaybook, ladder: { ...defaultPlaybook.ladder, rungs } });
    expect(problems(result)).toEqual([
      {
        code: 'condition_too_deep',
        path: ['ladder', 'rungs', index, 'on', 0, 'guard', ...Array.from({ length: limits.conditionDepth }, () => ['all', 0]).flat()],
      },
    ]);
  });

  it(`${limits.conditionDepth} levels are allowed, ${limits.conditionDepth + 1} are not`, () => {
    expect(safeParsePlaybook(withGuards({ deep: { description: 'Deep.', condition: nestNot(limits.conditionDepth) } })).success).toBe(true);
    expect(problems(safeParsePlaybook(withGuards({ deep: { description: 'Deep.', condition: nestNot(limits.conditionDepth + 1) } })))).toEqual([
      { code: 'condition_too_deep', path: ['guards', 'deep', 'condition', ...Array<string>(limits.conditionDepth).fill('not')] },
    ]);
  });

  it('does not hide the other problems of the playbook', () => {
    const result = safeParsePlaybook({
      ...withGuards({ deep: { description: 'Deep.', condition: nestNot(100) }, loose: { description: 'Loose.', condition: 'nowhere' } }),
      windows: { ...defaultPlaybook.windows, replyWindow: { description: 'Never.', duration: '0h' } },
    });
    expect(problems(result)).toEqual([
      { code: 'condition_too_deep', path: ['guards', 'deep', 'condition', ...Array<string>(limits.conditionDepth).fill('not')] },
      { code: 'unknown_guard', path: ['guards', 'loose', 'condition'] },
      { code: 'invalid_duration', path: ['windows', 'replyWindow', 'duration'] },
    ]);
  });
});

describe('a document nested too deep', () => {
  const depth = 100_000;
  /** The path of the array at depth `limits.definitionDepth + 1` inside arrays nested from `at`. */
  const crossing = (at: (string | number)[]) => [...at, ...Array<number>(limits.definitionDepth + 1 - at.length).fill(0)];

  it.each([
    ['the description', ['description'], [{ code: 'invalid_type', path: ['description'] }]],
    ['an unknown key', ['extra'], [{ code: 'unrecognized_keys', path: [] }]],
    ['the tags of a rung', ['ladder', 'rungs', 1, 'tags'], [{ code: 'invalid_type', path: ['ladder', 'rungs', 1, 'tags', 0] }]],
    ['the guards', ['guards'], [{ code: 'invalid_type', path: ['guards'] }]],
  ] as const)('(100,000 arrays in %s) is reported where the limit is crossed, without a stack overflow', (_, at, others) => {
    const document = structuredClone(defaultPlaybook) as unknown as Record<string, unknown>;
    let parent: Record<string | number, unknown> = document;
    for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    parent[at.at(-1)!] = nestArrays(depth);
    const result = everySafeForm(document);
    // Sorted by path: each other issue sits at or before the nested arrays.
    expect(problems(result)).toEqual([...others, { code: 'too_deep', path: crossing([...at]) }]);
  });

  it('(100,000 arrays in a condition list) is reported where the limit is crossed', () => {
    const result = everySafeForm(withGuards({ deep: { description: 'Deep.', condition: { path: 'facts.venue', in: nestArrays(depth) } } }));
    // The condition fails its shape only because of what was left out: zod's "invalid_union"
    // around the cut would say nothing more, so only the depth is reported.
    expect(problems(result)).toEqual([{ code: 'too_deep', path: crossing(['guards', 'deep', 'condition', 'in']) }]);
  });

  it(`${limits.definitionDepth} levels are allowed, ${limits.definitionDepth + 1} are not`, () => {
    expect(problems(safeParsePlaybook({ ...defaultPlaybook, extra: nestArrays(limits.definitionDepth) }))).toEqual([
      { code: 'unrecognized_keys', path: [] },
    ]);
    expect(problems(safeParsePlaybook({ ...defaultPlaybook, extra: nestArrays(limits.definitionDepth + 1) }))).toEqual([
      { code: 'unrecognized_keys', path: [] },
      { code: 'too_deep', path: ['extra', ...Array<number>(limits.definitionDepth).fill(0)] },
    ]);
  });
});

describe('a document too large', () => {
  /** How many values `value` holds, itself included. */
  const countValues = (value: unknown): number =>
    value !== null && typeof value === 'object' ? 1 + Object.values(value).reduce((sum: number, item) => sum + countValues(item), 0) : 1;

  it(`of exactly ${limits.definitionNodes.toLocaleString('en-US')} values is checked; one more is refused`, () => {
    const sized = (total: number) => {
      const advice = { title: 'Padding', detail: 'Explained by many guards.', priority: 50, because: [] as string[] };
      // The tracks last, as they were before the playbook had severity rules, so that the last
      // value in document order sits in a list of strings.
      const { tracks, ...rest } = defaultPlaybook;
      const document = {
        ...rest,
        tracks,
        ladder: {
          ...defaultPlaybook.ladder,
          rungs: defaultPlaybook.ladder.rungs.map((rung) => (rung.id === 'monitoring' ? { ...rung, advice: [...rung.advice, advice] } : rung)),
        },
      };
      advice.because = Array<string>(total - countValues(document)).fill('isPosterKnown');
      expect(countValues(document)).toBe(total);
      return document;
    };
    expect(safeParsePlaybook(sized(limits.definitionNodes)).success).toBe(true);
    const document = sized(limits.definitionNodes + 1);
    const over = safeParsePlaybook(document);
    // Counting stops at the value that crosses the limit: the last one, in document order.
    const lastPath = (value: unknown, path: (string | number)[] = []): (string | number)[] => {
      if (value === null || typeof value !== 'object') return path;
      const entries = Object.entries(value);
      if (entries.length === 0) return path;
      const [key, last] = entries.at(-1)!;
      return lastPath(last, [...path, Array.isArray(value) ? Number(key) : key]);
    };
    expect(lastPath(document).slice(0, 2)).toEqual(['tracks', 1]);
    expect(problems(over)).toEqual([{ code: 'too_large', path: lastPath(document) }]);
    if (!over.success) expect(over.error.issues[0]!.message).toContain(definitionLimitMessages.definitionNodes);
  });

  it('is refused before a huge array is read', () => {
    const result = everySafeForm({ ...defaultPlaybook, tracks: new Array(1e9) });
    expect(problems(result)).toEqual([{ code: 'too_large', path: ['tracks'] }]);
  });

  it('quotes a huge string short', () => {
    const result = everySafeForm({ ...defaultPlaybook, id: 'a'.repeat(10_000_000) });
    expect(problems(result)).toEqual([{ code: 'invalid_format', path: ['id'] }]);
    if (!result.success) expect(result.error.issues[0]!.message.length).toBeLessThan(400);
  });
});

describe('a long chain of named guards', () => {
  it('of 10,000 guards is reported once, where the chain grows over the limit', () => {
    const result = everySafeForm(withGuards(guardChain(10_000, (previous) => (previous ? { not: previous } : { path: 'facts.venue', equals: 'private-group' }))));
    expect(problems(result)).toEqual([{ code: 'guard_chain_too_long', path: ['guards', `c${limits.guardChain}`, 'condition'] }]);
    if (!result.success) {
      expect(result.error.issues[0]!.message).toBe(
        `Guard "c32" starts a chain of 33 named guards ("c32" → "c31" → "c30" → … → "c0"): ${definitionLimitMessages.guardChain}`,
      );
    }
  });

  it(`of ${limits.guardChain} guards, each ${limits.conditionDepth} levels deep, is valid and evaluates without a stack overflow`, () => {
    const deep = (inner: Condition): Condition => {
      let condition = inner;
      for (let level = 0; level < limits.conditionDepth; level++) {
        // An even number of "not", so that the condition holds when its innermost part does.
        condition =
          level % 4 === 0
            ? { all: [condition] }
            : level % 4 === 1
              ? { any: [{ path: 'threats', includes: 'violence' }, condition] }
              : { not: condition };
      }
      return condition;
    };
    // Checked below: a condition of exactly the deepest nesting allowed.
    const levels = (condition: Condition): number =>
      typeof condition === 'string' || 'path' in condition
        ? 0
        : 1 + Math.max(...('all' in condition ? condition.all : 'any' in condition ? condition.any : [condition.not]).map(levels));
    const guards = guardChain(limits.guardChain, (previous) => deep(previous ?? { path: 'event.channel', equals: 'phone' }));
    expect(levels(guards.c0!.condition)).toBe(limits.conditionDepth);
    const playbook = extendPlaybook(defaultPlaybook)
      .addGuards(guards)
      .addTransitions('monitoring', [
        { event: 'contact.received', target: 'resolved', guard: `c${limits.guardChain - 1}` },
        { event: 'contact.received', target: 'closed', guard: deep({ path: 'event.channel', equals: 'email' }) },
      ])
      .safeBuild();
    expect(playbook.success).toBe(true);
    if (!playbook.success) return;
    const machine = compilePlaybook(playbook.data);
    const toMonitoring = (channel: string) => {
      const actor = createActor(machine).start();
      actor.send({ type: 'assessment.complete' });
      actor.send({ type: 'message.ignored' });
      expect(currentRung(actor.getSnapshot())).toBe('monitoring');
      expect(recommend(actor.getSnapshot()).length).toBeGreaterThan(0);
      actor.send({ type: 'contact.received', channel } as never);
      return currentRung(actor.getSnapshot());
    };
    expect(toMonitoring('phone')).toBe('resolved'); // through the chain of 32 guards
    expect(toMonitoring('email')).toBe('closed'); // through the inline condition, 32 levels deep
    expect(toMonitoring('message')).toBe('monitoring'); // neither holds
  });

  it('evaluate all/any/not without the stack, however deep (compileGuards does not validate)', () => {
    let condition: Condition = { path: 'facts.knowsPoster', equals: true };
    for (let level = 0; level < 100_000; level++) condition = level % 2 ? { not: condition } : { any: [{ path: 'threats', includes: 'visit' }, condition] };
    const guards = compileGuards({ ...defaultPlaybook, guards: { deep: { description: 'Deep.', condition } } });
    expect(guards.deep({ context: { facts: { knowsPoster: true } }, event: { type: 'x' } })).toBe(true);
    expect(guards.deep({ context: { facts: { knowsPoster: false } }, event: { type: 'x' } })).toBe(false);
  });

  it(`of ${limits.guardChain} guards is allowed, ${limits.guardChain + 1} are not`, () => {
    const chain = (count: number) => withGuards(guardChain(count, (previous) => previous ?? { path: 'facts.venue', equals: 'private-group' }));
    expect(safeParsePlaybook(chain(limits.guardChain)).success).toBe(true);
    expect(problems(safeParsePlaybook(chain(limits.guardChain + 1)))).toEqual([
      { code: 'guard_chain_too_long', path: ['guards', `c${limits.guardChain}`, 'condition'] },
    ]);
  });
});

describe('a guard that refers to the same guard more than once', () => {
  // c0 holds; each next guard holds when the one below holds, asked twice: c12 stands for 8,191 guards, c13 for 16,383.
  const doubling = (count: number) => withGuards(guardChain(count, (previous) => (previous ? { all: [previous, previous] } : { path: 'supporters', atLeast: 0 })));

  it(`is refused once it stands for more than ${limits.guardExpansion.toLocaleString('en-US')} named guards (evaluating it would visit them all)`, () => {
    const result = everySafeForm(doubling(14));
    expect(problems(result)).toEqual([{ code: 'too_large', path: ['guards', 'c13', 'condition'] }]);
    if (!result.success) expect(result.error.issues[0]!.message).toContain(definitionLimitMessages.guardExpansion);
  });

  it('is valid under the limit, and a transition it guards is taken at once', () => {
    const playbook = extendPlaybook(doubling(13) as unknown as PlaybookDefinition)
      .addTransitions('gatheringInfo', [{ event: 'community.supported', target: 'phoneCall', guard: 'c12' }])
      .safeBuild();
    expect(playbook.success).toBe(true);
    if (!playbook.success) return;
    const incident = createIncident(compilePlaybook(playbook.data)).start();
    const started = performance.now();
    incident.send({ type: 'community.supported' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(currentRung(incident.getSnapshot())).toBe('phoneCall');
    incident.stop();
  });
});

describe('a playbook that compiles to many transitions', () => {
  // A chain of `rungs` rungs; `shared` events handled by the first rung and by a side track (each
  // open rung gets a recording stay for each), or, with `everyRung`, handled from every rung.
  const wide = (rungs: number, shared: number, { everyRung = false } = {}): PlaybookDefinition => {
    const names = Array.from({ length: shared }, (_, index) => `wide.e${index}`);
    const list: unknown[] = Array.from({ length: rungs }, (_, index) => ({
      id: `r${index}`,
      title: `Rung ${index}`,
      description: 'A rung.',
      advice: [],
      on: [{ event: 'go.next', target: index + 1 < rungs ? `r${index + 1}` : 'done' }, ...(index === 0 && !everyRung ? names.map((event) => ({ event })) : [])],
    }));
    list.push({ id: 'done', title: 'Done', description: 'The end.', advice: [], final: true });
    return {
      id: 'wide',
      version: '1',
      title: 'Wide',
      description: 'Many shared events.',
      events: Object.fromEntries(['go.next', ...names].map((event) => [event, {}])),
      guards: {},
      windows: {},
      ladder: { description: 'A chain.', initial: 'r0', rungs: list, ...(everyRung ? { fromEveryRung: names.map((event) => ({ event })) } : {}) },
      tracks: everyRung ? [] : [{ id: 'side', title: 'Side', description: 'A side track.', initial: 'a', states: [{ id: 'a', title: 'A', description: 'A state.', advice: [], on: names.map((event) => ({ event })) }] }],
    } as unknown as PlaybookDefinition;
  };

  it(`is refused past ${limits.compiledTransitions.toLocaleString('en-US')} (compiling grows with rungs × shared events: 1,200 × 1,200 took 11 s and 1.1 GB)`, () => {
    for (const playbook of [wide(150, 150), wide(1_200, 1_200), wide(250, 100, { everyRung: true })]) {
      const result = everySafeForm(playbook);
      expect(problems(result)).toEqual([{ code: 'too_large', path: ['ladder', 'rungs'] }]);
      if (!result.success) expect(result.error.issues[0]!.message).toContain(definitionLimitMessages.compiledTransitions);
      expect(safeCompilePlaybook(playbook).success).toBe(false);
    }
  });

  it('counts each copy with its actions, and a fallback per waiting window', () => {
    // 100 rungs and a move from every rung with 250 actions: 100 × 251 = 25,100.
    const many = wide(100, 0, { everyRung: true }) as unknown as { ladder: { fromEveryRung: unknown[] }; events: Record<string, unknown> };
    many.events['note.added'] = { payload: { facts: { type: 'facts', optional: true } } };
    many.ladder.fromEveryRung = [{ event: 'note.added', actions: Array(250).fill('updateFacts') }];
    expect(problems(everySafeForm(many))).toEqual([{ code: 'too_large', path: ['ladder', 'rungs'] }]);
    // Rungs with a move and 25 window moves each: 51 transitions a rung with the fallbacks, so 390 are under the limit, 400 over.
    const windows = (rungs: number) => {
      const playbook = wide(rungs, 0) as unknown as { windows: Record<string, unknown>; ladder: { rungs: { final?: boolean; after?: unknown[] }[] } };
      playbook.windows = Object.fromEntries(Array.from({ length: 25 }, (_, index) => [`w${index}`, { description: 'A window.', duration: '1h' }]));
      playbook.ladder.rungs.forEach((rung, index) => {
        if (!rung.final) rung.after = Array.from({ length: 25 }, (_, k) => ({ window: `w${k}`, target: index + 1 < rungs ? `r${index + 1}` : 'done' }));
      });
      return playbook;
    };
    expect(problems(everySafeForm(windows(390)))).toEqual([]);
    expect(problems(everySafeForm(windows(400)))).toEqual([{ code: 'too_large', path: ['ladder', 'rungs'] }]);
  });

  it('compiles a large condition on a move from every rung once, not once per rung', () => {
    // 4,000 rungs and a move from every rung guarded by 4,000 comparisons: 8 s and 1.2 GB when each copy built its own, 0.3 s once.
    const playbook = wide(4_000, 0, { everyRung: true }) as unknown as { ladder: { fromEveryRung: unknown[] }; events: Record<string, unknown> };
    playbook.events['incident.closed'] = {};
    const any = Array.from({ length: 4_000 }, (_, index) => ({ path: 'supporters', equals: index }));
    playbook.ladder.fromEveryRung = [{ event: 'incident.closed', target: 'done', guard: { any } }];
    const compiled = safeCompilePlaybook(playbook as unknown as PlaybookDefinition);
    expect(compiled.success).toBe(true);
    if (!compiled.success) return;
    // Every rung's copy of the move holds the one guard.
    const parsed = safeParsePlaybook(playbook);
    if (!parsed.success) throw parsed.error;
    const rungs = (machineConfig(parsed.data) as unknown as { states: { active: { states: { ladder: { states: Record<string, { on: Record<string, { guard: unknown }[]> }> } } } } }).states.active.states.ladder.states;
    const copies = new Set(Object.values(rungs).map((rung) => rung.on['incident.closed']![0]!.guard));
    expect(Object.keys(rungs)).toHaveLength(4_000);
    expect(copies.size).toBe(1);
    const incident = createIncident(compiled.data).start();
    incident.send({ type: 'incident.closed' } as never);
    expect(incident.getSnapshot().status).toBe('done');
    incident.stop();
  });

  it('is valid under the limit, and each shared event is recorded once', () => {
    for (const playbook of [wide(100, 100), wide(150, 100, { everyRung: true })]) {
      const compiled = safeCompilePlaybook(playbook);
      expect(compiled.success).toBe(true);
      if (!compiled.success) return;
      const incident = createIncident(compiled.data).start();
      incident.send({ type: 'go.next' } as never);
      incident.send({ type: 'wide.e7' } as never);
      expect(currentRung(incident.getSnapshot())).toBe('r1');
      expect(incident.getSnapshot().context.timeline.map((entry) => entry.type)).toEqual(['go.next', 'wide.e7']);
      incident.stop();
    }
  });
});

describe('guards as deep as validation allows', () => {
  it('answer advice and severity rules as they answer transitions', () => {
    // Three chained guards, each a double negation nested 30 levels deep: always true.
    const nest = (inner: Condition, pairs: number): Condition => {
      let condition = inner;
      for (let pair = 0; pair < pairs; pair++) condition = { not: { not: condition } };
      return condition;
    };
    const definition = structuredClone(defaultPlaybook) as unknown as {
      guards: Record<string, GuardSpec>;
      severity: { rules: unknown[] };
      ladder: { rungs: { id: string; advice?: unknown[]; on?: unknown[] }[] };
    };
    definition.guards.d0 = { description: 'Always (deep).', condition: nest({ path: 'supporters', atLeast: 0 }, 15) };
    definition.guards.d1 = { description: 'Always (deep).', condition: nest('d0', 15) };
    definition.guards.d2 = { description: 'Always (deep).', condition: nest('d1', 15) };
    const gathering = definition.ladder.rungs.find((rung) => rung.id === 'gatheringInfo')!;
    gathering.advice = [...(gathering.advice ?? []), { title: 'Deep advice', detail: 'Shown when d2 holds.', priority: 1, when: 'd2' }];
    definition.severity.rules = [{ when: 'd2', level: 'high' }, ...definition.severity.rules];
    gathering.on = [{ event: 'community.supported', target: 'phoneCall', guard: 'd2' }, ...(gathering.on ?? [])];
    const machine = compilePlaybook(definition as unknown as PlaybookDefinition);
    const incident = createIncident(machine).start();
    expect(recommend(incident.getSnapshot()).map((advice) => advice.title)).toContain('Deep advice');
    expect(currentSeverity(incident.getSnapshot())?.level).toBe('high');
    incident.send({ type: 'community.supported' });
    expect(currentRung(incident.getSnapshot())).toBe('phoneCall');
    incident.stop();
  });
});

describe('names a playbook cannot use', () => {
  it('refuses payload fields named like the metadata every event carries ("at", "by"), and a "facts" field of another kind, given as data or as a zod schema', async () => {
    const { z } = await import('zod');
    const cases: [string, Record<string, unknown>, (string | number)[]][] = [
      ['"at" as data', { payload: { at: { type: 'string' } } }, ['events', 'x.ev', 'payload', 'at']],
      ['"by" as data', { payload: { by: { type: 'string' } } }, ['events', 'x.ev', 'payload', 'by']],
      ['"facts" of the string kind', { payload: { facts: { type: 'string' } } }, ['events', 'x.ev', 'payload', 'facts', 'type']],
      ['"at" in a zod schema', { schema: z.object({ at: z.string() }) }, ['events', 'x.ev', 'schema', 'at']],
      ['"by" in a zod schema', { schema: z.object({ by: z.string() }) }, ['events', 'x.ev', 'schema', 'by']],
    ];
    for (const [name, spec, path] of cases) {
      const built = extendPlaybook(defaultPlaybook).addEvents({ 'x.ev': spec } as never).addTransitions('everyRung', [{ event: 'x.ev' } as never]).safeBuild();
      expect(built.success, name).toBe(false);
      if (!built.success) expect(built.error.issues.map((issue) => ({ code: issue.code, path: issue.path })), name).toEqual([{ code: 'reserved_field', path }]);
    }
  });

  it("keeps only the incident's own facts from an event whose zod schema says otherwise, so that what it stores can be read back", async () => {
    const { z } = await import('zod');
    const { createIncidentRuntime } = await import('crisis-playbook/server');
    const built = extendPlaybook(defaultPlaybook)
      .rename({ id: 'odd-facts', version: '1.0.0' })
      .addEvents({ 'x.ev': { schema: z.object({ facts: z.record(z.string(), z.union([z.string(), z.boolean()])) }) } })
      .addTransitions('everyRung', [{ event: 'x.ev', actions: ['updateFacts'] }])
      .build();
    const runtime = createIncidentRuntime({ playbooks: [compilePlaybook(built)] });
    const opened = runtime.open({ now: 0 });
    const next = runtime.decide(opened.incident, { type: 'x.ev', facts: { venue: 'moon', bogus: true, witnessed: true } } as never, { now: 60_000 });
    expect(next.incident.snapshot.context.facts).toEqual({ witnessed: true });
    expect(runtime.safeParse(JSON.parse(next.json)).success).toBe(true);
  });

  it('refuses the rung id "everyRung" (addTransitions reads it as every open rung), and a track state with more after its name', () => {
    const definition = structuredClone(defaultPlaybook) as unknown as { ladder: { initial: string; rungs: { id: string }[] } };
    const monitoring = definition.ladder.rungs.find((rung) => rung.id === 'monitoring')!;
    const index = definition.ladder.rungs.indexOf(monitoring);
    const renamed = JSON.parse(JSON.stringify(definition).replaceAll('"monitoring"', '"everyRung"')) as typeof definition;
    expect(problems(safeParsePlaybook(renamed))).toContainEqual({ code: 'reserved_id', path: ['ladder', 'rungs', index, 'id'] });
    for (const state of ['safety.threatened.typo', 'safety.threatened.', 'safety']) {
      expect(extendPlaybook(defaultPlaybook).setAdvice(state as never, []).safeBuild().success, state).toBe(false);
    }
    expect(extendPlaybook(defaultPlaybook).setAdvice('safety.threatened' as never, []).safeBuild().success).toBe(true);
  });

  it("refuses the library's own guard names, which would replace event checks, conditions or follow-up counts", () => {
    for (const name of ['isEventValid', 'matches', 'canFollowUp', 'isReminderDue']) {
      const result = everySafeForm(withGuards({ [name]: { description: 'Mine.', condition: { path: 'supporters', atLeast: 0 } } }));
      expect(problems(result), name).toEqual([{ code: 'reserved_id', path: ['guards', name] }]);
    }
  });

  it("refuses a window that leads back to its own rung (its deadline would run out again and again), also when a removed rung's moves are rerouted there", () => {
    const definition = structuredClone(defaultPlaybook) as unknown as { ladder: { rungs: { id: string; after?: { window: string; target: string }[] }[] } };
    const direct = definition.ladder.rungs.find((rung) => rung.id === 'directMessage')!;
    direct.after = [{ window: 'replyWindow', target: 'directMessage' }];
    expect(problems(everySafeForm(definition))).toEqual([{ code: 'after_to_own_rung', path: ['ladder', 'rungs', 2, 'after', 0, 'target'] }]);
    const rerouted = extendPlaybook(defaultPlaybook).removeRung('intermediary').removeRung('directMessage', { rerouteTo: 'requestingAccess' }).safeBuild();
    expect(rerouted.success).toBe(false);
    if (!rerouted.success) expect(rerouted.error.issues.map((issue) => issue.code)).toContain('after_to_own_rung');
  });
});

describe('a guard cycle', () => {
  it('is reported for each guard on the cycle, not for the guards that only lead to it', () => {
    const result = everySafeForm(
      withGuards({
        a: { description: 'A.', condition: { all: ['b', 'isPosterKnown'] } },
        b: { description: 'B.', condition: { not: 'a' } },
        c: { description: 'Leads to the cycle.', condition: 'a' },
        self: { description: 'Itself.', condition: { any: ['self'] } },
      }),
    );
    expect(problems(result)).toEqual([
      { code: 'guard_cycle', path: ['guards', 'a', 'condition'] },
      { code: 'guard_cycle', path: ['guards', 'b', 'condition'] },
      { code: 'guard_cycle', path: ['guards', 'self', 'condition'] },
    ]);
  });
});

describe('values that are not plain data', () => {
  it('a cyclic object is reported where it refers back', () => {
    const document: Record<string, unknown> = { ...defaultPlaybook };
    document.self = document;
    expect(problems(everySafeForm(document))).toEqual([
      { code: 'unrecognized_keys', path: [] },
      { code: 'circular_reference', path: ['self'] },
    ]);
    const loop: { all: unknown[] } = { all: [] };
    loop.all.push(loop);
    expect(problems(everySafeForm(withGuards({ loop: { description: 'Loop.', condition: loop } })))).toEqual([
      { code: 'circular_reference', path: ['guards', 'loop', 'condition', 'all', 0] },
    ]);
  });

  it('a value shared in two places is not a cycle', () => {
    const shared = { path: 'facts.venue', equals: 'private-group' } as const;
    const result = safeParsePlaybook(withGuards({ one: { description: 'One.', condition: shared }, two: { description: 'Two.', condition: { not: shared } } }));
    expect(result.success).toBe(true);
  });

  it('a Proxy that throws is reported where it is read', () => {
    const throwing = new Proxy({}, {
      ownKeys() {
        throw new Error('no keys');
      },
    });
    expect(problems(everySafeForm(throwing))).toEqual([{ code: 'unreadable_value', path: [] }]);
    const rungs: unknown[] = [...defaultPlaybook.ladder.rungs];
    rungs[1] = new Proxy(defaultPlaybook.ladder.rungs[1], {
      get(target, key, receiver) {
        if (key === 'title') throw new TypeError('no title');
        return Reflect.get(target, key, receiver);
      },
    });
    const result = everySafeForm({ ...defaultPlaybook, ladder: { ...defaultPlaybook.ladder, rungs } });
    expect(problems(result)).toEqual([{ code: 'unreadable_value', path: ['ladder', 'rungs', 1, 'title'] }]);
    if (!result.success) expect(result.error.issues[0]!.message).toBe('This value cannot be read: reading it threw TypeError: "no title"');
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(problems(everySafeForm({ ...defaultPlaybook, guards: revocable.proxy }))).toEqual([{ code: 'unreadable_value', path: ['guards'] }]);
  });

  it('a getter that throws is reported at its key; getters are read once', () => {
    let reads = 0;
    const document = {
      ...defaultPlaybook,
      get title(): string {
        throw new Error('getter');
      },
      get description(): string {
        reads++;
        return reads === 1 ? 'A description.' : '';
      },
    };
    expect(problems(safeParsePlaybook(document))).toEqual([{ code: 'unreadable_value', path: ['title'] }]);
    expect(reads).toBe(1);
  });

  it('BigInts, functions and symbols are refused by the shape, with their paths', () => {
    const result = everySafeForm({ ...defaultPlaybook, $schema: () => 'x', version: 10n, description: Symbol('d') });
    expect(problems(result)).toEqual([
      { code: 'invalid_type', path: ['$schema'] },
      { code: 'invalid_type', path: ['description'] },
      { code: 'invalid_type', path: ['version'] },
    ]);
    expect(problems(everySafeForm(() => defaultPlaybook))).toEqual([{ code: 'invalid_type', path: [] }]);
  });

  it('a valid document behind getters compiles from what was checked', () => {
    let reads = 0;
    const document = {
      ...defaultPlaybook,
      get id(): string {
        reads++;
        return reads === 1 ? 'checked' : 'not checked!';
      },
    };
    const result = safeCompilePlaybook(document);
    expect(result.success).toBe(true);
    if (result.success) expect(result.data.id).toBe('checked');
  });

  it('builder operations given unusable arguments become issues', () => {
    const result = extendPlaybook(defaultPlaybook)
      .addRung(null as never)
      .insertRung(null as never, null as never)
      .safeBuild();
    expect(problems(result)).toEqual([
      { code: 'invalid_operation', path: ['operations', 0] },
      { code: 'invalid_operation', path: ['operations', 1] },
    ]);
  });
});

describe('messages', () => {
  it('of an invalid duration use the shared window limit', () => {
    const result = safeParsePlaybook({
      ...defaultPlaybook,
      windows: { ...defaultPlaybook.windows, replyWindow: { description: 'Long.', duration: '25d' } },
    });
    expect(result.success || result.error.issues).toEqual([
      { code: 'invalid_duration', path: ['windows', 'replyWindow', 'duration'], message: `Expected ${limitMessages.window}; received "25d"` },
    ]);
    expect(limitMessages.window).toContain('about 24.8 days');
  });

  it('list at most ten expected names', () => {
    const guards: Record<string, GuardSpec> = {};
    for (let i = 0; i < 5000; i++) guards[`g${i}`] = { description: 'G.', condition: 'isPosterKnown' };
    const result = safeParsePlaybook(withGuards({ ...guards, broken: { description: 'Broken.', condition: 'missing' } }));
    expect(problems(result)).toEqual([{ code: 'unknown_guard', path: ['guards', 'broken', 'condition'] }]);
    // Every guard is a candidate: the 5,000 above, the default playbook's own and "broken"; ten are named.
    const more = 5000 + Object.keys(defaultPlaybook.guards).length + 1 - 10;
    if (!result.success) expect(result.error.issues[0]!.message).toMatch(new RegExp(`^Unknown guard "missing"; expected one of "[^"]+"(, "[^"]+"){9} and ${more} more$`));
  });
});

describe('text and names a playbook may not use', () => {
  it('refuses event types that XState reserves', () => {
    const result = safeParsePlaybook({ ...defaultPlaybook, events: { ...defaultPlaybook.events, 'xstate.stop': { description: 'Forged.' } } });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((issue) => [issue.code, issue.path])).toContainEqual(['reserved_id', ['events', 'xstate.stop']]);
  });

  it('refuses control characters in titles and descriptions, which terminals, inspectors and diagrams show', () => {
    const result = safeParsePlaybook({ ...defaultPlaybook, title: 'Evil\u001b[2J', description: 'Bell\u0007' });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((issue) => issue.path.join('.'))).toEqual(expect.arrayContaining(['title', 'description']));
    expect(safeParsePlaybook({ ...defaultPlaybook, description: 'Line one.\nLine two.\tTabbed.' }).success).toBe(true);
  });
});
