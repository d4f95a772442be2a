import { durationTextMaxLength, eventTypeMaxLength, eventTypePattern, idPattern } from './schema.js';

/**
 * Readers of one field of a playbook document that may have the wrong shape: each returns the
 * value when it, alone, has the shape the schema requires, and `undefined` otherwise (zod
 * reports why). They let the reference and graph checks use every well-formed part of a
 * document whose other parts are broken.
 */

/** A well-formed id (of a rung, state, track, guard, window or action). */
export function asId(value: unknown): string | undefined {
  return typeof value === 'string' && idPattern.test(value) ? value : undefined;
}

/** A well-formed event type. */
export function asEventType(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= eventTypeMaxLength && eventTypePattern.test(value) ? value : undefined;
}

/** A duration of the right type (a number, or text short enough); whether it is a valid length is checked apart. */
export function asDurationShape(value: unknown): number | string | undefined {
  return typeof value === 'number' || (typeof value === 'string' && value.length <= durationTextMaxLength) ? value : undefined;
}

/** A list (the items may be malformed). */
export function asList(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** An object that is not a list (the fields may be malformed). */
export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A node of a condition and where it is: under `key` (and at `index` of that list, else -1) of `parent`; no parent for the whole condition. */
interface ConditionPlace {
  readonly node: unknown;
  readonly parent: ConditionPlace | undefined;
  readonly key: string;
  readonly index: number;
}

/** The keys from the whole condition to the node of `place`. */
function pathTo(place: ConditionPlace): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: ConditionPlace | undefined = place; at?.parent !== undefined; at = at.parent) {
    if (at.index >= 0) path.push(at.index);
    path.push(at.key);
  }
  return path.reverse();
}

/**
 * Calls `visit` on every node of a condition, whatever the shape of the rest of it, in document
 * order: a node, then the items of its `all` list, the items of its `any` list and its `not`.
 * Iterative; the depth of conditions is bounded by reading the document first.
 */
function visitCondition(condition: unknown, visit: (place: ConditionPlace) => void): void {
  const stack: ConditionPlace[] = [{ node: condition, parent: undefined, key: '', index: -1 }];
  while (stack.length > 0) {
    const place = stack.pop()!;
    visit(place);
    const record = asRecord(place.node);
    if (record === undefined) continue;
    const all = asList(record.all);
    const any = asList(record.any);
    // Pushed last first, so that they come out in document order.
    if (Object.hasOwn(record, 'not')) stack.push({ node: record.not, parent: place, key: 'not', index: -1 });
    if (any !== undefined) for (let index = any.length - 1; index >= 0; index--) stack.push({ node: any[index], parent: place, key: 'any', index });
    if (all !== undefined) for (let index = all.length - 1; index >= 0; index--) stack.push({ node: all[index], parent: place, key: 'all', index });
  }
}

/**
 * The named guards a condition refers to, in order, whatever the shape of the rest of it: the
 * well-formed names directly in it or inside its `all`/`any` lists and `not`.
 */
export function guardNamesIn(condition: unknown): string[] {
  const names: string[] = [];
  visitCondition(condition, ({ node }) => {
    const name = asId(node);
    if (name !== undefined) names.push(name);
  });
  return names;
}

/** The comparisons of a condition (`{ path, equals | in | includes | atLeast }`), each with its place inside the condition. */
export function comparisonsIn(condition: unknown): { readonly at: readonly (string | number)[]; readonly comparison: Readonly<Record<string, unknown>> & { readonly path: string } }[] {
  const found: { at: readonly (string | number)[]; comparison: Readonly<Record<string, unknown>> & { readonly path: string } }[] = [];
  visitCondition(condition, (place) => {
    const record = asRecord(place.node);
    if (record !== undefined && typeof record.path === 'string') found.push({ at: pathTo(place), comparison: record as Readonly<Record<string, unknown>> & { readonly path: string } });
  });
  return found;
}

/**
 * The comparisons of a condition that read the event (`event` or `event.<field>`), in order,
 * each with its place inside the condition: wrong where a condition is evaluated with no event
 * (advice, drafts, severity rules).
 */
export function eventReadsIn(condition: unknown): { readonly at: readonly (string | number)[]; readonly path: string }[] {
  return comparisonsIn(condition)
    .filter(({ comparison }) => comparison.path === 'event' || comparison.path.startsWith('event.'))
    .map(({ at, comparison }) => ({ at: [...at, 'path'], path: comparison.path }));
}
