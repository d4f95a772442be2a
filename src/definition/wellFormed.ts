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

/**
 * The named guards a condition refers to, in order, whatever the shape of the rest of it: the
 * well-formed names directly in it or inside its `all`/`any` lists and `not`. Iterative; the
 * depth of conditions is bounded by reading the document first.
 */
export function guardNamesIn(condition: unknown): string[] {
  const names: string[] = [];
  const stack: unknown[] = [condition];
  while (stack.length > 0) {
    const node = stack.pop();
    const name = asId(node);
    if (name !== undefined) {
      names.push(name);
      continue;
    }
    const record = asRecord(node);
    if (record === undefined) continue;
    const parts = [...(asList(record.all) ?? []), ...(asList(record.any) ?? []), ...(Object.hasOwn(record, 'not') ? [record.not] : [])];
    for (let index = parts.length - 1; index >= 0; index--) stack.push(parts[index]);
  }
  return names;
}

/**
 * The comparisons of a condition that read the event (`event` or `event.<field>`), each with
 * its place inside the condition: wrong where a condition is evaluated with no event (advice,
 * drafts, severity rules).
 */
export function eventReadsIn(condition: unknown): { readonly at: readonly (string | number)[]; readonly path: string }[] {
  const found: { at: readonly (string | number)[]; path: string }[] = [];
  const stack: { node: unknown; at: readonly (string | number)[] }[] = [{ node: condition, at: [] }];
  while (stack.length > 0) {
    const { node, at } = stack.pop()!;
    const record = asRecord(node);
    if (record === undefined) continue;
    if (typeof record.path === 'string' && (record.path === 'event' || record.path.startsWith('event.'))) found.push({ at: [...at, 'path'], path: record.path });
    for (const key of ['all', 'any'] as const) asList(record[key])?.forEach((part, index) => stack.push({ node: part, at: [...at, key, index] }));
    if (Object.hasOwn(record, 'not')) stack.push({ node: record.not, at: [...at, 'not'] });
  }
  return found;
}

