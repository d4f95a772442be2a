import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { IncidentError } from 'crisis-playbook';
import { decide, decideDue, type Decision, type IncidentStore, openIncident, type ScheduledDeadline, updateIncident } from 'crisis-playbook/server';

/** Runs `decideDue` for an incident when its deadlines fall due; one timer per incident. */
export class DeadlineScheduler {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  constructor(readonly store: IncidentStore) {}

  /** Replaces the incident's timer with one for its earliest pending deadline. */
  schedule(id: string, deadlines: readonly ScheduledDeadline[]): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    const next = deadlines.map((d) => Date.parse(d.at)).sort((a, b) => a - b)[0];
    if (next === undefined) return;
    const timer = setTimeout(() => {
      this.fire(id).catch((error: unknown) => console.error(`deadline job for ${id} failed:`, error));
    }, Math.max(0, next - Date.now()));
    timer.unref();
    this.#timers.set(id, timer);
  }

  async fire(id: string): Promise<void> {
    let decision: Decision | undefined;
    await updateIncident(this.store, id, (incident) => {
      decision = decideDue(incident, { now: Date.now() });
      return decision.incident;
    });
    if (decision) this.schedule(id, decision.deadlines);
  }

  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}

const statusOf: Record<string, number> = {
  invalid_json: 400,
  invalid_event: 422,
  invalid_input: 422,
  invalid_time: 400,
  not_found: 404,
  already_exists: 409,
  event_not_applicable: 409,
  incident_finished: 409,
  stale_version: 409,
  invalid_document: 500,
  unsupported_format: 500,
  unknown_playbook: 500,
  unknown_playbook_version: 500,
};

async function readJson(request: IncomingMessage): Promise<unknown> {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > 64 * 1024) throw new IncidentError('invalid_json', [{ code: 'invalid_json', path: [], message: 'Body too large' }]);
  }
  try {
    return JSON.parse(body || 'null');
  } catch {
    throw new IncidentError('invalid_json', [{ code: 'invalid_json', path: [], message: 'The body is not JSON' }]);
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * POST /incidents/:id          opens an incident (body: optional input)
 * POST /incidents/:id/events   applies an event (body: the event as JSON)
 */
export function createIncidentServer(store: IncidentStore, scheduler: DeadlineScheduler): Server {
  return createServer(async (request, response) => {
    const match = /^\/incidents\/([\w-]{1,64})(\/events)?$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) return send(response, 404, { error: 'not_found' });
    const [, id, events] = match as unknown as [string, string, string | undefined];
    try {
      const body = await readJson(request);
      let decision: Decision;
      if (events) {
        // Load, decide, save with the version read; on a concurrent write, reload and decide again.
        await updateIncident(store, id, (incident) => {
          decision = decide(incident, body, { now: Date.now() });
          return decision.incident;
        });
      } else {
        decision = openIncident({ now: Date.now(), input: body ?? undefined });
        await store.create(id, decision.incident);
      }
      // Only after the save succeeded: schedule what the decision says is pending.
      scheduler.schedule(id, decision!.deadlines);
      send(response, 200, {
        rung: decision!.rung,
        tracks: decision!.tracks,
        status: decision!.status,
        next: decision!.recommendations.map((r) => ({ title: r.title, because: r.because.map((b) => b.text) })),
        deadlines: decision!.deadlines,
      });
    } catch (error) {
      if (error instanceof IncidentError) return send(response, statusOf[error.code] ?? 500, { error: error.code, issues: error.issues });
      send(response, 500, { error: 'internal' });
    }
  });
}
