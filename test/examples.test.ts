import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { backends, openDatabase } from './support/postgres.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

async function runExample(name: string, args: string[] = [], env: Record<string, string> = {}) {
  return run(tsx, [`examples/${name}/main.ts`, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env } });
}

describe('examples', () => {
  it('each example folder has a main.ts, and this suite runs each of them', () => {
    const folders = readdirSync(new URL('../examples', import.meta.url)).sort();
    expect(folders).toEqual(['custom-rung', 'http-server', 'inspector-browser', 'inspector-node', 'json-playbook', 'reference-case', 'responder-console']);
    for (const folder of folders) expect(existsSync(new URL(`../examples/${folder}/main.ts`, import.meta.url)), folder).toBe(true);
  });

  it('reference-case (npm start) replays the reference case step by step and ends resolved', async () => {
    const { stdout, stderr } = await runExample('reference-case');
    expect(stderr).toBe('');
    const steps = stdout.split('\n').filter((line) => /^\s*\d+\. /.test(line));
    expect(steps.map((line) => line.trim().replace(/^\d+\. /, ''))).toEqual([
      'facts.update',
      'assessment.complete',
      'access.requested',
      'access.denied',
      'message.sent',
      'message.ignored',
      'intermediary.asked',
      'community.supported',
      'threat.reported',
      'threat.reported',
      'contact.received',
      'call.completed',
    ]);
    expect(stdout).toContain('where: Request access | Community quiet | No threats');
    expect(stdout).toContain('1) Ask to join the group, then wait for the answer');
    expect(stdout).toContain('why: The posts are in a private group you are not a member of');
    expect(stdout).toContain('where: Phone call | Community supportive | Threatened');
    expect(stdout).toContain('1) Call and listen');
    // The threats and the supporters surface, three at a time, with the count of the rest.
    expect(stdout).toContain('2) Brief the front desk and plan for a visit');
    expect(stdout).toContain('3) Keep to the facts for a police report');
    expect(stdout).toContain('2) Let your supporters speak');
    expect(stdout).toContain('… and 2 more');
    expect(stdout).toContain(
      'if the reply window of 24 hours runs out, or the private message got no answer, then “Go through a colleague”',
    );
    expect(stdout).toContain('status: done');
    expect(stdout).toContain('outcome: resolved with an agreement, after an apology, in 12 recorded events; threats recorded: visit, police report.');
    expect(stdout).toContain('2026-04-07T19:10:00Z  call.completed       phoneCall → resolved  (by Ana)');
  }, 30_000);

  it('custom-rung runs a case through the legal review and the holding statement and prints the path', async () => {
    const { stdout, stderr } = await runExample('custom-rung');
    expect(stderr).toBe('');
    expect(stdout).toContain('at legalReview, top advice: Pause and ask legal');
    expect(stdout).toContain(
      'path: gatheringInfo → requestingAccess → holdingStatement → directMessage → intermediary → legalReview → phoneCall → resolved',
    );
    expect(stdout).toMatch(/threats: \[ 'legal-action' \]/);
  }, 30_000);

  it('json-playbook loads, validates and runs a playbook kept as JSON', async () => {
    const { stdout, stderr } = await runExample('json-playbook');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/assessment\.complete\s+→ directMessage/);
    expect(stdout).toMatch(/press\.inquiry\s+→ directMessage \{"community":"quiet","safety":"none","press":"asked"\}\s+next: Refer the journalist/);
    expect(stdout).toContain("closeReason: 'Parents were answered at the meeting'");
    // Its follow-up: one before giving up on the private message.
    expect(stdout).toContain('next: If the reply window of 12 hours runs out, then send follow-up 1 of 1: send one short, friendly follow-up message');
    expect(stdout).toContain('after 12 h: replyWindow ran out → directMessage (follow-up 1 sent)');
    expect(stdout).toContain('after 24 h: replyWindow ran out → monitoring');
  }, 30_000);

  it.each(backends)('http-server serves an incident over HTTP on $name, applies its window with the worker, and maps bad input to clear errors', async (backend) => {
    // On a server, the example works in a schema of its own, dropped afterwards.
    const db = backend.url ? await openDatabase(backend, 'example') : undefined;
    try {
      const env: Record<string, string> = db ? { DATABASE_URL: backend.url!, DATABASE_SCHEMA: db.schema } : { DATABASE_URL: '' };
      const { stdout, stderr } = await runExample('http-server', [], env);
      expect(stderr).toBe('');
      expect(stdout).toContain(db ? 'incidents in a PostgreSQL server' : 'incidents in PGlite (in memory)');
      const calls = [...stdout.matchAll(/^(GET|POST) \/incidents\/([\w-]+)(\/events)?(?: .*)? → (\d+)$/gm)].map((m) => [m[1], m[2], m[3] ?? '', m[4]]);
      const id = calls[0]?.[1];
      expect(id).toMatch(/^demo-[a-z0-9]+$/);
      expect(calls).toEqual([
        ['POST', id, '', '201'],
        ['POST', id, '/events', '200'],
        ['POST', id, '/events', '200'],
        ['POST', id, '/events', '409'],
        ['POST', id, '/events', '422'],
        ['POST', id, '/events', '200'],
        ['GET', id, '', '200'],
        ['GET', 'nobody', '', '404'],
      ]);
      expect(stdout).toContain('"error":"event_not_applicable"');
      expect(stdout).toContain('received \\"hug\\"');
      expect(stdout).toContain(`worker: ${id} replyWindow ran out → monitoring`);
      expect(stdout).toMatch(new RegExp(`^GET /incidents/${id} → 200\\n  \\{"rung":"monitoring","tracks":\\{[^}]*\\},"deadlines":\\[\\]\\}$`, 'm'));
      expect(stdout).toContain('stored version 5, timeline: assessment.complete, access.requested, access.denied "Merci 🙏 Zoë", window.elapsed');
      expect(stdout).toContain('"error":"not_found"');
    } finally {
      await db?.close();
    }
  }, 60_000);

  it('http-server --serve (npm run example:server) keeps listening until SIGTERM, then stops the server, the worker and the database', async () => {
    // Node itself, not the tsx command: tsx relays a signal to its child and, when the child does not
    // acknowledge it within 30 ms (a loaded machine), kills it (exit 143) before its handler runs.
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/http-server/main.ts', '--serve'], { cwd: root, env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '', PORT: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // 'close', not 'exit': its output is read in full only once its streams are closed.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      let url: string | undefined;
      while (!(url = /^Incident API on (http:\/\/127\.0\.0\.1:\d+), incidents in PGlite \(in memory\)\. Try:$/m.exec(stdout)?.[1])) {
        expect(child.exitCode, stderr).toBeNull();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(stdout).toContain(`curl -X POST ${url}/incidents/inc-1 -H 'content-type: application/json'`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await fetch(`${url}/incidents/inc-1`, { method: 'POST' })).status).toBe(201);
      expect((await fetch(`${url}/incidents/inc-1`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/\nstopped\n$/);
      expect(stderr).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('inspector-node streams the reference case through the inspector relay', async () => {
    const { stdout } = await runExample('inspector-node', ['--once']);
    expect(stdout).toMatch(/relay forwarded: actor crisis with a \d{4,}-character definition, 12 events/);
    expect(stdout).toContain('events: facts.update, assessment.complete, access.requested');
  }, 30_000);

  it('inspector-browser bundles its page for the browser', async () => {
    const { stdout } = await runExample('inspector-browser');
    expect(stdout).toMatch(/built examples\/inspector-browser\/dist\/page\.js \(\d+ KB\)/);
    const bundle = readFileSync(new URL('../examples/inspector-browser/dist/page.js', import.meta.url), 'utf8');
    expect(bundle).toContain('stately.ai/inspect');
    expect(bundle).toContain('gatheringInfo');
  }, 30_000);

  it('responder-console (npm run console) starts a local server, prints its URL and serves the console', async () => {
    const child = spawn(tsx, ['examples/responder-console/main.ts', '--port', '0'], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const found = /runs at (http:\/\/\S+)\n.*\?inspect/.exec(output);
          if (found) resolve(found[1]!);
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      expect(output).toContain('?inspect');
      const page = await fetch(url).then((response) => response.text());
      expect(page).toContain('<title>Responder console · crisis-playbook</title>');
      const mermaid = await fetch(new URL('mermaid.min.js', url));
      expect(mermaid.headers.get('content-type')).toContain('javascript');
    } finally {
      child.kill();
    }
  }, 30_000);
});
