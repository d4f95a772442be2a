import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decide, openIncident, type StoredIncident } from 'crisis-playbook/server';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'crisis-cli-race-'));
const env = { ...process.env, NO_COLOR: '1', DEBUG: '' };

/** A running `crisis-playbook` process with piped stdin, whose output can be waited for. */
function start(args: string[]) {
  const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return {
    child,
    closed,
    stdout: () => stdout,
    stderr: () => stderr,
    /** Waits until `text` was written (on stdout, or stderr with --json). */
    async waitFor(text: string, on: 'stdout' | 'stderr' = 'stdout') {
      const deadline = Date.now() + 20_000;
      while (!(on === 'stdout' ? stdout : stderr).includes(text)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${JSON.stringify(text)} in:\n${stdout}\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

async function run(args: string[], input: string) {
  const process_ = start(args);
  process_.child.stdin.end(input);
  const code = await process_.closed;
  return { code, stdout: process_.stdout(), stderr: process_.stderr() };
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as StoredIncident;
/** Files other than the incident itself: locks and temporary files. */
const leftovers = () => readdirSync(dir).filter((name) => name.startsWith('.'));
const assessment = ['n', 'n', 'n', 'private-group', 'n', 'y'];
/** A process that has exited, so its pid is free. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run "npm run build" first (npm test does)');
});

describe('two walk sessions on one incident file', () => {
  it('lose no step: 100 community.supported each, all 200 in the timeline and in the count', async () => {
    const path = join(dir, 'shared.json');
    expect((await run(['walk', '--file', path], [...assessment, 'q'].join('\n') + '\n')).code).toBe(0);
    const before = read(path).snapshot.context.timeline.length;
    const sessions = ['A', 'B'].map((by) => ({ by, process: start(['walk', '--file', path, '--by', by]) }));
    // Both are at the menu before either records anything, so that they overlap.
    await Promise.all(sessions.map((s) => s.process.waitFor('? Pick a number')));
    for (const { by, process: session } of sessions) {
      session.child.stdin.end(Array.from({ length: 100 }, (_, i) => `community.supported\n${by} ${i}\n`).join('') + 'q\n');
    }
    const codes = await Promise.all(sessions.map((s) => s.process.closed));
    expect(codes).toEqual([0, 0]);

    const { context } = read(path).snapshot;
    const supported = context.timeline.filter((entry) => entry.type === 'community.supported');
    for (const by of ['A', 'B']) {
      expect(supported.filter((entry) => entry.by === by).map((entry) => entry.note)).toEqual(Array.from({ length: 100 }, (_, i) => `${by} ${i}`));
    }
    expect(context.timeline).toHaveLength(before + 200);
    expect(context.supporters).toBe(200);
    // They did run at the same time: at least one step was applied on the other's newer document.
    const reapplied = sessions.map((s) => s.process.stdout().split('Another session changed').length - 1);
    expect(reapplied[0]! + reapplied[1]!).toBeGreaterThan(0);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  it('refuse in one line a step that no longer applies on the newer document, and show that document', async () => {
    const path = join(dir, 'refused.json');
    await run(['walk', '--file', path], [...assessment, 'q'].join('\n') + '\n');
    const late = start(['walk', '--file', path, '--json']);
    // The late session is at the menu of gatheringInfo when the other one moves the incident on.
    await late.waitFor('? Pick a number', 'stderr');
    expect((await run(['walk', '--file', path], 'assessment.complete\n\nq\n')).code).toBe(0);
    late.child.stdin.end('assessment.complete\n\nq\n');
    expect(await late.closed).toBe(0);
    const lines = late.stderr().split('\n');
    const refusal = lines.filter((line) => line.startsWith('not recorded'));
    expect(refusal).toEqual([
      `not recorded (another session changed ${path} meanwhile): type: "assessment.complete" does nothing on rung "requestingAccess"; the incident is unchanged (event_not_applicable)`,
    ]);
    expect(late.stdout()).toBe(''); // nothing recorded: no JSON step line
    expect(lines.filter((line) => line.startsWith('Rung:'))).toEqual(['Rung: gatheringInfo (Gather information)', 'Rung: requestingAccess (Request access)']);
    expect(read(path).snapshot.context.timeline.filter((entry) => entry.type === 'assessment.complete')).toHaveLength(1);
  }, 30_000);
});

describe('the incident file after a crash', () => {
  it('is the old or the new file when walk is killed while saving; the next run removes the leftovers and works', async () => {
    // A large incident (about 19 MB) so that saving takes long enough to be interrupted.
    // Opened just now: nothing falls due while walk runs (a day-old incident nobody responded to has a reminder due, which walk records first).
    const now = Date.now() - 120_000;
    const one = decide(openIncident({ now }).incident, { type: 'community.supported', note: 'x'.repeat(2000) }, { now: now + 60_000 }).incident;
    const count = 9000;
    const big = { ...one, snapshot: { ...one.snapshot, context: { ...one.snapshot.context, supporters: count, timeline: Array(count).fill(one.snapshot.context.timeline[0]) } } };
    const path = join(dir, 'big.json');
    writeFileSync(path, JSON.stringify(big));

    const session = start(['walk', '--file', path]);
    await session.waitFor('? Pick a number');
    session.child.stdin.write('community.supported\n\n');
    // Kill it the moment its temporary file appears: in the middle of writing it.
    const deadline = Date.now() + 20_000;
    let temporary: string | undefined;
    while (temporary === undefined && Date.now() < deadline && session.child.exitCode === null) {
      temporary = readdirSync(dir).find((name) => name.startsWith('.big.json.') && name.endsWith('.tmp'));
      if (temporary === undefined) await new Promise((resolve) => setImmediate(resolve));
    }
    session.child.kill('SIGKILL');
    await session.closed;
    expect(temporary).toMatch(new RegExp(`^\\.big\\.json\\.${session.child.pid}-[0-9a-f]+\\.tmp$`));
    expect(leftovers()).toEqual(expect.arrayContaining([temporary, '.big.json.lock']));
    // The old document, whole.
    expect(read(path).snapshot.context.timeline).toHaveLength(count);

    const resumed = await run(['walk', '--file', path], 'q\n');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Resumed ${path}.`);
    expect(leftovers()).toEqual([]);
    const next = await run(['walk', '--file', path], 'community.supported\n\nq\n');
    expect(next.stdout).toContain('Recorded community.supported; saved.');
    expect(read(path).snapshot.context.supporters).toBe(count + 1);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  const fresh = async (name: string) => {
    const path = join(dir, name);
    await run(['walk', '--file', path], [...assessment, 'q'].join('\n') + '\n');
    return path;
  };
  const supportOnce = 'community.supported\n\nq\n';

  it('is always whole, whatever moment walk is killed at', async () => {
    const path = await fresh('killed.json');
    let length = read(path).snapshot.context.timeline.length;
    for (let round = 0; round < 12; round++) {
      const session = start(['walk', '--file', path]);
      session.child.stdin.end(supportOnce.replace('q\n', '').repeat(50));
      await session.waitFor('Recorded community.supported');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 150));
      session.child.kill('SIGKILL');
      await session.closed;
      const { timeline, supporters } = read(path).snapshot.context;
      expect(timeline.length).toBeGreaterThan(length);
      expect(supporters).toBe(timeline.filter((entry) => entry.type === 'community.supported').length);
      length = timeline.length;
    }
    expect((await run(['walk', '--file', path], 'q\n')).code).toBe(0);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  const lockOf = (name: string, owner: object | string) => {
    const path = join(dir, name);
    writeFileSync(join(dir, `.${name}.lock`), typeof owner === 'string' ? owner : JSON.stringify(owner));
    return path;
  };

  it('does not wait for a lock left by a dead process, nor for one left empty', async () => {
    for (const [name, owner] of [
      ['dead-owner.json', { pid: deadPid(), host: hostname(), token: 'left-over', since: new Date().toISOString() }],
      ['empty-lock.json', ''],
    ] as const) {
      const path = await fresh(name);
      lockOf(name, owner);
      if (owner === '') utimesSync(join(dir, `.${name}.lock`), new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
      const started = Date.now();
      const result = await run(['walk', '--file', path], supportOnce);
      expect(result.stdout).toContain('Recorded community.supported; saved.');
      expect(Date.now() - started).toBeLessThan(10_000); // a lock is only given up on by age after 30 s
      expect(read(path).snapshot.context.supporters).toBe(1);
      expect(leftovers()).toEqual([]);
    }
  }, 30_000);

  it('waits while a live process holds the lock, and takes over a lock older than 30 s', async () => {
    const path = await fresh('held.json');
    const owner = { pid: process.pid, host: hostname(), token: 'held-by-the-test', since: new Date().toISOString() };
    lockOf('held.json', owner);
    const session = start(['walk', '--file', path]);
    session.child.stdin.end(supportOnce);
    await session.waitFor(`Waiting for another crisis-playbook process to finish saving ${path}...`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(session.child.exitCode).toBeNull();
    expect(read(path).snapshot.context.supporters).toBe(0);
    // The holder is done.
    rmSync(join(dir, '.held.json.lock'));
    expect(await session.closed).toBe(0);
    expect(read(path).snapshot.context.supporters).toBe(1);

    lockOf('held.json', owner);
    utimesSync(join(dir, '.held.json.lock'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const result = await run(['walk', '--file', path], supportOnce);
    expect(result.stdout).toContain('Recorded community.supported; saved.');
    expect(read(path).snapshot.context.supporters).toBe(2);
    expect(leftovers()).toEqual([]);
  }, 30_000);

  it('stops at once on Ctrl-C while it waits for the lock, without waiting for it to free', async () => {
    const path = await fresh('held-interrupted.json');
    lockOf('held-interrupted.json', { pid: process.pid, host: hostname(), token: 'held-by-the-test', since: new Date().toISOString() });
    const session = start(['walk', '--file', path]);
    session.child.stdin.write(supportOnce); // stdin stays open: only Ctrl-C ends the walk
    await session.waitFor(`Waiting for another crisis-playbook process to finish saving ${path}...`);
    const sent = Date.now();
    session.child.kill('SIGINT');
    const code = await session.closed;
    expect({ code, stdout: session.stdout(), stderr: session.stderr() }).toMatchObject({ code: 130 });
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(session.stdout()).toContain(`Interrupted. Every recorded event is saved in ${path}.`);
    expect(read(path).snapshot.context.supporters).toBe(0);
    rmSync(join(dir, '.held-interrupted.json.lock'));
  }, 30_000);
});
