import { createInspector } from '@statelyai/inspect';
import { describe, expect, it } from 'vitest';
import { createActor, createMachine, setup, type AnyStateMachine, type InspectionEvent } from 'xstate';
import { z } from 'zod';
import { crisisMachine, defaultPlaybook } from 'crisis-playbook';
import { compilePlaybook, definePlaybook, extendPlaybook } from 'crisis-playbook/authoring';
import { createInspectionRecorder, createRedactor, incidentInspectorOptions, type InspectionRecord } from 'crisis-playbook/visualize';
import { referenceCase } from '../examples/reference-case/events.js';
import { referenceRungs } from './helpers.js';

type Sent = {
  type: string;
  name?: string;
  definition?: string;
  event?: { type: string; [key: string]: unknown };
  snapshot?: { status?: string; value?: unknown; context?: Record<string, unknown>; output?: Record<string, unknown>; error?: unknown };
};
const flush = () => new Promise((resolve) => setTimeout(resolve, 50));
const R = '[redacted]';

/**
 * Runs incidents with both ways out of the process attached at once: the recorder (which finds
 * each actor's playbook itself) and `@statelyai/inspect`'s `createInspector` with a plain `send`
 * adapter configured by `incidentInspectorOptions`. Returns what each let out.
 */
async function observe(machine: AnyStateMachine | undefined, run: (inspect: (event: InspectionEvent) => void) => void) {
  const recorder = createInspectionRecorder();
  const raw = createInspectionRecorder({ redact: false });
  const sent: Sent[] = [];
  const actorIds: string[] = [];
  const inspector = createInspector({ send: (event) => void sent.push(event as Sent) }, incidentInspectorOptions(machine ? { machine } : {}));
  run((event) => {
    if (event.type === '@xstate.actor') actorIds.push((event.actorRef as unknown as { id: string }).id);
    recorder.inspect.next?.(event);
    raw.inspect.next?.(event);
    inspector.inspect.next?.(event);
  });
  await flush();
  return {
    sent,
    records: recorder.records,
    recorded: recorder.toJsonLines(),
    unredacted: raw.toJsonLines() + JSON.stringify(actorIds),
    sentText: JSON.stringify(sent),
  };
}

/** Every personal string must have been there to find (unredacted), and must be gone from both streams. */
function expectNoneOf(personal: readonly string[], seen: { recorded: string; sentText: string; unredacted: string }) {
  for (const value of personal) {
    expect(seen.unredacted.includes(value), `the test sends ${value}`).toBe(true);
    expect(seen.recorded.includes(value), `recorded: ${value}`).toBe(false);
    expect(seen.sentText.includes(value), `sent to the inspector: ${value}`).toBe(false);
  }
}

const ladderOf = (value: unknown) => (typeof value === 'string' ? value : (value as { active: { ladder: string } }).active.ladder);
const snapshotsOf = (sent: readonly Sent[]) => sent.filter((e) => e.type === '@xstate.snapshot');
const recordedSnapshots = (records: readonly InspectionRecord[]) =>
  records.filter((r): r is Extract<InspectionRecord, { type: '@xstate.snapshot' }> => r.type === '@xstate.snapshot');

describe('the reference case and a closed incident, through the recorder and the inspector', () => {
  const referenceWithMore = [
    ...referenceCase.slice(0, 9),
    { type: 'threat.reported', at: '2026-04-07T17:40:00Z', by: 'Ben', kind: 'visit', note: 'Said he would come by at six with Dariusz' },
    ...referenceCase.slice(9),
  ].filter((event, index) => index !== 8); // the added threat replaces the plain one
  const closedIncident = [
    { type: 'facts.update', facts: { witnessed: true, venue: 'personal-feed' }, by: 'Carla' },
    { type: 'assessment.complete', by: 'Carla' },
    { type: 'message.sent', by: 'Carla', note: 'Wrote to Mrs Okafor from the shop account' },
    { type: 'message.replied', phone: '+44 20 7946 0018', by: 'Carla', note: 'Answered from her mobile' },
    { type: 'incident.closed', reason: 'Ms Okafor withdrew the complaint after we spoke', by: 'Ana' },
  ];
  const personal = [
    '"Ana"',
    '"Ben"',
    'Carla',
    'The group admin refused',
    'Members defend the shop',
    'Dariusz',
    'Okafor',
    '+44 20 7946 0018',
    'Answered from her mobile',
  ];

  async function run() {
    return observe(crisisMachine, (inspect) => {
      const reference = createActor(crisisMachine, { inspect, input: { windows: { replyWindow: '12h' } } }).start();
      for (const event of referenceWithMore) reference.send(event as never);
      const closed = createActor(crisisMachine, { inspect, input: { facts: { knowsPoster: false } } }).start();
      for (const event of closedIncident) closed.send(event as never);
      expect(closed.getSnapshot().output?.closeReason).toBe('Ms Okafor withdrew the complaint after we spoke');
    });
  }

  it('lets no name, phone number, note or close reason out', async () => {
    expectNoneOf(personal, await run());
  });

  it('keeps the rungs, event types, facts, threat kinds and outcomes', async () => {
    const { sent, records } = await run();
    const sessions = [...new Set(snapshotsOf(sent).map((e) => (e as { sessionId?: string }).sessionId))];
    expect(sessions).toHaveLength(2);
    const [reference, closed] = sessions.map((id) => sent.filter((e) => (e as { sessionId?: string }).sessionId === id));

    for (const [stream, events] of [
      [reference!, referenceWithMore],
      [closed!, closedIncident],
    ] as const) {
      const types = stream.filter((e) => e.type === '@xstate.event').map((e) => e.event!.type);
      expect(types).toEqual(['xstate.init', ...events.map((e) => e.type)]);
    }
    const rungs = snapshotsOf(reference!).filter((e) => e.event!.type !== 'xstate.init').map((e) => ladderOf(e.snapshot!.value));
    expect(rungs).toEqual(referenceRungs);

    const last = snapshotsOf(reference!).at(-1)!.snapshot!;
    expect(last.context!.facts).toEqual(referenceCase[0]!.type === 'facts.update' ? referenceCase[0]!.facts : undefined);
    expect(last.context!.windows).toEqual({ replyWindow: 12 * 3_600_000 });
    expect(last.context!.threats).toEqual([
      { kind: 'visit', at: '2026-04-07T17:40:00Z', note: R },
      { kind: 'police-report', at: '2026-04-07T17:45:00Z' },
    ]);
    expect(last.context!.intermediary).toBe(R);
    expect((last.context!.timeline as { type: string; by?: string }[]).map((entry) => [entry.type, entry.by])).toEqual(
      referenceWithMore.map((e) => [e.type, R]),
    );
    expect(last.output).toEqual({ outcome: 'resolved', apology: true, closeReason: null, threats: ['visit', 'police-report'], timelineLength: 12 });

    const done = snapshotsOf(closed!).at(-1)!.snapshot!;
    expect(done.value).toBe('closed');
    expect(done.output).toEqual({ outcome: 'closed', apology: null, closeReason: R, threats: [], timelineLength: 5 });
    expect(done.context).toMatchObject({ replyPhone: R, closeReason: R, facts: { knowsPoster: false, witnessed: true, venue: 'personal-feed' } });
    // The input arrives with xstate.init: kept, as nothing in it is personal.
    expect(closed!.find((e) => e.event?.type === 'xstate.init')!.event).toEqual({ type: 'xstate.init', input: { facts: { knowsPoster: false } } });

    // The recorder keeps the same, snapshot for snapshot.
    const recorded = recordedSnapshots(records).map((r) => r.snapshot);
    expect(recorded).toEqual(snapshotsOf(sent).map((e) => e.snapshot));
  });
});

describe('a custom playbook with personal fields described as data and with zod', () => {
  const playbook = extendPlaybook(defaultPlaybook)
    .rename({ id: 'acme-press', version: '1.0.0' })
    .addEvents({
      'manager.approved': {
        payload: {
          manager: { type: 'string', maxLength: 120, personal: true },
          level: { type: 'enum', values: ['team', 'director'] },
        },
      },
      'press.contacted': {
        schema: z.object({
          journalist: z.string().max(120).meta({ personal: true }),
          outlet: z.string().max(120),
          contact: z.object({ email: z.string().meta({ personal: true }).optional(), desk: z.string().max(40) }).optional(),
        }),
      },
      'threat.escalated': {
        schema: z.object({ kind: z.enum(['doxxing', 'swatting']), details: z.string().optional().meta({ personal: true }) }),
      },
      // A threat whose kind is free text: the kinds it records are not vouched for.
      'threat.described': { schema: z.object({ kind: z.string().max(200) }) },
    })
    .insertRung(
      { before: 'phoneCall' },
      {
        id: 'managerSignOff',
        title: 'Manager sign-off',
        description: 'A manager approves the call before it is made.',
        tags: ['needs-action'],
        advice: [{ title: 'Get a manager to sign off', detail: 'Brief them on the facts.', priority: 20 }],
        on: [{ event: 'manager.approved', target: 'phoneCall' }],
      },
    )
    .addTransitions('everyRung', [
      { event: 'press.contacted' },
      { event: 'threat.escalated', actions: ['recordThreat'] },
      { event: 'threat.described', actions: ['recordThreat'] },
    ])
    .build();
  const machine = compilePlaybook(playbook);
  const events = [
    { type: 'contact.received', channel: 'phone', by: 'Ana' },
    { type: 'press.contacted', journalist: 'Mona Reyes', outlet: 'Daily Bugle', contact: { email: 'mona@bugle.example', desk: 'metro' } },
    { type: 'threat.escalated', kind: 'doxxing', details: "Posted Nell's home address" },
    { type: 'threat.described', kind: 'picket' },
    { type: 'manager.approved', manager: 'Pia Sorensen', level: 'director', note: 'Approved over the phone' },
    { type: 'incident.closed', reason: 'Quinn settled it privately', by: 'Ana' },
  ];
  const personal = ['"Ana"', 'Mona Reyes', 'mona@bugle.example', 'Nell', 'Pia Sorensen', 'Approved over the phone', 'Quinn'];

  async function run() {
    return observe(machine, (inspect) => {
      const actor = createActor(machine, { inspect }).start();
      for (const event of events) actor.send(event as never);
      expect(actor.getSnapshot().value).toBe('closed');
    });
  }

  it('lets none of them out', async () => {
    expectNoneOf(personal, await run());
  });

  it('keeps what the playbook vouches for', async () => {
    const { sent, records } = await run();
    const sentEvents = sent.filter((e) => e.type === '@xstate.event').map((e) => e.event);
    expect(sentEvents.slice(1)).toEqual([
      { type: 'contact.received', channel: 'phone', by: R },
      { type: 'press.contacted', journalist: R, outlet: 'Daily Bugle', contact: { email: R, desk: 'metro' } },
      { type: 'threat.escalated', kind: 'doxxing', details: R },
      // The playbook does not mark this kind personal, so the event keeps it; but only declared
      // enum values are kept as recorded threat kinds (below).
      { type: 'threat.described', kind: 'picket' },
      { type: 'manager.approved', manager: R, level: 'director', note: R },
      { type: 'incident.closed', reason: R, by: R },
    ]);
    const rungs = snapshotsOf(sent).map((e) => ladderOf(e.snapshot!.value));
    expect(rungs).toEqual(['gatheringInfo', 'managerSignOff', 'managerSignOff', 'managerSignOff', 'managerSignOff', 'phoneCall', 'closed']);
    const last = snapshotsOf(sent).at(-1)!.snapshot!;
    expect(last.output).toEqual({ outcome: 'closed', apology: null, closeReason: R, threats: ['doxxing', R], timelineLength: 6 });
    expect((last.context!.threats as { kind: string }[]).map((t) => t.kind)).toEqual(['doxxing', R]);
    expect(recordedSnapshots(records).at(-1)!.snapshot).toEqual(last);
    // The recorder found the custom playbook from the actor: its events keep their types.
    expect(records.filter((r) => r.type === '@xstate.event').map((r) => (r as { event: { type: string } }).event.type)).toEqual([
      'xstate.init',
      ...events.map((e) => e.type),
    ]);
  });
});

describe('malformed events and input sent to a plain createActor actor', () => {
  const malformed = [
    { type: 'assessment.complete' },
    { type: 'message.replied', phone: 447700900123 },
    { type: 'intermediary.asked', name: ['Dora', 'Whitfield'] },
    { type: 'message.sent', email: 'fay@example.org', 'gus@example.org': true },
    { type: 'customer.named', name: 'Gina Lopez' },
    { type: 'Hank Moody phoned us' },
    { type: 'facts.update', facts: { venue: 'Ivy Lane residents group', witnessed: true, neighbour: 'Jules' } },
    { type: 'threat.reported', kind: 'Kasper said he knows where I live' },
    { type: 'call.completed', apology: 'Lotte said sorry', agreement: true },
    { type: 'incident.closed', reason: { text: 'Mara called back' } },
  ];
  const personal = ['447700900123', 'Dora', 'Whitfield', 'fay@example.org', 'gus@example.org', 'Gina', 'Hank', 'Ivy Lane', 'Jules', 'Kasper', 'Lotte', 'Mara', 'Nico', 'Odile', 'Paz'];

  async function run() {
    return observe(undefined, (inspect) => {
      // An app-chosen actor id can carry a name too.
      const actor = createActor(crisisMachine, { inspect, id: 'incident-of-Nico' }).start();
      for (const event of malformed) actor.send(event as never);
      expect(actor.getSnapshot().value).toEqual({ active: { ladder: 'directMessage', community: 'quiet', safety: 'none' } });
      // Input the playbook does not vouch for: the actor fails, and the error's messages quote it.
      const failed = createActor(crisisMachine, { inspect, input: { facts: { venue: 'Odile Street' }, caller: 'Paz' } as never });
      failed.subscribe({ error: () => {} });
      failed.start();
      expect(failed.getSnapshot().status).toBe('error');
      expect(String(failed.getSnapshot().error)).toContain('Odile Street');
    });
  }

  it('lets out none of the values, key names or event types the playbook does not vouch for', async () => {
    expectNoneOf(personal, await run());
  });

  it('keeps declared event types, valid fields and the state, and redacts the rest', async () => {
    const { sent, records } = await run();
    const sessions = [...new Set(sent.map((e) => (e as { sessionId?: string }).sessionId))];
    const incident = sent.filter((e) => (e as { sessionId?: string }).sessionId === sessions[0]);
    expect(incident.filter((e) => e.type === '@xstate.event').map((e) => e.event)).toEqual([
      { type: 'xstate.init' },
      { type: 'assessment.complete' },
      { type: 'message.replied', phone: R },
      { type: 'intermediary.asked', name: R },
      { type: 'message.sent' },
      { type: R },
      { type: R },
      { type: 'facts.update', facts: { venue: R, witnessed: true } },
      { type: 'threat.reported', kind: R },
      { type: 'call.completed', apology: R, agreement: true },
      { type: 'incident.closed', reason: R },
    ]);
    expect(incident.find((e) => e.type === '@xstate.actor')!.name).toBe('crisis');
    expect(snapshotsOf(incident).at(-1)!.snapshot).toMatchObject({
      status: 'active',
      value: { active: { ladder: 'directMessage', community: 'quiet', safety: 'none' } },
      context: { facts: {}, threats: [], replyPhone: null, intermediary: null, closeReason: null },
    });

    const failed = sent.filter((e) => (e as { sessionId?: string }).sessionId === sessions[1]);
    expect(failed.find((e) => e.event?.type === 'xstate.init')!.event).toEqual({ type: 'xstate.init', input: { facts: { venue: R } } });
    const error = { name: 'InputValidationError', message: R, issues: [
      { code: 'invalid_value', path: ['facts', 'venue'], message: R },
      { code: 'unrecognized_keys', path: [], message: R },
    ] };
    const errorSnapshots = [...snapshotsOf(failed), ...failed.filter((e) => e.type === '@xstate.actor')]
      .map((e) => e.snapshot!)
      .filter((s) => s.status === 'error');
    // XState reports no snapshot event when the initial state fails: the inspector reads the
    // error from the actor's snapshot; the recorder has only the redacted input.
    expect(errorSnapshots).toHaveLength(1);
    expect(errorSnapshots[0]!.error).toEqual(error);
    expect(errorSnapshots[0]!.context).toEqual({});
    expect(recordedSnapshots(records).filter((r) => r.sessionId === sessions[1])).toEqual([]);
  });
});

describe('an incident invoked by a machine of the app', () => {
  it('is redacted by its own playbook, its parent by the allow-list, and its done event carries a redacted output', async () => {
    const desk = setup({ actors: { incident: crisisMachine } }).createMachine({
      id: 'desk',
      context: () => ({ operator: 'Zed Quill' }),
      initial: 'working',
      states: { working: { invoke: { src: 'incident', id: 'incident', onDone: 'done' } }, done: { type: 'final' } },
    });
    const seen = await observe(crisisMachine, (inspect) => {
      const actor = createActor(desk, { inspect }).start();
      (actor.getSnapshot().children.incident as { send(event: unknown): void }).send({ type: 'incident.closed', reason: 'Zed apologised', by: 'Ana' });
      expect(actor.getSnapshot().status).toBe('done');
    });
    expectNoneOf(['Zed', '"Ana"'], seen);
    for (const events of [seen.sent.map((e) => e.event), seen.records.map((r) => (r as { event?: Sent['event'] }).event)]) {
      const types = events.filter((e) => e !== undefined).map((e) => e.type);
      expect(types).toContain('incident.closed');
      expect(events.find((e) => e?.type === 'xstate.done.actor.incident')).toMatchObject({
        output: { outcome: 'closed', closeReason: R, timelineLength: 1 },
      });
    }
    const names = seen.sent.filter((e) => e.type === '@xstate.actor').map((e) => e.name);
    expect(names.sort()).toEqual(['crisis', 'desk']);
  });
});

describe('createRedactor', () => {
  it('follows the playbook, not key names: unmarked fields are kept, marked ones redacted', () => {
    const playbook = definePlaybook({
      ...defaultPlaybook,
      id: 'phones-are-public',
      events: {
        ...defaultPlaybook.events,
        // A switchboard number, not a person's: this playbook does not mark it personal.
        'message.replied': { payload: { phone: { type: 'string', optional: true, maxLength: 40 } } },
        'shift.assigned': {
          payload: { name: { type: 'string', maxLength: 40 }, sponsor: { type: 'string', maxLength: 40, personal: true } },
        },
      },
    });
    const redactor = createRedactor(playbook);
    expect(redactor.event({ type: 'message.replied', phone: '0800 000 000', by: 'Rosa' })).toEqual({
      type: 'message.replied',
      phone: '0800 000 000',
      by: R,
    });
    expect(redactor.event({ type: 'shift.assigned', name: 'Night shift', sponsor: 'Sven' })).toEqual({
      type: 'shift.assigned',
      name: 'Night shift',
      sponsor: R,
    });
    // The context field the built-in action copies the phone into follows the field.
    const actor = createActor(compilePlaybook(playbook)).start();
    actor.send({ type: 'assessment.complete' });
    actor.send({ type: 'message.replied', phone: '0800 000 000' });
    expect(redactor.context(actor.getSnapshot().context)).toMatchObject({ replyPhone: '0800 000 000' });
    expect(createRedactor(crisisMachine).context(actor.getSnapshot().context)).toMatchObject({ replyPhone: R });
  });

  it('reads zod 4 metadata through optional, nullable, default and transforms, and in nested objects and arrays', () => {
    const playbook = extendPlaybook(defaultPlaybook)
      .addEvents({
        'visit.logged': {
          schema: z.object({
            visitor: z.string().meta({ personal: true }).optional(),
            host: z.string().optional().meta({ personal: true }),
            badge: z.string().meta({ personal: true }).nullable().default(null),
            plate: z.string().meta({ personal: true }).transform((plate) => plate.toUpperCase()),
            room: z.string().max(20),
            guests: z.array(z.object({ name: z.string().meta({ personal: true }), company: z.string() })).optional(),
            note: z.string().optional(),
          }),
        },
      })
      .addTransitions('everyRung', [{ event: 'visit.logged' }])
      .build();
    expect(
      createRedactor(playbook).event({
        type: 'visit.logged',
        visitor: 'Tess',
        host: 'Uma',
        badge: 'B-17 Vik',
        plate: 'AB12 CDE',
        room: 'Blue room',
        guests: [{ name: 'Wim', company: 'Acme', phone: '555' }, 'Xan'],
        note: 'Yara was with them',
      }),
    ).toEqual({
      type: 'visit.logged',
      visitor: R,
      host: R,
      badge: R,
      plate: R,
      room: 'Blue room',
      guests: [{ name: R, company: 'Acme' }, R],
      note: R, // `by` and `note` are always personal, whatever the schema says
    });
  });

  it('treats the facts as personal everywhere when a facts field is marked personal', async () => {
    const playbook = definePlaybook({
      ...defaultPlaybook,
      id: 'private-facts',
      events: { ...defaultPlaybook.events, 'facts.update': { payload: { facts: { type: 'facts', personal: true } } } },
    });
    const machine = compilePlaybook(playbook);
    const { sent, records } = await observe(machine, (inspect) => {
      const actor = createActor(machine, { inspect, input: { facts: { venue: 'private-group' } } }).start();
      actor.send({ type: 'facts.update', facts: { knowsPoster: true } });
    });
    expect(sent.filter((e) => e.type === '@xstate.event').map((e) => e.event)).toEqual([
      { type: 'xstate.init', input: { facts: R } },
      { type: 'facts.update', facts: R },
    ]);
    const contexts = [...snapshotsOf(sent).map((e) => e.snapshot!.context), ...recordedSnapshots(records).map((r) => r.snapshot.context)];
    expect(contexts).toHaveLength(4);
    for (const context of contexts) expect((context as { facts: unknown }).facts).toBe(R);
  });

  it('keeps XState events with what they carry redacted, and replaces anything that is not an event', () => {
    const redactor = createRedactor(crisisMachine);
    expect(redactor.event({ type: 'xstate.after.replyWindow.crisis.active.ladder.directMessage' })).toEqual({
      type: 'xstate.after.replyWindow.crisis.active.ladder.directMessage',
    });
    expect(redactor.event({ type: 'xstate.init' })).toEqual({ type: 'xstate.init' });
    expect(redactor.event({ type: 'xstate.init', input: { facts: { witnessed: true, name: 'Zoe' }, windows: { replyWindow: '12h', zoe: 1 } } })).toEqual({
      type: 'xstate.init',
      input: { facts: { witnessed: true }, windows: { replyWindow: '12h' } },
    });
    expect(
      redactor.event({
        type: 'xstate.done.actor.incident',
        actorId: 'incident',
        output: { outcome: 'closed', apology: null, closeReason: 'Zoe moved on', threats: ['visit', 'Zoe'], timelineLength: 3, who: 'Zoe' },
      }),
    ).toEqual({
      type: 'xstate.done.actor.incident',
      actorId: 'incident',
      output: { outcome: 'closed', apology: null, closeReason: R, threats: ['visit', R], timelineLength: 3 },
    });
    expect(redactor.event({ type: 'xstate.error.actor.incident', actorId: 'incident', error: new Error('Zoe is not allowed') })).toEqual({
      type: 'xstate.error.actor.incident',
      actorId: 'incident',
      error: { name: 'Error', message: R },
    });
    expect(redactor.event({ type: 'xstate.stop', reason: 'Zoe' })).toEqual({ type: 'xstate.stop' });
    expect(redactor.event({ type: 'xstate.Zoe Adams' })).toEqual({ type: R });
    // Only the shapes XState makes for this machine: its windows, its state ids.
    expect(redactor.event({ type: 'xstate.done.state.crisis.active.ladder' })).toEqual({ type: 'xstate.done.state.crisis.active.ladder' });
    for (const forged of ['xstate.447700900123', 'xstate.Zoe-Adams', 'xstate.after.Zoe.crisis.active', 'xstate.after.replyWindow.Zoe', 'xstate.after.replyWindow.crisis.active.Zoe', 'xstate.done.state.Zoe', 'xstate.snapshot.Zoe']) {
      expect(redactor.event({ type: forged }), forged).toEqual({ type: R });
    }
    for (const junk of [null, 'Zoe', 42, [], { type: 7, name: 'Zoe' }, { name: 'Zoe' }]) expect(redactor.event(junk)).toEqual({ type: R });
  });

  it('redacts a field marked personal inside a union or an intersection, as the field alone', async () => {
    const playbook = extendPlaybook(defaultPlaybook)
      .rename({ id: 'union-fields', version: '1.0.0' })
      .addEvents({
        'press.contacted': { schema: z.object({ journalist: z.union([z.string().max(120).meta({ personal: true }), z.literal('anonymous')]) }) },
        'donor.called': { schema: z.object({ donor: z.string().meta({ personal: true }).or(z.null()) }) },
        'witness.named': { schema: z.object({ witness: z.intersection(z.string().meta({ personal: true }), z.string().max(80)) }) },
      })
      .addTransitions('everyRung', [{ event: 'press.contacted' }, { event: 'donor.called' }, { event: 'witness.named' }])
      .build();
    const machine = compilePlaybook(playbook);
    const redactor = createRedactor(machine);
    expect(redactor.event({ type: 'press.contacted', journalist: 'Mona Reyes' })).toEqual({ type: 'press.contacted', journalist: R });
    expect(redactor.event({ type: 'donor.called', donor: 'Pia Sorensen' })).toEqual({ type: 'donor.called', donor: R });
    expect(redactor.event({ type: 'witness.named', witness: 'Quinn Baird' })).toEqual({ type: 'witness.named', witness: R });
    const seen = await observe(machine, (inspect) => {
      const actor = createActor(machine, { inspect }).start();
      actor.send({ type: 'press.contacted', journalist: 'Mona Reyes' } as never);
      actor.send({ type: 'donor.called', donor: 'Pia Sorensen' } as never);
      actor.send({ type: 'witness.named', witness: 'Quinn Baird' } as never);
      expect(actor.getSnapshot().context.timeline).toHaveLength(3);
    });
    expectNoneOf(['Mona', 'Pia', 'Quinn'], seen);
  });

  it('keeps only the context keys and values the incident context has', () => {
    const redactor = createRedactor(crisisMachine);
    expect(
      redactor.context({
        facts: { venue: 'unknown', insiderInVenue: 'Zoe', friend: 'Zoe' },
        windows: { replyWindow: 3_600_000, zoeWindow: 1, accessWindow: 'Zoe' },
        timeline: [
          { at: '2026-04-06T19:05:00.000Z', type: 'access.denied', from: 'requestingAccess', to: 'directMessage', by: 'Zoe', note: 'Zoe', extra: 'Zoe' },
          { at: 'Zoe', type: 'Zoe', from: 'Zoe', to: 'monitoring', window: 'Zoe' },
          { at: '2026-04-07T10:00:00.000Z', type: 'window.elapsed', from: 'directMessage', to: 'monitoring', window: 'replyWindow' },
        ],
        threats: [{ kind: 'violence', at: '2026-04-07T10:00:00.000Z', note: 'Zoe' }, { kind: 'Zoe', at: '2026-04-07T10:00:00.000Z' }],
        supporters: 'Zoe',
        replyPhone: '555 0100',
        intermediary: null,
        call: { apology: true, agreement: 'Zoe' },
        closeReason: 'Zoe',
        deadlines: [{ window: 'replyWindow', rung: 'directMessage', due: '2026-04-07T10:00:00.000Z', who: 'Zoe' }],
        customer: 'Zoe',
      }),
    ).toEqual({
      facts: { venue: 'unknown', insiderInVenue: R },
      windows: { replyWindow: 3_600_000, accessWindow: R },
      timeline: [
        { at: '2026-04-06T19:05:00.000Z', type: 'access.denied', from: 'requestingAccess', to: 'directMessage', by: R, note: R },
        { at: R, type: R, from: R, to: 'monitoring', window: R },
        { at: '2026-04-07T10:00:00.000Z', type: 'window.elapsed', from: 'directMessage', to: 'monitoring', window: 'replyWindow' },
      ],
      threats: [{ kind: 'violence', at: '2026-04-07T10:00:00.000Z', note: R }, { kind: R, at: '2026-04-07T10:00:00.000Z' }],
      supporters: R,
      replyPhone: R,
      intermediary: null,
      call: { apology: true, agreement: R },
      closeReason: R,
      deadlines: [{ window: 'replyWindow', rung: 'directMessage', due: '2026-04-07T10:00:00.000Z' }],
    });
    expect(redactor.context('Zoe')).toBe(R);
    expect(redactor.output(['Zoe'])).toBe(R);
  });

  it('redacts a snapshot to its status, value, context, output and error, and a state value to known states', () => {
    const redactor = createRedactor(crisisMachine);
    const failed = createActor(crisisMachine, { input: { facts: { venue: 'Zoe Street' } } as never });
    failed.subscribe({ error: () => {} });
    failed.start();
    expect(redactor.snapshot(failed.getSnapshot())).toEqual({
      status: 'error',
      value: { active: { ladder: 'gatheringInfo', community: 'quiet', safety: 'none' } },
      context: {},
      error: { name: 'InputValidationError', message: R, issues: [{ code: 'invalid_value', path: ['facts', 'venue'], message: R }] },
    });
    expect(redactor.snapshot({ status: 'Zoe', value: { active: { ladder: 'Zoe', Zoe: 'quiet' } }, children: { Zoe: {} } })).toEqual({
      status: R,
      value: { active: { ladder: R } },
    });
    expect(redactor.snapshot('Zoe')).toEqual({ status: R });
  });

  it('gives the same result when applied twice, so an inspector may serialise again', async () => {
    const { sent } = await observe(crisisMachine, (inspect) => {
      const actor = createActor(crisisMachine, { inspect }).start();
      for (const event of referenceCase) actor.send(event);
    });
    const redactor = createRedactor(crisisMachine);
    for (const e of sent) {
      if (e.event) expect(redactor.event(e.event)).toEqual(e.event);
      if (e.snapshot && e.type === '@xstate.snapshot') expect(redactor.snapshot(e.snapshot)).toEqual(e.snapshot);
    }
    const options = incidentInspectorOptions();
    for (const e of sent) expect(options.serialize!(e)).toEqual(e);
  });

  it('redacts a value whose properties throw instead of failing', () => {
    const redactor = createRedactor(crisisMachine);
    const hostile = {
      type: 'message.replied',
      get phone(): string {
        throw new Error('Zoe');
      },
    };
    expect(redactor.event(hostile)).toEqual({ type: R });
  });

  it('takes a definition, a compiled machine or a provided one, and refuses anything else', () => {
    const provided = crisisMachine.provide({ guards: { isPosterKnown: () => true } });
    const event = { type: 'incident.closed', reason: 'Zoe', by: 'Zoe' };
    expect(createRedactor(provided).event(event)).toEqual(createRedactor(defaultPlaybook).event(event));
    expect(createRedactor(crisisMachine)).toBe(createRedactor(defaultPlaybook));
    const plain = createMachine({ id: 'plain', context: { customer: 'Zoe' } });
    expect(() => createRedactor(plain)).toThrow(TypeError);
    expect(() => createRedactor({} as never)).toThrow(TypeError);
    expect(() => incidentInspectorOptions({ machine: plain })).toThrow(/redact: false/);
    expect(incidentInspectorOptions({ machine: plain, redact: false }).serialize).toBeUndefined();
  });
});

describe('incidentInspectorOptions', () => {
  it('redacts for the default playbook when no machine is given', () => {
    const options = incidentInspectorOptions();
    expect(options.serializationDepthLimit).toBe(incidentInspectorOptions({ machine: crisisMachine }).serializationDepthLimit);
    expect(options.sanitizeEvent!({ type: 'intermediary.asked', name: 'Zoe' })).toEqual({ type: 'intermediary.asked', name: R });
    expect(options.sanitizeContext!({ closeReason: 'Zoe', customer: 'Zoe' })).toEqual({ closeReason: R });
  });

  it('redacts the output and error in serialize, which the sanitisers never see', () => {
    const { serialize } = incidentInspectorOptions({ machine: crisisMachine });
    const output = { outcome: 'closed', apology: null, closeReason: 'Zoe', threats: [], timelineLength: 1 };
    expect(
      serialize!({
        type: '@xstate.snapshot',
        sessionId: 'x:0',
        rootId: 'x:0',
        id: null,
        createdAt: '1',
        _version: '0.7.2',
        event: { type: 'incident.closed', reason: 'Zoe' },
        snapshot: { status: 'done', value: 'closed', context: { closeReason: 'Zoe' }, output, error: undefined, machine: { id: 'Zoe' } },
        extra: 'Zoe',
      }),
    ).toEqual({
      type: '@xstate.snapshot',
      sessionId: 'x:0',
      rootId: 'x:0',
      id: null,
      createdAt: '1',
      _version: '0.7.2',
      event: { type: 'incident.closed', reason: R },
      snapshot: { status: 'done', value: 'closed', context: { closeReason: R }, output: { ...output, closeReason: R } },
    });
  });
});
