/* eslint-disable no-control-regex -- the tests look for control characters and escape sequences */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPlaybook } from 'crisis-playbook';
import { decide, openIncident, type StoredIncident } from 'crisis-playbook/server';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'crisis-cli-hostile-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const env = { ...process.env, NO_COLOR: '1', DEBUG: '' };

/** Runs the built CLI with piped stdin and returns what it wrote, decoded from the exact bytes. */
async function run(args: string[], input = '') {
  const child = execFile(process.execPath, [cli, ...args], { cwd: dir, env, encoding: 'buffer' });
  child.stdin!.end(input);
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
  });
}

/**
 * What a terminal acts on: C0 controls but the line feed, DEL, C1 controls (such as U+009B,
 * CSI), line and paragraph separators, bidirectional controls, and U+FFFD (what a lone
 * surrogate becomes when written).
 */
const active = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufffd]/;
const expectInert = (text: string) => expect(text).not.toMatch(active);
/** Exactly one line, inert. */
const expectOneLine = (text: string) => {
  expect(text).toMatch(/^[^\n]+\n$/);
  expectInert(text);
};

// Text a playbook may well keep allowing: line breaks, tab, separators, bidi overrides.
const printable = 'Gather\nX\rY\tZ\u2028W\u2029V\u202eU';
const printableShown = 'Gather\\u000aX\\u000dY\\u0009Z\\u2028W\\u2029V\\u202eU';
// Text no terminal should ever see: clear screen, 8-bit CSI, a window title (OSC ... BEL).
const escapes = 'Evil\u001b[2J\u009b31m\u001b]0;pwned\u0007\nend';
const escapesShown = 'Evil\\u001b[2J\\u009b31m\\u001b]0;pwned\\u0007\\u000aend';

function playbookWith(text: string) {
  const playbook = structuredClone(defaultPlaybook) as unknown as {
    title: string;
    ladder: { rungs: { title: string; advice: { title: string; detail: string }[] }[] };
  };
  playbook.title = text;
  playbook.ladder.rungs[0]!.title = text;
  playbook.ladder.rungs[0]!.advice[0]!.title = text;
  playbook.ladder.rungs[0]!.advice[0]!.detail = text;
  return JSON.stringify(playbook);
}

const incident = file('incident.json', JSON.stringify(openIncident({ now: Date.parse('2026-04-06T19:00:00Z') }).incident));

/**
 * Shown escaped, or (if the library comes to refuse such text) refused in one line: either
 * way nothing reaches the terminal raw.
 */
function expectShownOrRefused(result: { code: number; stdout: string; stderr: string }, shown: string, refusal: RegExp) {
  expectInert(result.stdout);
  if (result.code === 0) {
    expect(result.stdout).toContain(shown);
    expect(result.stderr).toBe('');
  } else {
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(refusal);
  }
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run "npm run build" first (npm test does)');
});

describe('a hostile playbook', () => {
  const plain = file('printable-playbook.json', playbookWith(printable));
  const evil = file('escapes-playbook.json', playbookWith(escapes));

  it('has its line breaks, separators and bidi controls escaped, each line of output still one line', async () => {
    const status = await run(['status', incident, '--playbook', plain]);
    expect(status.code).toBe(0);
    expectInert(status.stdout);
    const lines = status.stdout.split('\n');
    expect(lines[0]).toBe(`Rung: gatheringInfo (${printableShown})`);
    expect(lines).toContain(`1. ${printableShown}: ${printableShown}`);

    const walk = await run(['walk', '--file', join(dir, 'walk-printable.json'), '--playbook', plain], [...Array(6).fill(''), 'q'].join('\n') + '\n');
    expect(walk.code).toBe(0);
    expectInert(walk.stdout);
    expect(walk.stdout).toContain(`New incident (${printableShown}), saved to`);

    const diagram = await run(['diagram', '--playbook', plain]);
    expectInert(diagram.stdout);
    expect(diagram.stdout.startsWith('stateDiagram-v2\n')).toBe(true);
  });

  it('never gets an escape sequence to the terminal, in walk, status, diagram or check', async () => {
    const refusal = /^crisis-playbook: playbook ".*escapes-playbook\.json" is invalid: /;
    expectShownOrRefused(await run(['status', incident, '--playbook', evil]), `Rung: gatheringInfo (${escapesShown})`, refusal);
    const walk = await run(['walk', '--file', join(dir, 'walk-escapes.json'), '--playbook', evil], [...Array(6).fill(''), 'q'].join('\n') + '\n');
    expectShownOrRefused(walk, `New incident (${escapesShown}), saved to`, refusal);
    // toMermaid turns control characters into spaces, so the diagram stays a valid one.
    expectShownOrRefused(await run(['diagram', '--playbook', evil]), 'state "Evil [2J 31m', refusal);
    const check = await run(['check', evil]);
    expectInert(check.stdout);
    expect(check.stderr).toBe('');
  });

  it('is quoted short, on one line, when it is not even JSON', async () => {
    const broken = file('broken-playbook.json', `{"title": "${escapes.replace(/\n/g, '')}${'x'.repeat(100_000)}`);
    const result = await run(['check', broken]);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr);
    expect(result.stderr.length).toBeLessThan(1500);
  });
});

describe('a hostile incident file', () => {
  const start = Date.parse('2026-04-06T19:00:00Z');
  let closed: StoredIncident = openIncident({ now: start }).incident;
  closed = decide(closed, { type: 'community.supported', note: 'NOTE-VALUE', by: 'NAME-VALUE' }, { now: start + 60_000 }).incident;
  closed = decide(closed, { type: 'incident.closed', reason: 'REASON-VALUE' }, { now: start + 120_000 }).incident;
  // Events with control characters are refused, so the hostile text is written into the file by hand.
  closed = JSON.parse(
    JSON.stringify(closed)
      .replaceAll('"NOTE-VALUE"', JSON.stringify(escapes))
      .replaceAll('"NAME-VALUE"', JSON.stringify(escapes.slice(0, 100)))
      .replaceAll('"REASON-VALUE"', JSON.stringify(escapes)),
  ) as StoredIncident;
  const path = file('closed.json', JSON.stringify(closed));

  it('has its notes, names and reasons escaped wherever they are shown', async () => {
    const refusal = /^crisis-playbook: incident file ".*closed\.json": .*\(invalid_document\)$/m;
    // JSON.stringify escapes ESC, BEL and the line feed itself; the writer escapes U+009B.
    expectShownOrRefused(await run(['status', path]), 'Outcome: {"outcome":"closed","apology":null,"closeReason":"Evil\\u001b[2J\\u009b31m\\u001b]0;pwned\\u0007\\nend"', refusal);
    expectShownOrRefused(await run(['walk', '--file', path], ''), 'The incident is finished: {"outcome":"closed"', refusal);
  });

  it('gives one short line when a field is huge and multi-line', async () => {
    const tampered = { ...closed, format: `${escapes}\n`.repeat(20_000) };
    const result = await run(['status', file('tampered.json', JSON.stringify(tampered))]);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(/^crisis-playbook: incident file ".*tampered\.json": format: /);
    expect(result.stderr.length).toBeLessThan(1500);
  });
});

describe('a hostile events file', () => {
  const huge = `${escapes}\n`.repeat(50_000);

  it.each([
    ['a huge multi-line bad value', `${JSON.stringify({ type: 'threat.reported', kind: huge })}\n`, new RegExp(`:1: kind: Invalid option: expected one of .*; received "Evil\\\\u001b\\[2J\\\\u009b31m.*… \\(a string of ${huge.length.toLocaleString('en-US')} characters\\) \\(invalid_event\\)\n$`)],
    ['a huge unknown type', `{"type":"assessment.complete"}\n${JSON.stringify({ type: huge })}\n`, /:2: type: Unknown event type "Evil\\u001b\[2J/],
    ['a hostile key', `${JSON.stringify({ type: 'facts.update', facts: { [escapes]: 1 } })}\n`, /:1: facts: Unknown fact "Evil\\u001b\[2J\\u009b31m/],
    ['escapes in broken JSON', `{"type": "assessment.complete"}\n{"type": x${escapes}${'y'.repeat(100_000)}\n`, /:2: not valid JSON: /],
    ['escapes in a broken JSON array', `[{"type": "assessment.complete"}, ${escapes}]`, /events file ".*" is not valid JSON: /],
  ])('reports %s in one short line', async (_, content, message) => {
    const result = await run(['replay', file('events.jsonl', content)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expectOneLine(result.stderr);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.length).toBeLessThan(1500);
  });

  it('keeps --json valid JSON without raw C1 controls, DEL or line separators', async () => {
    const note = `a\u0085b\u009bc\u007fd\u2028e\u2029f\u202eg${escapes}`;
    const events = [{ type: 'community.supported', note }, { type: 'incident.closed', reason: note }];
    const result = await run(['replay', file('notes.jsonl', events.map((e) => JSON.stringify(e)).join('\n')), '--json']);
    if (result.code !== 0) {
      // The library may come to refuse control characters in notes.
      expectOneLine(result.stderr);
      return expect(result.stderr).toMatch(/notes\.jsonl:1: note: .*\(invalid_event\)/);
    }
    expect(result.stdout).toMatch(/^[^\n]+\n$/);
    expect(result.stdout.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028-\u202e]/);
    expect(result.stdout).toContain('a\\u0085b\\u009bc\\u007fd\\u2028e\\u2029f\\u202eg');
    const report = JSON.parse(result.stdout) as { timeline: { note?: string }[]; output: { closeReason: string } };
    expect(report.timeline[0]!.note).toBe(note);
    expect(report.output.closeReason).toBe(note);
  });
});

describe('the command line itself', () => {
  it('escapes a hostile command, option or path in its one-line errors', async () => {
    for (const args of [[`wlak${escapes}`], ['status', `--${escapes}`], ['status', join(dir, `nope${escapes}.json`)]]) {
      const result = await run(args);
      expect(result.code).toBeGreaterThan(0);
      expectOneLine(result.stderr);
      expect(result.stderr).toContain('Evil\\u001b[2J');
    }
  });

  it('escapes hostile answers echoed back by walk', async () => {
    const result = await run(['walk', '--file', join(dir, 'answers.json')], [`${escapes.replace('\n', '')}`, ...Array(6).fill(''), 'q'].join('\n') + '\n');
    expect(result.code).toBe(0);
    expectInert(result.stdout);
    expect(result.stdout).toContain('? Did you see the posts yourself? [y/n/Enter to skip] Evil\\u001b[2J');
  });
});

describe('in a real terminal', () => {
  /** Runs the CLI under `script`, which gives it a pseudo-terminal, with colour allowed. */
  function terminal(args: string[]) {
    const colourEnv: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    delete colourEnv.NO_COLOR;
    const command = [process.execPath, cli, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, env: colourEnv });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return new Promise<string>((resolve) => child.on('close', () => resolve(output)));
  }

  it('keeps the CLI own styles and escapes everything that came from the file', async () => {
    const output = (await terminal(['status', incident, '--playbook', file('tty-playbook.json', playbookWith(`${printable}${escapes}`))]))
      // The terminal driver turns each line feed into CR LF.
      .replace(/\r\n/g, '\n');
    if (output.startsWith('crisis-playbook: playbook')) {
      // Refused by the library: still one inert line.
      expectOneLine(output);
      return;
    }
    expect(output).toMatch(/^\u001b\[1mRung:\u001b\[22m \u001b\[36mgatheringInfo\u001b\[39m \(/);
    // Our styles are the only escape sequences.
    expectInert(output.replace(/\u001b\[(?:1|2|22|33|36|39)m/g, ''));
    expect(output).toContain(`(${printableShown}${escapesShown})`);
  }, 30_000);
});
