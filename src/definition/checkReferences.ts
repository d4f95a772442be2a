import { builtinActionNames } from './builtins.js';
import { checkTexts } from './checkTexts.js';
import { conditionGuardNames } from './conditions.js';
import { toMilliseconds } from './durations.js';
import { ladderEdges, reachable, trackEdges } from './graph.js';
import { guardChains } from './guardChains.js';
import type { ParsePlaybookOptions } from './parsePlaybook.js';
import type { AdviceSpec, Condition, PlaybookDefinition, TransitionSpec } from './types.js';
import type { PlaybookIssueCode } from '../errors/errors.js';
import type { Issue } from '../errors/issues.js';
import { definitionLimitMessages, limitMessages } from '../limits.js';
import { quote } from '../quote.js';

type Path = (string | number)[];

/**
 * The checks of a well-shaped definition: duplicate and reserved ids, references to rungs,
 * states, events, guards, windows and actions, guard cycles and chains, durations, and the
 * ladder's and tracks' graphs (unreachable rungs and states, traps).
 */
export function checkReferences(definition: PlaybookDefinition, options: ParsePlaybookOptions): Issue<PlaybookIssueCode>[] {
  const issues: Issue<PlaybookIssueCode>[] = [];
  const add = (code: PlaybookIssueCode, path: Path, message: string) => issues.push({ code, path, message });
  const list = expectedNames;

  const guardNames = new Set([...Object.keys(definition.guards), ...namesIn(options.guards)]);
  const actionNames = new Set<string>([...builtinActionNames, ...namesIn(options.actions)]);
  const eventNames = new Set(Object.keys(definition.events));
  const windowNames = new Set(Object.keys(definition.windows));
  const rungs = definition.ladder.rungs;
  const rungIds = new Set<string>();
  rungs.forEach((rung, index) => {
    if (rungIds.has(rung.id)) add('duplicate_id', ['ladder', 'rungs', index, 'id'], `Rung id ${quote(rung.id)} is used twice`);
    if (rung.id === 'active') add('reserved_id', ['ladder', 'rungs', index, 'id'], 'The rung id "active" is reserved for the open incident');
    rungIds.add(rung.id);
  });
  const finalIds = new Set(rungs.filter((rung) => rung.final).map((rung) => rung.id));

  const checkCondition = (condition: Condition, path: Path) => {
    for (const name of conditionGuardNames(condition)) {
      if (!guardNames.has(name)) {
        add('unknown_guard', path, `Unknown guard ${quote(name)}; expected one of ${list(guardNames)}`);
      }
    }
  };
  const checkActions = (actions: readonly string[] | undefined, path: Path) => {
    actions?.forEach((action, index) => {
      if (!actionNames.has(action)) {
        add('unknown_action', [...path, index], `Unknown action ${quote(action)}; expected one of ${list(actionNames)}`);
      }
    });
  };
  const checkTransition = (transition: TransitionSpec, path: Path, targets: Set<string>, kind: 'rung' | 'state') => {
    if (!eventNames.has(transition.event)) {
      add('unknown_event', [...path, 'event'], `Event ${quote(transition.event)} is used but not declared in "events"`);
    }
    if (transition.target !== undefined && !targets.has(transition.target)) {
      add(kind === 'rung' ? 'unknown_rung' : 'unknown_state', [...path, 'target'], `Unknown ${kind} ${quote(transition.target)}; expected one of ${list(targets)}`);
    }
    if (transition.guard !== undefined) checkCondition(transition.guard, [...path, 'guard']);
    checkActions(transition.actions, [...path, 'actions']);
  };
  const checkAdvice = (advice: readonly AdviceSpec[], path: Path) => {
    advice.forEach((item, index) => {
      if (item.when !== undefined) checkCondition(item.when, [...path, index, 'when']);
      item.drafts?.forEach((draft, at) => {
        if (draft.when !== undefined) checkCondition(draft.when, [...path, index, 'drafts', at, 'when']);
      });
      item.because?.forEach((name, at) => {
        if (!guardNames.has(name)) {
          add('unknown_guard', [...path, index, 'because', at], `Unknown guard ${quote(name)}; expected one of ${list(guardNames)}`);
        }
      });
    });
  };

  // Guards: references, cycles and chains, in one linear pass over the guards.
  const chains = guardChains(definition.guards);
  for (const [name, guard] of Object.entries(definition.guards)) {
    checkCondition(guard.condition, ['guards', name, 'condition']);
    const chain = chains.get(name);
    if (chain === 'cycle') {
      add('guard_cycle', ['guards', name, 'condition'], `Guard ${quote(name)} refers back to itself`);
    } else if (chain !== undefined) {
      add(
        'guard_chain_too_long',
        ['guards', name, 'condition'],
        `Guard ${quote(name)} starts a chain of ${chain.length} named guards (${describeChain(chain)}): ${definitionLimitMessages.guardChain}`,
      );
    }
  }
  for (const [name, window] of Object.entries(definition.windows)) {
    if (toMilliseconds(window.duration) === undefined) {
      add('invalid_duration', ['windows', name, 'duration'], `Expected ${limitMessages.window}; received ${quote(window.duration)}`);
    }
  }
  for (const [type, spec] of Object.entries(definition.events)) {
    if (type.startsWith('xstate.')) {
      add('reserved_id', ['events', type], `Event types starting with "xstate." are XState's own; received ${quote(type)}`);
    }
    if (spec.payload && Object.hasOwn(spec.payload, 'type')) {
      add('reserved_field', ['events', type, 'payload', 'type'], 'The payload field "type" is reserved for the event type');
    }
  }

  // Ladder.
  if (!rungIds.has(definition.ladder.initial)) {
    add('unknown_rung', ['ladder', 'initial'], `Unknown rung ${quote(definition.ladder.initial)}; expected one of ${list(rungIds)}`);
  } else if (finalIds.has(definition.ladder.initial)) {
    add('final_initial', ['ladder', 'initial'], `The ladder cannot start on the final rung ${quote(definition.ladder.initial)}`);
  }
  if (finalIds.size === 0) add('no_final_rung', ['ladder', 'rungs'], 'Expected at least one rung with "final": true');
  definition.ladder.fromEveryRung?.forEach((transition, index) =>
    checkTransition(transition, ['ladder', 'fromEveryRung', index], rungIds, 'rung'),
  );
  rungs.forEach((rung, index) => {
    const path: Path = ['ladder', 'rungs', index];
    if (rung.final && ((rung.on?.length ?? 0) > 0 || (rung.after?.length ?? 0) > 0)) {
      add('final_with_transitions', path, `Final rung ${quote(rung.id)} cannot have transitions`);
    }
    rung.on?.forEach((transition, at) => checkTransition(transition, [...path, 'on', at], rungIds, 'rung'));
    rung.after?.forEach((after, at) => {
      const afterPath: Path = [...path, 'after', at];
      if (!windowNames.has(after.window)) {
        add('unknown_window', [...afterPath, 'window'], `Unknown window ${quote(after.window)}; expected one of ${list(windowNames)}`);
      }
      if (!rungIds.has(after.target)) {
        add('unknown_rung', [...afterPath, 'target'], `Unknown rung ${quote(after.target)}; expected one of ${list(rungIds)}`);
      }
      if (after.guard !== undefined) checkCondition(after.guard, [...afterPath, 'guard']);
      checkActions(after.actions, [...afterPath, 'actions']);
    });
    checkAdvice(rung.advice, [...path, 'advice']);
  });

  // Reachability and traps over the ladder, only when its references resolve.
  const graphBroken = issues.some(
    (issue) => issue.path[0] === 'ladder' && ['unknown_rung', 'final_initial', 'no_final_rung'].includes(issue.code),
  );
  if (!graphBroken) issues.push(...checkLadderGraph(definition, finalIds));

  // Side tracks.
  const regionIds = new Set(['ladder']);
  definition.tracks.forEach((track, index) => {
    const path: Path = ['tracks', index];
    if (regionIds.has(track.id)) add('duplicate_id', [...path, 'id'], `Track id ${quote(track.id)} is used twice (or is "ladder")`);
    regionIds.add(track.id);
    const stateIds = new Set<string>();
    track.states.forEach((state, at) => {
      if (stateIds.has(state.id)) {
        add('duplicate_id', [...path, 'states', at, 'id'], `State id ${quote(state.id)} is used twice in track ${quote(track.id)}`);
      }
      stateIds.add(state.id);
    });
    if (!stateIds.has(track.initial)) {
      add('unknown_state', [...path, 'initial'], `Unknown state ${quote(track.initial)}; expected one of ${list(stateIds)}`);
      return;
    }
    track.states.forEach((state, at) => {
      state.on?.forEach((transition, t) =>
        checkTransition(transition, [...path, 'states', at, 'on', t], stateIds, 'state'),
      );
      checkAdvice(state.advice, [...path, 'states', at, 'advice']);
    });
    const edges = trackEdges(track);
    const reached = reachable([track.initial], (id) => edges.get(id) ?? []);
    track.states.forEach((state, at) => {
      if (!reached.has(state.id)) {
        add('unreachable_state', [...path, 'states', at], `State ${quote(state.id)} of track ${quote(track.id)} cannot be reached from ${quote(track.initial)}`);
      }
    });
  });
  return issues;
}

/** Rungs that cannot be reached from the first rung, and open rungs from which no final rung can be reached (traps). */
function checkLadderGraph(definition: PlaybookDefinition, finalIds: ReadonlySet<string>): Issue<PlaybookIssueCode>[] {
  const issues: Issue<PlaybookIssueCode>[] = [];
  const edges = ladderEdges(definition);
  const fromStart = reachable([definition.ladder.initial], (id) => edges.get(id) ?? []);
  const reverse = new Map<string, string[]>();
  for (const [from, targets] of edges) {
    for (const target of targets) {
      const sources = reverse.get(target);
      if (sources) sources.push(from);
      else reverse.set(target, [from]);
    }
  }
  const leadsToFinal = reachable(finalIds, (id) => reverse.get(id) ?? []);
  definition.ladder.rungs.forEach((rung, index) => {
    if (!fromStart.has(rung.id)) {
      issues.push({ code: 'unreachable_rung', path: ['ladder', 'rungs', index], message: `Rung ${quote(rung.id)} cannot be reached from ${quote(definition.ladder.initial)}` });
    }
  });
  definition.ladder.rungs.forEach((rung, index) => {
    if (fromStart.has(rung.id) && !rung.final && !leadsToFinal.has(rung.id)) {
      issues.push({ code: 'trap', path: ['ladder', 'rungs', index], message: `No final rung can be reached from rung ${quote(rung.id)}` });
    }
  });
  issues.push(...checkTexts(definition));
  return issues;
}

/** Names for a message: the first ten, quoted, and how many more there are. */
function expectedNames(names: Iterable<string>): string {
  const all = [...names];
  const shown = all.slice(0, 10).map((name) => quote(name)).join(', ');
  return all.length > 10 ? `${shown} and ${all.length - 10} more` : shown;
}

/** The strings of an option that should list names (an array or another iterable); anything else lists none. */
function namesIn(names: unknown): string[] {
  const iterable = typeof names === 'object' && names !== null && Symbol.iterator in names;
  return iterable ? Array.from(names as Iterable<unknown>).filter((name): name is string => typeof name === 'string') : [];
}

function describeChain(chain: readonly string[]): string {
  const names = chain.map((name) => quote(name));
  return (names.length > 4 ? [...names.slice(0, 3), '…', names.at(-1)!] : names).join(' → ');
}

