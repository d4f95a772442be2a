import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compareIssues, defaultPlaybook, type Issue, limits, type PlaybookDefinition } from 'crisis-playbook';
import { extendPlaybook, safeCompilePlaybook, safeParsePlaybook } from 'crisis-playbook/authoring';
import { main } from '../src/cli/main.js';

type Path = (string | number)[];
type Result = { success: true } | { success: false; error: { issues: readonly Issue[] } };
type Json = Record<string, any>; // documents are edited freely

const dir = mkdtempSync(join(tmpdir(), 'crisis-layers-'));

/** A fresh JSON copy of the default playbook, to break. */
const fresh = (): Json => JSON.parse(JSON.stringify(defaultPlaybook)) as Json;

/** Codes and paths of a result's issues, `[]` on success. */
const problems = (result: Result) => (result.success ? [] : result.error.issues.map(({ code, path }) => ({ code, path })));

/** Runs the command line in this process: `crisis-playbook check <file> [--json]`, capturing what it prints. */
async function runCheck(text: string, json: boolean): Promise<{ code: number; stdout: string }> {
  const file = join(dir, `playbook-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await main(['check', file, ...(json ? ['--json'] : [])]);
    return { code, stdout };
  } finally {
    write.mockRestore();
  }
}

/**
 * The issues of a document given as JSON text from the four entry points, which must agree:
 * safeParsePlaybook, safeCompilePlaybook, safeBuild and `crisis-playbook check` (as JSON and as
 * text: one line per issue with its path and code, after the count).
 */
async function everyEntryPoint(text: string): Promise<readonly Issue[]> {
  const validated = safeParsePlaybook(JSON.parse(text));
  const compiled = safeCompilePlaybook(JSON.parse(text) as PlaybookDefinition);
  const built = extendPlaybook(JSON.parse(text) as PlaybookDefinition).safeBuild();
  expect(validated.success).toBe(false);
  if (validated.success) return [];
  const issues = validated.error.issues;
  expect(compiled.success ? [] : compiled.error.issues).toEqual(issues);
  expect(built.success ? [] : built.error.issues).toEqual(issues);
  // Sorted by path, then code.
  expect([...issues].sort(compareIssues)).toEqual(issues);

  const json = await runCheck(text, true);
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout)).toEqual({ valid: false, issues });
  const plain = await runCheck(text, false);
  expect(plain.code).toBe(1);
  const lines = plain.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(new RegExp(`: ${issues.length} issues$`));
  expect(lines).toHaveLength(issues.length + 1);
  issues.forEach((issue, index) => {
    const line = lines[index + 1]!;
    expect(line.startsWith(`- ${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: `)).toBe(true);
    expect(line.endsWith(`[${issue.code}]`)).toBe(true);
  });
  return issues;
}

/** A rung that is valid on its own. */
const rung = (id: string, on: Json[] = []) => ({ id, title: id, description: `The ${id} rung.`, advice: [], on });
const state = (id: string) => ({ id, title: id, description: `The ${id} state.`, advice: [] });

function nestNot(depth: number): unknown {
  let condition: unknown = 'isPosterKnown';
  for (let level = 0; level < depth; level++) condition = { not: condition };
  return condition;
}

function nestArrays(depth: number): unknown {
  let value: unknown = [];
  for (let level = 1; level < depth; level++) value = [value];
  return value;
}

afterEach(() => vi.restoreAllMocks());

describe('a playbook with a problem of every kind', () => {
  it('gets every one of them in a single call, the same list from every entry point, sorted by path', async () => {
    const document = fresh();
    document.title = 42; // shape
    document.extra = true; // shape: a key a playbook does not have
    document.description = nestArrays(limits.definitionDepth + 5); // shape, and nested too deep
    document.guards.loopy = { description: 'Refers to itself.', condition: { not: 'loopy' } };
    document.guards.deep = { description: 'Nested too deep.', condition: nestNot(limits.conditionDepth + 8) };
    // A malformed condition still has its guard names checked.
    document.guards.shaky = { description: 'Malformed.', condition: { all: ['isGhost', { path: 'nowhere', equals: 1 }] } };
    document.events['xstate.custom'] = {};
    document.events['note.added'] = { payload: { type: { type: 'string' } } };
    document.windows.replyWindow.duration = '0h';
    const rungs = document.ladder.rungs as Json[];
    rungs[0]!.on[2].description = 42; // shape, in a transition that is otherwise fine
    rungs[1]!.advice = 'Ask nicely.'; // shape: this rung's transitions are still checked
    rungs[1]!.on[2].target = 'nowhere';
    rungs[2]!.on[0].event = 'coffee.break';
    rungs[2]!.after[0].window = 'coffeeWindow';
    rungs[3]!.on[1].guard = 'isMystery';
    rungs[4]!.on[0].actions = ['recordCall', 'sendFlowers'];
    rungs[5]!.on = [
      { event: 'message.replied', target: 'limbo' },
      { event: 'intermediary.asked', target: 'active' },
    ];
    rungs[7]!.on = [{ event: 'incident.closed', target: 'nowhere' }]; // a final rung with transitions
    // Handles the shared events itself, without a target: no way out.
    rungs.push(rung('limbo', [{ event: 'contact.received' }, { event: 'incident.closed' }]));
    rungs.push(rung('island', [{ event: 'incident.closed', target: 'closed' }]));
    rungs.push(rung('active', [{ event: 'incident.closed', target: 'closed' }]));
    document.tracks[0].states.push(state('supported'), state('forgotten'));
    document.tracks[1].states[1].on[0].target = 'panic';
    const text = JSON.stringify(document).replace(/^\{/, '{"__proto__":{"polluted":true},');

    const issues = await everyEntryPoint(text);
    const deep = (prefix: Path, key: string | number, count: number): Path => [...prefix, ...Array<string | number>(count).fill(key)];
    expect(issues.map(({ code, path }) => ({ code, path }))).toEqual([
      { code: 'unrecognized_keys', path: [] },
      { code: 'reserved_key', path: ['__proto__'] },
      { code: 'invalid_type', path: ['description'] },
      { code: 'too_deep', path: deep(['description'], 0, limits.definitionDepth) },
      { code: 'reserved_field', path: ['events', 'note.added', 'payload', 'type'] },
      { code: 'reserved_id', path: ['events', 'xstate.custom'] },
      { code: 'condition_too_deep', path: deep(['guards', 'deep', 'condition'], 'not', limits.conditionDepth) },
      { code: 'guard_cycle', path: ['guards', 'loopy', 'condition'] },
      { code: 'unknown_guard', path: ['guards', 'shaky', 'condition'] },
      { code: 'invalid_format', path: ['guards', 'shaky', 'condition', 'all', 1, 'path'] },
      { code: 'invalid_type', path: ['ladder', 'rungs', 0, 'on', 2, 'description'] },
      { code: 'invalid_type', path: ['ladder', 'rungs', 1, 'advice'] },
      { code: 'unknown_rung', path: ['ladder', 'rungs', 1, 'on', 2, 'target'] },
      { code: 'unknown_window', path: ['ladder', 'rungs', 2, 'after', 0, 'window'] },
      { code: 'unknown_event', path: ['ladder', 'rungs', 2, 'on', 0, 'event'] },
      { code: 'unknown_guard', path: ['ladder', 'rungs', 3, 'on', 1, 'guard'] },
      { code: 'unknown_action', path: ['ladder', 'rungs', 4, 'on', 0, 'actions', 1] },
      { code: 'final_with_transitions', path: ['ladder', 'rungs', 7] },
      { code: 'unknown_rung', path: ['ladder', 'rungs', 7, 'on', 0, 'target'] },
      { code: 'trap', path: ['ladder', 'rungs', 8] },
      { code: 'unreachable_rung', path: ['ladder', 'rungs', 9] },
      { code: 'reserved_id', path: ['ladder', 'rungs', 10, 'id'] },
      { code: 'invalid_type', path: ['title'] },
      { code: 'duplicate_id', path: ['tracks', 0, 'states', 2, 'id'] },
      { code: 'unreachable_state', path: ['tracks', 0, 'states', 3] },
      { code: 'unknown_state', path: ['tracks', 1, 'states', 1, 'on', 0, 'target'] },
      { code: 'invalid_duration', path: ['windows', 'replyWindow', 'duration'] },
    ]);
    // Every code of the validation table that can stand beside the others.
    const codes = new Set(issues.map((issue) => issue.code));
    for (const code of [
      'invalid_type', 'unrecognized_keys', 'duplicate_id', 'reserved_id', 'reserved_key', 'reserved_field', 'unknown_rung', 'unknown_state',
      'unknown_event', 'unknown_guard', 'guard_cycle', 'unknown_window', 'invalid_duration', 'unknown_action', 'unreachable_rung',
      'unreachable_state', 'trap', 'final_with_transitions', 'too_deep', 'condition_too_deep',
    ]) {
      expect(codes).toContain(code);
    }
  });

  it('the end of the ladder (final_initial, no_final_rung) is reported beside shape and reference problems', async () => {
    const startsAtTheEnd = fresh();
    startsAtTheEnd.ladder.initial = 'resolved';
    startsAtTheEnd.ladder.rungs[1].title = '';
    startsAtTheEnd.ladder.rungs[2].on[0].event = 'coffee.break';
    expect((await everyEntryPoint(JSON.stringify(startsAtTheEnd))).map(({ code, path }) => ({ code, path }))).toEqual([
      { code: 'final_initial', path: ['ladder', 'initial'] },
      { code: 'too_small', path: ['ladder', 'rungs', 1, 'title'] },
      { code: 'unknown_event', path: ['ladder', 'rungs', 2, 'on', 0, 'event'] },
    ]);
    const endless = fresh();
    for (const each of endless.ladder.rungs as Json[]) delete each.final;
    endless.ladder.rungs[4].advice[0].priority = 'high';
    endless.ladder.rungs[4].on[0].guard = 'isMystery';
    expect((await everyEntryPoint(JSON.stringify(endless))).map(({ code, path }) => ({ code, path }))).toEqual([
      { code: 'no_final_rung', path: ['ladder', 'rungs'] },
      { code: 'invalid_type', path: ['ladder', 'rungs', 4, 'advice', 0, 'priority'] },
      { code: 'unknown_guard', path: ['ladder', 'rungs', 4, 'on', 0, 'guard'] },
    ]);
  });

  it('reports the six mistakes of issue #17 at once, and an unreachable rung beside an unknown one', () => {
    const six = fresh();
    six.version = 2;
    six.ladder.rungs[0].advice = [{ title: 'Listen', detail: 'First.' }];
    six.ladder.rungs[1].on[1].target = 'directMesage';
    six.ladder.rungs[2].on[2].guard = 'hasInsider';
    six.ladder.rungs[3].on[0].event = 'intermediary.ask';
    six.windows.accessWindow.duration = '2 days';
    expect(problems(safeParsePlaybook(six))).toEqual([
      { code: 'invalid_type', path: ['ladder', 'rungs', 0, 'advice', 0, 'priority'] },
      { code: 'unknown_rung', path: ['ladder', 'rungs', 1, 'on', 1, 'target'] },
      { code: 'unknown_guard', path: ['ladder', 'rungs', 2, 'on', 2, 'guard'] },
      { code: 'unknown_event', path: ['ladder', 'rungs', 3, 'on', 0, 'event'] },
      { code: 'invalid_type', path: ['version'] },
      { code: 'invalid_duration', path: ['windows', 'accessWindow', 'duration'] },
    ]);

    const two = fresh();
    two.ladder.rungs[2].on[1].target = 'phoneCal';
    two.ladder.rungs.push(rung('island', [{ event: 'incident.closed', target: 'closed' }]));
    expect(problems(safeParsePlaybook(two))).toEqual([
      { code: 'unknown_rung', path: ['ladder', 'rungs', 2, 'on', 1, 'target'] },
      { code: 'unreachable_rung', path: ['ladder', 'rungs', 8] },
    ]);
  });
});

describe('what follows from another problem is not reported', () => {
  it('a rung reachable only through a transition with another problem is not unreachable: the cause is reported', () => {
    const document = fresh();
    // The only ways into the intermediary rung: an undeclared event, an unknown guard, an unknown window.
    document.ladder.rungs[2].on[2].event = 'message.lost';
    document.ladder.rungs[2].after[0].window = 'patienceWindow';
    document.ladder.rungs[2].after[0].guard = 'isPatient';
    expect(problems(safeParsePlaybook(document))).toEqual([
      { code: 'unknown_guard', path: ['ladder', 'rungs', 2, 'after', 0, 'guard'] },
      { code: 'unknown_window', path: ['ladder', 'rungs', 2, 'after', 0, 'window'] },
      { code: 'unknown_event', path: ['ladder', 'rungs', 2, 'on', 2, 'event'] },
    ]);
    // A transition whose shape is wrong elsewhere still leads where its target says.
    const malformed = fresh();
    malformed.ladder.rungs[2].on[2].description = ['not', 'text'];
    malformed.ladder.rungs[2].after[0].actions = 'recordReply';
    expect(problems(safeParsePlaybook(malformed)).map(({ code }) => code)).toEqual(['invalid_type', 'invalid_type']);
  });

  it('a rung whose way out leads to an unknown rung is not a trap, nor are the rungs that lead to it', () => {
    const document = fresh();
    document.ladder.rungs.push(
      rung('waiting', [{ event: 'contact.received', target: 'pending' }, { event: 'incident.closed' }]),
      rung('pending', [{ event: 'contact.received', target: 'nowhere' }, { event: 'incident.closed' }]),
    );
    document.ladder.rungs[5].on = [{ event: 'message.replied', target: 'waiting' }];
    expect(problems(safeParsePlaybook(document))).toEqual([{ code: 'unknown_rung', path: ['ladder', 'rungs', 9, 'on', 0, 'target'] }]);
    // Fixed, they are traps.
    document.ladder.rungs[9].on[0].target = 'waiting';
    expect(problems(safeParsePlaybook(document))).toEqual([
      { code: 'trap', path: ['ladder', 'rungs', 8] },
      { code: 'trap', path: ['ladder', 'rungs', 9] },
    ]);
    // A malformed list of transitions, or a malformed `final`, might lead to the end too.
    document.ladder.rungs[9].on = 'contact.received';
    expect(problems(safeParsePlaybook(document)).map(({ code }) => code)).toEqual(['invalid_type']);
    document.ladder.rungs[9].on = [{ event: 'contact.received' }, { event: 'incident.closed' }];
    document.ladder.rungs[9].final = 'yes';
    expect(problems(safeParsePlaybook(document)).map(({ code }) => code)).toEqual(['invalid_type']);
  });

  it('a transition to an unknown rung leads nowhere known: a rung nothing else leads to is unreachable', () => {
    const document = fresh();
    // The intermediary rung is reached from the direct message only; both ways in point elsewhere now.
    document.ladder.rungs[2].on[2].target = 'intermediry';
    document.ladder.rungs[2].after[0].target = 'intermediry';
    expect(problems(safeParsePlaybook(document))).toEqual([
      { code: 'unknown_rung', path: ['ladder', 'rungs', 2, 'after', 0, 'target'] },
      { code: 'unknown_rung', path: ['ladder', 'rungs', 2, 'on', 2, 'target'] },
      { code: 'unreachable_rung', path: ['ladder', 'rungs', 3] },
    ]);
  });

  it('of an unreachable part of the ladder, only the rungs it is entered by are reported, with how many they lead to', () => {
    const document = fresh();
    // A chain a → b → c → d that one typo cuts off, and a loop x ⇄ y that nothing leads into.
    document.ladder.rungs[5].on = [{ event: 'message.replied', target: 'aa' }];
    document.ladder.rungs.push(
      rung('a', [{ event: 'message.sent', target: 'b' }]),
      rung('b', [{ event: 'message.sent', target: 'c' }]),
      rung('d', [{ event: 'message.sent', target: 'resolved' }]),
      rung('c', [{ event: 'message.sent', target: 'd' }]),
      rung('y', [{ event: 'message.sent', target: 'x' }]),
      rung('x', [{ event: 'message.sent', target: 'y' }, { event: 'message.ignored', target: 'c' }]),
    );
    const result = safeParsePlaybook(document);
    expect(problems(result)).toEqual([
      { code: 'unknown_rung', path: ['ladder', 'rungs', 5, 'on', 0, 'target'] },
      { code: 'unreachable_rung', path: ['ladder', 'rungs', 8] },
      { code: 'unreachable_rung', path: ['ladder', 'rungs', 12] },
    ]);
    if (result.success) return;
    expect(result.error.issues.slice(1).map((issue) => issue.message)).toEqual([
      'Rung "a" cannot be reached from "gatheringInfo" (nor can the 3 rungs it leads to)',
      'Rung "y" cannot be reached from "gatheringInfo" (nor can the rung it leads to)',
    ]);
    // Fixed, the chain is reachable; the loop is still reported once.
    document.ladder.rungs[5].on[0].target = 'a';
    expect(problems(safeParsePlaybook(document))).toEqual([{ code: 'unreachable_rung', path: ['ladder', 'rungs', 12] }]);
  });

  it('of an unreachable part of a side track, only the states it is entered by are reported', () => {
    const document = fresh();
    document.tracks[0].states.push(
      { ...state('rallying'), on: [{ event: 'community.supported', target: 'quiet' }, { event: 'threat.reported', target: 'divided' }] },
      { ...state('divided'), on: [{ event: 'community.supported', target: 'quiet' }] },
    );
    const result = safeParsePlaybook(document);
    expect(problems(result)).toEqual([{ code: 'unreachable_state', path: ['tracks', 0, 'states', 2] }]);
    if (!result.success) {
      expect(result.error.issues[0]!.message).toBe('State "rallying" of track "community" cannot be reached from "quiet" (nor can the state it leads to)');
    }
  });

  it('without a known, open first rung nothing is unreachable, but traps are still found', () => {
    const document = fresh();
    document.ladder.initial = 'gathering';
    document.ladder.rungs.push(rung('island', [{ event: 'contact.received' }, { event: 'incident.closed' }]));
    expect(problems(safeParsePlaybook(document))).toEqual([
      { code: 'unknown_rung', path: ['ladder', 'initial'] },
      { code: 'trap', path: ['ladder', 'rungs', 8] },
    ]);
    document.ladder.initial = 42;
    expect(problems(safeParsePlaybook(document))).toEqual([
      { code: 'invalid_type', path: ['ladder', 'initial'] },
      { code: 'trap', path: ['ladder', 'rungs', 8] },
    ]);
  });

  it('when a list of names is malformed, references to it are not checked', () => {
    const noRungs = fresh();
    noRungs.ladder.rungs = { gatheringInfo: noRungs.ladder.rungs[0] };
    noRungs.ladder.fromEveryRung[0].event = 'contact.made';
    expect(problems(safeParsePlaybook(noRungs))).toEqual([
      { code: 'unknown_event', path: ['ladder', 'fromEveryRung', 0, 'event'] },
      { code: 'invalid_type', path: ['ladder', 'rungs'] },
    ]);
    const noEvents = fresh();
    noEvents.events = Object.keys(noEvents.events);
    noEvents.ladder.rungs[1].on[0].target = 'nowhere';
    expect(problems(safeParsePlaybook(noEvents))).toEqual([
      { code: 'invalid_type', path: ['events'] },
      { code: 'unknown_rung', path: ['ladder', 'rungs', 1, 'on', 0, 'target'] },
    ]);
    const noGuardsOrWindows = fresh();
    noGuardsOrWindows.guards = null;
    noGuardsOrWindows.windows = 'none';
    expect(problems(safeParsePlaybook(noGuardsOrWindows))).toEqual([
      { code: 'invalid_type', path: ['guards'] },
      { code: 'invalid_type', path: ['windows'] },
    ]);
  });

  it('a rung without a well-formed id leaves the rungs it leads to reachable', () => {
    const document = fresh();
    document.ladder.rungs[3].id = 'the intermediary';
    document.ladder.rungs[2].on[2].target = 'the intermediary';
    document.ladder.rungs[2].after[0].target = 'the intermediary';
    document.ladder.rungs[4].on = [{ event: 'call.completed', target: 'resolved' }];
    // Monitoring is now reached only from the rung whose id is malformed (and from the direct message).
    document.ladder.rungs[2].on[3].target = 'phoneCall';
    document.ladder.rungs[2].after[1].target = 'phoneCall';
    expect(problems(safeParsePlaybook(document))).toEqual([
      { code: 'invalid_format', path: ['ladder', 'rungs', 2, 'after', 0, 'target'] },
      { code: 'invalid_format', path: ['ladder', 'rungs', 2, 'on', 2, 'target'] },
      { code: 'invalid_format', path: ['ladder', 'rungs', 3, 'id'] },
      // Its own transition to itself names the id it no longer has.
      { code: 'unknown_rung', path: ['ladder', 'rungs', 3, 'on', 0, 'target'] },
    ]);
  });
});
