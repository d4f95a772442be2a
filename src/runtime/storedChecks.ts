import type { IncidentIssueCode } from '../errors/errors.js';
import { toOutput, type IncidentContext } from '../compile/context.js';
import type { MachineLayout, Move } from '../compile/layout.js';
import type { PlaybookDefinition } from '../definition/types.js';
import type { Issue } from '../errors/issues.js';
import { limits } from '../limits.js';
import { quote } from '../quote.js';
import { canonical, type StoredIncident } from './storedIncident.js';

/** What the consistency checks know about the playbook a stored incident claims to run on. */
export interface PlaybookFacts {
  readonly definition: PlaybookDefinition;
  readonly layout: MachineLayout;
  /**
   * How long `window` lasts for this incident, when the machine uses the playbook's own delay
   * (else `undefined`: a delay given through `provide` is only checked against the limit).
   */
  readonly windowLength: (window: string, context: IncidentContext) => number | undefined;
}

// Built-in actions whose effect on the context can be counted or detected from the timeline.
const counted = { recordThreat: 'threats', recordSupport: 'supporters' } as const;
const setters = { recordClosure: 'closeReason', recordCall: 'call', recordReply: 'replyPhone', recordIntermediary: 'intermediary' } as const;
type Tracked = keyof typeof counted | keyof typeof setters;
const tracked = [...Object.keys(counted), ...Object.keys(setters)] as Tracked[];

const destination = (move: Move, from: string) => move.to ?? from;

/**
 * Checks a stored incident against the playbook it claims to run on, by replaying its
 * timeline through the compiled machine's moves: each entry is a move the playbook has, in
 * time order, from the rung the one before ended on; the side tracks and the recorded
 * threats, supporters, call, reply, intermediary and close reason agree with the events that
 * could have set them; each pending deadline falls due one window after its rung was
 * entered; and a finished incident's output matches its context. Payloads are not stored, so
 * where a guard could go either way, both ways are allowed.
 */
export function checkAgainstPlaybook(stored: StoredIncident, playbook: PlaybookFacts): Issue<IncidentIssueCode>[] {
  const { definition, layout } = playbook;
  const issues: Issue<IncidentIssueCode>[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ code: 'invalid_document', path: ['snapshot', ...path], message });
  const { status, value, context, output } = stored.snapshot;
  const isRung = (id: string) => layout.rungs.has(id) || layout.finalRungs.has(id);

  let current: string | undefined;
  if (typeof value === 'string') {
    if (!layout.finalRungs.has(value)) add(['value'], `Expected a final rung of "${definition.id}"; received ${quote(value)}`);
    else current = value;
    if (status !== 'done') add(['status'], `An incident on the final rung ${quote(value)} must be "done"`);
  } else {
    const regions = value.active;
    const expected = ['ladder', ...layout.tracks.keys()];
    if (canonical(Object.keys(regions).sort()) !== canonical([...expected].sort())) {
      add(['value', 'active'], `Expected the ladder and the side tracks ${quote(expected)}; received ${quote(Object.keys(regions))}`);
    }
    const ladder = regions.ladder;
    if (ladder === undefined || !layout.rungs.has(ladder)) {
      add(['value', 'active', 'ladder'], `Unknown open rung ${quote(ladder)} in playbook "${definition.id}"`);
    } else current = ladder;
    for (const [track, states] of layout.tracks) {
      const state = regions[track];
      if (state !== undefined && !states.has(state)) add(['value', 'active', track], `Unknown state ${quote(state)} of track "${track}"`);
    }
    if (status !== 'active') add(['status'], 'An incident whose ladder is on an open rung must be "active"');
  }

  // Replay the timeline. Track states are followed as sets: a guarded move may or may not
  // have been taken. `upper`/`lower` bound how many times each tracked action can have run.
  const declared = new Set(Object.keys(definition.events));
  const tracks = new Map(definition.tracks.map((track) => [track.id, new Set([track.initial])]));
  const upper = new Map<Tracked, number>(tracked.map((action) => [action, 0]));
  const lower = new Map<Tracked, number>(tracked.map((action) => [action, 0]));
  const openedAt = context.openedAt === undefined ? undefined : Date.parse(context.openedAt);
  // When the current rung may have been entered (its windows start then).
  let entered: number[] | undefined = openedAt === undefined ? undefined : [openedAt];
  let previous = definition.ladder.initial;
  let previousAt = openedAt ?? -Infinity;
  context.timeline.forEach((entry, index) => {
    const path = ['context', 'timeline', index];
    const at = Date.parse(entry.at);
    if (entry.from !== previous) {
      add([...path, 'from'], `The timeline is out of order: entry ${index} starts at ${quote(entry.from)} but the one before ended at ${quote(previous)}`);
    }
    if (at < previousAt) {
      add([...path, 'at'], index === 0 ? 'The timeline starts before the incident was opened' : `The timeline is out of order: entry ${index} is earlier than the one before`);
    }
    previous = entry.to;
    previousAt = at;
    if (!isRung(entry.from) || !isRung(entry.to)) return add(path, `Unknown rung in ${quote({ from: entry.from, to: entry.to })}`);
    const elapsed = entry.type === 'window.elapsed';
    if (!elapsed && !declared.has(entry.type)) return add([...path, 'type'], `Unknown event type ${quote(entry.type)}`);
    if (elapsed !== (entry.window !== undefined)) return add([...path, 'window'], 'Only a "window.elapsed" entry names a window');

    const ladder = (elapsed ? layout.windows.get(entry.from)?.get(entry.window!)?.moves : layout.rungs.get(entry.from)?.get(entry.type) ?? [])
      ?.filter((move) => move.records && destination(move, entry.from) === entry.to) ?? [];
    const trackMoves = elapsed ? [] : [...tracks].map(([track, states]) => [...states].map((state) => layout.tracks.get(track)?.get(state)?.get(entry.type) ?? []));
    const trackRecords = trackMoves.some((perState) => perState.some((moves) => moves.some((move) => move.records)));
    if (ladder.length === 0 && !(entry.from === entry.to && trackRecords)) {
      return add(
        path,
        entry.from === entry.to
          ? `Rung ${quote(entry.from)} does not handle ${quote(entry.window ?? entry.type)}, so it cannot have been recorded there`
          : `The playbook has no move from ${quote(entry.from)} to ${quote(entry.to)} on ${quote(entry.window ?? entry.type)}`,
      );
    }
    for (const action of tracked) {
      const anyHas = (moves: readonly Move[]) => moves.some((move) => move.actions.has(action));
      const surely = (moves: readonly Move[]) => moves.length > 0 && moves.every((move) => move.actions.has(action)) && moves.some((move) => !move.guarded);
      if (anyHas(ladder) || trackMoves.some((perState) => perState.some(anyHas))) upper.set(action, upper.get(action)! + 1);
      const ladderSurely = ladder.length > 0 && ladder.every((move) => move.actions.has(action));
      if (ladderSurely || trackMoves.some((perState) => perState.every(surely))) lower.set(action, lower.get(action)! + 1);
    }
    [...tracks.keys()].forEach((track, at) => {
      const next = new Set<string>();
      [...tracks.get(track)!].forEach((state, s) => {
        const moves = trackMoves[at]?.[s] ?? [];
        for (const move of moves) next.add(destination(move, state));
        if (moves.length === 0 || moves.every((move) => move.guarded)) next.add(state);
      });
      tracks.set(track, next);
    });
    if (entry.from !== entry.to) entered = [at];
    else if (ladder.some((move) => move.reenter)) entered = ladder.every((move) => move.reenter) ? [at] : [...(entered ?? []), at];
  });
  if (current !== undefined && previous !== current) {
    add(['context', 'timeline'], `The timeline ends at ${quote(previous)} but the incident is at ${quote(current)}`);
  }
  if (typeof value !== 'string') {
    for (const [track, possible] of tracks) {
      const state = value.active[track];
      if (state !== undefined && !possible.has(state)) {
        add(['value', 'active', track], `Track ${quote(track)} is ${quote(state)}, which its recorded events cannot lead to (expected ${quote([...possible])})`);
      }
    }
  }

  checkRecorded(context, upper, lower, add);
  checkThreatKinds(context, definition, layout, add);
  checkDeadlines(context, current, entered, playbook, add);
  for (const window of Object.keys(context.windows)) {
    if (!Object.hasOwn(definition.windows, window)) add(['context', 'windows', window], `Unknown waiting window ${quote(window)}`);
  }
  if (status === 'done' && (output === undefined || canonical(output) !== canonical(toOutput(context)))) {
    add(['output'], 'The output of a finished incident does not match its context');
  }
  if (status === 'active' && output !== undefined) add(['output'], 'An active incident has no output');
  return issues;
}

type Add = (path: (string | number)[], message: string) => void;

function checkRecorded(context: IncidentContext, upper: Map<Tracked, number>, lower: Map<Tracked, number>, add: Add): void {
  for (const [action, field] of Object.entries(counted) as [keyof typeof counted, (typeof counted)[keyof typeof counted]][]) {
    const count = field === 'threats' ? context.threats.length : context.supporters;
    const [min, max] = [lower.get(action)!, upper.get(action)!];
    if (count < min || count > max) {
      add(['context', field], `The timeline records ${min === max ? min : `between ${min} and ${max}`} event(s) that count ${field}, but ${field} is ${count}`);
    }
  }
  for (const [action, field] of Object.entries(setters) as [keyof typeof setters, (typeof setters)[keyof typeof setters]][]) {
    if (context[field] !== null && upper.get(action) === 0) {
      add(['context', field], `${field} is set, but the timeline has no event that sets it`);
    }
  }
  if (context.call === null && lower.get('recordCall')! > 0) add(['context', 'call'], 'The timeline records a call, but the call is missing');
}

/** The threat kinds the playbook can record: the enum values of the events that record threats (any text when one of them takes free text). */
function checkThreatKinds(context: IncidentContext, definition: PlaybookDefinition, layout: MachineLayout, add: Add): void {
  const recording = new Set<string>();
  const collect = (moves: ReadonlyMap<string, readonly Move[]>) => {
    for (const [event, list] of moves) if (list.some((move) => move.actions.has('recordThreat'))) recording.add(event);
  };
  for (const moves of layout.rungs.values()) collect(moves);
  for (const states of layout.tracks.values()) for (const moves of states.values()) collect(moves);
  const kinds = new Set<string>();
  for (const event of recording) {
    const spec = definition.events[event];
    const field = spec?.payload?.kind;
    if (spec?.schema || (field && field.type !== 'enum')) return;
    if (field?.type === 'enum') field.values.forEach((kind) => kinds.add(kind));
    if (!field || field.optional) kinds.add('other');
  }
  context.threats.forEach((threat, index) => {
    if (!kinds.has(threat.kind)) add(['context', 'threats', index, 'kind'], `Unknown threat kind ${quote(threat.kind)}; expected one of ${quote([...kinds])}`);
  });
}

function checkDeadlines(context: IncidentContext, current: string | undefined, entered: number[] | undefined, playbook: PlaybookFacts, add: Add): void {
  const windows = current === undefined ? undefined : playbook.layout.windows.get(current);
  const pending = new Set<string>();
  context.deadlines.forEach((deadline, index) => {
    const path = ['context', 'deadlines', index];
    if (pending.has(deadline.window)) add(path, `The deadline ${quote(deadline.window)} is pending twice`);
    pending.add(deadline.window);
    if (deadline.rung !== current || !windows?.has(deadline.window)) {
      return add(path, `A deadline for ${quote(deadline)} cannot be pending on rung ${quote(current)}`);
    }
    if (entered === undefined) return;
    const due = Date.parse(deadline.due);
    const length = playbook.windowLength(deadline.window, context);
    const fits = entered.some((start) => (length === undefined ? due > start && due - start <= limits.windowMs : due === start + length));
    if (!fits) {
      const when = entered.map((start) => new Date(start).toISOString()).join(' or ');
      add([...path, 'due'], `The deadline ${quote(deadline.window)} is due ${deadline.due}, but its rung was entered at ${when}${length === undefined ? '' : ` and the window lasts ${length} ms`}`);
    }
  });
}

