import type { AfterSpec, PlaybookDefinition, RungSpec, TransitionSpec } from './types.js';

/**
 * The graph of a playbook definition, computed in one place: which transitions each rung
 * responds to, where they lead, which rungs and track states can be reached, and which part
 * of the incident records each event in the timeline. The compiler, validation and diagrams
 * read the definition through it (and the compiled machine's layout carries it on).
 */

/** The region of the incident a transition belongs to: the ladder, or a side track by id. */
export type Region = 'ladder' | (string & {});

/**
 * The transitions a rung responds to: its own, then the ones shared by every rung
 * (`ladder.fromEveryRung`) for the events it does not handle itself — a rung's own transition
 * overrides a shared one. A final rung responds to nothing.
 */
export function rungTransitions(definition: PlaybookDefinition, rung: RungSpec): readonly TransitionSpec[] {
  if (rung.final) return [];
  const own = rung.on ?? [];
  const shared = definition.ladder.fromEveryRung ?? [];
  if (shared.length === 0) return own;
  const handled = new Set(own.map((transition) => transition.event));
  return [...own, ...shared.filter((transition) => !handled.has(transition.event))];
}

/** Whether a rung handles `event` itself, so that its own transitions override the shared ones. */
export function overridesShared(rung: RungSpec, event: string): boolean {
  return (rung.on ?? []).some((transition) => transition.event === event);
}

/** What happens when a rung's windows run out (none for a final rung). */
export function rungWindows(rung: RungSpec): readonly AfterSpec[] {
  return rung.final ? [] : (rung.after ?? []);
}

/**
 * Where a transition from `from` leads: its target, or `undefined` when it stays (no target,
 * or its own state without `reenter`).
 */
export function destinationOf(transition: Pick<TransitionSpec, 'target' | 'reenter'>, from: string): string | undefined {
  if (transition.target === undefined) return undefined;
  return transition.target === from && !transition.reenter ? undefined : transition.target;
}

/** Stands for "the transitions every open rung shares" in the ladder graph; not a possible rung id. */
export const sharedNode = ' shared';

/**
 * What the graph needs of a transition: its event, and its target when it leads somewhere.
 * Validation passes only the parts of a document that are well-formed (a target only when it
 * names a rung), so the graph of a broken document is that of its well-formed part.
 */
export interface GraphTransition {
  readonly event?: string;
  readonly target?: string;
}

/** What the graph needs of a rung (a {@link RungSpec} is one); a rung without an id is left out. */
export interface GraphRung {
  readonly id?: string;
  readonly final?: boolean;
  readonly on?: readonly GraphTransition[];
  readonly after?: readonly { readonly target?: string }[];
}

/**
 * Every rung's outgoing targets (events and windows), with the shared transitions applied as
 * overrides allow (as {@link rungTransitions} does). The shared transitions are the edges of one
 * extra node ({@link sharedNode}) that each open rung handling none of their events leads to, so
 * that the graph stays as large as the definition; a rung that overrides some gets the others
 * as its own edges. Rungs that share an id share their edges.
 */
export function ladderEdges(ladder: { readonly fromEveryRung?: readonly GraphTransition[]; readonly rungs: readonly GraphRung[] }): Map<string, string[]> {
  const shared = ladder.fromEveryRung ?? [];
  const targetsOf = (list: readonly { readonly target?: string }[]) => list.flatMap((t) => (t.target === undefined ? [] : [t.target]));
  const edges = new Map<string, string[]>([[sharedNode, targetsOf(shared)]]);
  for (const rung of ladder.rungs) {
    if (rung.id === undefined) continue;
    let targets = edges.get(rung.id);
    if (targets === undefined) edges.set(rung.id, (targets = []));
    if (rung.final) continue;
    const own = rung.on ?? [];
    const handled = new Set(own.map((transition) => transition.event));
    const isHandled = (transition: GraphTransition) => transition.event !== undefined && handled.has(transition.event);
    const overrides = shared.some(isHandled);
    targets.push(
      ...targetsOf(own),
      ...(overrides ? targetsOf(shared.filter((transition) => !isHandled(transition))) : [sharedNode]),
      ...targetsOf(rung.after ?? []),
    );
  }
  return edges;
}

/** Every track state's outgoing targets; states without an id are left out, states that share an id share their edges. */
export function trackEdges(track: { readonly states: readonly { readonly id?: string; readonly on?: readonly { readonly target?: string }[] }[] }): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const state of track.states) {
    if (state.id === undefined) continue;
    let targets = edges.get(state.id);
    if (targets === undefined) edges.set(state.id, (targets = []));
    for (const transition of state.on ?? []) if (transition.target !== undefined) targets.push(transition.target);
  }
  return edges;
}

/** Everything reachable from `start` by following `next` (breadth first, each node once). */
export function reachable(start: Iterable<string>, next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>(start);
  const queue = [...seen];
  for (let index = 0; index < queue.length; index++) {
    for (const target of next(queue[index]!)) {
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

/**
 * The nodes that cannot be reached (not in `reached`), reduced to their causes: for each part
 * of the unreachable graph that nothing leads into, its first node in `ids` (the entry), with
 * how many other nodes among `reportable` it leads to — those are reachable as soon as it is.
 * Where entries lead to the same nodes, the first entry in `ids` counts them. Linear: a depth
 * first pass gives an order in which such a part comes before the parts it leads to (as in
 * Kosaraju's algorithm); then each node not yet covered is an entry and covers what it leads to.
 */
export function unreachableEntries(
  ids: Iterable<string>,
  reached: ReadonlySet<string>,
  next: (id: string) => readonly string[],
  reportable: (id: string) => boolean = () => true,
): Map<string, number> {
  const lost = [...new Set(ids)].filter((id) => !reached.has(id));
  const inLost = new Set(lost);
  const order = new Map(lost.map((id, index) => [id, index]));
  const finished: string[] = [];
  const visited = new Set<string>();
  for (const root of lost) {
    if (visited.has(root)) continue;
    visited.add(root);
    const frames: { id: string; edge: number; targets: readonly string[] }[] = [{ id: root, edge: 0, targets: next(root) }];
    while (frames.length > 0) {
      const frame = frames.at(-1)!;
      if (frame.edge < frame.targets.length) {
        const target = frame.targets[frame.edge++]!;
        if (inLost.has(target) && !visited.has(target)) {
          visited.add(target);
          frames.push({ id: target, edge: 0, targets: next(target) });
        }
        continue;
      }
      frames.pop();
      finished.push(frame.id);
    }
  }
  // In reverse finishing order, a node not covered yet enters a part nothing leads into (it is
  // the first node of that part in `ids`): it covers what it leads to.
  const entries: string[] = [];
  let covered = new Set<string>();
  const cover = (entry: string) => {
    let count = 0;
    const queue = [entry];
    covered.add(entry);
    for (let at = 0; at < queue.length; at++) {
      for (const target of next(queue[at]!)) {
        if (!inLost.has(target) || covered.has(target)) continue;
        covered.add(target);
        queue.push(target);
        if (reportable(target)) count++;
      }
    }
    return count;
  };
  for (let index = finished.length - 1; index >= 0; index--) {
    const node = finished[index]!;
    if (covered.has(node) || !reportable(node)) continue;
    entries.push(node);
    cover(node);
  }
  // What each entry leads to, counted in `ids` order where entries lead to the same nodes.
  covered = new Set();
  const counts = new Map<string, number>();
  for (const entry of entries.sort((a, b) => order.get(a)! - order.get(b)!)) counts.set(entry, cover(entry));
  return counts;
}

/**
 * For each event that more than one region handles, the region that records it in the
 * timeline (one entry per event): the ladder if it handles the event anywhere, else the first
 * track that does.
 */
export function recordingRegions(definition: PlaybookDefinition): Map<string, Region> {
  const regions: [Region, readonly TransitionSpec[]][] = [
    ['ladder', [...(definition.ladder.fromEveryRung ?? []), ...definition.ladder.rungs.flatMap((rung) => rung.on ?? [])]],
    ...definition.tracks.map((track): [Region, TransitionSpec[]] => [track.id, track.states.flatMap((state) => [...(state.on ?? [])])]),
  ];
  const recorders = sharedEventRecorders(regions.map(([, transitions]) => transitions.map(({ event }) => event)));
  return new Map([...recorders].map(([event, index]) => [event, regions[index]![0]]));
}

/**
 * The events that more than one region lists (each region's events given in order, the ladder's
 * first), each with the index of the first region that lists it: the one that records it.
 */
export function sharedEventRecorders(regions: readonly (readonly string[])[]): Map<string, number> {
  const first = new Map<string, number>();
  const shared = new Set<string>();
  regions.forEach((events, region) => {
    for (const event of events) {
      const earlier = first.get(event);
      if (earlier === undefined) first.set(event, region);
      else if (earlier !== region) shared.add(event);
    }
  });
  return new Map([...shared].map((event) => [event, first.get(event)!]));
}

const moving = new WeakMap<PlaybookDefinition, ReadonlySet<string>>();

/**
 * The events the ladder handles with a move (a transition with a target, on a rung or from every
 * rung): what counts as a response to the incident, as against recording facts or reports.
 * Worked out once per definition.
 */
export function movingEvents(definition: PlaybookDefinition): ReadonlySet<string> {
  let events = moving.get(definition);
  if (events === undefined) {
    const transitions = [...(definition.ladder.fromEveryRung ?? []), ...definition.ladder.rungs.flatMap((rung) => rung.on ?? [])];
    events = new Set(transitions.filter((transition) => transition.target !== undefined).map((transition) => transition.event));
    moving.set(definition, events);
  }
  return events;
}

const selfMoves = new WeakMap<PlaybookDefinition, ReadonlySet<string>>();

/**
 * Whether a timeline entry records a response: an event of the kind that moves the ladder
 * ({@link movingEvents}) that moved it, or that re-entered its rung by a move of that rung's own
 * (`message.sent` restarting the reply window). An event whose move did not apply (a guarded
 * move from every rung to a legal review, for a threat that is no legal one, recorded by the
 * safety track) is no response.
 */
export function isResponse(definition: PlaybookDefinition, entry: { readonly type: string; readonly from: string; readonly to: string }): boolean {
  if (!movingEvents(definition).has(entry.type)) return false;
  if (entry.from !== entry.to) return true;
  let moves = selfMoves.get(definition);
  if (moves === undefined) {
    const found = new Set<string>();
    // Only moves without a guard: an entry that stayed on its rung looks the same whether a guarded
    // move to that rung applied or not (its guard may have read the event, which is not kept).
    for (const rung of definition.ladder.rungs) for (const transition of rung.on ?? []) if (transition.target === rung.id && transition.guard === undefined) found.add(`${rung.id}\u0000${transition.event}`);
    for (const transition of definition.ladder.fromEveryRung ?? []) if (transition.target !== undefined && transition.guard === undefined) found.add(`${transition.target}\u0000${transition.event}`);
    selfMoves.set(definition, (moves = found));
  }
  return moves.has(`${entry.from}\u0000${entry.type}`);
}

const finals = new WeakMap<PlaybookDefinition, ReadonlySet<string>>();

/** The ids of a definition's final rungs, where an incident ends. Worked out once per definition. */
export function finalRungIds(definition: PlaybookDefinition): ReadonlySet<string> {
  let ids = finals.get(definition);
  if (ids === undefined) {
    ids = new Set(definition.ladder.rungs.filter((rung) => rung.final === true).map((rung) => rung.id));
    finals.set(definition, ids);
  }
  return ids;
}

/** `items` in groups by `key`, the groups in the order of their first item. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return [...groups];
}
