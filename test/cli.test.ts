/* eslint-disable no-control-regex -- the tests look for ANSI escape codes */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultPlaybook } from 'crisis-playbook';
import { decide, decideDue, openIncident } from 'crisis-playbook/server';
import { referenceCase } from '../examples/reference-case/events.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'crisis-cli-'));
const file = (name: string, content?: string) => {
  const path = join(dir, name);
  if (content !== undefined) writeFileSync(path, content);
  return path;
};
// Times are shown in the local time zone: a fixed one, with summer time, for the tests.
const env = { ...process.env, NO_COLOR: '1', DEBUG: '', TZ: 'Europe/Berlin' };

/**
 * The command line run in this process (`main`), what it printed captured: for commands that read
 * no input (a process each cost 1 to 4 s on a loaded two-core machine). The tests that check what
 * only a process shows (exit codes, signals, the terminal, stdin) use `run`.
 */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../src/cli/main.js');
  const printed = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed[stream] += String(chunk);
      return true;
    });
  const spies = [capture('stdout'), capture('stderr')];
  try {
    return { code: await main(args), ...printed };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** Runs the built CLI with piped stdin; never throws on a non-zero exit. */
async function run(args: string[], input = '') {
  const child = execFile(process.execPath, [cli, ...args], { cwd: dir, env });
  child.stdin!.end(input);
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The answers walk needs for the reference case, by event name. */
const assessment = ['n', 'n', 'n', 'private-group', 'n', 'y'];
const referenceAnswers = [
  ...assessment,
  'assessment.complete', '',
  'access.requested', '',
  'access.denied', 'The admin said no',
  'message.sent', '',
  'message.ignored', '',
  'intermediary.asked', 'Ben', '',
  'community.supported', 'Members defend us',
  'threat.reported', 'visit', 'They will come by',
  'threat.reported', 'police-report', '',
  'contact.received', 'phone', '',
  'call.completed', 'y', 'y', '',
];

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run "npm run build" first (npm test does)');
});

describe('the CLI', () => {
  it('shows a command\'s help for "help <command>"', async () => {
    const viaHelp = await inProcess(['help', 'walk']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe((await inProcess(['walk', '--help'])).stdout);
  });

  it.each(['walk', 'replay', 'status', 'diagram', 'check'])('has --help for %s', async (command) => {
    const { code, stdout } = await inProcess([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: crisis-playbook ${command}`);
  });

  it('prints usage, and one clear line with exit code 2 for a wrong command or option', async () => {
    expect((await run(['--help'])).stdout).toContain('Commands:');
    const unknown = await run(['wlak']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toBe('crisis-playbook: unknown command "wlak" (did you mean walk?); expected one of walk, replay, status, diagram, check (see --help)\n');
    const option = await run(['check', 'x.json', '--colour']);
    expect(option.code).toBe(2);
    expect(option.stderr).toBe('crisis-playbook: unknown option "--colour" for check; its options are --json, --help (see "crisis-playbook check --help")\n');
    // A typo of an option or a command: the one meant (in this process: quicker than a process each).
    expect(await inProcess(['walk', '--fiel', 'x.json'])).toMatchObject({
      code: 2,
      stderr: 'crisis-playbook: unknown option "--fiel" for walk; did you mean --file? (see "crisis-playbook walk --help")\n',
    });
    expect((await inProcess(['replay', 'x.jsonl', '--jsn'])).stderr).toContain('did you mean --json?');
    expect((await inProcess(['check', "--fo'o"])).stderr).toContain('unknown option "--fo\'o" for check;');
    expect((await inProcess(['stauts', 'x.json'])).stderr).toContain('unknown command "stauts" (did you mean status?)');
    // The version of the package.
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await run(['--version'])).toMatchObject({ code: 0, stdout: `crisis-playbook ${version}\n` });
    // Names of JavaScript's own object are no commands either (in this process: quicker than a process each).
    for (const name of ['constructor', 'toString', '__proto__']) {
      const odd = await inProcess([name, 'x.json']);
      expect(odd, name).toMatchObject({ code: 2, stdout: '' });
      expect(odd.stderr, name).toBe(`crisis-playbook: unknown command "${name}"; expected one of walk, replay, status, diagram, check (see --help)\n`);
    }
  });

  it('refuses a --by that no event could carry before asking anything, with exit code 2', async () => {
    const target = join(dir, 'by.json');
    for (const by of ['Ana\tB', 'x'.repeat(121)]) {
      // In this process: refused before anything is read from the input.
      const { code, stdout, stderr } = await inProcess(['walk', '--file', target, '--by', by]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^crisis-playbook: --by: .*120 characters/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(target)).toBe(false);
    }
  });

  it.each([
    ['a missing file', ['check', 'nope.json'], 'crisis-playbook: playbook "nope.json" does not exist'],
    ['bad JSON', ['status', file('broken.json', '{"format":')], 'is not valid JSON'],
    ['an incident with an unknown rung', ['status', file('tampered.json', JSON.stringify({ ...openIncident({ now: 0 }).incident, snapshot: { ...openIncident({ now: 0 }).incident.snapshot, value: { active: { ladder: 'prayer', community: 'quiet', safety: 'none' } } } }))], 'Unknown open rung "prayer"'],
  ])('reports %s in one line, without a stack trace', async (_, args, message) => {
    const { code, stderr } = await inProcess(args);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('says to give the playbook of an incident written with another one', async () => {
    const { compilePlaybook } = await import('crisis-playbook/authoring');
    const { createIncidentRuntime } = await import('crisis-playbook/server');
    const playbookFile = fileURLToPath(new URL('../examples/json-playbook/playbook.json', import.meta.url));
    const machine = compilePlaybook(JSON.parse(readFileSync(playbookFile, 'utf8')));
    const incident = file('riverside.json', createIncidentRuntime({ playbooks: [machine] }).open({ now: Date.parse('2026-04-06T19:00:00Z') }).json);
    const { code, stderr } = await inProcess(['status', incident]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Playbook "riverside-school" is not registered .*\(unknown_playbook\); it runs on another playbook: give its file with --playbook <file>\n$/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(await inProcess(['status', incident, '--playbook', playbookFile])).toMatchObject({ code: 0 });
    // The other way round: an incident of the built-in playbook read with a custom one.
    const builtIn = file('built-in.json', JSON.stringify(openIncident({ now: Date.parse('2026-04-06T19:00:00Z') }).incident));
    expect((await inProcess(['status', builtIn, '--playbook', playbookFile])).stderr).toMatch(/; it runs on the built-in playbook: leave out --playbook\n$/);
    // Another version of the same playbook.
    const playbook = JSON.parse(readFileSync(playbookFile, 'utf8')) as { version: string };
    const newer = file('riverside-newer.json', JSON.stringify({ ...playbook, version: '9.9.9' }));
    const older = await inProcess(['status', incident, '--playbook', newer]);
    expect(older.code).toBe(1);
    expect(older.stderr).toMatch(/: it was started with another version of this playbook \("riverside-school" version "2\.1\.0"\); give that version's file with --playbook <file>\n$/);
    expect(older.stderr).not.toContain('migrate');
  });

  it('says when a playbook is given for an incident file, or an incident file for a playbook', async () => {
    const playbookFile = file('pb.json', JSON.stringify(defaultPlaybook));
    const incidentFile = file('inc.json', JSON.stringify(openIncident({ now: Date.parse('2026-04-06T19:00:00Z') }).incident));
    const notIncident = `crisis-playbook: "${playbookFile}" is a playbook, not an incident file: give it with --playbook, and the incident with --file (walk) or as the file (status)\n`;
    const notPlaybook = `crisis-playbook: "${incidentFile}" is an incident file, not a playbook: "crisis-playbook status ${incidentFile}" shows it, and walk takes it with --file\n`;
    expect(await inProcess(['status', playbookFile])).toMatchObject({ code: 1, stdout: '', stderr: notIncident });
    // diagram takes the incident with --incident.
    expect(await inProcess(['diagram', '--incident', playbookFile])).toMatchObject({ code: 1, stderr: notIncident.replace('with --file (walk) or as the file (status)', 'with --incident') });
    expect(await inProcess(['check', incidentFile])).toMatchObject({ code: 1, stdout: '', stderr: notPlaybook });
    expect(await inProcess(['status', incidentFile, '--playbook', incidentFile])).toMatchObject({ code: 1, stderr: notPlaybook });
    // walk reads its file before asking anything.
    expect(await run(['walk', '--file', playbookFile])).toMatchObject({ code: 1, stderr: notIncident });
    expect(readFileSync(playbookFile, 'utf8')).toBe(JSON.stringify(defaultPlaybook));
  });

  describe('check', () => {
    it('accepts a valid playbook', async () => {
      const { code, stdout } = await inProcess(['check', file('default.json', JSON.stringify(defaultPlaybook))]);
      expect(code).toBe(0);
      expect(stdout).toContain('valid playbook "crisis" version 1.0.0: 8 rungs, 2 side tracks');
    });

    it('lists every issue with its path and exits 1, also as JSON', async () => {
      const broken = { ...defaultPlaybook, windows: { ...defaultPlaybook.windows, replyWindow: { description: 'x', duration: '0h' } }, ladder: { ...defaultPlaybook.ladder, initial: 'nowhere' } };
      const path = file('broken-playbook.json', JSON.stringify(broken));
      const text = await inProcess(['check', path]);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('- windows.replyWindow.duration: Expected a positive duration');
      expect(text.stdout).toContain('- ladder.initial: Unknown rung "nowhere"');
      const json = await inProcess(['check', path, '--json']);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as { valid: boolean; issues: { code: string }[] };
      expect(report.valid).toBe(false);
      // Sorted by path: ladder.initial before windows.replyWindow.duration.
      expect(report.issues.map((i) => i.code)).toEqual(['unknown_rung', 'invalid_duration']);
    });

    it('prints every issue of every layer at once, one line each with its path and code, after the count', async () => {
      // The six mistakes of issue #17: two of shape, an unknown rung, guard and event, a bad duration.
      const broken = JSON.parse(JSON.stringify(defaultPlaybook)) as Record<string, any>;
      broken.version = 2;
      broken.ladder.rungs[0].advice = [{ title: 'Listen', detail: 'First.' }];
      broken.ladder.rungs[1].on[1].target = 'directMesage';
      broken.ladder.rungs[2].on[2].guard = 'hasInsider';
      broken.ladder.rungs[3].on[0].event = 'intermediary.ask';
      broken.windows.accessWindow.duration = '2 days';
      const path = file('six-mistakes.json', JSON.stringify(broken));
      const { code, stdout } = await inProcess(['check', path]);
      expect(code).toBe(1);
      const lines = stdout.trimEnd().split('\n');
      expect(lines[0]).toBe(`${path}: 6 issues`);
      expect(lines.slice(1).map((line) => [line.split(':')[0], line.match(/\[(\w+)\]$/)?.[1]])).toEqual([
        ['- ladder.rungs.0.advice.0.priority', 'invalid_type'],
        ['- ladder.rungs.1.on.1.target', 'unknown_rung'],
        ['- ladder.rungs.2.on.2.guard', 'unknown_guard'],
        ['- ladder.rungs.3.on.0.event', 'unknown_event'],
        ['- version', 'invalid_type'],
        ['- windows.accessWindow.duration', 'invalid_duration'],
      ]);
      const one = await inProcess(['check', file('one-mistake.json', JSON.stringify({ ...defaultPlaybook, version: 2 }))]);
      expect(one.stdout.split('\n')[0]).toMatch(/one-mistake\.json: 1 issue$/);
    });
  });

  describe('replay', () => {
    const jsonl = file('case.jsonl', referenceCase.map((e) => JSON.stringify(e)).join('\n') + '\n');

    it('prints the path and the outcome of a scripted case (JSON Lines or a JSON array)', async () => {
      const { code, stdout } = await run(['replay', jsonl]);
      expect(code).toBe(0);
      expect(stdout).toContain('Path: gatheringInfo → requestingAccess → directMessage → intermediary → phoneCall → resolved');
      expect(stdout).toContain(
        'Status: done\nOutcome: Resolved: the two sides talked it through and reached an agreement. On the call, the organisation apologised and you reached an agreement.\n',
      );
      expect(stdout).not.toContain('{"outcome"');
      const array = await run(['replay', file('case.json', JSON.stringify(referenceCase, null, 2)), '--json']);
      const report = JSON.parse(array.stdout) as { path: string[]; output: { outcome: string }; timeline: unknown[] };
      expect(report.path.at(-1)).toBe('resolved');
      expect(report.output.outcome).toBe('resolved');
      expect(report.timeline).toHaveLength(12);
    });

    it('starts the clock no earlier than 1970 for events dated in its first minute', async () => {
      const early = await inProcess(['replay', file('early.jsonl', '{"type":"assessment.complete","at":"1970-01-01T00:00:30Z"}\n')]);
      expect(early.stderr).toBe('');
      expect(early.code).toBe(0);
      expect(early.stdout).toContain('directMessage');
    });

    it('says so when given an incident file or a playbook instead of events', async () => {
      const incident = file('not-events-incident.json', JSON.stringify(openIncident({ now: Date.parse('2026-04-06T19:00:00Z') }).incident, null, 2));
      const asIncident = await inProcess(['replay', incident]);
      expect(asIncident.code).toBe(1);
      expect(asIncident.stderr).toMatch(/is an incident file, not events: "crisis-playbook status .*" shows it/);
      for (const text of [JSON.stringify(defaultPlaybook), JSON.stringify(defaultPlaybook, null, 2)]) {
        const asPlaybook = await inProcess(['replay', file('not-events-playbook.json', text)]);
        expect(asPlaybook.stderr).toMatch(/is a playbook, not events: give it with --playbook/);
      }
    });

    it('names the line of an invalid event in a JSON array, whatever its first key', async () => {
      const text = '[\n  {"at":"2026-04-06T19:05:00Z","type":"facts.update","facts":{"venue":"unknown"}},\n  {"type":"assessment.complete","note":"{\\"type\\""},\n  {"type":"bogus"}\n]\n';
      const { code, stderr } = await run(['replay', file('array.json', text)]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/array\.json:4: type: Unknown event type "bogus"/);
    });

    it('names the line of an invalid event and why, and exits 1', async () => {
      const lines = referenceCase.map((e) => JSON.stringify(e));
      lines[3] = JSON.stringify({ type: 'threat.reported', kind: 'hug' });
      const { code, stdout, stderr } = await run(['replay', file('bad-case.jsonl', lines.join('\n'))]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/bad-case\.jsonl:4: kind: Invalid option: expected one of .*; received "hug" \(invalid_event\)\n$/);
      // A typo of an event type: the one meant (in this process).
      lines[3] = JSON.stringify({ type: 'mesage.sent' });
      const typo = await inProcess(['replay', file('typo-case.jsonl', lines.join('\n'))]);
      expect(typo.code).toBe(1);
      expect(typo.stderr).toMatch(/typo-case\.jsonl:4: type: Unknown event type "mesage\.sent" \(did you mean "message\.sent"\?\); expected one of /);
    });
  });

  describe('status and diagram', () => {
    let stored = openIncident({ now: Date.parse('2026-04-06T19:00:00Z') }).incident;
    stored = decide(stored, { type: 'assessment.complete' }, { now: '2026-04-06T19:00:00Z' }).incident;
    const path = file('incident.json', JSON.stringify(stored));

    it('status shows the rung, tracks, deadlines (overdue here) and advice, also as JSON', async () => {
      const { code, stdout } = await run(['status', path]);
      expect(code).toBe(0);
      expect(stdout).toContain('Rung: directMessage (Private message)');
      expect(stdout).toContain('Tracks: community: quiet, safety: none');
      // In local time (TZ), with the year when it is not this year, and how long ago.
      expect(stdout).toMatch(/\nDeadline: replyWindow was due Tue,? 7 Apr(?: 2026)?, 21:00 CEST \(\d+ d(?: \d+ h)? ago\)\n/);
      expect(stdout).toContain('1. Message the person privately, then wait for the reply');
      const json = JSON.parse((await run(['status', path, '--json'])).stdout) as { rung: string; deadlines: { overdue: boolean }[] };
      expect(json.rung).toBe('directMessage');
      expect(json.deadlines[0]!.overdue).toBe(true);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(stored);
    });

    it('status shows the reminder of the response-time target, overdue while nobody responded, also as JSON', async () => {
      const threatened = decide(openIncident({ now: Date.parse('2026-04-06T19:00:00Z') }).incident, { type: 'threat.reported', kind: 'violence' }, { now: '2026-04-06T19:00:00Z' }).incident;
      const pending = await run(['status', file('threatened.json', JSON.stringify(threatened))]);
      expect(pending.stdout).toMatch(/\nReminder: first response overdue \(Critical target, due Mon,? 6 Apr(?: 2026)?, 21:15 CEST \(\d+ d(?: \d+ h)? ago\)\)\n/);
      const fired = decideDue(threatened, { now: '2026-04-06T20:00:00Z' }).incident;
      const json = JSON.parse((await run(['status', file('fired.json', JSON.stringify(fired)), '--json'])).stdout) as { reminders: unknown };
      expect(json.reminders).toEqual({ pending: [], overdue: [{ reminder: 'first-response', severity: 'critical', due: '2026-04-06T19:15:00.000Z' }] });
      // Responded: no reminder any more.
      const answered = decide(fired, { type: 'assessment.complete' }, { now: '2026-04-06T20:05:00Z' }).incident;
      expect((await run(['status', file('answered.json', JSON.stringify(answered))])).stdout).not.toContain('Reminder:');
    });

    it('diagram prints Mermaid, highlighting the incident', async () => {
      const plain = await run(['diagram']);
      expect(plain.stdout.startsWith('stateDiagram-v2\n')).toBe(true);
      const highlighted = await run(['diagram', '--incident', path, '--json']);
      expect((JSON.parse(highlighted.stdout) as { mermaid: string }).mermaid).toContain('class directMessage,community_quiet,safety_none current');
    });
  });

  describe('walk with piped input', () => {
    it('asks only the assessment questions of facts the playbook reads: none for a playbook that reads none', async () => {
      const playbook = file('no-facts.json', JSON.stringify({
        id: 'no-facts',
        version: '1.0.0',
        title: 'Call back',
        description: 'Call the person back.',
        events: { 'call.done': { description: 'The call took place.' } },
        guards: {},
        windows: {},
        ladder: {
          description: 'Two rungs.',
          initial: 'calling',
          rungs: [
            { id: 'calling', title: 'Call', description: 'Call them.', advice: [{ title: 'Call', detail: 'Call them back.', priority: 1 }], on: [{ event: 'call.done', target: 'done' }] },
            { id: 'done', title: 'Done', description: 'Done.', advice: [], final: true },
          ],
        },
        tracks: [],
      }));
      const path = file('no-facts-incident.json');
      const { code, stdout } = await run(['walk', '--file', path, '--playbook', playbook], 'call.done\n\n');
      expect(code).toBe(0);
      expect(stdout).not.toContain('what do you know');
      expect(stdout).not.toContain('Did you see the posts yourself?');
      expect(stdout).toContain('Recorded call.done; saved.');
    });

    it('asks the assessment, offers only valid events and resolves the reference case, saving every step', async () => {
      const path = file('walk.json');
      const { code, stdout } = await run(['walk', '--file', path, '--by', 'Ana'], referenceAnswers.join('\n') + '\n');
      expect(code).toBe(0);
      expect(stdout).toContain('? Where were the posts made? (Enter to skip) private-group');
      expect(stdout).toContain(
        '\nOutcome: Resolved: the two sides talked it through and reached an agreement. On the call, the organisation apologised and you reached an agreement.\n',
      );
      expect(stdout.endsWith('The incident is finished.\n')).toBe(true);
      expect(stdout).not.toContain('{"outcome"');
      // Only events valid where the incident stands are offered.
      const menus = stdout.split('What happened?').slice(1).map((menu) => menu.split('? Pick')[0]!);
      expect(menus[0]).toContain('assessment.complete');
      expect(menus[0]).not.toContain('access.denied');
      expect(menus[1]).toContain('access.denied');
      expect(stdout).not.toMatch(/\u001b\[/);
      const saved = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { status: string; context: { timeline: { type: string; by?: string }[] } } };
      expect(saved.snapshot.status).toBe('done');
      expect(saved.snapshot.context.timeline.map((e) => e.type)).toEqual(referenceCase.map((e) => e.type));
      expect(saved.snapshot.context.timeline.every((e) => e.by === 'Ana')).toBe(true);
    });

    it('resumes a saved incident and applies a waiting window that ran out meanwhile', async () => {
      const path = file('resume.json');
      await run(['walk', '--file', path], [...assessment, 'assessment.complete', ''].join('\n') + '\n');
      const saved = JSON.parse(readFileSync(path, 'utf8')) as {
        snapshot: { context: { openedAt: string; timeline: { at: string }[]; deadlines: { due: string }[] } };
      };
      expect(saved.snapshot.context.deadlines).toHaveLength(1);
      // Pretend the incident was walked 25 hours ago, so the access window ran out while nobody was looking.
      const earlier = (time: string) => new Date(Date.parse(time) - 25 * 3_600_000).toISOString();
      const { context } = saved.snapshot;
      context.openedAt = earlier(context.openedAt);
      for (const entry of context.timeline) entry.at = earlier(entry.at);
      for (const deadline of context.deadlines) deadline.due = earlier(deadline.due);
      writeFileSync(path, JSON.stringify(saved));
      const { stdout } = await run(['walk', '--file', path], 'q\n');
      expect(stdout).toContain(`Resumed ${path}: 1 waiting window(s) ran out meanwhile (accessWindow).`);
      expect(stdout).toContain('Rung: directMessage');
    });

    it('resumes an interrupted assessment the next day: the reminder that fell due meanwhile is no answer', async () => {
      const path = file('resume-reminder.json');
      const opened = Date.now() - 30 * 3_600_000;
      const { incident } = openIncident({ now: opened });
      writeFileSync(path, JSON.stringify(decide(incident, { type: 'facts.update', facts: { witnessed: false, knowsPoster: false } }, { now: opened + 60_000 }).incident));
      const { stdout } = await run(['walk', '--file', path], 'q\n');
      expect(stdout).toContain(`Resumed ${path}: the first response fell overdue meanwhile (low).`);
      expect(stdout).toContain('4 of the assessment questions are still unanswered');
    });

    it('asks a free-text answer again when it holds a control character, rather than dropping the event', async () => {
      const path = file('control-answer.json');
      const { stdout } = await run(['walk', '--file', path], [...assessment, 'threat.reported', 'visit', '\u001b[31mred\u0007', 'They said they will come by.', 'q'].join('\n') + '\n');
      expect(stdout).toContain('That answer holds a control character (an arrow key or Esc?); please type it again.');
      const saved = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { context: { threats: { kind: string; note?: string }[] } } };
      expect(saved.snapshot.context.threats).toEqual([expect.objectContaining({ kind: 'visit', note: 'They said they will come by.' })]);
    });

    it('says in one line, without a stack trace, when it cannot write its output (a full disk)', async () => {
      const { openSync, closeSync } = await import('node:fs');
      const full = openSync('/dev/full', 'w');
      try {
        const result = spawnSync(process.execPath, [cli, 'diagram'], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
        expect(result.status).toBe(1);
        expect(result.stderr).toBe('crisis-playbook: cannot write the output: ENOSPC\n');
      } finally {
        closeSync(full);
      }
    });

    it('says so, and exits 1, when its input ends inside an event\'s questions: that event is not recorded', async () => {
      const path = file('short-input.json');
      const { code, stdout } = await run(['walk', '--file', path], [...assessment, 'threat.reported'].join('\n') + '\n');
      expect(code).toBe(1);
      expect(stdout).toContain(`End of input before the questions of threat.reported were answered: it was not recorded. Every event before it is saved in ${path}.`);
      const saved = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { context: { timeline: { type: string }[] } } };
      expect(saved.snapshot.context.timeline.map((entry) => entry.type)).toEqual(['facts.update']);
    });

    it('creates the file a link names, when the link leads to no file yet, and keeps the link', async () => {
      const { lstatSync, symlinkSync } = await import('node:fs');
      const target = file('linked-target.json');
      const link = file('linked.json');
      symlinkSync(target, link);
      const { code } = await run(['walk', '--file', link], 'q\n');
      expect(code).toBe(0);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(existsSync(target)).toBe(true);
      expect((JSON.parse(readFileSync(target, 'utf8')) as { format: string }).format).toBe('crisis-playbook/incident');
    });

    it('records no facts.update whose every question was skipped', async () => {
      const path = file('skipped-facts.json');
      const { code, stdout } = await run(['walk', '--file', path], [...assessment, 'facts.update', '', '', '', '', '', '', 'q'].join('\n') + '\n');
      expect(code).toBe(0);
      expect(stdout).toContain('Nothing recorded: no fact was given for facts.update.');
      const saved = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { context: { timeline: { type: string }[] } } };
      expect(saved.snapshot.context.timeline.map((entry) => entry.type)).toEqual(['facts.update']);
    });

    it('says when the directory of --file does not exist', async () => {
      const { code, stderr } = await run(['walk', '--file', join(dir, 'no-such-directory', 'incident.json')], 'q\n');
      expect(code).toBe(1);
      expect(stderr).toMatch(/^crisis-playbook: the directory ".*no-such-directory" does not exist: create it, or give a file in a directory that does\n$/);
    });

    it('stops on quit or exit at the list of events, and never suggests q for a typo', async () => {
      for (const word of ['quit', 'EXIT']) {
        const path = file(`quit-${word}.json`);
        const { code, stdout } = await run(['walk', '--file', path], [...assessment, 'y', word].join('\n') + '\n');
        expect(code).toBe(0);
        expect(stdout).toContain(`Stopped. The incident is saved in ${path}`);
        expect(stdout).not.toContain('Did you mean q?');
      }
    });

    it('prints one JSON line per recorded event with --json', async () => {
      const { stdout } = await run(['walk', '--file', file('json-walk.json'), '--json'], [...assessment, 'assessment.complete', ''].join('\n') + '\n');
      const steps = stdout.trim().split('\n').map((line) => JSON.parse(line) as { rung: string });
      expect(steps.map((s) => s.rung)).toEqual(['gatheringInfo', 'requestingAccess']);
    });
  });
});

describe('walk as a responder would want it', () => {
  it('shows what each event means beside its id, and asks who and what', async () => {
    const answers = [...assessment, 'assessment.complete', '', 'contact.received', 'phone', '', 'call.completed', 'y', 'n', ''];
    const { code, stdout } = await run(['walk', '--file', file('words.json')], answers.join('\n') + '\n');
    expect(code).toBe(0);
    expect(stdout).toContain(
      [
        'What happened?',
        '   1) assessment.complete  The facts are gathered and the assessment is complete.',
        '   2) contact.received     The person reached out on their own.',
        '   3) facts.update         Record what is known about the incident.',
        '   4) incident.closed      The responder closes the incident.',
        '   5) community.supported  Supporters spoke up for the organisation.',
        '   6) threat.reported      A threat was made.',
        '   7) q                    stop here; walk again to resume',
      ].join('\n'),
    );
    expect(stdout).toContain('? How did the person reach out? phone');
    expect(stdout).toContain('? Did the organisation apologise? [y/n] y');
    expect(stdout).toContain('? Did you reach an agreement with the person? [y/n] n');
  });

  it('takes answers in any case and by an unambiguous start, lists the candidates of an ambiguous one, and suggests the event meant by a typo', async () => {
    const path = file('answers.json');
    const answers = ['n', 'n', 'n', 'p', 'Private', 'n', 'y', 'asessment.complete', 'Assessment.Complete', '', 'message', 'access.d', '', 'threat.reported', 'POL', 'They will report us', 'q'];
    const { code, stdout } = await run(['walk', '--file', path], answers.join('\n') + '\n');
    expect(code).toBe(0);
    expect(stdout).toContain('"p" could be personal-feed, public-group or private-group: type more of it, or its number.\n? Where were the posts made? (Enter to skip) Private\n');
    expect(stdout).toContain('There is no "asessment.complete". Did you mean assessment.complete?\n');
    expect(stdout).toContain('Please answer with a number from 1 to 9, or one of the names.\n');
    const saved = JSON.parse(readFileSync(path, 'utf8')) as {
      snapshot: { context: { facts: { venue: string }; threats: { kind: string }[]; timeline: { type: string }[] } };
    };
    expect(saved.snapshot.context.facts.venue).toBe('private-group');
    expect(saved.snapshot.context.timeline.map((entry) => entry.type)).toEqual(['facts.update', 'assessment.complete', 'access.denied', 'threat.reported']);
    expect(saved.snapshot.context.threats.map((threat) => threat.kind)).toEqual(['police-report']);
  });

  it('shows deadlines in local time and how far off they are', async () => {
    const { stdout } = await run(['walk', '--file', file('times.json')], [...assessment, 'assessment.complete', '', 'q'].join('\n') + '\n');
    expect(stdout).toMatch(/\nDeadline: accessWindow due \w{3},? \d{1,2} \w{3},? \d\d:\d\d CES?T \((?:in 23 h|in 24 h)\)\n/);
    expect(stdout).not.toMatch(/due \d{4}-\d\d-\d\dT/);
  });

  it('asks on resume the assessment questions an interrupted walk left unanswered, and only those', async () => {
    const path = file('partial.json');
    // The input ends after three answers: they are kept.
    const first = await run(['walk', '--file', path], 'n\nn\nn\n');
    expect(first.stdout).toContain('Kept the 3 answer(s) given so far; walk asks the others when it resumes.');
    const kept = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { context: { facts: object; timeline: { type: string }[] } } };
    expect(kept.snapshot.context.facts).toEqual({ witnessed: false, knowsPoster: false, connectedToPoster: false });
    const second = await run(['walk', '--file', path], 'private\nn\ny\nq\n');
    expect(second.stdout).toContain(`Resumed ${path}.\n3 of the assessment questions are still unanswered; Enter skips a question.\n`);
    expect(second.stdout).not.toContain('Did you see the posts yourself?');
    expect(second.stdout).toContain('? Is anyone else in the organisation a member of that group? [y/n/Enter to skip] y');
    const done = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { context: { facts: object; timeline: { type: string }[] } } };
    expect(done.snapshot.context.facts).toEqual({
      witnessed: false,
      knowsPoster: false,
      connectedToPoster: false,
      venue: 'private-group',
      memberOfVenue: false,
      insiderInVenue: true,
    });
    expect(done.snapshot.context.timeline.map((entry) => entry.type)).toEqual(['facts.update', 'facts.update']);
    // Nothing left to ask: a further resume goes straight to the menu.
    expect((await run(['walk', '--file', path], 'q\n')).stdout).not.toContain('still unanswered');
  });

  it('status of a finished incident gives the outcome in words and a review with the figures', async () => {
    let { incident } = openIncident({ now: '2026-04-06T19:00:00Z' });
    for (const { at, ...event } of referenceCase) incident = decide(incident, event, { now: at! }).incident;
    const path = file('finished.json', JSON.stringify(incident));
    const { code, stdout } = await run(['status', path]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\nReview:\n {3}Opened Mon,? 6 Apr(?: 2026)?, 21:00 CEST, finished after 24 h 10 min \(12 events\)\.\n/);
    expect(stdout).toContain(
      [
        'Outcome: Resolved: the two sides talked it through and reached an agreement. On the call, the organisation apologised and you reached an agreement.',
        'Review:',
      ].join('\n'),
    );
    expect(stdout).toContain(
      [
        '   First response after 20 min (assessment.complete); first direct contact after 2 h 30 min (message.sent).',
        '   Time on each rung: gatheringInfo 20 min, requestingAccess 1 h 50 min, directMessage 14 h 50 min, intermediary 6 h 30 min, phoneCall 40 min.',
        '   Threats: visit and police report.',
        '   Supporters spoke up once.',
        '1. Keep your word: Do what was agreed, and thank the people who helped.',
      ].join('\n'),
    );
    // The whole review checklist, not the top three.
    expect(stdout).toContain('7. Keep the record:');
    const json = JSON.parse((await run(['status', path, '--json'])).stdout) as { output: { outcome: string }; summary: { firstResponse: { afterMs: number } } };
    expect(json.output.outcome).toBe('resolved');
    expect(json.summary.firstResponse.afterMs).toBe(20 * 60_000);
  });
});

describe('walk in a real terminal', () => {
  /** Runs walk under `script`, which gives it a pseudo-terminal, and answers its prompts. */
  function terminal(path: string, extraEnv: Record<string, string> = {}) {
    const child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} walk --file ${JSON.stringify(path)}`, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, TERM: 'xterm', ...extraEnv },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const closed = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    let exited = false;
    void closed.then(() => (exited = true));
    // A prompt starts a line with "? " (coloured or not).
    const prompts = () => (output.match(/(?:^|\n)(?:\u001b\[36m)?\?(?:\u001b\[39m)? /g) ?? []).length;
    let given = 0;
    const waitForPrompt = async () => {
      const deadline = Date.now() + 10_000;
      while (prompts() <= given && !exited) {
        if (Date.now() > deadline) throw new Error(`no prompt after ${given} answers; output so far:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    return {
      output: () => output,
      closed,
      /** Answers the next prompts one at a time, each once it is shown. */
      async answer(answers: string[]) {
        for (const answer of answers) {
          await waitForPrompt();
          child.stdin.write(`${answer}\r`);
          given++;
        }
        await waitForPrompt();
      },
      write: (text: string) => child.stdin.write(text),
    };
  }

  it('runs the reference case, survives being killed mid-incident, and resumes', async () => {
    const path = file('tty.json');
    const first = terminal(path);
    // Up to message.ignored: the incident is on the intermediary rung.
    await first.answer(referenceAnswers.slice(0, 16));
    expect(first.output()).toMatch(/\u001b\[1mRung:/); // colour on a terminal
    // The node process, not the `script` wrapper (whose arguments are quoted).
    const pid = spawnSync('pgrep', ['-n', '-f', `cli.js walk --file ${path}`]).stdout.toString().trim();
    expect(pid).toMatch(/^\d+$/);
    process.kill(Number(pid), 'SIGKILL');
    await first.closed;
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { value: { active: { ladder: string } } } };
    expect(saved.snapshot.value.active.ladder).toBe('intermediary');

    const second = terminal(path);
    await second.answer(referenceAnswers.slice(16));
    const code = await second.closed;
    expect(code).toBe(0);
    expect(second.output()).toContain(`Resumed ${path}.`);
    expect(second.output()).toContain('The incident is finished');
    const done = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { status: string; context: { timeline: { type: string }[] } } };
    expect(done.snapshot.status).toBe('done');
    expect(done.snapshot.context.timeline.map((e) => e.type)).toEqual(referenceCase.map((e) => e.type));
  }, 60_000);

  it('keeps the assessment answers given before a Ctrl-C, and asks only the others on resume', async () => {
    const path = file('ctrl-c-questions.json');
    const session = terminal(path, { NO_COLOR: '1' });
    await session.answer(['n', 'y']);
    session.write('\u0003');
    expect(await session.closed).toBe(130);
    expect(session.output()).toContain('Kept the 2 answer(s) given so far; walk asks the others when it resumes.');
    expect(session.output()).toContain(`Interrupted. Every recorded event is saved in ${path}.`);
    const kept = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { context: { facts: object } } };
    expect(kept.snapshot.context.facts).toEqual({ witnessed: false, knowsPoster: true });
    const resumed = await run(['walk', '--file', path], 'n\n\n\n\nq\n');
    expect(resumed.stdout).toContain('4 of the assessment questions are still unanswered');
    expect(resumed.stdout).not.toContain('Do you know the upset person?');
    const done = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { context: { facts: object } } };
    expect(done.snapshot.context.facts).toEqual({ witnessed: false, knowsPoster: true, connectedToPoster: false });
  }, 60_000);

  it('stops on Ctrl-C without losing a recorded event, and has no colour with NO_COLOR', async () => {
    const path = file('ctrl-c.json');
    const session = terminal(path, { NO_COLOR: '1' });
    await session.answer([...assessment, 'assessment.complete', '']);
    session.write('\u0003');
    const code = await session.closed;
    expect(code).toBe(130);
    expect(session.output()).toContain(`Interrupted. Every recorded event is saved in ${path}.`);
    expect(session.output()).not.toMatch(/\u001b\[1m/);
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { snapshot: { value: { active: { ladder: string } } } };
    expect(saved.snapshot.value.active.ladder).toBe('requestingAccess');
  }, 60_000);
});
