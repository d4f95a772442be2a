import type { Issue } from '../errors/issues.js';
import type { PlaybookIssueCode } from '../errors/errors.js';
import { quote } from '../quote.js';
import type { InsertPosition } from './builderTypes.js';
import type { Duration } from './durations.js';
import type { AdviceSpec, FollowUpSpec, PlaybookDefinition, RungSpec, TrackSpec, TransitionSpec } from './types.js';

// The edits PlaybookBuilder makes, as pure functions: each `with…` returns a new definition (or
// undefined when what it edits does not exist). The builder checks its arguments and reports issues.

type Targeted = { readonly target?: string };

/** True when the ladder has a rung with this id. */
export function hasRung(definition: PlaybookDefinition, id: string): boolean {
  return definition.ladder.rungs.some((rung) => rung.id === id);
}

/** Applies `map` to every targeted transition of the ladder, with the rung it starts from. */
export function mapTargets(
  definition: PlaybookDefinition,
  map: <T extends Targeted>(transition: T, source: string | null) => T,
): PlaybookDefinition {
  const { ladder } = definition;
  return {
    ...definition,
    ladder: {
      ...ladder,
      ...(ladder.fromEveryRung ? { fromEveryRung: ladder.fromEveryRung.map((t) => map(t, null)) } : {}),
      rungs: ladder.rungs.map((rung) => ({
        ...rung,
        ...(rung.on ? { on: rung.on.map((t) => map(t, rung.id)) } : {}),
        ...(rung.after ? { after: rung.after.map((t) => map(t, rung.id)) } : {}),
      })),
    },
  };
}

/** The definition with named entries merged into `events`, `guards` or `windows`, and the names already taken there. */
export function withNamed(
  definition: PlaybookDefinition,
  section: 'events' | 'guards' | 'windows',
  entries: Readonly<Record<string, unknown>>,
): { readonly definition: PlaybookDefinition; readonly taken: readonly string[] } {
  const existing = definition[section];
  const taken = Object.keys(entries).filter((name) => Object.hasOwn(existing, name));
  return { definition: { ...definition, [section]: { ...existing, ...entries } }, taken };
}

/** The definition with a new default length for a waiting window; undefined when there is no such window. */
export function withWindowDuration(definition: PlaybookDefinition, name: string, duration: Duration): PlaybookDefinition | undefined {
  const window = Object.hasOwn(definition.windows, name) ? definition.windows[name] : undefined;
  if (!window) return undefined;
  return { ...definition, windows: { ...definition.windows, [name]: { ...window, duration } } };
}

/** The definition with the advice of a rung, or of a track state given as `track.state`, replaced; undefined when there is no such state. */
export function withAdvice(definition: PlaybookDefinition, state: string, advice: readonly AdviceSpec[]): PlaybookDefinition | undefined {
  if (hasRung(definition, state)) {
    return {
      ...definition,
      ladder: {
        ...definition.ladder,
        rungs: definition.ladder.rungs.map((rung) => (rung.id === state ? { ...rung, advice } : rung)),
      },
    };
  }
  // The track, then the rest as the state: `safety.threatened.typo` names no state.
  const dot = state.indexOf('.');
  if (dot < 0) return undefined;
  const trackId = state.slice(0, dot);
  const stateId = state.slice(dot + 1);
  const track = definition.tracks.find((t) => t.id === trackId);
  if (!track || !track.states.some((s) => s.id === stateId)) return undefined;
  return {
    ...definition,
    tracks: definition.tracks.map((t) =>
      t === track ? { ...t, states: t.states.map((s) => (s.id === stateId ? { ...s, advice } : s)) } : t,
    ),
  };
}

/** The definition with the follow-ups of the rung `id` set (or removed, with `undefined`); `undefined` when there is no such rung. */
export function withFollowUps(definition: PlaybookDefinition, id: string, followUps: FollowUpSpec | undefined): PlaybookDefinition | undefined {
  if (!hasRung(definition, id)) return undefined;
  const set = (rung: RungSpec): RungSpec => {
    if (followUps !== undefined) return { ...rung, followUps };
    const { followUps: _removed, ...rest } = rung;
    return rest;
  };
  return { ...definition, ladder: { ...definition.ladder, rungs: definition.ladder.rungs.map((rung) => (rung.id === id ? set(rung) : rung)) } };
}

/**
 * The definition with `rung` inserted next to the rung `anchor` (the one `position` names).
 * `before`: what led to the anchor from elsewhere (other rungs, timeouts, transitions from
 * every rung, the start) leads to the new rung. `after`: what left the anchor leads to it.
 */
export function withRungInserted(definition: PlaybookDefinition, position: InsertPosition<string>, anchor: string, rung: RungSpec): PlaybookDefinition {
  const { ladder } = definition;
  const index = ladder.rungs.findIndex((r) => r.id === anchor);
  const rungs = [...ladder.rungs];
  rungs.splice('before' in position ? index : index + 1, 0, rung);
  const inserted = { ...definition, ladder: { ...ladder, rungs } };
  const retarget = <T extends Targeted>(t: T, source: string | null): T =>
    'before' in position
      ? t.target === anchor && source !== rung.id && source !== anchor
        ? { ...t, target: rung.id }
        : t
      : source === anchor && t.target !== undefined && t.target !== anchor
        ? { ...t, target: rung.id }
        : t;
  const moved = mapTargets(inserted, retarget);
  const initial = 'before' in position && ladder.initial === anchor ? rung.id : moved.ladder.initial;
  let rungsAfter = moved.ladder.rungs;
  // (A final rung takes no moves at all: nothing to keep there.)
  if ('before' in position && ladder.rungs[index]!.final !== true) {
    // A move from every rung to the anchor now leads to the inserted rung, from every rung but
    // the anchor itself: there it kept the incident where it was (a new contact during the call),
    // and still does, as a move of the anchor's own (which takes precedence over the shared one).
    const own = new Set((ladder.rungs[index]!.on ?? []).map((t) => t.event));
    const kept = (ladder.fromEveryRung ?? []).filter((t) => t.target === anchor && !own.has(t.event));
    if (kept.length > 0) rungsAfter = rungsAfter.map((r) => (r.id === anchor ? { ...r, on: [...(r.on ?? []), ...kept] } : r));
  }
  return { ...moved, ladder: { ...moved.ladder, initial, rungs: rungsAfter } };
}

/** The definition with `rung` added at the end of the ladder, nothing rerouted. */
export function withRungAppended(definition: PlaybookDefinition, rung: RungSpec): PlaybookDefinition {
  const { ladder } = definition;
  return { ...definition, ladder: { ...ladder, rungs: [...ladder.rungs, rung] } };
}

/** The definition with the rung `id` replaced by `rung`; every reference to `id` now points to `rung`. */
export function withRungReplaced(definition: PlaybookDefinition, id: string, rung: RungSpec): PlaybookDefinition {
  const { ladder } = definition;
  const replaced = {
    ...definition,
    ladder: {
      ...ladder,
      initial: ladder.initial === id ? rung.id : ladder.initial,
      rungs: ladder.rungs.map((r) => (r.id === id ? rung : r)),
    },
  };
  return mapTargets(replaced, (t) => (t.target === id ? { ...t, target: rung.id } : t));
}

/** The rungs that `rung` (whose id is `id`) leads to, other than itself, each once. */
export function targetsOf(rung: RungSpec, id: string): string[] {
  return [...new Set([...(rung.on ?? []), ...(rung.after ?? [])].flatMap((t) => (t.target && t.target !== id ? [t.target] : [])))];
}

/** The definition without the rung `id`; what led to it leads to `target` instead. */
export function withRungRemoved(definition: PlaybookDefinition, id: string, target: string): PlaybookDefinition {
  const { ladder } = definition;
  const removed = {
    ...definition,
    ladder: {
      ...ladder,
      initial: ladder.initial === id ? target : ladder.initial,
      rungs: ladder.rungs.filter((r) => r.id !== id),
    },
  };
  return mapTargets(removed, (t) => (t.target === id ? { ...t, target } : t));
}

/** The definition with transitions added to those available from every open rung. */
export function withEveryRungTransitions(definition: PlaybookDefinition, transitions: readonly TransitionSpec[]): PlaybookDefinition {
  const { ladder } = definition;
  return { ...definition, ladder: { ...ladder, fromEveryRung: [...(ladder.fromEveryRung ?? []), ...transitions] } };
}

/** The definition with transitions added to a rung; undefined when there is no such rung. */
export function withTransitions(definition: PlaybookDefinition, rung: string, transitions: readonly TransitionSpec[]): PlaybookDefinition | undefined {
  const { ladder } = definition;
  if (!hasRung(definition, rung)) return undefined;
  return {
    ...definition,
    ladder: {
      ...ladder,
      rungs: ladder.rungs.map((r) => (r.id === rung ? { ...r, on: [...(r.on ?? []), ...transitions] } : r)),
    },
  };
}

/** The definition with a side track added. */
export function withTrack(definition: PlaybookDefinition, track: TrackSpec): PlaybookDefinition {
  return { ...definition, tracks: [...definition.tracks, track] };
}

/** An `unknown_rung` issue about a rung removed earlier, reworded as `removed_rung_referenced`. */
export function explainRemoved(issue: Issue<PlaybookIssueCode>, removed: ReadonlySet<string>): Issue<PlaybookIssueCode> {
  if (issue.code !== 'unknown_rung') return issue;
  const id = [...removed].find((name) => issue.message.startsWith(`Unknown rung ${quote(name)}`));
  return id === undefined ? issue : { ...issue, code: 'removed_rung_referenced', message: `Rung ${quote(id)} was removed but is still referenced` };
}
