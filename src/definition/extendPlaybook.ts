import type { Duration } from './durations.js';
import type {
  AdviceSpec,
  EventSpec,
  GuardSpec,
  PlaybookDefinition,
  RungOf,
  RungSpec,
  TrackSpec,
  TransitionSpec,
  WindowSpec,
} from './types.js';
import { describeError } from './readDefinition.js';
import { quote } from '../quote.js';
import { safeParsePlaybook, type ParsePlaybookOptions } from './parsePlaybook.js';
import { PlaybookDefinitionError, type PlaybookIssueCode } from '../errors/errors.js';
import { type Issue } from '../errors/issues.js';

/**
 * The union of a definition's rung specs.
 *
 * @example
 * ```ts
 * import type { defaultPlaybook } from 'crisis-playbook';
 * import type { RungSpecOf } from 'crisis-playbook/authoring';
 *
 * type Final = Extract<RungSpecOf<typeof defaultPlaybook>, { final: true }>['id']; // 'resolved' | 'closed'
 * ```
 *
 * @category Playbook definition
 */
export type RungSpecOf<D extends PlaybookDefinition> = D['ladder']['rungs'][number];

/**
 * A definition whose rungs are `R`: the type {@link PlaybookBuilder} gives after a rung is
 * inserted, replaced or removed.
 *
 * @example
 * ```ts
 * import type { defaultPlaybook, RungOf } from 'crisis-playbook';
 * import type { RungSpecOf, WithRungs } from 'crisis-playbook/authoring';
 *
 * type WithoutMonitoring = WithRungs<typeof defaultPlaybook, Exclude<RungSpecOf<typeof defaultPlaybook>, { id: 'monitoring' }>>;
 * const rung: RungOf<WithoutMonitoring> = 'phoneCall';
 * ```
 *
 * @category Playbook definition
 */
export type WithRungs<D extends PlaybookDefinition, R> = Omit<D, 'ladder'> & {
  readonly ladder: Omit<D['ladder'], 'rungs'> & { readonly rungs: readonly R[] };
};

/**
 * A transition whose event and target belong to the definition `D`: what
 * {@link PlaybookBuilder.addTransitions} accepts, so that a misspelling does not compile. (Guard
 * names may also be guards given in code, so they are checked by `build()`.)
 *
 * @example
 * ```ts
 * import type { defaultPlaybook } from 'crisis-playbook';
 * import type { TransitionOf } from 'crisis-playbook/authoring';
 *
 * const call: TransitionOf<typeof defaultPlaybook> = { event: 'contact.received', target: 'phoneCall', guard: 'isPosterKnown' };
 * ```
 */
export type TransitionOf<D extends PlaybookDefinition> = Omit<TransitionSpec, 'event' | 'target'> & {
  readonly event: keyof D['events'] & string;
  readonly target?: RungOf<D>;
};

/**
 * Where {@link PlaybookBuilder.insertRung} puts a rung: before or after an existing one.
 *
 * @example
 * ```ts
 * import type { CrisisRung } from 'crisis-playbook';
 * import type { InsertPosition } from 'crisis-playbook/authoring';
 *
 * const beforeTheCall: InsertPosition<CrisisRung> = { before: 'phoneCall' };
 * ```
 *
 * @category Playbook definition
 */
export type InsertPosition<Id extends string> = { readonly before: Id } | { readonly after: Id };

/**
 * The result of {@link PlaybookBuilder.safeBuild}: the definition, or every issue found.
 *
 * @example
 * ```ts
 * import { defaultPlaybook } from 'crisis-playbook';
 * import { type BuildResult, extendPlaybook } from 'crisis-playbook/authoring';
 *
 * const result: BuildResult<typeof defaultPlaybook> = extendPlaybook(defaultPlaybook).safeBuild();
 * ```
 *
 * @category Playbook definition
 */
export type BuildResult<D extends PlaybookDefinition> =
  | { readonly success: true; readonly data: D }
  | { readonly success: false; readonly error: PlaybookDefinitionError };

type Targeted = { readonly target?: string };

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

  #hasRung(id: string): boolean {
    return this.#definition.ladder.rungs.some((rung) => rung.id === id);
  }

  #missingRung(id: string, field: string, operation: string): Issue<PlaybookIssueCode> {
    const rungs = this.#definition.ladder.rungs;
    const known = `${rungs.slice(0, 10).map((rung) => quote(rung.id)).join(', ')}${rungs.length > 10 ? ` and ${rungs.length - 10} more` : ''}`;
    return this.#removed.has(id)
      ? this.#issue('removed_rung_referenced', field, `${operation}: rung ${quote(id)} was removed earlier`)
      : this.#issue('unknown_rung', field, `${operation}: unknown rung ${quote(id)}; expected one of ${known}`);
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
    const existing = this.#definition[section];
    const issues = Object.keys(entries)
      .filter((name) => Object.hasOwn(existing, name))
      .map((name) => this.#issue('duplicate_id', section, `${operation}: ${quote(name)} is already declared in ${section}`));
    return this.#next<N>({ ...this.#definition, [section]: { ...existing, ...entries } }, issues);
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
      const window = Object.hasOwn(this.#definition.windows, name) ? this.#definition.windows[name] : undefined;
      if (!window) {
        return this.#next(this.#definition, [this.#issue('unknown_window', 'name', `setWindow: unknown window ${quote(name)}`)]);
      }
      return this.#next({ ...this.#definition, windows: { ...this.#definition.windows, [name]: { ...window, duration } } });
    });
  }

  /** Replaces the advice of a rung, or of a track state given as `track.state`. */
  setAdvice(state: RungOf<D> | `${D['tracks'][number]['id']}.${string}`, advice: readonly AdviceSpec[]): PlaybookBuilder<D> {
    return this.#attempt('setAdvice', () => {
      const definition = this.#definition;
      if (this.#hasRung(state)) {
        return this.#next({
          ...definition,
          ladder: {
            ...definition.ladder,
            rungs: definition.ladder.rungs.map((rung) => (rung.id === state ? { ...rung, advice } : rung)),
          },
        });
      }
      const [trackId, stateId] = state.split('.');
      const track = definition.tracks.find((t) => t.id === trackId);
      if (!track || !track.states.some((s) => s.id === stateId)) {
        return this.#next(definition, [this.#missingRung(state, 'state', 'setAdvice')]);
      }
      return this.#next({
        ...definition,
        tracks: definition.tracks.map((t) =>
          t === track ? { ...t, states: t.states.map((s) => (s.id === stateId ? { ...s, advice } : s)) } : t,
        ),
      });
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
      if (!this.#hasRung(anchor)) issues.push(this.#missingRung(anchor, field, 'insertRung'));
      if (this.#hasRung(rung.id)) issues.push(this.#issue('duplicate_id', 'rung', `insertRung: rung ${quote(rung.id)} already exists`));
      if (issues.length > 0) return this.#next(this.#definition, issues);

      const { ladder } = this.#definition;
      const index = ladder.rungs.findIndex((r) => r.id === anchor);
      const rungs = [...ladder.rungs];
      rungs.splice('before' in position ? index : index + 1, 0, rung);
      const definition = { ...this.#definition, ladder: { ...ladder, rungs } };
      const retarget = <T extends Targeted>(t: T, source: string | null): T =>
        'before' in position
          ? t.target === anchor && source !== rung.id && source !== anchor
            ? { ...t, target: rung.id }
            : t
          : source === anchor && t.target !== undefined && t.target !== anchor
            ? { ...t, target: rung.id }
            : t;
      const moved = mapTargets(definition, retarget);
      const initial = 'before' in position && ladder.initial === anchor ? rung.id : moved.ladder.initial;
      return this.#next({ ...moved, ladder: { ...moved.ladder, initial } });
    });
  }

  /**
   * Adds a rung at the end of the ladder without rerouting anything: connect it with
   * {@link PlaybookBuilder.addTransitions} or with its own transitions.
   */
  addRung<const R extends RungSpec>(rung: R): PlaybookBuilder<WithRungs<D, RungSpecOf<D> | R>> {
    return this.#attempt('addRung', () => {
      if (this.#hasRung(rung.id)) {
        return this.#next(this.#definition, [this.#issue('duplicate_id', 'rung', `addRung: rung ${quote(rung.id)} already exists`)]);
      }
      const { ladder } = this.#definition;
      return this.#next({ ...this.#definition, ladder: { ...ladder, rungs: [...ladder.rungs, rung] } });
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
      if (!this.#hasRung(id)) return this.#next(this.#definition, [this.#missingRung(id, 'id', 'replaceRung')]);
      if (rung.id !== id && this.#hasRung(rung.id)) {
        return this.#next(this.#definition, [this.#issue('duplicate_id', 'rung', `replaceRung: rung ${quote(rung.id)} already exists`)]);
      }
      const { ladder } = this.#definition;
      const definition = {
        ...this.#definition,
        ladder: {
          ...ladder,
          initial: ladder.initial === id ? rung.id : ladder.initial,
          rungs: ladder.rungs.map((r) => (r.id === id ? rung : r)),
        },
      };
      return this.#next(mapTargets(definition, (t) => (t.target === id ? { ...t, target: rung.id } : t)));
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
      const led = [
        ...new Set([...(rung.on ?? []), ...(rung.after ?? [])].flatMap((t) => (t.target && t.target !== id ? [t.target] : []))),
      ];
      const target = options.rerouteTo ?? (led.length === 1 ? led[0] : undefined);
      const removed = new Set([...this.#removed, id]);
      if (target === undefined) {
        return this.#next(
          this.#definition,
          [
            this.#issue(
              'ambiguous_removal',
              'id',
              led.length === 0
                ? `removeRung: rung ${quote(id)} leads nowhere; give rerouteTo`
                : `removeRung: rung ${quote(id)} leads to ${led.map((t) => quote(t)).join(', ')}; give rerouteTo with one of them`,
            ),
          ],
          removed,
        );
      }
      if (target === id || !this.#hasRung(target)) {
        return this.#next(this.#definition, [this.#missingRung(target, 'rerouteTo', 'removeRung')], removed);
      }
      const { ladder } = this.#definition;
      const definition = {
        ...this.#definition,
        ladder: {
          ...ladder,
          initial: ladder.initial === id ? target : ladder.initial,
          rungs: ladder.rungs.filter((r) => r.id !== id),
        },
      };
      return this.#next(mapTargets(definition, (t) => (t.target === id ? { ...t, target } : t)), [], removed);
    });
  }

  /**
   * Adds transitions to a rung, or to every open rung with `'everyRung'` (for example, a
   * `threat.reported` that leads to a legal review from wherever the incident is).
   */
  addTransitions(rung: RungOf<D> | 'everyRung', transitions: readonly TransitionOf<D>[]): PlaybookBuilder<D> {
    return this.#attempt('addTransitions', () => {
      const { ladder } = this.#definition;
      if (rung === 'everyRung') {
        return this.#next({
          ...this.#definition,
          ladder: { ...ladder, fromEveryRung: [...(ladder.fromEveryRung ?? []), ...transitions] },
        });
      }
      if (!this.#hasRung(rung)) return this.#next(this.#definition, [this.#missingRung(rung, 'rung', 'addTransitions')]);
      return this.#next({
        ...this.#definition,
        ladder: {
          ...ladder,
          rungs: ladder.rungs.map((r) => (r.id === rung ? { ...r, on: [...(r.on ?? []), ...transitions] } : r)),
        },
      });
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
      return this.#next({ ...this.#definition, tracks: [...this.#definition.tracks, track] }, issues);
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
   * definition holds. On success, `data` is the plain copy that {@link safeParsePlaybook} checked.
   */
  safeBuild(options: ParsePlaybookOptions = {}): BuildResult<D> {
    const validation = safeParsePlaybook(this.#definition, options);
    const issues = [
      ...this.#issues,
      ...(validation.success ? [] : validation.error.issues.map((issue) => this.#explainRemoved(issue))),
    ];
    if (issues.length > 0 || !validation.success) return { success: false, error: new PlaybookDefinitionError(issues) };
    return { success: true, data: validation.data as D };
  }

  #explainRemoved(issue: Issue<PlaybookIssueCode>): Issue<PlaybookIssueCode> {
    if (issue.code !== 'unknown_rung') return issue;
    const id = [...this.#removed].find((removed) => issue.message.startsWith(`Unknown rung ${quote(removed)}`));
    return id === undefined ? issue : { ...issue, code: 'removed_rung_referenced', message: `Rung ${quote(id)} was removed but is still referenced` };
  }
}

/** Applies `map` to every targeted transition of the ladder, with the rung it starts from. */
function mapTargets(
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
