// The HTTP example (examples/http-server) through real HTTP requests, on PGlite always and on the
// PostgreSQL server of DATABASE_URL when it is set, each in a schema of its own, dropped after.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppliedDeadlines, PostgresIncidentStore } from 'crisis-playbook/postgres';
import { startIncidentService, type IncidentService } from '../examples/http-server/server.js';
import { referenceCase } from '../examples/reference-case/events.js';
import { outOfSightFacts, referenceRungs } from './helpers.js';
import { backends, openDatabase, type Database } from './support/postgres.js';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, any>;
}

interface TimelineEntry {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly window?: string;
  readonly note?: string;
}

const json = { 'content-type': 'application/json' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `parts` as one chunked body, each part in its own write, `gapMs` apart. */
function postInParts(url: string, parts: readonly Uint8Array[], gapMs = 25): Promise<{ status: number; body: Record<string, any> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: json }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    void (async () => {
      for (const part of parts) {
        req.write(part);
        await sleep(gapMs);
      }
      req.end();
    })();
  });
}

describe.each(backends)('the HTTP example on $name', (backend) => {
  let db: Database;
  let store: PostgresIncidentStore;
  let service: IncidentService;
  const applied: AppliedDeadlines[] = [];

  beforeAll(async () => {
    db = await openDatabase(backend, 'http');
    store = await db.store();
    service = await startIncidentService({ store, onDecision: (entry) => void applied.push(entry) });
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    await db?.close();
  });

  async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = json): Promise<Answer> {
    const init = body === undefined ? {} : { headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
    const response = await fetch(`${service.url}${path}`, { method, ...init });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  }
  const timelineOf = async (id: string) => (await api('GET', `/incidents/${id}`)).body.timeline as TimelineEntry[];

  it('runs the reference case through the API, and GET shows where the stored incident stands', async () => {
    expect(await api('POST', '/incidents/reference')).toMatchObject({ status: 201, body: { id: 'reference', version: 1, rung: 'gatheringInfo' } });
    for (const [index, { at: _at, ...event }] of referenceCase.entries()) {
      const answer = await api('POST', '/incidents/reference/events', event);
      expect(answer.status, event.type).toBe(200);
      expect(answer.body).toMatchObject({ version: index + 2, rung: referenceRungs[index] });
      expect(answer.body.added.map((entry: TimelineEntry) => entry.type)).toEqual([event.type]);
      if (event.type === 'access.requested') {
        const { status, body } = await api('GET', '/incidents/reference');
        expect(status).toBe(200);
        expect(body).toMatchObject({ version: 4, status: 'active', rung: 'requestingAccess', tracks: { community: 'quiet', safety: 'none' } });
        expect(body.deadlines).toEqual([{ window: 'accessWindow', due: expect.any(String) }]);
        expect(body.next[0].title).toBe('Ask to join the group, then wait for the answer');
        expect(body.next[0].because).toContain(
          'The posts are in a private group you are not a member of, and you neither saw them nor are connected to the person, so you cannot read them yet.',
        );
        expect(body.next[0].then).toEqual([
          'If the access window of 24 hours runs out, or the request to join the group was accepted, or the request to join the group was refused, then “Private message”: message the person privately, asking them to get in touch and giving a number to call',
        ]);
      }
    }
    const { status, body } = await api('GET', '/incidents/reference');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'reference', version: 13, status: 'done', rung: 'resolved', tracks: {}, deadlines: [] });
    expect(body.next.map((item: { title: string }) => item.title)).toEqual([
      'Keep your word',
      'Thank the people who helped',
      'Thank your supporters privately',
      'Review: what went well',
      'Review: where it escalated',
      'Update the playbook',
      'Keep the record',
    ]);
    expect(body.timeline.map((entry: TimelineEntry) => entry.type)).toEqual(referenceCase.map((event) => event.type));
    expect(body.timeline.map((entry: TimelineEntry) => entry.to)).toEqual(referenceRungs);
    expect(body.timeline[3]).toMatchObject({ type: 'access.denied', note: 'The group admin refused.' });
    const stored = await store.load('reference');
    expect(stored?.version).toBe(13);
    expect(stored?.incident.snapshot.output).toMatchObject({ outcome: 'resolved', apology: true });
    expect(await api('POST', '/incidents/reference/events', { type: 'incident.closed', reason: 'again' })).toMatchObject({
      status: 409,
      body: { error: 'incident_finished' },
    });
  });

  it('answers 404 for an unknown incident or route, 400 for a bad id, 405 for a method, 409 for an id taken', async () => {
    expect(await api('GET', '/incidents/nobody')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await api('POST', '/incidents/nobody/events', { type: 'assessment.complete' })).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await store.load('nobody')).toBeUndefined();
    expect(await api('GET', '/elsewhere')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    for (const id of ['a'.repeat(65), 'caf%C3%A9', 'a.b', '%00']) {
      expect(await api('GET', `/incidents/${id}`), id).toMatchObject({ status: 400, body: { error: 'invalid_id' } });
    }
    expect(await api('GET', `/incidents/${'a'.repeat(64)}`)).toMatchObject({ status: 404 });
    const deleted = await api('DELETE', '/incidents/nobody');
    expect(deleted).toMatchObject({ status: 405, body: { error: 'method_not_allowed' } });
    expect(deleted.headers.get('allow')).toBe('GET, POST');
    expect((await api('GET', '/incidents/nobody/events')).headers.get('allow')).toBe('POST');
    expect((await api('POST', '/incidents/taken')).status).toBe(201);
    expect(await api('POST', '/incidents/taken')).toMatchObject({ status: 409, body: { error: 'already_exists' } });
  });

  it('answers 400 for a request target that is no URL, logging nothing', async () => {
    const logged = vi.spyOn(console, 'error');
    try {
      const { port } = new URL(service.url);
      for (const target of ['http://[/incidents/a1', 'http://a:99999/incidents/a1', '//[/incidents/a1', 'http://%zz/incidents/a1']) {
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
          let text = '';
          socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          socket.on('close', () => resolve(text));
          socket.on('error', reject);
        });
        expect(answer.split('\r\n')[0], target).toBe('HTTP/1.1 400 Bad Request');
        expect(answer, target).toContain('"error":"invalid_url"');
      }
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('answers 413 for a body over the limit without reading the rest, and the server carries on', async () => {
    const big = await api('POST', '/incidents/big', `{"facts":{},"note":"${'x'.repeat(1024 * 1024)}"}`);
    expect(big).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    expect(big.headers.get('connection')).toBe('close');
    expect(await store.load('big')).toBeUndefined();

    // A body with no length that never ends: the answer comes, and the server closes the connection.
    const started = Date.now();
    const endless = await new Promise<{ status: number; body: string; closed: Promise<unknown> }>((resolve, reject) => {
      const req = request(`${service.url}/incidents/big`, { method: 'POST', headers: json });
      const pump = setInterval(() => req.write(' '.repeat(16 * 1024)), 2);
      req.write('{"facts":');
      req.on('error', (error: NodeJS.ErrnoException) => {
        clearInterval(pump);
        if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      });
      req.on('response', (res) => {
        clearInterval(pump);
        const closed = new Promise((done) => req.socket!.once('close', done));
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body, closed }));
      });
    });
    expect(endless.status).toBe(413);
    expect(JSON.parse(endless.body)).toMatchObject({ error: 'body_too_large' });
    await endless.closed;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await api('POST', '/incidents/big', { facts: {} })).toMatchObject({ status: 201, body: { id: 'big' } });
  });

  it('carries on, saving nothing and logging nothing, when a client goes away in the middle of a body', async () => {
    await api('POST', '/incidents/gone');
    const logged = vi.spyOn(console, 'error');
    try {
      const req = request(`${service.url}/incidents/gone/events`, { method: 'POST', headers: json });
      const hungUp = new Promise((resolve) => req.on('error', resolve));
      req.write('{"type":"assessment.comp');
      await sleep(50);
      req.destroy();
      await hungUp;
      await sleep(50);
      expect(await api('GET', '/incidents/gone')).toMatchObject({ status: 200, body: { version: 1, rung: 'gatheringInfo' } });
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('answers 400 for a body that is not JSON, 415 for another content type, 422 for an invalid event or input', async () => {
    await api('POST', '/incidents/bad-input');
    expect(await api('POST', '/incidents/bad-input/events', '{"type":')).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
    expect(await api('POST', '/incidents/bad-input/events', 'type=assessment.complete', { 'content-type': 'application/x-www-form-urlencoded' })).toMatchObject({
      status: 415,
      body: { error: 'unsupported_media_type' },
    });
    const invalid = await api('POST', '/incidents/bad-input/events', { type: 'threat.reported', kind: 'hug' });
    expect(invalid).toMatchObject({ status: 422, body: { error: 'invalid_event' } });
    expect(invalid.body.issues).toEqual([expect.objectContaining({ path: ['kind'], message: expect.stringContaining('received "hug"') })]);
    expect(await api('POST', '/incidents/bad-input/events', { type: '__proto__' })).toMatchObject({ status: 422, body: { error: 'invalid_event' } });
    expect(await api('POST', '/incidents/bad-input/events')).toMatchObject({ status: 422, body: { error: 'invalid_event' } });
    const input = await api('POST', '/incidents/bad-window', { windows: { replyWindow: -5 } });
    expect(input).toMatchObject({ status: 422, body: { error: 'invalid_input' } });
    expect(await store.load('bad-window')).toBeUndefined();
    expect((await store.load('bad-input'))?.version).toBe(1);
  });

  it('answers 409 for an event that does nothing on the rung, and saves nothing', async () => {
    await api('POST', '/incidents/not-applicable', { facts: outOfSightFacts });
    await api('POST', '/incidents/not-applicable/events', { type: 'assessment.complete' });
    const answer = await api('POST', '/incidents/not-applicable/events', { type: 'call.completed', apology: true, agreement: true });
    expect(answer).toMatchObject({ status: 409, body: { error: 'event_not_applicable' } });
    expect(answer.body.issues[0].message).toContain('does nothing on rung "requestingAccess"');
    expect((await store.load('not-applicable'))?.version).toBe(2);
  });

  it('decodes a body once all its chunks arrived, when a chunk ends inside a character', async () => {
    await api('POST', '/incidents/utf8');
    const note = 'Merci 🙏 Zoë, à demain';
    const bytes = new TextEncoder().encode(JSON.stringify({ type: 'assessment.complete', by: 'Zoë', note }));
    const start = Buffer.from(bytes).indexOf('Merci');
    const cuts = (['🙏', 'ë', 'à'] as const).map((character) => Buffer.from(bytes).indexOf(character, start) + 1); // inside each character
    const parts = [bytes.subarray(0, cuts[0]), bytes.subarray(cuts[0], cuts[1]), bytes.subarray(cuts[1], cuts[2]), bytes.subarray(cuts[2])];
    for (const part of parts.slice(0, 3)) expect(() => new TextDecoder('utf-8', { fatal: true }).decode(part), 'the part ends inside a character').toThrow();
    const answer = await postInParts(`${service.url}/incidents/utf8/events`, parts);
    expect(answer.status).toBe(200);
    expect(answer.body.added[0]).toMatchObject({ by: 'Zoë', note });
    expect((await store.load('utf8'))?.incident.snapshot.context.timeline[0]).toMatchObject({ by: 'Zoë', note });
    expect((await timelineOf('utf8'))[0]?.note).toBe(note);
  });

  it('loses no event when 20 requests post to one incident at once', async () => {
    await api('POST', '/incidents/race');
    await api('POST', '/incidents/race/events', { type: 'assessment.complete' });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => api('POST', '/incidents/race/events', { type: 'message.sent', note: `writer ${index}` })));
    for (const answer of answers) {
      if (answer.status !== 200) expect(answer, 'a clean conflict after the retries').toMatchObject({ status: 409, body: { error: 'stale_version' } });
    }
    const succeeded = answers.filter((answer) => answer.status === 200);
    expect(succeeded.length).toBeGreaterThan(0);
    const versions = succeeded.map((answer) => answer.body.version as number).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: succeeded.length }, (_, index) => index + 3)); // each save at its own version
    const notes = (await timelineOf('race')).filter((entry) => entry.type === 'message.sent').map((entry) => entry.note);
    expect(notes.sort()).toEqual(succeeded.map((answer) => answer.body.added[0].note).sort());
    expect((await store.load('race'))?.version).toBe(2 + succeeded.length);
  });

  it('applies a window that runs out while the server runs, through the deadline worker', async () => {
    await api('POST', '/incidents/soon', { windows: { replyWindow: 300 } });
    const assessed = await api('POST', '/incidents/soon/events', { type: 'assessment.complete' });
    expect(assessed.body).toMatchObject({ rung: 'directMessage', deadlines: [{ window: 'replyWindow' }] });
    const due = Date.parse(assessed.body.deadlines[0].due);
    let rung = 'directMessage';
    while (rung === 'directMessage' && Date.now() < due + 5_000) {
      await sleep(20);
      ({ rung } = (await api('GET', '/incidents/soon')).body);
    }
    expect(rung).toBe('monitoring');
    expect(Date.now()).toBeGreaterThanOrEqual(due);
    const { body } = await api('GET', '/incidents/soon');
    expect(body).toMatchObject({ version: 3, deadlines: [] });
    expect(body.timeline.at(-1)).toMatchObject({ type: 'window.elapsed', window: 'replyWindow', from: 'directMessage', to: 'monitoring' });
    expect(applied.filter((entry) => entry.id === 'soon').map((entry) => entry.decision.rung)).toEqual(['monitoring']);
  });
});
