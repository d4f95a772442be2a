import type { Duration } from './durations.js';
import type { EventSpec } from './eventSpec.js';
import type { AdviceSpec, FollowUpSpec, GuardSpec, PlaybookDefinition, RungSpec, TrackSpec, WindowSpec } from './types.js';
import type { RungOf } from './typesOf.js';
import type { BuildResult, InsertPosition, RungSpecOf, TransitionOf, WithRungs } from './builderTypes.js';
import * as edits from './definitionEdits.js';
import { describeError } from './readDefinition.js';
import { quote } from '../quote.js';
import { suggestion } from '../suggest.js';
import { safeParsePlaybook, type ParsePlaybookOptions } from './parsePlaybook.js';
import { PlaybookDefinitionError, type PlaybookIssueCode } from '../errors/errors.js';
import { sortIssues } from '../errors/issues.js';
import { type Issue } from '../errors/issues.js';

/**
 * Edits a playbook definition step by step: insert, replace and remove rungs, add events,
 * guards, windows, transitions and side tracks, change windows and advice. Each call returns
 * a new builder whose type carries the added events and rungs, so the compiled machine is
 * typed. Problems are collected and reported together by {@link PlaybookBuilder.build}, along
 * with everything {@link safeParsePlaybook} finds.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { compilePlaybook, extendPlaybook, PlaybookBuilder } from 'crisis-playbook/authoring';
 *
 * const builder: PlaybookBuilder<typeof defaultPlaybook> = extendPlaybook(defaultPlaybook);
 * const playbook = builder
 *   .rename({ id: 'acme', version: '1.0.0' })
 *   .addEvents({ 'statement.published': { description: 'The holding statement is out.' } })
 *   .insertRung(
 *     { before: 'directMessage' },
 *     {
 *       id: 'holdingStatement',
 *       title: 'Holding statement',
 *       description: 'Publish a short holding statement before writing to the person.',
 *       advice: [{ title: 'Publish a holding statement', detail: 'Facts only; no blame.', priority: 20 }],
 *       on: [{ event: 'statement.published', target: 'directMessage' }],
 *     },
 *   )
 *   .build();
 * const incident = createActor(compilePlaybook(playbook)).start();
 * incident.send({ type: 'assessment.complete' });
 * incident.send({ type: 'statement.published' });
 * ```
 *
 * @category Playbook definition
 */
export class PlaybookBuilder<D extends PlaybookDefinition> {
  readonly #definition: PlaybookDefinition;
  readonly #issues: readonly Issue<PlaybookIssueCode>[];
  readonly #removed: ReadonlySet<string>;
  readonly #operations: number;

  /** Use {@link extendPlaybook} to start a builder. */
  constructor(definition: D, issues: readonly Issue<PlaybookIssueCode>[] = [], removed: ReadonlySet<string> = new Set(), operations = 0) {
    this.#definition = definition;
    this.#issues = issues;
    this.#removed = removed;
    this.#operations = operations;
  }

  #next<N extends PlaybookDefinition>(definition: PlaybookDefinition, issues: Issue<PlaybookIssueCode>[] = [], removed = this.#removed) {
    return new PlaybookBuilder<N>(definition as N, [...this.#issues, ...issues], removed, this.#operations + 1);
  }

  /** Runs an operation; arguments it cannot use (a throwing getter, `null`...) become an issue. */
  #attempt<N extends PlaybookDefinition>(operation: string, body: () => PlaybookBuilder<N>): PlaybookBuilder<N> {
    try {
      return body();
    } catch (error) {
      return this.#next<N>(this.#definition, [
        {
          code: 'invalid_operation',
          path: ['operations', this.#operations],
          message: `${operation}: cannot be carried out with these arguments: ${describeError(error)}`,
        },
      ]);
    }
  }

  #issue(code: PlaybookIssueCode, field: string, message: string): Issue<PlaybookIssueCode> {
    return { code, path: ['operations', this.#operations, field], message };
  }

  #missingRung(id: string, field: string, operation: string): Issue<PlaybookIssueCode> {
    const rungs = this.#definition.ladder.rungs;
    const known = `${rungs.slice(0, 10).map((rung) => quote(rung.id)).join(', ')}${rungs.length > 10 ? ` and ${rungs.length - 10} more` : ''}`;
    if (this.#removed.has(id)) return this.#issue('removed_rung_referenced', field, `${operation}: rung ${quote(id)} was removed earlier`);
    const dot = id.indexOf('.');
    const track = dot > 0 ? this.#definition.tracks.find((each) => each.id === id.slice(0, dot)) : undefined;
    if (track !== undefined && operation !== 'setAdvice') {
      return this.#issue('unknown_rung', field, `${operation}: ${quote(id)} is a side track's state, not a rung; ${operation} takes a rung, one of ${known}`);
    }
    // `track.state` (setAdvice): the track or its state is what is unknown.
    if (track !== undefined) {
      const states = track.states.map((state) => state.id);
      const meant = suggestion(id.slice(dot + 1), states, { show: (state) => quote(`${track.id}.${state}`) });
      return this.#issue('unknown_state', field, `${operation}: track ${quote(track.id)} has no state ${quote(id.slice(dot + 1))}${meant}; its states are ${states.map((state) => quote(state)).join(', ')}`);
    }
    const meant = suggestion(id, rungs.map((rung) => rung.id));
    return this.#issue('unknown_rung', field, `${operation}: unknown rung ${quote(id)}${meant}; expected one of ${known}`);
  }

  /**
   * Sets the playbook's identity. Give a custom playbook its own `id` and `version`: stored
   * incidents are tied to them.
   */
  rename(identity: { id: string; version: string; title?: string; description?: string }): PlaybookBuilder<D> {
    return this.#attempt('rename', () => this.#next({ ...this.#definition, ...identity }));
  }

  /** Merges named entries into `events`, `guards` or `windows`, reporting names already taken. */
  #addNamed<N extends PlaybookDefinition>(
    section: 'events' | 'guards' | 'windows',
    entries: Readonly<Record<string, unknown>>,
    operation: string,
  ): PlaybookBuilder<N> {
    const { definition, taken } = edits.withNamed(this.#definition, section, entries);
    const issues = taken.map((name) => this.#issue('duplicate_id', section, `${operation}: ${quote(name)} is already declared in ${section}`));
    return this.#next<N>(definition, issues);
  }

  /** Declares new events. Their payloads are data (`payload`) or, in TypeScript, a zod `schema`. */
  addEvents<const E extends Readonly<Record<string, EventSpec>>>(
    events: E,
  ): PlaybookBuilder<Omit<D, 'events'> & { readonly events: D['events'] & E }> {
    return this.#attempt('addEvents', () => this.#addNamed('events', events, 'addEvents'));
  }

  /** Declares new named guards, written as conditions. */
  addGuards<const G extends Readonly<Record<string, GuardSpec>>>(
    guards: G,
  ): PlaybookBuilder<Omit<D, 'guards'> & { readonly guards: D['guards'] & G }> {
    return this.#attempt('addGuards', () => this.#addNamed('guards', guards, 'addGuards'));
  }

  /** Declares new waiting windows (named delays). */
  addWindows<const W extends Readonly<Record<string, WindowSpec>>>(
    windows: W,
  ): PlaybookBuilder<Omit<D, 'windows'> & { readonly windows: D['windows'] & W }> {
    return this.#attempt('addWindows', () => this.#addNamed('windows', windows, 'addWindows'));
  }

  /** Changes the default length of an existing waiting window. */
  setWindow(name: keyof D['windows'] & string, duration: Duration): PlaybookBuilder<D> {
    return this.#attempt('setWindow', () => {
      const definition = edits.withWindowDuration(this.#definition, name, duration);
      if (!definition) {
        const windows = Object.keys(this.#definition.windows);
        const meant = suggestion(name, windows);
        return this.#next(this.#definition, [this.#issue('unknown_window', 'name', `setWindow: unknown window ${quote(name)}${meant}; the windows are ${windows.map((each) => quote(each)).join(', ')}`)]);
      }
      return this.#next(definition);
    });
  }

  /** Replaces the advice of a rung, or of a track state given as `track.state`. */
  setAdvice(state: RungOf<D> | `${D['tracks'][number]['id']}.${string}`, advice: readonly AdviceSpec[]): PlaybookBuilder<D> {
    return this.#attempt('setAdvice', () => {
      const definition = edits.withAdvice(this.#definition, state, advice);
      if (!definition) return this.#next(this.#definition, [this.#missingRung(state, 'state', 'setAdvice')]);
      return this.#next(definition);
    });
  }

  /**
   * Sets the follow-ups a rung sends before its window's `after` move (see {@link FollowUpSpec}),
   * or removes them with `undefined`. The window must be one the rung has an `after` move on.
   */
  setFollowUps(rung: RungOf<D>, followUps: FollowUpSpec | undefined): PlaybookBuilder<D> {
    return this.#attempt('setFollowUps', () => {
      const definition = edits.withFollowUps(this.#definition, rung, followUps);
      if (!definition) return this.#next(this.#definition, [this.#missingRung(rung, 'rung', 'setFollowUps')]);
      return this.#next(definition);
    });
  }

  /**
   * Inserts a rung. `{ before: X }`: everything that led to X from elsewhere (other rungs,
   * windows running out, transitions from every rung, the start) now leads to the new rung, whose own transitions
   * usually lead on to X. `{ after: X }`: everything that left X now leads to the new rung.
   */
  insertRung<const R extends RungSpec>(
    position: InsertPosition<RungOf<D>>,
    rung: R,
  ): PlaybookBuilder<WithRungs<D, RungSpecOf<D> | R>> {
    return this.#attempt('insertRung', () => {
      const anchor = 'before' in position ? position.before : position.after;
      const field = 'before' in position ? 'before' : 'after';
      const issues: Issue<PlaybookIssueCode>[] = [];
      if (!edits.hasRung(this.#definition, anchor)) issues.push(this.#missingRung(anchor, field, 'insertRung'));
      if (edits.hasRung(this.#definition, rung.id)) issues.push(this.#issue('duplicate_id', 'rung', `insertRung: rung ${quote(rung.id)} already exists`));
      if (issues.length > 0) return this.#next(this.#definition, issues);
      return this.#next(edits.withRungInserted(this.#definition, position, anchor, rung));
    });
  }

  /**
   * Adds a rung at the end of the ladder without rerouting anything: connect it with
   * {@link PlaybookBuilder.addTransitions} or with its own transitions.
   */
  addRung<const R extends RungSpec>(rung: R): PlaybookBuilder<WithRungs<D, RungSpecOf<D> | R>> {
    return this.#attempt('addRung', () => {
      if (edits.hasRung(this.#definition, rung.id)) {
        return this.#next(this.#definition, [this.#issue('duplicate_id', 'rung', `addRung: rung ${quote(rung.id)} already exists`)]);
      }
      return this.#next(edits.withRungAppended(this.#definition, rung));
    });
  }

  /**
   * Replaces a rung by another. When the new rung has another id, every reference to the old
   * one now points to it.
   */
  replaceRung<const Id extends RungOf<D>, const R extends RungSpec>(
    id: Id,
    rung: R,
  ): PlaybookBuilder<WithRungs<D, Exclude<RungSpecOf<D>, { readonly id: Id }> | R>> {
    return this.#attempt('replaceRung', () => {
      if (!edits.hasRung(this.#definition, id)) return this.#next(this.#definition, [this.#missingRung(id, 'id', 'replaceRung')]);
      if (rung.id !== id && edits.hasRung(this.#definition, rung.id)) {
        return this.#next(this.#definition, [this.#issue('duplicate_id', 'rung', `replaceRung: rung ${quote(rung.id)} already exists`)]);
      }
      return this.#next(edits.withRungReplaced(this.#definition, id, rung));
    });
  }

  /**
   * Removes a rung. Transitions that led to it are rerouted to where it led; when it led to
   * more than one rung (or none), give `rerouteTo`, otherwise {@link PlaybookBuilder.build}
   * reports `ambiguous_removal`.
   */
  removeRung<const Id extends RungOf<D>>(
    id: Id,
    options: { readonly rerouteTo?: Exclude<RungOf<D>, Id> } = {},
  ): PlaybookBuilder<WithRungs<D, Exclude<RungSpecOf<D>, { readonly id: Id }>>> {
    return this.#attempt('removeRung', () => {
      const rung = this.#definition.ladder.rungs.find((r) => r.id === id);
      if (!rung) return this.#next(this.#definition, [this.#missingRung(id, 'id', 'removeRung')]);
      const led = edits.targetsOf(rung, id);
      const target = options.rerouteTo ?? (led.length === 1 ? led[0] : undefined);
      const removed = new Set([...this.#removed, id]);
      if (target === undefined) {
        const message =
          led.length === 0
            ? `removeRung: rung ${quote(id)} leads nowhere; give rerouteTo`
            : `removeRung: rung ${quote(id)} leads to ${led.map((t) => quote(t)).join(', ')}; give rerouteTo with one of them`;
        return this.#next(this.#definition, [this.#issue('ambiguous_removal', 'id', message)], removed);
      }
      if (target === id || !edits.hasRung(this.#definition, target)) {
        return this.#next(this.#definition, [this.#missingRung(target, 'rerouteTo', 'removeRung')], removed);
      }
      return this.#next(edits.withRungRemoved(this.#definition, id, target), [], removed);
    });
  }

  /**
   * Adds transitions to a rung, or to every open rung with `'everyRung'` (for example, a
   * `threat.reported` that leads to a legal review from wherever the incident is).
   */
  addTransitions(rung: RungOf<D> | 'everyRung', transitions: readonly TransitionOf<D>[]): PlaybookBuilder<D> {
    return this.#attempt('addTransitions', () => {
      if (rung === 'everyRung') return this.#next(edits.withEveryRungTransitions(this.#definition, transitions));
      const definition = edits.withTransitions(this.#definition, rung, transitions);
      if (!definition) return this.#next(this.#definition, [this.#missingRung(rung, 'rung', 'addTransitions')]);
      return this.#next(definition);
    });
  }

  /** Adds a side track that runs in parallel with the ladder. */
  addTrack<const T extends TrackSpec>(
    track: T,
  ): PlaybookBuilder<Omit<D, 'tracks'> & { readonly tracks: readonly (D['tracks'][number] | T)[] }> {
    return this.#attempt('addTrack', () => {
      const issues = this.#definition.tracks.some((t) => t.id === track.id)
        ? [this.#issue('duplicate_id', 'track', `addTrack: track ${quote(track.id)} already exists`)]
        : [];
      return this.#next(edits.withTrack(this.#definition, track), issues);
    });
  }

  /**
   * The edited definition, checked: throws {@link PlaybookDefinitionError} listing the
   * problems of the edits and of the resulting definition.
   */
  build(options: ParsePlaybookOptions = {}): D {
    const result = this.safeBuild(options);
    if (!result.success) throw result.error;
    return result.data;
  }

  /**
   * Like {@link PlaybookBuilder.build} but returns the issues instead of throwing, whatever the
   * definition holds: the issues of the operations (under `operations`) and every issue
   * {@link safeParsePlaybook} finds in the result, sorted by path together
   * ({@link index!compareIssues}). On success, `data` is the plain copy that
   * {@link safeParsePlaybook} checked.
   */
  safeBuild(options: ParsePlaybookOptions = {}): BuildResult<D> {
    const validation = safeParsePlaybook(this.#definition, options);
    // One list in the one order: the operations' issues (under `operations`) among the definition's.
    const issues = sortIssues([
      ...this.#issues,
      ...(validation.success ? [] : validation.error.issues.map((issue) => edits.explainRemoved(issue, this.#removed))),
    ]);
    if (issues.length > 0 || !validation.success) return { success: false, error: new PlaybookDefinitionError(issues) };
    return { success: true, data: validation.data as D };
  }
}

/**
 * Starts editing a playbook definition (the default one, or any other). See
 * {@link PlaybookBuilder} for the operations.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { compilePlaybook, extendPlaybook } from 'crisis-playbook/authoring';
 *
 * // An organisation that never joins groups: drop "request access".
 * const direct = extendPlaybook(defaultPlaybook)
 *   .rename({ id: 'no-groups', version: '1.0.0' })
 *   .removeRung('requestingAccess')
 *   .build();
 * const machine = compilePlaybook(direct);
 * ```
 *
 * @category Playbook definition
 */
export function extendPlaybook<const D extends PlaybookDefinition>(definition: D): PlaybookBuilder<D> {
  return new PlaybookBuilder(definition);
}
