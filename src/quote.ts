import { groupDigits, limits } from './limits.js';

// Characters JSON.stringify leaves as they are but a terminal or a log may act on.
const unsafe = /[\u007f-\u009f\u2028\u2029]/g;
const escapeUnsafe = (text: string) => text.replace(unsafe, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

const plural = (count: number, one: string, many = `${one}s`) => `${groupDigits(count)} ${count === 1 ? one : many}`;

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `text` with every lone half of a surrogate pair (what cutting a text between the two halves of
 * an emoji leaves) replaced by U+FFFD, as `String.prototype.toWellFormed` does: such a text
 * cannot be encoded as UTF-8, and PostgreSQL refuses it in `jsonb` and `text`.
 */
export const wellFormed = (text: string): string => text.replace(loneSurrogate, '\ufffd');

/**
 * A value as it arrived, for a message: JSON where it can be, cut to about `max` characters
 * with a note of how long the value was, and always one line of printable text. Cycles,
 * BigInts, functions, symbols, deep nesting and objects whose properties throw are described
 * rather than failing.
 */
export function quote(value: unknown, max: number = limits.quoteLength): string {
  try {
    // Cut to length, a text can end in half an emoji.
    return wellFormed(escapeUnsafe(render(value, max)));
  } catch {
    return 'a value that cannot be read';
  }
}

function render(value: unknown, max: number): string {
  if (typeof value === 'string') {
    if (value.length <= max) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, max))}… (a string of ${plural(value.length, 'character')})`;
  }
  if (value === null || typeof value !== 'object') return primitive(value);
  const budget = { left: max };
  const text = compound(value, budget, new Set(), 0);
  if (budget.left >= 0) return text;
  return `${text.slice(0, max)}… (${sizeOf(value)})`;
}

function primitive(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
      return `${String(value).slice(0, 40)}n`;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return `a symbol${value.description ? ` (${JSON.stringify(value.description.slice(0, 40))})` : ''}`;
    case 'function':
      return `a function${value.name ? ` (${JSON.stringify(value.name.slice(0, 40))})` : ''}`;
    case 'string':
      return JSON.stringify(value);
    default:
      return String(value);
  }
}

function sizeOf(value: object): string {
  try {
    return Array.isArray(value) ? `an array of ${plural(value.length, 'item')}` : `an object with ${plural(Object.keys(value).length, 'key')}`;
  } catch {
    return 'an object';
  }
}

/** JSON-like text of an object or array, stopping once the budget is spent. */
function compound(value: object, budget: { left: number }, seen: Set<object>, depth: number): string {
  if (seen.has(value)) return spend(budget, '[Circular]');
  if (value instanceof Date) return spend(budget, Number.isNaN(value.getTime()) ? 'Invalid Date' : JSON.stringify(value.toISOString()));
  if (depth >= 8) return spend(budget, Array.isArray(value) ? '[…]' : '{…}');
  seen.add(value);
  const array = Array.isArray(value);
  const parts: string[] = [];
  let text = spend(budget, array ? '[' : '{');
  const keys = array ? null : Object.keys(value);
  const length = array ? value.length : keys!.length;
  for (let index = 0; index < length && budget.left >= 0; index++) {
    const key = array ? index : keys![index]!;
    const child = (value as Record<string | number, unknown>)[key];
    const prefix = `${index > 0 ? ',' : ''}${array ? '' : `${JSON.stringify(String(key).slice(0, 40))}:`}`;
    parts.push(spend(budget, prefix));
    if (child !== null && typeof child === 'object') parts.push(compound(child, budget, seen, depth + 1));
    else if (typeof child === 'string') parts.push(spend(budget, JSON.stringify(child.slice(0, Math.max(0, budget.left) + 1))));
    else parts.push(spend(budget, primitive(child)));
  }
  seen.delete(value);
  text += parts.join('');
  return text + spend(budget, array ? ']' : '}');
}

function spend(budget: { left: number }, text: string): string {
  budget.left -= text.length;
  return text;
}
