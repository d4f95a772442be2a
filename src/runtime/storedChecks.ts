import { recordedEventTypes } from '../definition/builtins.js';
import type { IncidentIssueCode } from '../errors/errors.js';
import { toOutput, type IncidentContext, type TimelineEntry } from '../compile/context.js';
import type { MachineLayout, Move } from '../compile/layout.js';
import type { PlaybookDefinition } from '../definition/types.js';
import type { Issue } from '../errors/issues.js';
import { groupDigits, limits } from '../limits.js';
import { quote } from '../quote.js';
import { canonical, type StoredIncident } from './storedIncident.js';
import { parseTime } from '../isoTime.js';
import { firstResponse, levelRank, pendingRemindersOf, reminderEventType, responseTarget } from '../compile/reminders.js';
import { isResponse } from '../definition/graph.js';

/** What the consistency checks know about the playbook a stored incident claims to run on. */
export interface PlaybookFacts {
  readonly definition: PlaybookDefinition;
  readonly layout: MachineLayout;
  /**
   * How long `window` lasts for this incident, when the machine uses the playbook's own delay
   * (else `undefined`: a delay given through `provide` is only checked against the limit).
   */
  readonly windowLength: (window: string, context: IncidentContext) => number | undefined;
  /**
   * Told, for each pending deadline whose length is not checked (`windowLength` gives
   * `undefined`) and that fits a time its rung was entered at, how long its window lasts that
   * way (from the last such time): a migrated incident keeps those lengths (see `envelope.ts`).
   */
  readonly onUncheckedLength?: (window: string, ms: number) => void;
  /** The machine's guards (`provide` included): the severity a pending reminder is at reads them. */
  readonly guards?: Readonly<Record<string, unknown>>;
}

// Built-in actions whose effect on the context can be counted or detected from the timeline.
const counted = { recordThreat: 'threats', recordSupport: 'supporters' } as const;
const setters = { recordClosure: 'closeReason', recordCall: 'call', recordReply: 'replyPhone', recordIntermediary: 'intermediary' } as const;
type Tracked = keyof typeof counted | keyof typeof setters;
const tracked = [...Object.keys(counted), ...Object.keys(setters)] as Tracked[];

const destination = (move: Move, from: string) => move.to ?? from;

/** What a list of moves (the ways one state may respond to one event) does: one bit per tracked action. */
interface Summary {
  /** Some move runs the action. */
  readonly any: number;
  /** There are moves and every one runs the action. */
  readonly every: number;
  /** Every move runs the action and one of them is taken whatever the conditions. */
  readonly surely: number;
  readonly records: boolean;
  /** No move, or every one is guarded: the state may stay as it is. */
  readonly mayStay: boolean;
}

const noMoves: readonly Move[] = [];

/**
 * The tables the consistency checks read for a playbook, built once per compiled playbook:
 * every stored incident of it is checked against the same ones.
 */
class PlaybookTables {
  readonly declared: ReadonlySet<string>;
  /** The regions an open incident has, sorted, as canonical JSON. */
  readonly regions: string;
  readonly trackIds: readonly string[];
  readonly trackInitial: readonly string[];
  /** The threat kinds the playbook can record (`undefined`: any text). */
  readonly threatKinds: ReadonlySet<string> | undefined;
  readonly #summaries = new WeakMap<readonly Move[], Summary>();
  /** Event type → from → to → the step; and the same for windows that ran out (0 or 1, for a follow-up, and the window). */
  readonly #eventSteps = new Map<string, Map<string, Map<string, Step>>>();
  readonly #windowSteps = new Map<string, Map<string, Map<string, Step>>>();
  readonly #trackSets = new Map<string, TrackSet>();
  #initialTracks: TrackSet | undefined;
  /** The event types some track state handles. */
  readonly #trackEvents: ReadonlySet<string>;

  constructor(
    readonly definition: PlaybookDefinition,
    readonly layout: MachineLayout,
  ) {
    this.declared = new Set(Object.keys(definition.events));
    this.regions = canonical(['ladder', ...layout.tracks.keys()].sort());
    this.trackIds = definition.tracks.map((track) => track.id);
    this.trackInitial = definition.tracks.map((track) => track.initial);
    this.threatKinds = threatKindsOf(definition, layout);
    this.#trackEvents = new Set([...layout.tracks.values()].flatMap((states) => [...states.values()].flatMap((moves) => [...moves.keys()])));
  }

  summary(moves: readonly Move[]): Summary {
    let summary = this.#summaries.get(moves);
    if (summary === undefined) {
      let any = 0;
      let every = 0;
      let surely = 0;
      tracked.forEach((action, bit) => {
        const flag = 1 << bit;
        if (moves.some((move) => move.actions.has(action))) any |= flag;
        if (moves.length > 0 && moves.every((move) => move.actions.has(action))) {
          every |= flag;
          if (moves.some((move) => !move.guarded)) surely |= flag;
        }
      });
      summary = { any, every, surely, records: moves.some((move) => move.records), mayStay: moves.length === 0 || moves.every((move) => move.guarded) };
      this.#summaries.set(moves, summary);
    }
    return summary;
  }

  trackMoves(track: string, state: string, type: string): readonly Move[] {
    return this.layout.tracks.get(track)?.get(state)?.get(type) ?? noMoves;
  }

  /**
   * What the replay needs of a timeline entry of `type` (a declared event type, or
   * `window.elapsed` with `window`) from rung `from` to rung `to`. Kept only for steps the
   * playbook has (a ladder move, or an event some track handles, on the same rung), so the
   * tables stay as small as the playbook whatever documents come in.
   */
  step(type: string, window: string | undefined, followUp: boolean, from: string, to: string): Step {
    const elapsed = window !== undefined;
    const steps = elapsed ? this.#windowSteps : this.#eventSteps;
    const key = elapsed ? `${followUp ? '1' : '0'}${window}` : type;
    const known = steps.get(key)?.get(from)?.get(to);
    if (known !== undefined) return known;
    // The moves that record this step (only those that send a follow-up for a follow-up).
    const all = (elapsed ? this.layout.windows.get(from)?.get(window)?.moves : this.layout.rungs.get(from)?.get(type)) ?? noMoves;
    const found = all.filter((move) => move.records && destination(move, from) === to && (move.followUp !== undefined) === followUp);
    const ladder = found.length === 0 ? noMoves : found;
    const step: Step = {
      ladder,
      summary: this.summary(ladder),
      moving: !elapsed && isResponse(this.definition, { type, from, to }),
      reenter: ladder.some((move) => move.reenter) ? (ladder.every((move) => move.reenter) ? 'all' : 'some') : 'none',
      followUpMax: ladder[0]?.followUp?.max,
      followUpLimit: all.find((move) => move.followUp !== undefined)?.followUp!.max ?? 0,
    };
    if (ladder.length > 0 || (from === to && !elapsed && this.#trackEvents.has(type))) {
      let byFrom = steps.get(key);
      if (byFrom === undefined) steps.set(key, (byFrom = new Map()));
      let byTo = byFrom.get(from);
      if (byTo === undefined) byFrom.set(from, (byTo = new Map()));
      byTo.set(to, step);
    }
    return step;
  }

  /** The step `step` kept for an event entry of `type` from `from` to `to`, if it kept one. */
  knownStep(type: string, from: string, to: string): Step | undefined {
    return this.#eventSteps.get(type)?.get(from)?.get(to);
  }

  /** The track states an incident starts in. */
  get initialTracks(): TrackSet {
    return (this.#initialTracks ??= this.#trackSet(this.trackInitial.map((initial) => [initial])));
  }

  /** What an entry of `type` (a declared event type) does to the side tracks when they may be in `tracks`. */
  trackStep(tracks: TrackSet, type: string): TrackStep {
    let step = tracks.after.get(type);
    if (step === undefined) {
      step = this.#trackStep(tracks, type);
      if (tracks.interned) tracks.after.set(type, step);
    }
    return step;
  }

  #trackStep(tracks: TrackSet, type: string): TrackStep {
    let records = false;
    let moves = false;
    let any = 0;
    let surely = 0;
    for (let t = 0; t < this.trackIds.length; t++) {
      const states = tracks.states[t]!;
      let surelyInEvery = -1;
      for (const state of states) {
        const list = this.trackMoves(this.trackIds[t]!, state, type);
        const summary = this.summary(list);
        if (list.length > 0) moves = true;
        if (summary.records) records = true;
        any |= summary.any;
        surelyInEvery &= summary.surely;
      }
      if (states.length > 0) surely |= surelyInEvery;
    }
    if (!moves) return { records, moves, any, surely, next: tracks };
    const next = tracks.states.map((states, t) => {
      const after: string[] = [];
      for (const state of states) {
        const list = this.trackMoves(this.trackIds[t]!, state, type);
        for (const move of list) {
          const to = destination(move, state);
          if (!after.includes(to)) after.push(to);
        }
        if (this.summary(list).mayStay && !after.includes(state)) after.push(state);
      }
      return after;
    });
    return { records, moves, any, surely, next: this.#trackSet(next) };
  }

  /** The one `TrackSet` of these states (at most a few hundred are kept; past that, new ones are not remembered). */
  #trackSet(states: readonly (readonly string[])[]): TrackSet {
    const key = JSON.stringify(states);
    const known = this.#trackSets.get(key);
    if (known !== undefined) return known;
    const interned = this.#trackSets.size < 256;
    const set: TrackSet = { states, after: new Map(), interned };
    if (interned) this.#trackSets.set(key, set);
    return set;
  }
}

/** What the replay needs of one step of a timeline (see `PlaybookTables.step`). */
interface Step {
  /** The ladder moves that record it. */
  readonly ladder: readonly Move[];
  readonly summary: Summary;
  /** The event moves the ladder somewhere (it counts as a response). */
  readonly moving: boolean;
  /** Whether the ladder moves re-enter the rung, restarting its windows: none, all or some of them. */
  readonly reenter: 'none' | 'all' | 'some';
  /** For a follow-up: the most the rung sends. */
  readonly followUpMax: number | undefined;
  /** For a window that ran out without a follow-up: how many follow-ups the rung sends first. */
  readonly followUpLimit: number;
}

/** The states each side track may be in (in the order of the playbook's tracks), and what each event type does from there. */
interface TrackSet {
  readonly states: readonly (readonly string[])[];
  readonly after: Map<string, TrackStep>;
  readonly interned: boolean;
}

/** What an event does to the side tracks from a `TrackSet`. */
interface TrackStep {
  /** Some move records it. */
  readonly records: boolean;
  /** Some track has moves on it. */
  readonly moves: boolean;
  /** The tracked actions some move runs, and those surely run (bits, as in `Summary`). */
  readonly any: number;
  readonly surely: number;
  readonly next: TrackSet;
}

const tablesByLayout = new WeakMap<MachineLayout, PlaybookTables>();

function tablesOf(definition: PlaybookDefinition, layout: MachineLayout): PlaybookTables {
  const cached = tablesByLayout.get(layout);
  if (cached?.definition === definition) return cached;
  const tables = new PlaybookTables(definition, layout);
  tablesByLayout.set(layout, tables);
  return tables;
}

/**
 * Checks a stored incident against the playbook it claims to run on, by replaying its
 * timeline through the compiled machine's moves: each entry is a move the playbook has, in
 * time order, from the rung the one before ended on; the side tracks and the recorded
 * threats, supporters, call, reply, intermediary and close reason agree with the events that
 * could have set them; each pending deadline falls due one window after its rung was
 * entered; and a finished incident's output matches its context. Payloads are not stored, so
 * where a guard could go either way, both ways are allowed. `times`: the time of each timeline
 * entry, when the shape check read them already.
 */
export function checkAgainstPlaybook(stored: StoredIncident, playbook: PlaybookFacts, times?: Float64Array): Issue<IncidentIssueCode>[] {
  const { definition, layout } = playbook;
  const tables = tablesOf(definition, layout);
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
    if (canonical(Object.keys(regions).sort()) !== tables.regions) {
      const expected = ['ladder', ...layout.tracks.keys()];
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

  // Replay the timeline. Track states are followed as sets (arrays without repeats): a guarded
  // move may or may not have been taken. `upper`/`lower` bound how many times each tracked
  // action can have run.
  const { declared, trackIds } = tables;
  let tracks = tables.initialTracks;
  const upper = tracked.map(() => 0);
  const lower = tracked.map(() => 0);
  const openedAt = context.openedAt === undefined ? undefined : parseTime(context.openedAt);
  // When the current rung may have been entered (its windows start then).
  let entered: number[] | undefined = openedAt === undefined ? undefined : [openedAt];
  // Follow-ups sent on the current rung since it was entered.
  let followUps = 0;
  let previous = definition.ladder.initial;
  let previousAt = openedAt ?? -Infinity;
  const timeline = context.timeline;
  // Reminders: when the first response is recorded, and the highest level a reminder fired at.
  const reminders = { opened: openedAt ?? (timeline[0] === undefined ? undefined : parseTime(timeline[0].at)), responded: false, rank: -1 };
  /**
   * The checks of a timeline entry that depend on the entry alone and on the follow-ups sent so
   * far (which it counts): the entry's step, or `undefined` when the entry is wrong (said in the
   * issues).
   */
  const checkStep = (entry: TimelineEntry, index: number, at: number, elapsed: boolean): Step | undefined => {
    if (!isRung(entry.from) || !isRung(entry.to)) {
      add(['context', 'timeline', index], `Unknown rung in ${quote({ from: entry.from, to: entry.to })}`);
      return undefined;
    }
    if (entry.type === reminderEventType || entry.reminder !== undefined || entry.severity !== undefined) {
      checkReminderEntry(entry, at, reminders, definition, (path, message) => add(['context', 'timeline', index, ...path], message));
      return undefined;
    }
    if (isResponse(definition, entry)) reminders.responded = true;
    if (!elapsed && !declared.has(entry.type)) {
      add(['context', 'timeline', index, 'type'], `Unknown event type ${quote(entry.type)}`);
      return undefined;
    }
    if (elapsed !== (entry.window !== undefined)) {
      add(['context', 'timeline', index, 'window'], 'Only a "window.elapsed" entry names a window');
      return undefined;
    }
    if (entry.followUp !== undefined && !elapsed) {
      add(['context', 'timeline', index, 'followUp'], 'Only a "window.elapsed" entry counts a follow-up');
      return undefined;
    }
    const step = tables.step(entry.type, entry.window, entry.followUp !== undefined, entry.from, entry.to);
    if (elapsed && step.ladder.length > 0) {
      // A follow-up is the next one of its rung, within its limit; the window's other moves come only after the last one.
      if (entry.followUp !== undefined) {
        const max = step.followUpMax!;
        if (entry.followUp !== followUps + 1 || entry.followUp > max) {
          add(['context', 'timeline', index, 'followUp'], `Expected follow-up ${followUps + 1} of at most ${max} on rung ${quote(entry.from)}; received ${quote(entry.followUp)}`);
        }
        followUps = entry.followUp;
      } else {
        const max = step.followUpLimit;
        if (max > followUps) {
          add(['context', 'timeline', index], `Rung ${quote(entry.from)} sends ${max} follow-up(s) before it moves on when ${quote(entry.window)} runs out, but the timeline records ${followUps}`);
        }
      }
    }
    return step;
  };
  for (let index = 0; index < timeline.length; index++) {
    const entry = timeline[index]!;
    const at = times === undefined ? parseTime(entry.at) : times[index]!;
    if (entry.from !== previous) {
      add(['context', 'timeline', index, 'from'], `The timeline is out of order: entry ${index} starts at ${quote(entry.from)} but the one before ended at ${quote(previous)}`);
    }
    if (at < previousAt) {
      add(['context', 'timeline', index, 'at'], index === 0 ? 'The timeline starts before the incident was opened' : `The timeline is out of order: entry ${index} is earlier than the one before`);
    }
    previous = entry.to;
    previousAt = at;
    const elapsed = entry.type === recordedEventTypes.windowElapsed;
    // An event entry like one checked before (most of a long timeline) passed `checkStep` then.
    let step =
      elapsed || entry.window !== undefined || entry.followUp !== undefined || entry.reminder !== undefined || entry.severity !== undefined
        ? undefined
        : tables.knownStep(entry.type, entry.from, entry.to);
    if (step !== undefined) {
      if (step.moving) reminders.responded = true;
    } else if ((step = checkStep(entry, index, at, elapsed)) === undefined) continue;
    const ladder = step.ladder;
    if (entry.from !== entry.to) followUps = 0;
    // The side tracks, in each state they may be in, on this event (no move on a window).
    const trackStep = elapsed ? undefined : tables.trackStep(tracks, entry.type);
    if (ladder.length === 0 && !(entry.from === entry.to && trackStep?.records === true)) {
      add(
        ['context', 'timeline', index],
        entry.from === entry.to
          ? `Rung ${quote(entry.from)} does not handle ${quote(entry.window ?? entry.type)}, so it cannot have been recorded there`
          : `The playbook has no move from ${quote(entry.from)} to ${quote(entry.to)} on ${quote(entry.window ?? entry.type)}`,
      );
      continue;
    }
    const upperBits = step.summary.any | (trackStep?.any ?? 0);
    const lowerBits = step.summary.every | (trackStep?.surely ?? 0);
    // Every move that runs an action surely may run it, so `lowerBits` are within `upperBits`.
    if (upperBits !== 0) {
      for (let bit = 0; bit < tracked.length; bit++) {
        if (upperBits & (1 << bit)) upper[bit]!++;
        if (lowerBits & (1 << bit)) lower[bit]!++;
      }
    }
    if (trackStep !== undefined) tracks = trackStep.next;
    if (entry.from !== entry.to || step.reenter === 'all') entered = [at];
    // Times only go forward: each distinct one is kept once.
    else if (step.reenter === 'some' && (entered ??= []).at(-1) !== at) entered.push(at);
  }
  if (current !== undefined && previous !== current) {
    add(['context', 'timeline'], `The timeline ends at ${quote(previous)} but the incident is at ${quote(current)}`);
  }
  if (typeof value !== 'string') {
    trackIds.forEach((track, t) => {
      const state = value.active[track];
      const possible = tracks.states[t]!;
      if (state !== undefined && !possible.includes(state)) {
        add(['value', 'active', track], `Track ${quote(track)} is ${quote(state)}, which its recorded events cannot lead to (expected ${quote(possible)})`);
      }
    });
  }

  checkRecorded(context, upper, lower, add);
  checkThreatKinds(context, tables.threatKinds, add);
  checkDeadlines(context, current, entered, playbook, add);
  checkFollowUps(context, typeof value === 'string' ? undefined : current, followUps, add);
  checkPendingReminders(context, reminders, definition, add, playbook.guards);
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

/** What the replay knows of reminders so far: when the incident opened, whether someone responded, the highest level one fired at. */
interface ReminderReplay {
  readonly opened: number | undefined;
  responded: boolean;
  rank: number;
}

/**
 * A `reminder.due` entry is one the library records: the first-response reminder of a level
 * with a target, not before that target, before anyone responded, once per level and only at
 * a higher level than the one before; it never moves the incident and carries nothing else.
 */
function checkReminderEntry(entry: TimelineEntry, at: number, replay: ReminderReplay, definition: PlaybookDefinition, add: Add): void {
  if (entry.type !== reminderEventType || entry.reminder !== firstResponse || entry.severity === undefined) {
    return add([], `Only a "${reminderEventType}" entry names a reminder, and it names "${firstResponse}" and a severity level; received ${quote({ type: entry.type, reminder: entry.reminder, severity: entry.severity })}`);
  }
  const within = responseTarget(definition, entry.severity);
  if (within === undefined) return add(['severity'], `The severity level ${quote(entry.severity)} has no response-time target in playbook "${definition.id}"`);
  if (entry.from !== entry.to) add(['to'], 'A reminder never moves the incident');
  if (entry.window !== undefined || entry.followUp !== undefined || entry.by !== undefined || entry.note !== undefined || entry.occurredAt !== undefined) {
    add([], 'A reminder entry records only when, which reminder and the severity level');
  }
  if (replay.responded) add([], 'A first-response reminder cannot fall due after the first response');
  if (replay.opened !== undefined && at < replay.opened + within) {
    add(['at'], `The ${quote(entry.severity)} first response was due ${new Date(replay.opened + within).toISOString()}; the reminder cannot be recorded earlier`);
  }
  const rank = levelRank(definition, entry.severity);
  if (rank <= replay.rank) add(['severity'], `A reminder fires once per level, and again only at a higher one; received ${quote(entry.severity)} after a higher or equal level`);
  replay.rank = Math.max(replay.rank, rank);
}

/** The pending reminders are ones the playbook can have now: at most one, before any response, due at the opening plus its level's target, at a level above any that fired. */
function checkPendingReminders(context: IncidentContext, replay: ReminderReplay, definition: PlaybookDefinition, add: Add, guards?: Readonly<Record<string, unknown>>): void {
  const pending = context.reminders ?? [];
  if (pending.length > 1) add(['context', 'reminders'], `Expected at most one pending reminder; received ${pending.length}`);
  // The pending reminder is the one the context calls for now: at the severity its facts,
  // threats and supporters make (a critical threat's fifteen minutes cannot be swapped for a
  // low level's day). None at all is left to the checks below (a full timeline drops it).
  if (pending.length === 1 && guards !== undefined && replay.opened !== undefined && !replay.responded) {
    const expected = pendingRemindersOf(definition, context, guards)[0];
    const received = pending[0]!.severity;
    if (expected?.severity !== received && levelRank(definition, received) > replay.rank && responseTarget(definition, received) !== undefined) {
      add(
        ['context', 'reminders', 0, 'severity'],
        expected === undefined
          ? `No first-response reminder is pending at the incident's severity now; received one at ${quote(received)}`
          : `The incident is at severity ${quote(expected.severity)}, so its pending first-response reminder is at that level; received ${quote(received)}`,
      );
    }
  }
  pending.forEach((reminder, index) => {
    const path = ['context', 'reminders', index];
    const within = responseTarget(definition, reminder.severity);
    if (reminder.reminder !== firstResponse || within === undefined) {
      return add(path, `Expected the "${firstResponse}" reminder of a severity level with a response-time target; received ${quote(reminder)}`);
    }
    if (replay.responded) return add(path, 'No reminder is pending once someone has responded');
    if (levelRank(definition, reminder.severity) <= replay.rank) add([...path, 'severity'], `A reminder at ${quote(reminder.severity)} already fired at this level or above`);
    if (replay.opened !== undefined && parseTime(reminder.due) !== replay.opened + within) {
      add([...path, 'due'], `The ${quote(reminder.severity)} first response is due ${new Date(replay.opened + within).toISOString()}; received ${reminder.due}`);
    }
  });
}

/** `upper` and `lower` bound how many times each tracked action ran (by its index in `tracked`). */
function checkRecorded(context: IncidentContext, upper: readonly number[], lower: readonly number[], add: Add): void {
  const bound = (counts: readonly number[], action: Tracked) => counts[tracked.indexOf(action)]!;
  for (const [action, field] of Object.entries(counted) as [keyof typeof counted, (typeof counted)[keyof typeof counted]][]) {
    const count = field === 'threats' ? context.threats.length : context.supporters;
    const [min, max] = [bound(lower, action), bound(upper, action)];
    if (count < min || count > max) {
      add(['context', field], `The timeline records ${min === max ? min : `between ${min} and ${max}`} event(s) that count ${field}, but ${field} is ${count}`);
    }
  }
  for (const [action, field] of Object.entries(setters) as [keyof typeof setters, (typeof setters)[keyof typeof setters]][]) {
    if (context[field] !== null && bound(upper, action) === 0) {
      add(['context', field], `${field} is set, but the timeline has no event that sets it`);
    }
  }
  if (context.call === null && bound(lower, 'recordCall') > 0) add(['context', 'call'], 'The timeline records a call, but the call is missing');
}

/** The threat kinds the playbook can record: the enum values of the events that record threats (`undefined`, any text, when one of them takes free text). */
function threatKindsOf(definition: PlaybookDefinition, layout: MachineLayout): ReadonlySet<string> | undefined {
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
    if (spec?.schema || (field && field.type !== 'enum')) return undefined;
    if (field?.type === 'enum') field.values.forEach((kind) => kinds.add(kind));
    if (!field || field.optional) kinds.add('other');
  }
  return kinds;
}

function checkThreatKinds(context: IncidentContext, kinds: ReadonlySet<string> | undefined, add: Add): void {
  if (kinds === undefined) return;
  context.threats.forEach((threat, index) => {
    if (!kinds.has(threat.kind)) add(['context', 'threats', index, 'kind'], `Unknown threat kind ${quote(threat.kind)}; expected one of ${quote([...kinds])}`);
  });
}

/** `context.followUps` holds exactly the follow-ups the timeline records on the open rung since it was entered. */
function checkFollowUps(context: IncidentContext, open: string | undefined, sent: number, add: Add): void {
  const expected = open !== undefined && sent > 0 ? { [open]: sent } : {};
  const recorded = context.followUps ?? {};
  if (canonical(recorded) !== canonical(expected)) {
    add(['context', 'followUps'], `The timeline records ${quote(expected)} follow-up(s) on the current rung, but followUps is ${quote(recorded)}`);
  }
}

function checkDeadlines(context: IncidentContext, current: string | undefined, entered: number[] | undefined, playbook: PlaybookFacts, add: Add): void {
  const windows = current === undefined ? undefined : playbook.layout.windows.get(current);
  const pending = new Set<string>();
  context.deadlines.forEach((deadline, index) => {
    const path = ['context', 'deadlines', index];
    // Reported once and not checked further: each window reaches the checks below at most once.
    if (pending.has(deadline.window)) return add(path, `The deadline ${quote(deadline.window)} is pending twice`);
    pending.add(deadline.window);
    if (deadline.rung !== current || !windows?.has(deadline.window)) {
      return add(path, `A deadline for ${quote(deadline)} cannot be pending on rung ${quote(current)}`);
    }
    if (entered === undefined) return;
    const due = parseTime(deadline.due);
    const length = playbook.windowLength(deadline.window, context);
    const fits = entered.some((start) => (length === undefined ? due > start && due - start <= limits.windowMs : due === start + length));
    if (fits && length === undefined && playbook.onUncheckedLength !== undefined) {
      const start = entered.findLast((time) => due > time && due - time <= limits.windowMs)!;
      playbook.onUncheckedLength(deadline.window, due - start);
    }
    if (!fits) {
      const iso = (start: number) => new Date(start).toISOString();
      // At most the first two and the last of the times it may have been entered at.
      const when = entered.length <= 3 ? entered.map(iso).join(' or ') : `${iso(entered[0]!)}, ${iso(entered[1]!)}, … or ${iso(entered.at(-1)!)} (${groupDigits(entered.length)} times)`;
      add([...path, 'due'], `The deadline ${quote(deadline.window)} is due ${deadline.due}, but its rung was entered at ${when}${length === undefined ? '' : ` and the window lasts ${length} ms`}`);
    }
  });
}

