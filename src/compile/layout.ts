import type { AnyStateMachine, AnyStateNode } from 'xstate';

/**
 * The layout of a compiled playbook, read from the machine's own state nodes (XState's public
 * API) rather than rebuilt by hand: `active` is a parallel state whose `ladder` region holds
 * the open rungs and whose other regions are the side tracks; final rungs are final states
 * at the root.
 */
export const regionIds = { open: 'active', ladder: 'ladder' } as const;

/** One way a state of a compiled playbook responds to an event or a window running out. */
export interface Move {
  /** The state it leads to, or `undefined` when it stays (without re-entering). */
  readonly to: string | undefined;
  /** Leaves and re-enters its own state, restarting the windows. */
  readonly reenter: boolean;
  /** Taken only when a condition holds (beyond the event being valid). */
  readonly guarded: boolean;
  /** Whether it adds an entry to the timeline. */
  readonly records: boolean;
  /** The names of the actions it runs. */
  readonly actions: ReadonlySet<string>;
  /** Sends a follow-up (a rung's `followUps`): stays, re-entering, while fewer than `max` were sent. */
  readonly followUp?: { readonly max: number };
}

/** Every move of a compiled playbook, by state and event type (or window). */
export interface MachineLayout {
  readonly machineId: string;
  /** Rung → event type → moves, in the order XState tries them. */
  readonly rungs: ReadonlyMap<string, ReadonlyMap<string, readonly Move[]>>;
  /** Rung → window → moves when the window runs out, and the delayed event type XState uses. */
  readonly windows: ReadonlyMap<string, ReadonlyMap<string, { readonly eventType: string; readonly moves: readonly Move[] }>>;
  /** Track → state → event type → moves. */
  readonly tracks: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, readonly Move[]>>>;
  readonly finalRungs: ReadonlySet<string>;
}

const layouts = new WeakMap<object, MachineLayout>();

/** The layout of a machine compiled by crisis-playbook (cached per machine config). */
export function layoutOf(machine: AnyStateMachine): MachineLayout {
  const cached = layouts.get(machine.config);
  if (cached) return cached;
  const open = machine.root.states[regionIds.open];
  const ladder = open?.states[regionIds.ladder];
  if (!open || !ladder) throw new TypeError(`Expected a machine compiled by crisis-playbook; "${machine.id}" has no ${regionIds.open}.${regionIds.ladder} region`);
  const rungs = new Map<string, Map<string, Move[]>>();
  const windows = new Map<string, Map<string, { eventType: string; moves: Move[] }>>();
  for (const [rung, node] of Object.entries(ladder.states)) {
    rungs.set(rung, movesOf(node));
    const byWindow = new Map<string, { eventType: string; moves: Move[] }>();
    for (const delayed of node.after) {
      const window = typeof delayed.delay === 'string' ? delayed.delay : String(delayed.delay);
      const entry = byWindow.get(window) ?? { eventType: delayed.eventType, moves: [] as Move[] };
      entry.moves.push(toMove(delayed, node));
      byWindow.set(window, entry);
    }
    windows.set(rung, byWindow);
  }
  const tracks = new Map<string, Map<string, Map<string, Move[]>>>();
  for (const [track, region] of Object.entries(open.states)) {
    if (track === regionIds.ladder) continue;
    tracks.set(track, new Map(Object.entries(region.states).map(([state, node]) => [state, movesOf(node)])));
  }
  const finalRungs = new Set(Object.entries(machine.root.states).filter(([, node]) => node.type === 'final').map(([id]) => id));
  const layout: MachineLayout = { machineId: machine.id, rungs, windows, tracks, finalRungs };
  layouts.set(machine.config, layout);
  return layout;
}

function movesOf(node: AnyStateNode): Map<string, Move[]> {
  const moves = new Map<string, Move[]>();
  for (const [eventType, transitions] of node.transitions) {
    if (eventType.startsWith('xstate.')) continue;
    moves.set(eventType, transitions.map((transition) => toMove(transition, node)));
  }
  return moves;
}

interface TransitionLike {
  readonly target?: readonly AnyStateNode[] | undefined;
  readonly reenter?: boolean;
  readonly guard?: unknown;
  readonly actions: readonly unknown[];
}

function toMove(transition: TransitionLike, source: AnyStateNode): Move {
  const target = transition.target?.[0];
  const guard = transition.guard;
  const guardName = typeof guard === 'string' ? guard : (guard as { type?: unknown } | undefined)?.type;
  const actions = new Set(
    transition.actions.map((action) => (typeof action === 'string' ? action : String((action as { type?: unknown }).type))),
  );
  const followUp = guardName === 'canFollowUp' ? (guard as { params?: { max?: unknown } }).params?.max : undefined;
  return {
    to: target === undefined || (target === source && !transition.reenter) ? undefined : target.key,
    reenter: transition.reenter === true && target === source,
    guarded: guard !== undefined && guardName !== 'isEventValid',
    records: actions.has('appendTimeline'),
    actions,
    ...(typeof followUp === 'number' ? { followUp: { max: followUp } } : {}),
  };
}

/**
 * The event type XState sends when `window` runs out on `rung`, read from the rung's delayed
 * transitions.
 */
export function windowEventType(machine: AnyStateMachine, rung: string, window: string): string | undefined {
  return layoutOf(machine).windows.get(rung)?.get(window)?.eventType;
}

/**
 * Where a state node of a compiled playbook sits: a rung of the ladder (`track` is `null`),
 * or a state of a side track; `undefined` for the containers (the root, `active`, the regions).
 */
export function placeOf(node: AnyStateNode): { readonly track: string | null; readonly state: string } | undefined {
  const region = node.parent;
  if (region === undefined) return undefined;
  // A child of the root: a final rung, or `active` itself.
  if (region.parent === undefined) return node.type === 'final' ? { track: null, state: node.key } : undefined;
  // A child of a region of `active`: a rung or a track state.
  if (region.parent.key !== regionIds.open || region.parent.parent?.parent !== undefined) return undefined;
  return { track: region.key === regionIds.ladder ? null : region.key, state: node.key };
}

/** The regions of `active` by id (the ladder and each side track), as XState state nodes. */
export function openRegions(machine: AnyStateMachine): Readonly<Record<string, AnyStateNode | undefined>> {
  return machine.root.states[regionIds.open]?.states ?? {};
}
