// The incident API over HTTP: routes, request bodies, and IncidentError codes as HTTP statuses.
// Incidents live in a PostgreSQL store; a deadline worker applies the waiting windows that run out.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crisisMachine, currentRung, currentTracks, IncidentError, type IncidentErrorCode, recommend } from 'crisis-playbook';
import { createIncidentRuntime, decide, type Decision, type IncidentStore, openIncident, parseStoredIncident, updateIncident, type VersionedIncident } from 'crisis-playbook/server';
import { createDeadlineWorker, type DeadlineWorker, type DeadlineWorkerOptions, type PostgresIncidentStore } from 'crisis-playbook/postgres';

/** The status each IncidentError answers (docs/server.md, "Failure modes"). */
const statusOf: Record<IncidentErrorCode, number> = {
  invalid_json: 400,
  invalid_time: 400,
  invalid_event: 422,
  invalid_input: 422,
  not_found: 404,
  already_exists: 409,
  event_not_applicable: 409,
  incident_finished: 409,
  stale_version: 409, // updateIncident retried and lost every time: the client may retry
  timeline_full: 409,
  too_large: 409,
  invalid_document: 500,
  invalid_signature: 500,
  unsupported_format: 500,
  unknown_playbook: 500,
  unknown_playbook_version: 500,
  implementation_error: 500,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The body as text. The bytes are decoded once they have all arrived: a chunk may end in the
 * middle of a character. Reading stops at `limit` bytes (413; the answer closes the connection).
 */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new HttpError(413, 'body_too_large', `The body is larger than ${limit} bytes`);
    if (Number(request.headers['content-length']) > limit) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      request.off('data', onData).pause();
      reject(tooLarge());
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The JSON body (`undefined` when empty): untrusted, `decide` and `openIncident` check it. */
async function readJson(request: IncomingMessage, limit: number): Promise<unknown> {
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json');
  }
  const text = await readBody(request, limit);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new IncidentError('invalid_json', [{ code: 'invalid_json', path: [], message: 'The body is not JSON' }]);
  }
}

/** Where a stored incident stands: what every route answers. */
function view(id: string, { incident, version }: VersionedIncident) {
  const { value, context, status } = parseStoredIncident(incident).snapshot; // checks what the database held
  const snapshot = crisisMachine.resolveState({ value, context });
  return {
    id,
    version,
    status,
    rung: currentRung(snapshot),
    tracks: currentTracks(snapshot),
    deadlines: context.deadlines.map(({ window, due }) => ({ window, due })),
    next: recommend(snapshot).map((item) => ({
      title: item.title,
      because: item.because.map((reason) => reason.text),
      then: item.next.map((step) => `If ${step.if}, then ${step.then}`),
    })),
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function fail(response: ServerResponse, error: unknown): void {
  if (response.destroyed) return; // the client went away
  if (error instanceof HttpError) {
    if (error.status === 413) response.setHeader('connection', 'close'); // the rest of the body is not read
    return send(response, error.status, { error: error.code, message: error.message });
  }
  const status = error instanceof IncidentError ? statusOf[error.code] : 500;
  if (error instanceof IncidentError && status < 500) return send(response, status, { error: error.code, issues: error.issues });
  console.error(error); // a document the runtime refuses, a database down: nothing for the client to fix
  send(response, 500, { error: error instanceof IncidentError ? error.code : 'internal' });
}

/**
 * POST /incidents/:id          opens an incident (body: optional input, `{ facts, windows }`)
 * POST /incidents/:id/events   applies an event (body: the event)
 * GET  /incidents/:id          where it stands, with its timeline
 */
export function createIncidentServer(store: IncidentStore, { bodyLimit = 64 * 1024 } = {}): Server {
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let pathname: string;
    try {
      ({ pathname } = new URL(request.url ?? '/', 'http://localhost'));
    } catch {
      // Node takes request targets that are no URL (`http://[/incidents/a1`): the client's mistake.
      throw new HttpError(400, 'invalid_url', 'The request target is not a valid URL');
    }
    const [, id, events] = /^\/incidents\/([^/]+)(\/events)?$/.exec(pathname) ?? [];
    if (id === undefined) throw new HttpError(404, 'not_found', `No route ${pathname}`);
    if (!/^[\w-]{1,64}$/.test(id)) throw new HttpError(400, 'invalid_id', 'An incident id is 1 to 64 letters, digits, "-" or "_"');

    if (request.method === 'GET' && !events) {
      const record = await store.load(id);
      if (!record) throw new HttpError(404, 'not_found', `No incident ${id}`);
      return send(response, 200, { ...view(id, record), timeline: record.incident.snapshot.context.timeline });
    }
    if (request.method === 'POST' && !events) {
      const input = await readJson(request, bodyLimit);
      const created = await store.create(id, openIncident({ now: Date.now(), input }).incident);
      return send(response, 201, view(id, created));
    }
    if (request.method === 'POST' && events) {
      const event = await readJson(request, bodyLimit);
      let decision: Decision | undefined;
      // Load, decide, save at the version read; when another writer got there first, reload and decide again.
      const saved = await updateIncident(store, id, (incident) => {
        decision = decide(incident, event, { now: Date.now() });
        return decision.incident;
      });
      // The worker finds the new deadlines in the table (the save wakes it up): nothing to schedule here.
      return send(response, 200, { ...view(id, saved), added: decision!.added });
    }
    response.setHeader('allow', events ? 'POST' : 'GET, POST');
    throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here`);
  }
  return createServer((request, response) => void handle(request, response).catch((error: unknown) => fail(response, error)));
}

export interface IncidentService {
  readonly url: string;
  readonly worker: DeadlineWorker;
  /** Stops taking requests, lets the ones in flight finish, then stops the worker. */
  close(): Promise<void>;
}

/** The HTTP server and a deadline worker over one store, started. */
export async function startIncidentService(options: {
  store: PostgresIncidentStore;
  port?: number;
  host?: string;
  bodyLimit?: number;
  onDecision?: DeadlineWorkerOptions['onDecision'];
}): Promise<IncidentService> {
  const { store, port = 0, host = '127.0.0.1', bodyLimit, onDecision } = options;
  const runtime = createIncidentRuntime({ playbooks: [crisisMachine] }); // the playbooks the app decides with
  const worker = createDeadlineWorker({ store, runtime, ...(onDecision ? { onDecision } : {}) });
  await worker.start();
  const server = createIncidentServer(store, bodyLimit === undefined ? {} : { bodyLimit });
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  } catch (error) {
    await worker.stop();
    throw error;
  }
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    worker,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await worker.stop();
    },
  };
}
