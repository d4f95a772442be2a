// The baseline of the benchmark: the default playbook written by hand as a plain XState v5
// machine, the way an app would without crisis-playbook. Same rungs and the same tags, the same parallel
// community and safety regions, the same guards (plain functions), the same after-delays and
// an assign-based audit timeline in context. No zod, no validation, no deadlines as data, no
// advice: only what the machine itself needs.
import { assign, setup } from 'xstate';
import { z } from 'zod';

export interface BareFacts {
  witnessed?: boolean;
  knowsPoster?: boolean;
  connectedToPoster?: boolean;
  venue?: 'personal-feed' | 'public-group' | 'private-group' | 'unknown';
  memberOfVenue?: boolean;
  insiderInVenue?: boolean;
}

interface Meta {
  by?: string;
  note?: string;
  at?: string;
}

export type BareEvent = Meta &
  (
    | { type: 'facts.update'; facts: BareFacts }
    | { type: 'assessment.complete' }
    | { type: 'access.requested' }
    | { type: 'access.granted' }
    | { type: 'access.denied' }
    | { type: 'message.sent' }
    | { type: 'message.ignored' }
    | { type: 'message.replied'; phone?: string }
    | { type: 'intermediary.asked'; name?: string }
    | { type: 'intermediary.declined' }
    | { type: 'contact.received'; channel: 'phone' | 'message' | 'email' | 'in-person' }
    | { type: 'call.completed'; apology: boolean; agreement: boolean }
    | { type: 'community.supported' }
    | { type: 'threat.reported'; kind: 'visit' | 'police-report' | 'legal-action' | 'violence' | 'other' }
    | { type: 'incident.closed'; reason: string }
  );

export interface BareTimelineEntry {
  at: string;
  type: string;
  from: string;
  to: string;
  window?: string;
  by?: string;
  note?: string;
}

export interface BareContext {
  facts: BareFacts;
  windows: { accessWindow?: number; replyWindow?: number; intermediaryWindow?: number };
  timeline: BareTimelineEntry[];
  threats: { kind: string; at: string; note?: string }[];
  supporters: number;
  replyPhone: string | null;
  intermediary: string | null;
  call: { apology: boolean; agreement: boolean } | null;
  closeReason: string | null;
}

const hour = 3_600_000;
type Rung = 'gatheringInfo' | 'requestingAccess' | 'directMessage' | 'intermediary' | 'phoneCall' | 'monitoring' | 'resolved' | 'closed';
type Step = { from?: Rung; to?: Rung; window?: string };

const currentRung = (context: BareContext): string => context.timeline.at(-1)?.to ?? 'gatheringInfo';
/** One timeline action per transition: `from`/`to` for ladder moves, nothing for track events. */
const log = (params: Step) => ({ type: 'log' as const, params });
const stay = (rung: Rung) => log({ from: rung, to: rung });
const move = (from: Rung, to: Rung) => log({ from, to });

const bareSetup = setup({
  types: {} as {
    context: BareContext;
    events: BareEvent;
  },
  guards: {
    isPosterKnown: ({ context }) => context.facts.knowsPoster === true,
    arePostsOutOfSight: ({ context: { facts } }) =>
      facts.venue === 'private-group' && facts.memberOfVenue === false && facts.witnessed === false && facts.connectedToPoster === false,
    hasInsiderInVenue: ({ context }) => context.facts.insiderInVenue === true,
    isAgreementReached: ({ event }) => event.type === 'call.completed' && event.agreement,
  },
  actions: {
    log: assign(({ context, event }: { context: BareContext; event: BareEvent }, params: Step) => {
      const rung = currentRung(context);
      const entry: BareTimelineEntry = {
        at: event.at ?? new Date().toISOString(),
        type: params.window === undefined ? event.type : 'window.elapsed',
        from: params.from ?? rung,
        to: params.to ?? rung,
      };
      if (params.window !== undefined) entry.window = params.window;
      if (event.by !== undefined) entry.by = event.by;
      if (event.note !== undefined) entry.note = event.note;
      return { timeline: [...context.timeline, entry] };
    }),
    updateFacts: assign({
      facts: ({ context, event }) => (event.type === 'facts.update' ? { ...context.facts, ...event.facts } : context.facts),
    }),
    recordAccessGranted: assign({ facts: ({ context }) => ({ ...context.facts, memberOfVenue: true }) }),
    recordReply: assign({
      replyPhone: ({ context, event }) => (event.type === 'message.replied' ? (event.phone ?? context.replyPhone) : context.replyPhone),
    }),
    recordIntermediary: assign({
      intermediary: ({ context, event }) =>
        event.type === 'intermediary.asked' ? (event.name ?? context.intermediary) : context.intermediary,
    }),
    // The function form: `assign({ call })` would read as a function-like object to TypeScript.
    recordCall: assign(({ context, event }: { context: BareContext; event: BareEvent }) => ({
      call: event.type === 'call.completed' ? { apology: event.apology, agreement: event.agreement } : context.call,
    })),
    recordSupport: assign({ supporters: ({ context }) => context.supporters + 1 }),
    recordThreat: assign({
      threats: ({ context, event }) =>
        event.type === 'threat.reported'
          ? [...context.threats, { kind: event.kind, at: event.at ?? new Date().toISOString(), ...(event.note ? { note: event.note } : {}) }]
          : context.threats,
    }),
    recordClosure: assign({ closeReason: ({ event }) => (event.type === 'incident.closed' ? event.reason : null) }),
  },
  delays: {
    accessWindow: ({ context }) => context.windows.accessWindow ?? 24 * hour,
    replyWindow: ({ context }) => context.windows.replyWindow ?? 24 * hour,
    intermediaryWindow: ({ context }) => context.windows.intermediaryWindow ?? 48 * hour,
  },
});

/**
 * The machine, with the tags the playbook gives its rungs and track states (`hasTag('waiting')`
 * answers the same on both machines; XState builds each snapshot's set of tags from them).
 */
export const bareMachine = bareSetup.createMachine({
  id: 'crisis',
  context: () => ({
    facts: {},
    windows: {},
    timeline: [],
    threats: [],
    supporters: 0,
    replyPhone: null,
    intermediary: null,
    call: null,
    closeReason: null,
  }),
  output: ({ context }) => ({
    outcome: currentRung(context),
    apology: context.call?.apology ?? null,
    closeReason: context.closeReason,
    threats: context.threats.map((threat) => threat.kind),
    timelineLength: context.timeline.length,
  }),
  initial: 'active',
  states: {
    active: {
      type: 'parallel',
      states: {
        ladder: {
          initial: 'gatheringInfo',
          // Handled on every open rung (a rung's own handler would take precedence).
          on: {
            'contact.received': { target: '.phoneCall', actions: log({ to: 'phoneCall' }) },
            'facts.update': { actions: ['updateFacts', log({})] },
            'incident.closed': { target: '#crisis.closed', actions: ['recordClosure', log({ to: 'closed' })] },
          },
          states: {
            gatheringInfo: {
              tags: ['needs-action'],
              on: {
                'assessment.complete': [
                  { guard: 'isPosterKnown', target: 'phoneCall', actions: move('gatheringInfo', 'phoneCall') },
                  { guard: 'arePostsOutOfSight', target: 'requestingAccess', actions: move('gatheringInfo', 'requestingAccess') },
                  { target: 'directMessage', actions: move('gatheringInfo', 'directMessage') },
                ],
              },
            },
            requestingAccess: {
              tags: ['needs-action', 'waiting'],
              on: {
                'access.requested': { target: 'requestingAccess', reenter: true, actions: stay('requestingAccess') },
                'access.granted': { target: 'directMessage', actions: ['recordAccessGranted', move('requestingAccess', 'directMessage')] },
                'access.denied': { target: 'directMessage', actions: move('requestingAccess', 'directMessage') },
              },
              after: {
                accessWindow: {
                  target: 'directMessage',
                  actions: log({ from: 'requestingAccess', to: 'directMessage', window: 'accessWindow' }),
                },
              },
            },
            directMessage: {
              tags: ['needs-action', 'waiting'],
              on: {
                'message.sent': { target: 'directMessage', reenter: true, actions: stay('directMessage') },
                'message.replied': { target: 'phoneCall', actions: ['recordReply', move('directMessage', 'phoneCall')] },
                'message.ignored': [
                  { guard: 'hasInsiderInVenue', target: 'intermediary', actions: move('directMessage', 'intermediary') },
                  { target: 'monitoring', actions: move('directMessage', 'monitoring') },
                ],
              },
              after: {
                replyWindow: [
                  {
                    guard: 'hasInsiderInVenue',
                    target: 'intermediary',
                    actions: log({ from: 'directMessage', to: 'intermediary', window: 'replyWindow' }),
                  },
                  { target: 'monitoring', actions: log({ from: 'directMessage', to: 'monitoring', window: 'replyWindow' }) },
                ],
              },
            },
            intermediary: {
              tags: ['needs-action', 'waiting'],
              on: {
                'intermediary.asked': { target: 'intermediary', reenter: true, actions: ['recordIntermediary', stay('intermediary')] },
                'intermediary.declined': { target: 'monitoring', actions: move('intermediary', 'monitoring') },
              },
              after: {
                intermediaryWindow: {
                  target: 'monitoring',
                  actions: log({ from: 'intermediary', to: 'monitoring', window: 'intermediaryWindow' }),
                },
              },
            },
            phoneCall: {
              tags: ['needs-action'],
              on: {
                'call.completed': [
                  { guard: 'isAgreementReached', target: '#crisis.resolved', actions: ['recordCall', move('phoneCall', 'resolved')] },
                  { target: 'monitoring', actions: ['recordCall', move('phoneCall', 'monitoring')] },
                ],
              },
            },
            monitoring: { tags: ['waiting'] },
          },
        },
        community: {
          initial: 'quiet',
          states: {
            quiet: { tags: ['quiet'], on: { 'community.supported': { target: 'supported', actions: ['recordSupport', log({})] } } },
            supported: { tags: ['supported'], on: { 'community.supported': { actions: ['recordSupport', log({})] } } },
          },
        },
        safety: {
          initial: 'none',
          states: {
            none: { tags: ['no-threats'], on: { 'threat.reported': { target: 'threatened', actions: ['recordThreat', log({})] } } },
            threatened: { tags: ['threatened', 'severity-raised'], on: { 'threat.reported': { actions: ['recordThreat', log({})] } } },
          },
        },
      },
    },
    resolved: { type: 'final', tags: ['final'] },
    closed: { type: 'final', tags: ['final'] },
  },
});

/** A copy of a machine config without any `tags`. */
function withoutTags(config: unknown): unknown {
  if (Array.isArray(config)) return config.map(withoutTags);
  if (config === null || typeof config !== 'object' || Object.getPrototypeOf(config) !== Object.prototype) return config;
  return Object.fromEntries(Object.entries(config).filter(([key]) => key !== 'tags').map(([key, value]) => [key, withoutTags(value)]));
}

/**
 * The same machine without tags: the benchmark's baseline before the tags were added to it,
 * printed beside the main comparison so that what the tags cost shows.
 */
export const untaggedBareMachine = bareSetup.createMachine(withoutTags(bareMachine.config) as never) as unknown as typeof bareMachine;

/**
 * The events of the baseline as an app would check them with zod before sending them to its
 * hand-written machine: each type's payload as DOMAIN.md gives it, strict objects (no unknown
 * keys), the optional `by`, `note` and `at` of every event. Nothing more: no limits on the
 * timeline, no refusal when an event does nothing. The benchmark's "baseline checking its events"
 * rows send only what `safeParse` accepts (all of the reference case).
 */
const meta = { by: z.string().max(2_000).optional(), note: z.string().max(2_000).optional(), at: z.iso.datetime({ offset: true }).optional() };
const bareFactsSchema = z.strictObject({
  witnessed: z.boolean().optional(),
  knowsPoster: z.boolean().optional(),
  connectedToPoster: z.boolean().optional(),
  venue: z.enum(['personal-feed', 'public-group', 'private-group', 'unknown']).optional(),
  memberOfVenue: z.boolean().optional(),
  insiderInVenue: z.boolean().optional(),
});
const bare = <T extends string>(type: T) => z.strictObject({ type: z.literal(type), ...meta });
export const bareEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('facts.update'), facts: bareFactsSchema, ...meta }),
  bare('assessment.complete'),
  bare('access.requested'),
  bare('access.granted'),
  bare('access.denied'),
  bare('message.sent'),
  bare('message.ignored'),
  z.strictObject({ type: z.literal('message.replied'), phone: z.string().max(2_000).optional(), ...meta }),
  z.strictObject({ type: z.literal('intermediary.asked'), name: z.string().max(2_000).optional(), ...meta }),
  bare('intermediary.declined'),
  z.strictObject({ type: z.literal('contact.received'), channel: z.enum(['phone', 'message', 'email', 'in-person']), ...meta }),
  z.strictObject({ type: z.literal('call.completed'), apology: z.boolean(), agreement: z.boolean(), ...meta }),
  bare('community.supported'),
  z.strictObject({ type: z.literal('threat.reported'), kind: z.enum(['visit', 'police-report', 'legal-action', 'violence', 'other']), ...meta }),
  z.strictObject({ type: z.literal('incident.closed'), reason: z.string().min(1).max(2_000), ...meta }),
]);
