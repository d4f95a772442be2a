import type { PlaybookIssueCode } from '../errors/errors.js';
import { definitionLimitMessages, limits } from '../limits.js';
import { quote } from '../quote.js';
import type { Issue } from '../errors/issues.js';

type Path = (string | number)[];

/**
 * Where a value sits in a playbook, as far as reading it needs to know: conditions (to count
 * their `all`/`any`/`not` nesting), the lists of `all`/`any` (whose items count as one level
 * with the list), and the zod `schema` of an event (kept as it is).
 */
type Position =
  | 'plain'
  | 'root'
  | 'events'
  | 'event'
  | 'eventSchema'
  | 'guards'
  | 'guard'
  | 'ladder'
  | 'transitions'
  | 'transition'
  | 'rungs'
  | 'rung'
  | 'adviceList'
  | 'advice'
  | 'drafts'
  | 'draft'
  | 'severity'
  | 'severityLevels'
  | 'severityLevel'
  | 'severityRules'
  | 'severityRule'
  | 'tracks'
  | 'track'
  | 'condition'
  | 'operands';

/**
 * The position of the children of a value at each position: one position for every child, or
 * one per key (any other key is `plain`). A track state's children are placed like a rung's.
 */
const grammar: Partial<Record<Position, Position | Partial<Record<string, Position>>>> = {
  root: { events: 'events', guards: 'guards', ladder: 'ladder', tracks: 'tracks', severity: 'severity' },
  events: 'event',
  event: { schema: 'eventSchema' },
  guards: 'guard',
  guard: { condition: 'condition' },
  ladder: { fromEveryRung: 'transitions', rungs: 'rungs' },
  transitions: 'transition',
  transition: { guard: 'condition' },
  rungs: 'rung',
  rung: { on: 'transitions', after: 'transitions', advice: 'adviceList' },
  adviceList: 'advice',
  advice: { when: 'condition', drafts: 'drafts' },
  drafts: 'draft',
  severity: { levels: 'severityLevels', rules: 'severityRules' },
  severityLevels: 'severityLevel',
  severityLevel: { advice: 'adviceList' },
  severityRules: 'severityRule',
  severityRule: { when: 'condition' },
  draft: { when: 'condition' },
  tracks: 'track',
  track: { states: 'rungs' },
  condition: { not: 'condition', all: 'operands', any: 'operands' },
  operands: 'condition',
};

/** The position of the value under `key` of a value at `position`. */
function childPosition(position: Position, key: string | number): Position {
  const next = grammar[position];
  return typeof next === 'string' ? next : (next !== undefined && Object.hasOwn(next, key) && next[key]) || 'plain';
}

/**
 * What stands in for a value that could not be taken into the copy (too deep, circular or
 * unreadable). zod refuses it, and its issues there are dropped: the reading issue says why.
 */
const cut: unique symbol = Symbol('cut');

/** What stands in for a condition nested too deep: valid, so that the rest is still checked. */
const placeholderCondition = { path: 'facts', equals: null };

const reservedKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** The result of {@link readDefinition}. */
export interface ReadDefinition {
  /** A plain copy of what could be read; only meaningful when `complete`. */
  readonly value: unknown;
  /** Problems found while reading, in document order. */
  readonly issues: Issue<PlaybookIssueCode>[];
  /** False when reading stopped early (the document is over {@link limits.definitionNodes}). */
  readonly complete: boolean;
  /** Paths where a value was left out of the copy; zod's issues at or under them say nothing new. */
  readonly cuts: readonly Path[];
}

/** A path as a chain of links, turned into an array only for an issue. */
interface Link {
  readonly parent: Link | null;
  readonly key: string | number;
}

function pathOf(link: Link | null): Path {
  const path: Path = [];
  // The root's link (without a parent) only says where the copy of the whole document goes.
  for (let at = link; at !== null && at.parent !== null; at = at.parent) path.push(at.key);
  return path.reverse();
}

interface Frame {
  readonly value: unknown;
  readonly link: Link;
  readonly depth: number;
  readonly position: Position;
  /** How many `all`/`any`/`not` enclose this value, when it is a condition. */
  readonly level: number;
  /** Where the copy of this value goes: its parent's copy, under `key`. */
  readonly into: Record<string | number, unknown>;
}

/**
 * Reads a playbook document into a plain copy, iteratively (any depth, any size, no stack
 * overflow) and once (getters and Proxy traps run once; what is copied is what gets checked):
 * own enumerable properties of objects, items of arrays, every other value as it is (zod then
 * reports what is not JSON). The zod `schema` of an event is kept as it is. Reports, at the
 * path where each happens: nesting beyond {@link limits.definitionDepth} (`too_deep`),
 * conditions nested beyond {@link limits.conditionDepth} (`condition_too_deep`), values that
 * contain themselves (`circular_reference`), values that throw when read (`unreadable_value`),
 * keys that reach prototypes (`reserved_key`), and more than {@link limits.definitionNodes}
 * values (`too_large`, which stops the reading). Never throws.
 */
export function readDefinition(input: unknown): ReadDefinition {
  const issues: Issue<PlaybookIssueCode>[] = [];
  const cuts: Path[] = [];
  const holder: Record<string | number, unknown> = {};
  let count = 0;
  const ancestors = new Set<object>();
  // Frames to read, and `leave` markers that take an object off the ancestors once its
  // children are read; the last pushed is read first, so children are pushed in reverse.
  const stack: (Frame | { readonly leave: object })[] = [
    { value: input, link: { parent: null, key: 'value' }, depth: 0, position: 'root', level: 0, into: holder },
  ];
  const keyOf = (frame: Frame) => frame.link.key;
  const cutAt = (link: Link, into: Record<string | number, unknown>, code: PlaybookIssueCode, message: string) => {
    const path = pathOf(link);
    issues.push({ code, path, message });
    cuts.push(path);
    into[link.key] = cut;
  };
  const unreadable = (error: unknown) => `This value cannot be read: reading it threw ${describeError(error)}`;
  const tooLarge = (path: Path): ReadDefinition => {
    issues.push({ code: 'too_large', path, message: `Too large: ${definitionLimitMessages.definitionNodes}; checking stopped here` });
    return { value: undefined, issues, complete: false, cuts };
  };

  while (stack.length > 0) {
    const frame = stack.pop()!;
    if ('leave' in frame) {
      ancestors.delete(frame.leave);
      continue;
    }
    count++;
    const { value, link, into } = frame;
    if (count > limits.definitionNodes) return tooLarge(pathOf(link));
    if (value === null || typeof value !== 'object') {
      into[keyOf(frame)] = value;
      continue;
    }
    if (ancestors.has(value)) {
      cutAt(link, into, 'circular_reference', 'This value contains itself (a circular reference); a playbook is plain data');
      continue;
    }
    if (frame.depth > limits.definitionDepth) {
      cutAt(link, into, 'too_deep', `Nested too deep: ${definitionLimitMessages.definitionDepth}`);
      continue;
    }
    const children: Frame[] = [];
    const depth = frame.position === 'operands' ? frame.depth : frame.depth + 1; // an `all`/`any` list is one level with its items
    const child = (key: string | number, item: unknown, copy: Record<string | number, unknown>) => {
      const position = childPosition(frame.position, key);
      const level = frame.position === 'condition' && position !== 'plain' ? frame.level + 1 : frame.level;
      children.push({ value: item, link: { parent: link, key }, depth, position, level, into: copy });
    };
    /** Reads `source[key]`; a getter or Proxy trap that throws cuts that value only. */
    const read = (source: Record<string | number, unknown>, key: string | number, copy: Record<string | number, unknown>) => {
      let item: unknown;
      try {
        item = source[key];
      } catch (error) {
        cutAt({ parent: link, key }, copy, 'unreadable_value', unreadable(error));
        return;
      }
      child(key, item, copy);
    };
    try {
      if (frame.position === 'eventSchema' && '_zod' in value) {
        into[keyOf(frame)] = value; // a TypeScript-only zod schema: checked by safeParsePlaybook, not copied
        continue;
      }
      if (Array.isArray(value)) {
        const length = value.length;
        if (length > limits.definitionNodes - count) return tooLarge(pathOf(link));
        const copy: unknown[] = new Array(length);
        for (let index = 0; index < length; index++) read(value as unknown as Record<number, unknown>, index, copy as unknown as Record<number, unknown>);
        into[keyOf(frame)] = copy;
      } else {
        const keys = Object.keys(value);
        if (keys.length > limits.definitionNodes - count) return tooLarge(pathOf(link));
        if (frame.position === 'condition' && frame.level >= limits.conditionDepth && keys.some((key) => key === 'all' || key === 'any' || key === 'not')) {
          issues.push({ code: 'condition_too_deep', path: pathOf(link), message: `Condition nested too deep: ${definitionLimitMessages.conditionDepth}` });
          into[keyOf(frame)] = placeholderCondition;
          continue;
        }
        const copy: Record<string, unknown> = {};
        for (const key of keys) {
          if (reservedKeys.has(key)) {
            issues.push({ code: 'reserved_key', path: [...pathOf(link), key], message: `The key ${quote(key)} is not allowed in a playbook` });
          } else {
            read(value as Record<string, unknown>, key, copy);
          }
        }
        into[keyOf(frame)] = copy;
      }
    } catch (error) {
      cutAt(link, into, 'unreadable_value', unreadable(error));
      continue;
    }
    ancestors.add(value);
    stack.push({ leave: value });
    for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]!);
  }
  return { value: holder.value, issues, complete: true, cuts };
}

/** An error, thrown by anything, as short text for a message; never throws. */
export function describeError(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${quote(error.message)}` : quote(error);
  } catch {
    return 'an error that cannot be read';
  }
}

interface TrieNode {
  cut: boolean;
  readonly children: Map<string | number, TrieNode>;
}

/**
 * A test of whether a zod issue only restates a value that {@link readDefinition} left out: at
 * or under a cut, or a union (a condition, a duration...) that failed around one. Linear in
 * the lengths of the paths.
 */
export function aboutCuts(cuts: readonly Path[]): (issue: Issue<PlaybookIssueCode>) => boolean {
  const root: TrieNode = { cut: false, children: new Map() };
  for (const path of cuts) {
    let node = root;
    for (const key of path) {
      let next = node.children.get(key);
      if (!next) node.children.set(key, (next = { cut: false, children: new Map() }));
      node = next;
    }
    node.cut = true;
  }
  return (issue) => {
    if (cuts.length === 0) return false;
    let node = root;
    for (const key of issue.path) {
      if (node.cut) return true;
      const next = node.children.get(key);
      if (!next) return false;
      node = next;
    }
    return node.cut || issue.code === 'invalid_union';
  };
}
