import { builtinActionNames, builtinGuardNames, metadataFields, metadataMessage, prototypeFieldMessage, recordedEventTypes } from './builtins.js';
import { checkTexts } from './checkTexts.js';
import { toMilliseconds } from './durations.js';
import { type GraphRung, type GraphTransition, ladderEdges, reachable, sharedEventRecorders, sharedNode, trackEdges, unreachableEntries } from './graph.js';
import { guardChains } from './guardChains.js';
import type { ParsePlaybookOptions } from './parsePlaybook.js';
import { asDurationShape, asEventType, asId, asList, asRecord, comparisonsIn, eventReadsIn, guardNamesIn } from './wellFormed.js';
import { factAnswers, factNames } from './facts.js';
import type { PlaybookIssueCode } from '../errors/errors.js';
import type { Issue } from '../errors/issues.js';
import { definitionLimitMessages, groupDigits, limitMessages, limits } from '../limits.js';
import { quote } from '../quote.js';
import { suggestion } from '../suggest.js';

type Path = (string | number)[];

/** What a transition's target names: a rung, a track state, or a rung for an `after` move. */
type TransitionKind = 'rung' | 'state' | 'after';

/** A transition as the graph sees it, and whether it has a target that leads nowhere known. */
interface CheckedTransition extends GraphTransition {
  /** The target is malformed, unknown, or among targets that cannot be known (a malformed list). */
  readonly dangling: boolean;
}

/** A rung or track state as the graph sees it, with its index in its list. */
interface Node extends GraphRung {
  readonly index: number;
  readonly on: readonly GraphTransition[];
  readonly after: readonly GraphTransition[];
  /** Some way out leads nowhere known: a dangling target, or a malformed list or item of transitions. */
  readonly open: boolean;
  /** `final` is there but malformed: the rung may be meant as final. */
  readonly maybeFinal: boolean;
}

/**
 * The checks beyond the shape, run on every part of the document that has the right shape
 * (see {@link asId} and the other readers), whatever is wrong elsewhere: duplicate and reserved
 * ids, references to rungs, states, events, guards, windows and actions, guard cycles and
 * chains, durations, and the ladder's and tracks' graphs (unreachable rungs and states,
 * traps) over their well-formed part. A reference is checked only when the names it can refer
 * to are known: when `events`, `guards`, `windows`, the rungs or a track's states are not a
 * record or a list, references to them are not checked (zod reports the cause). Graph problems
 * that follow from another problem are not reported; see the rules in the custom playbooks
 * guide ("Every problem at once, in one order").
 */
export function checkReferences(document: unknown, options: ParsePlaybookOptions): Issue<PlaybookIssueCode>[] {
  const issues: Issue<PlaybookIssueCode>[] = [];
  const add = (code: PlaybookIssueCode, path: Path, message: string) => issues.push({ code, path, message });
  const list = expectedNames;
  const suggesting: Suggesting = new Map();
  const meant = (typed: string, names: ReadonlySet<string>) => didYouMean(typed, names, suggesting);
  const root = asRecord(document) ?? {};
  const events = asRecord(root.events);
  const guards = asRecord(root.guards);
  const windows = asRecord(root.windows);
  const ladder = asRecord(root.ladder);

  // The names a reference can be checked against; `undefined` when they cannot be known.
  const guardNames = guards && new Set([...Object.keys(guards), ...namesIn(options.guards)]);
  const actionNames = new Set<string>([...builtinActionNames, ...namesIn(options.actions)]);
  const eventNames = events && new Set(Object.keys(events));
  const windowNames = windows && new Set(Object.keys(windows));
  // The kinds of threat the playbook's events can report (`undefined`, any text, when one takes free text or gives its own schema).
  const threatKinds = threatKindsIn(events);

  const checkGuardNames = (names: readonly string[], path: Path) => {
    if (guardNames === undefined) return;
    for (const name of names) {
      if (!guardNames.has(name)) add('unknown_guard', path, `Unknown guard ${quote(name)}${meant(name, guardNames)}; expected one of ${list(guardNames)}`);
    }
  };
  const checkCondition = (condition: unknown, path: Path) => {
    checkGuardNames(guardNamesIn(condition), path);
    checkComparisons(condition, path);
  };
  /**
   * A comparison reads a fact the incident records, and compares it with a value the fact can
   * take; `threats` with a kind of threat the playbook records: else, a typo, it never holds.
   */
  const checkComparisons = (condition: unknown, path: Path) => {
    for (const { at, comparison } of comparisonsIn(condition)) {
      const where = [...path, ...at];
      const fact = comparison.path.startsWith('facts.') ? comparison.path.slice('facts.'.length) : undefined;
      if (fact !== undefined) {
        if (!Object.hasOwn(factAnswers, fact)) {
          add('unknown_fact', [...where, 'path'], `Unknown fact ${quote(fact)}${meant(fact, factNameSet)}; the facts are ${factNames.join(', ')}`);
          continue;
        }
        const answers = factAnswers[fact as keyof typeof factAnswers] as readonly unknown[];
        const { texts, written } = factValues.get(fact)!;
        for (const [key, values] of [['equals', [comparison.equals]], ['in', asList(comparison.in) ?? []]] as const) {
          if (!Object.hasOwn(comparison, key)) continue;
          values.forEach((value, index) => {
            // Only values of the kinds a comparison takes: anything else is the shape check's to report.
            if (value !== null && typeof value === 'object') return;
            if (!answers.includes(value)) {
              const place = key === 'in' ? [...where, key, index] : [...where, key];
              add('unknown_value', place, `Fact ${quote(fact)} is never ${quote(value)}${typeof value === 'string' ? meant(value, texts) : ''}; it is one of ${written}`);
            }
          });
        }
      } else if (comparison.path === 'threats' && threatKinds !== undefined && Object.hasOwn(comparison, 'includes') && !threatKinds.has(comparison.includes as string)) {
        add('unknown_value', [...where, 'includes'], `No threat of kind ${quote(comparison.includes)} is ever recorded${typeof comparison.includes === 'string' ? meant(comparison.includes, threatKinds) : ''}; the kinds are ${list(threatKinds)}`);
      }
    }
  };
  /** A condition evaluated with no event at hand (advice, drafts, severity rules): it may not compare the event. */
  const checkEventlessCondition = (condition: unknown, path: Path, where: string) => {
    checkCondition(condition, path);
    for (const read of eventReadsIn(condition)) {
      add('event_without_event', [...path, ...read.at], `${where} is evaluated with no event at hand, so it cannot read ${quote(read.path)}; compare facts, threats or supporters instead`);
    }
    // Through named guards too: `when: "isLegalThreat"` reads the event as much as its condition does.
    for (const name of new Set(guardNamesIn(condition))) {
      const read = eventReadOf(name);
      if (read !== undefined) {
        add('event_without_event', path, `${where} is evaluated with no event at hand, so it cannot use the guard ${quote(name)}, which reads ${quote(read)}; use a guard that compares facts, threats or supporters`);
      }
    }
  };
  /** The first `event…` path the named guard reads, itself or through the guards it names; `undefined` for none. */
  const eventReads = new Map<string, string | undefined>();
  const eventReadOf = (name: string, depth = 0): string | undefined => {
    if (eventReads.has(name)) return eventReads.get(name);
    // Past the longest chain a playbook may have (reported as guard_chain_too_long): no deeper.
    if (depth > limits.guardChain) return undefined;
    eventReads.set(name, undefined); // a cycle (reported as such) reads nothing more
    const spec = guards !== undefined && Object.hasOwn(guards, name) ? asRecord(guards[name]) : undefined;
    const condition = spec?.condition;
    let read = condition === undefined ? undefined : eventReadsIn(condition)[0]?.path;
    if (read === undefined && condition !== undefined) {
      for (const inner of guardNamesIn(condition)) if ((read = eventReadOf(inner, depth + 1)) !== undefined) break;
    }
    eventReads.set(name, read);
    return read;
  };
  const checkActions = (actions: unknown, path: Path) => {
    asList(actions)?.forEach((item, index) => {
      const action = asId(item);
      if (action !== undefined && !actionNames.has(action)) {
        add('unknown_action', [...path, index], `Unknown action ${quote(action)}${meant(action, actionNames)}; expected one of ${list(actionNames)}`);
      }
    });
  };
  /**
   * Checks a transition (`kind` says what its target names; `'after'` for an `after` move of a
   * rung, with a window and a required target) and returns what the graph needs of it.
   */
  const checkTransition = (
    transition: Readonly<Record<string, unknown>>,
    path: Path,
    targets: ReadonlySet<string> | undefined,
    kind: TransitionKind,
  ): CheckedTransition => {
    const event = kind === 'after' ? undefined : asEventType(transition.event);
    if (event !== undefined && eventNames !== undefined && !eventNames.has(event)) {
      add('unknown_event', [...path, 'event'], `Event ${quote(event)}${meant(event, eventNames)} is used but not declared in "events"; the events are ${list(eventNames)}`);
    }
    if (kind === 'after') {
      const window = asId(transition.window);
      if (window !== undefined && windowNames !== undefined && !windowNames.has(window)) {
        add('unknown_window', [...path, 'window'], `Unknown window ${quote(window)}${meant(window, windowNames)}; expected one of ${list(windowNames)}`);
      }
    }
    let target = asId(transition.target);
    if (target !== undefined && targets !== undefined && !targets.has(target)) {
      const noun = kind === 'state' ? 'state' : 'rung';
      add(kind === 'state' ? 'unknown_state' : 'unknown_rung', [...path, 'target'], `Unknown ${noun} ${quote(target)}${meant(target, targets)}; expected one of ${list(targets)}`);
      target = undefined;
    }
    if (targets === undefined) target = undefined;
    if (Object.hasOwn(transition, 'guard')) checkCondition(transition.guard, [...path, 'guard']);
    checkActions(transition.actions, [...path, 'actions']);
    // Without a target, a transition stays; an `after` move needs one.
    return { event, target, dangling: target === undefined && (kind === 'after' || transition.target !== undefined) };
  };
  /** Checks a list of transitions; `open` when the list, an item or a target leads nowhere known. */
  const checkTransitions = (value: unknown, path: Path, targets: ReadonlySet<string> | undefined, kind: TransitionKind) => {
    const items = asList(value);
    let open = value !== undefined && items === undefined;
    const checked: GraphTransition[] = [];
    items?.forEach((item, index) => {
      const transition = asRecord(item);
      if (transition === undefined) {
        open = true;
        return;
      }
      const result = checkTransition(transition, [...path, index], targets, kind);
      open ||= result.dangling;
      checked.push(result);
    });
    return { transitions: checked, open };
  };
  const checkAdvice = (value: unknown, path: Path) => {
    asList(value)?.forEach((entry, index) => {
      const item = asRecord(entry);
      if (item === undefined) return;
      if (Object.hasOwn(item, 'when')) checkEventlessCondition(item.when, [...path, index, 'when'], 'Advice');
      asList(item.drafts)?.forEach((entry, at) => {
        const draft = asRecord(entry);
        if (draft !== undefined && Object.hasOwn(draft, 'when')) checkEventlessCondition(draft.when, [...path, index, 'drafts', at, 'when'], 'A draft');
      });
      asList(item.because)?.forEach((entry, at) => {
        const name = asId(entry);
        if (name !== undefined && guardNames !== undefined && !guardNames.has(name)) {
          add('unknown_guard', [...path, index, 'because', at], `Unknown guard ${quote(name)}${meant(name, guardNames)}; expected one of ${list(guardNames)}`);
        }
      });
    });
  };
  /** The well-formed ids of a list of rungs or states, reporting duplicates. */
  const collectIds = (items: readonly unknown[], path: Path, duplicate: (id: string) => string) => {
    const ids = new Set<string>();
    items.forEach((item, index) => {
      const id = asId(asRecord(item)?.id);
      if (id === undefined) return;
      if (ids.has(id)) add('duplicate_id', [...path, index, 'id'], duplicate(id));
      ids.add(id);
    });
    return ids;
  };

  // Guards: references, cycles and chains, in one linear pass over the guards.
  if (guards !== undefined) {
    const references = new Map<string, string[]>();
    for (const [name, guard] of Object.entries(guards)) {
      const spec = asRecord(guard);
      const names = spec !== undefined && Object.hasOwn(spec, 'condition') ? guardNamesIn(spec.condition) : [];
      references.set(name, names);
      checkGuardNames(names, ['guards', name, 'condition']);
      if (spec !== undefined && Object.hasOwn(spec, 'condition')) checkComparisons(spec.condition, ['guards', name, 'condition']);
    }
    for (const name of references.keys()) {
      if ((builtinGuardNames as readonly string[]).includes(name)) {
        add('reserved_id', ['guards', name], `The guard name ${quote(name)} is the library's own (${builtinGuardNames.join(', ')}); choose another`);
      }
    }
    const chains = guardChains(references);
    for (const [name, chain] of chains) {
      if (chain === 'cycle') {
        add('guard_cycle', ['guards', name, 'condition'], `Guard ${quote(name)} refers back to itself`);
      } else {
        add(
          'guard_chain_too_long',
          ['guards', name, 'condition'],
          `Guard ${quote(name)} starts a chain of ${chain.length} named guards (${describeChain(chain)}): ${definitionLimitMessages.guardChain}`,
        );
      }
    }
    // Without cycles or over-long chains, how many named guards each one stands for once its
    // references are written out: a short chain that refers twice to the guard below it at every
    // step stands for 2^32 of them, and evaluating it visits them all.
    if (chains.size === 0) {
      const expanded = new Map<string, number>();
      const sizeOf = (name: string): number => {
        let size = expanded.get(name);
        if (size !== undefined) return size;
        size = 1;
        for (const ref of references.get(name)!) if (references.has(ref)) size = Math.min(size + sizeOf(ref), limits.guardExpansion + 1);
        expanded.set(name, size);
        return size;
      };
      for (const name of references.keys()) {
        const size = sizeOf(name);
        if (size > limits.guardExpansion) {
          add('too_large', ['guards', name, 'condition'], `Guard ${quote(name)} stands for more than ${groupDigits(limits.guardExpansion)} named guards once its references are written out: ${definitionLimitMessages.guardExpansion}`);
        }
      }
    }
  }
  for (const [name, window] of Object.entries(windows ?? {})) {
    const duration = asDurationShape(asRecord(window)?.duration);
    if (duration !== undefined && toMilliseconds(duration) === undefined) {
      add('invalid_duration', ['windows', name, 'duration'], `Expected ${limitMessages.window}; received ${quote(duration)}`);
    }
  }
  for (const [type, spec] of Object.entries(events ?? {})) {
    if (type.startsWith('xstate.')) {
      add('reserved_id', ['events', type], `Event types starting with "xstate." are XState's own; received ${quote(type)}`);
    }
    if ((Object.values(recordedEventTypes) as string[]).includes(type)) {
      add('reserved_id', ['events', type], `The event type ${quote(type)} is the library's own timeline entry (a window ran out, a reminder fell due)`);
    }
    const payload = asRecord(asRecord(spec)?.payload);
    if (payload !== undefined && Object.hasOwn(payload, 'type')) {
      add('reserved_field', ['events', type, 'payload', 'type'], 'The payload field "type" is reserved for the event type');
    }
    for (const field of metadataFields) {
      if (payload !== undefined && Object.hasOwn(payload, field)) add('reserved_field', ['events', type, 'payload', field], metadataMessage(field));
    }
    // An optional field left out would read the one every object has (a function), and the event be refused.
    for (const field of payload === undefined ? [] : Object.keys(payload)) {
      if (field in Object.prototype && asRecord(payload![field])?.optional === true) {
        add('reserved_field', ['events', type, 'payload', field], prototypeFieldMessage(field));
      }
    }
    // `updateFacts` merges an event's facts into the incident's: only the facts kind can hold them.
    const facts = payload !== undefined && Object.hasOwn(payload, 'facts') ? asRecord(payload.facts) : undefined;
    if (facts !== undefined && facts.type !== 'facts') {
      add('reserved_field', ['events', type, 'payload', 'facts', 'type'], `The payload field "facts" holds the incident's facts: its type is "facts"; received ${quote(facts.type)}`);
    }
  }

  // Ladder.
  if (ladder !== undefined) checkLadder(ladder);

  // Side tracks.
  const regionIds = new Set(['ladder']);
  asList(root.tracks)?.forEach((item, index) => {
    const track = asRecord(item);
    if (track === undefined) return;
    const path: Path = ['tracks', index];
    const id = asId(track.id);
    if (id !== undefined) {
      if (regionIds.has(id)) add('duplicate_id', [...path, 'id'], `Track id ${quote(id)} is used twice (or is "ladder")`);
      if (id === 'severity') add('reserved_id', [...path, 'id'], 'The track id "severity" is reserved: advice of a severity level comes from it');
      regionIds.add(id);
    }
    const states = asList(track.states);
    const stateIds = states && collectIds(states, [...path, 'states'], (state) => `State id ${quote(state)} is used twice in track ${quote(id ?? String(index))}`);
    const initial = asId(track.initial);
    const startKnown = initial !== undefined && stateIds !== undefined && stateIds.has(initial);
    if (initial !== undefined && stateIds !== undefined && !startKnown) {
      add('unknown_state', [...path, 'initial'], `Unknown state ${quote(initial)}${meant(initial, stateIds)}; expected one of ${list(stateIds)}`);
    }
    const nodes: Node[] = [];
    states?.forEach((entry, at) => {
      const state = asRecord(entry);
      if (state === undefined) return;
      const statePath: Path = [...path, 'states', at];
      const on = checkTransitions(state.on, [...statePath, 'on'], stateIds, 'state');
      checkAdvice(state.advice, [...statePath, 'advice']);
      nodes.push({ id: asId(state.id), index: at, on: on.transitions, after: [], open: on.open, maybeFinal: false });
    });
    if (!startKnown) return;
    const edges = trackEdges({ states: nodes });
    const next = (state: string) => edges.get(state) ?? [];
    const reached = reachable([initial, ...targetsOfNodesWithoutId(nodes)], next);
    const entries = unreachableEntries(nodes.flatMap((node) => (node.id === undefined ? [] : [node.id])), reached, next);
    for (const node of nodes) {
      const others = node.id === undefined ? undefined : entries.get(node.id);
      if (others === undefined) continue;
      add(
        'unreachable_state',
        [...path, 'states', node.index],
        `State ${quote(node.id)} of track ${quote(id ?? String(index))} cannot be reached from ${quote(initial)}${andOthers(others, 'state')}`,
      );
    }
  });
  // Severity: unique levels, known levels in rules, their conditions and advice, durations.
  const severity = asRecord(root.severity);
  if (severity !== undefined) {
    const levels = asList(severity.levels);
    const levelIds = levels && collectIds(levels, ['severity', 'levels'], (level) => `Severity level ${quote(level)} is used twice`);
    levels?.forEach((entry, index) => {
      const level = asRecord(entry);
      if (level === undefined) return;
      const duration = asDurationShape(level.respondWithin);
      if (duration !== undefined && toMilliseconds(duration) === undefined) {
        add('invalid_duration', ['severity', 'levels', index, 'respondWithin'], `Expected ${limitMessages.window}; received ${quote(duration)}`);
      }
      checkAdvice(level.advice, ['severity', 'levels', index, 'advice']);
    });
    asList(severity.rules)?.forEach((entry, index) => {
      const rule = asRecord(entry);
      if (rule === undefined) return;
      if (Object.hasOwn(rule, 'when')) checkEventlessCondition(rule.when, ['severity', 'rules', index, 'when'], 'A severity rule');
      const level = asId(rule.level);
      if (level !== undefined && levelIds !== undefined && !levelIds.has(level)) {
        add('unknown_level', ['severity', 'rules', index, 'level'], `Unknown severity level ${quote(level)}${meant(level, levelIds)}; expected one of ${list(levelIds)}`);
      }
    });
  }
  issues.push(...checkTexts(document));
  checkCountedOnce(root, add);
  const expanded = compiledTransitions(root);
  if (expanded > limits.compiledTransitions) {
    add('too_large', ['ladder', 'rungs'], `The playbook compiles to ${groupDigits(expanded)} transitions and actions: ${definitionLimitMessages.compiledTransitions}`);
  }
  return issues;

  /** Follow-ups wait on a window the rung itself has an `after` move for. */
  function checkFollowUps(rung: Readonly<Record<string, unknown>>, path: Path, id: string | undefined, final: boolean): void {
    const followUps = asRecord(rung.followUps);
    if (followUps === undefined) return;
    const name = id === undefined ? String(path.at(-1)) : quote(id);
    if (final) {
      add('final_with_transitions', [...path, 'followUps'], `Final rung ${name} cannot send follow-ups`);
      return;
    }
    const window = asId(followUps.window);
    if (window === undefined) return;
    const windows = (asList(rung.after) ?? []).map((after) => asId(asRecord(after)?.window));
    if (!windows.includes(window)) {
      add('unknown_window', [...path, 'followUps', 'window'], `Follow-ups wait on the window ${quote(window)}, but rung ${name} has no "after" move on it`);
    }
  }

  function checkLadder(ladder: Readonly<Record<string, unknown>>): void {
    const rungs = asList(ladder.rungs);
    const rungIds = rungs && collectIds(rungs, ['ladder', 'rungs'], (id) => `Rung id ${quote(id)} is used twice`);
    const shared = checkTransitions(ladder.fromEveryRung, ['ladder', 'fromEveryRung'], rungIds, 'rung');
    const nodes: Node[] = [];
    rungs?.forEach((entry, index) => {
      const path: Path = ['ladder', 'rungs', index];
      const rung = asRecord(entry);
      if (rung === undefined) {
        nodes.push({ index, on: [], after: [], open: true, maybeFinal: true });
        return;
      }
      const id = asId(rung.id);
      if (id === 'active') add('reserved_id', [...path, 'id'], 'The rung id "active" is reserved for the open incident');
      if (id === 'everyRung') add('reserved_id', [...path, 'id'], 'The rung id "everyRung" is reserved: extendPlaybook(...).addTransitions("everyRung", …) means every open rung');
      const final = rung.final === true;
      if (final && ((asList(rung.on)?.length ?? 0) > 0 || (asList(rung.after)?.length ?? 0) > 0)) {
        add('final_with_transitions', path, `Final rung ${id === undefined ? index : quote(id)} cannot have transitions`);
      }
      const on = checkTransitions(rung.on, [...path, 'on'], rungIds, 'rung');
      const after = checkTransitions(rung.after, [...path, 'after'], rungIds, 'after');
      asList(rung.after)?.forEach((move, at) => {
        if (id !== undefined && asRecord(move)?.target === id) {
          add(
            'after_to_own_rung',
            [...path, 'after', at, 'target'],
            `A window of rung ${quote(id)} cannot lead back to ${quote(id)}: its deadline would stay due and run out again and again; to wait again, give the rung "followUps"`,
          );
        }
      });
      checkFollowUps(rung, path, id, final);
      checkAdvice(rung.advice, [...path, 'advice']);
      nodes.push({
        id,
        index,
        final,
        on: on.transitions,
        after: after.transitions,
        open: on.open || after.open,
        maybeFinal: rung.final !== undefined && typeof rung.final !== 'boolean',
      });
    });
    const finalIds = new Set(nodes.flatMap((node) => (node.final && node.id !== undefined ? [node.id] : [])));
    const initial = asId(ladder.initial);
    let start: string | undefined;
    if (initial !== undefined && rungIds !== undefined) {
      if (!rungIds.has(initial)) {
        add('unknown_rung', ['ladder', 'initial'], `Unknown rung ${quote(initial)}${meant(initial, rungIds)}; expected one of ${list(rungIds)}`);
      } else if (finalIds.has(initial)) {
        add('final_initial', ['ladder', 'initial'], `The ladder cannot start on the final rung ${quote(initial)}`);
      } else {
        start = initial;
      }
    }
    const finalUnknown = nodes.some((node) => node.maybeFinal);
    if (nodes.length > 0 && finalIds.size === 0 && !finalUnknown) {
      add('no_final_rung', ['ladder', 'rungs'], 'Expected at least one rung with "final": true');
    }
    if (rungs === undefined) return;
    issues.push(...checkLadderGraph(nodes, shared, start, finalIds));
  }
}

const factNameSet: ReadonlySet<string> = new Set(factNames);

/** Each fact's values: those that are text (for a suggestion), and all of them written out (for the message). */
const factValues = new Map(
  Object.entries(factAnswers).map(([fact, answers]) => [
    fact,
    { texts: new Set((answers as readonly unknown[]).filter((answer): answer is string => typeof answer === 'string')), written: answers.map((answer) => quote(answer)).join(', ') },
  ]),
);

/** The enum values of the events' `kind` payload fields, and "other": what `threats` can hold; `undefined` when some event's kind is free text. */
function threatKindsIn(events: Readonly<Record<string, unknown>> | undefined): ReadonlySet<string> | undefined {
  if (events === undefined) return undefined;
  const kinds = new Set<string>(['other']);
  for (const spec of Object.values(events)) {
    const record = asRecord(spec);
    if (record?.schema !== undefined) return undefined;
    const kind = asRecord(asRecord(record?.payload)?.kind);
    if (kind === undefined) continue;
    if (kind.type !== 'enum') return undefined;
    for (const value of asList(kind.values) ?? []) if (typeof value === 'string') kinds.add(value);
  }
  return kinds;
}

/** The built-in actions that count what an event reports (threats, supporters): once per event, as a stored incident's check counts them. */
const countingActions = ['recordThreat', 'recordSupport'] as const;

/**
 * A counting action runs at most once per event: not twice in one transition's actions, nor for
 * the same event in two regions by moves without a guard (the ladder and a side track, or two
 * tracks, each take the event), which would count one reported threat twice, and make every
 * stored incident of it unreadable.
 */
function checkCountedOnce(root: Readonly<Record<string, unknown>>, add: (code: PlaybookIssueCode, path: Path, message: string) => void): void {
  const ladder = asRecord(root.ladder);
  // Each region's transitions, with their paths: the ladder's (every rung's and the shared ones), then each track's.
  const regions: { name: string; transitions: { transition: Readonly<Record<string, unknown>>; path: Path }[] }[] = [];
  const collect = (list: unknown, path: Path, into: (typeof regions)[number]['transitions']) =>
    asList(list)?.forEach((item, index) => {
      const transition = asRecord(item);
      if (transition !== undefined) into.push({ transition, path: [...path, index] });
    });
  const ladderTransitions: (typeof regions)[number]['transitions'] = [];
  collect(ladder?.fromEveryRung, ['ladder', 'fromEveryRung'], ladderTransitions);
  asList(ladder?.rungs)?.forEach((rung, index) => {
    collect(asRecord(rung)?.on, ['ladder', 'rungs', index, 'on'], ladderTransitions);
    collect(asRecord(rung)?.after, ['ladder', 'rungs', index, 'after'], ladderTransitions);
  });
  regions.push({ name: 'the ladder', transitions: ladderTransitions });
  asList(root.tracks)?.forEach((entry, index) => {
    const track = asRecord(entry);
    const transitions: (typeof regions)[number]['transitions'] = [];
    asList(track?.states)?.forEach((state, at) => collect(asRecord(state)?.on, ['tracks', index, 'states', at, 'on'], transitions));
    regions.push({ name: `track ${quote(asId(track?.id) ?? index)}`, transitions });
  });
  for (const action of countingActions) {
    // The first region to count each event.
    const countedIn = new Map<string, string>();
    for (const region of regions) {
      const events = new Set<string>();
      for (const { transition, path } of region.transitions) {
        const actions = asList(transition.actions)?.map(asId) ?? [];
        const at = actions.indexOf(action);
        if (at === -1) continue;
        if (actions.indexOf(action, at + 1) !== -1) {
          add('counted_twice', [...path, 'actions', actions.indexOf(action, at + 1)], `${quote(action)} is listed twice: one event would be counted twice`);
        }
        const event = typeof transition.event === 'string' ? transition.event : undefined;
        // Only moves taken whatever the event says: two guarded ones may exclude each other
        // (a legal threat counted by the ladder, any other by the track).
        if (event === undefined || events.has(event) || transition.guard !== undefined) continue;
        events.add(event);
        const other = countedIn.get(event);
        if (other === undefined) countedIn.set(event, region.name);
        else {
          add(
            'counted_twice',
            [...path, 'actions', at],
            `${quote(action)} already runs for ${quote(event)} in ${other}, and each region takes the event: one ${quote(event)} would be counted twice; run it in one region only`,
          );
        }
      }
    }
  }
}

/**
 * How many transitions the compiled machine has, each counted with its actions, from the
 * playbook's shape: every open rung gets its own moves (its window moves with a fallback per
 * window and one for its follow-ups), a copy of each move from every rung and a recording stay
 * for each event it records for the other regions (an event handled by the ladder and a side
 * track is recorded once, by the region that lists it first); every side-track state gets its own
 * moves and the stays of its track. Compiling takes time and memory in proportion.
 */
function compiledTransitions(root: Readonly<Record<string, unknown>>): number {
  const ladder = asRecord(root.ladder);
  const rungs = (asList(ladder?.rungs) ?? []).map(asRecord).filter((rung) => rung !== undefined);
  const tracks = (asList(root.tracks) ?? []).map((track) => (asList(asRecord(track)?.states) ?? []).map(asRecord).filter((state) => state !== undefined));
  const eventsOf = (on: unknown) => (asList(on) ?? []).map((transition) => asRecord(transition)?.event).filter((event) => typeof event === 'string');
  // A transition and its actions: each copy of a move carries its own list of them.
  const weigh = (list: unknown) => (asList(list) ?? []).reduce<number>((sum, transition) => sum + 1 + (asList(asRecord(transition)?.actions)?.length ?? 0), 0);
  // A rung's window moves, plus one fallback per window (the window is over when no move applies) and the follow-up.
  const afterOf = (rung: Readonly<Record<string, unknown>>) => {
    const after = asList(rung.after) ?? [];
    const windows = new Set(after.map((move) => asRecord(move)?.window));
    return weigh(after) + windows.size + (rung.followUps !== undefined ? 1 : 0);
  };
  const fromEveryRung = weigh(ladder?.fromEveryRung);
  // The region that records each event, and the events each region lists.
  const regions = [[...eventsOf(ladder?.fromEveryRung), ...rungs.flatMap((rung) => eventsOf(rung.on))], ...tracks.map((states) => states.flatMap((state) => eventsOf(state.on)))];
  const stays = regions.map(() => 0);
  for (const region of sharedEventRecorders(regions).values()) stays[region]!++;
  let count = 0;
  for (const rung of rungs) {
    if (rung.final === true) continue;
    count += weigh(rung.on) + afterOf(rung) + fromEveryRung + stays[0]!;
  }
  tracks.forEach((states, index) => {
    for (const state of states) count += weigh(state.on) + stays[index + 1]!;
  });
  return count;
}

/** What the rungs or states without a well-formed id lead to: they may be reached once their id is fixed. */
function targetsOfNodesWithoutId(nodes: readonly Node[]): string[] {
  return nodes.flatMap((node) => (node.id === undefined ? [...node.on, ...node.after].flatMap((t) => (t.target === undefined ? [] : [t.target])) : []));
}

/**
 * Rungs that cannot be reached from the first rung, and open rungs from which no final rung
 * can be reached (traps), over the well-formed part of the ladder: only targets that name a
 * rung are edges. What follows from another problem is not reported: without a known first
 * rung that is open (`start`), nothing is unreachable; a rung with a way out that leads nowhere
 * known (or a `final` that is malformed) might lead to a final rung, and so might every rung
 * that can reach it; without any final rung (`no_final_rung`), there are no traps.
 */
function checkLadderGraph(
  nodes: readonly Node[],
  shared: { readonly transitions: readonly GraphTransition[]; readonly open: boolean },
  start: string | undefined,
  finalIds: ReadonlySet<string>,
): Issue<PlaybookIssueCode>[] {
  const issues: Issue<PlaybookIssueCode>[] = [];
  const edges = ladderEdges({ fromEveryRung: shared.transitions, rungs: nodes });
  const next = (id: string) => edges.get(id) ?? [];
  const fromStart = start === undefined ? undefined : reachable([start, ...targetsOfNodesWithoutId(nodes)], next);
  const ids = nodes.flatMap((node) => (node.id === undefined ? [] : [node.id]));
  const entries = fromStart && unreachableEntries([...ids, sharedNode], fromStart, next, (id) => id !== sharedNode);
  const reverse = new Map<string, string[]>();
  for (const [from, targets] of edges) {
    for (const target of targets) {
      const sources = reverse.get(target);
      if (sources) sources.push(from);
      else reverse.set(target, [from]);
    }
  }
  const mayEnd = [
    ...finalIds,
    ...nodes.flatMap((node) => (node.id !== undefined && (node.open || node.maybeFinal) ? [node.id] : [])),
    ...(shared.open ? [sharedNode] : []),
  ];
  const leadsToFinal = reachable(mayEnd, (id) => reverse.get(id) ?? []);
  for (const node of nodes) {
    if (node.id === undefined) continue;
    if (fromStart !== undefined && !fromStart.has(node.id)) {
      // Only the rungs the unreachable part is entered by: the others follow from them.
      const others = entries?.get(node.id);
      if (others === undefined) continue;
      const message = `Rung ${quote(node.id)} cannot be reached from ${quote(start)}${andOthers(others, 'rung')}`;
      issues.push({ code: 'unreachable_rung', path: ['ladder', 'rungs', node.index], message });
    } else if (mayEnd.length > 0 && !node.final && !leadsToFinal.has(node.id)) {
      issues.push({ code: 'trap', path: ['ladder', 'rungs', node.index], message: `No final rung can be reached from rung ${quote(node.id)}` });
    }
  }
  return issues;
}

/** For the message of an unreachable rung or state: the others it leads to, not reported apart. */
function andOthers(count: number, noun: string): string {
  return count === 0 ? '' : ` (nor can the ${count === 1 ? `${noun}` : `${count} ${noun}s`} it leads to)`;
}

/** Names for a message: the first ten, quoted, and how many more there are. */
function expectedNames(names: ReadonlySet<string>): string {
  // Written once per set of names: a playbook can hold a hundred thousand references to unknown names.
  let text = listed.get(names);
  if (text === undefined) {
    const shown: string[] = [];
    for (const name of names) {
      if (shown.length === 10) break;
      shown.push(quote(name));
    }
    text = names.size > 10 ? `${shown.join(', ')} and ${names.size - 10} more` : shown.join(', ');
    listed.set(names, text);
  }
  return text;
}

const listed = new WeakMap<ReadonlySet<string>, string>();

/**
 * ` (did you mean "…"?)` for a name close to one of `names` (a typo), else nothing. Not looked for
 * among thousands of names, nor for more than a hundred unknown names of one set: a hostile
 * playbook can hold a hundred thousand.
 */
function didYouMean(typed: string, names: ReadonlySet<string>, suggesting: Suggesting): string {
  if (names.size > 2_000) return '';
  let known = suggesting.get(names);
  if (known === undefined) suggesting.set(names, (known = { choices: [...names], left: 100 }));
  if (known.left <= 0) return '';
  known.left--;
  return suggestion(typed, known.choices);
}

/** What one check of a playbook has suggested so far, per set of names: the budget is each check's own. */
type Suggesting = Map<ReadonlySet<string>, { readonly choices: readonly string[]; left: number }>;

/** The strings of an option that should list names (an array or another iterable); anything else lists none. */
function namesIn(names: unknown): string[] {
  const iterable = typeof names === 'object' && names !== null && Symbol.iterator in names;
  return iterable ? Array.from(names as Iterable<unknown>).filter((name): name is string => typeof name === 'string') : [];
}

function describeChain(chain: readonly string[]): string {
  const names = chain.map((name) => quote(name));
  return (names.length > 4 ? [...names.slice(0, 3), '…', names.at(-1)!] : names).join(' → ');
}
