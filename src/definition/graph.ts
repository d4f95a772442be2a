import type { AfterSpec, PlaybookDefinition, RungSpec, TrackSpec, TransitionSpec } from './types.js';

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
  return [...own, ...shared.filter((transition) => !overridesShared(rung, transition.event))];
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
 * Every rung's outgoing targets (events and windows), with the shared transitions applied as
 * overrides allow. The shared transitions are the edges of one extra node ({@link sharedNode})
 * that each open rung handling none of their events leads to, so that the graph stays as large
 * as the definition; a rung that overrides some gets the others as its own edges.
 */
export function ladderEdges(definition: PlaybookDefinition): Map<string, string[]> {
  const shared = definition.ladder.fromEveryRung ?? [];
  const sharedEvents = new Set(shared.map((transition) => transition.event));
  const targetsOf = (list: readonly { readonly target?: string }[]) => list.flatMap((t) => (t.target === undefined ? [] : [t.target]));
  const edges = new Map<string, string[]>([[sharedNode, targetsOf(shared)]]);
  for (const rung of definition.ladder.rungs) {
    if (rung.final) {
      edges.set(rung.id, []);
      continue;
    }
    const own = rung.on ?? [];
    const overrides = own.some((transition) => sharedEvents.has(transition.event));
    edges.set(rung.id, [
      ...targetsOf(own),
      ...(overrides ? targetsOf(rungTransitions(definition, rung).slice(own.length)) : [sharedNode]),
      ...rungWindows(rung).map((after) => after.target),
    ]);
  }
  return edges;
}

/** Every track state's outgoing targets. */
export function trackEdges(track: TrackSpec): Map<string, string[]> {
  return new Map(track.states.map((state) => [state.id, (state.on ?? []).flatMap((t) => (t.target === undefined ? [] : [t.target]))]));
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
 * For each event that more than one region handles, the region that records it in the
 * timeline (one entry per event): the ladder if it handles the event anywhere, else the first
 * track that does.
 */
export function recordingRegions(definition: PlaybookDefinition): Map<string, Region> {
  const regions: [Region, readonly TransitionSpec[]][] = [
    ['ladder', [...(definition.ladder.fromEveryRung ?? []), ...definition.ladder.rungs.flatMap((rung) => rung.on ?? [])]],
    ...definition.tracks.map((track): [Region, TransitionSpec[]] => [track.id, track.states.flatMap((state) => [...(state.on ?? [])])]),
  ];
  const first = new Map<string, Region>();
  const shared = new Set<string>();
  for (const [region, transitions] of regions) {
    for (const { event } of transitions) {
      const earlier = first.get(event);
      if (earlier === undefined) first.set(event, region);
      else if (earlier !== region) shared.add(event);
    }
  }
  return new Map([...shared].map((event) => [event, first.get(event)!]));
}
