/**
 * Every limit of the library, in one place: input, definitions, live incidents and stored
 * documents all check these same numbers, and each limit has one message that names it.
 *
 * @example
 * ```ts
 * import { limits } from 'crisis-playbook';
 *
 * console.log(limits.windowMs); // 2147483647 (about 24.8 days)
 * ```
 *
 * @category Errors
 */
export const limits = {
  /** The longest waiting window: 2^31 - 1 ms (about 24.8 days), the longest a timer can wait. */
  windowMs: 2_147_483_647,
  /** The most entries an incident's timeline keeps, live or stored. */
  timelineEntries: 10_000,
  /** The longest free text (notes, reasons, payload strings), in characters. */
  textLength: 2000,
  /** The longest name of who recorded an event (`by`), in characters. */
  byLength: 120,
  /** The longest event type and the longest other short name, in characters. */
  nameLength: 100,
  /** The longest time string (ISO 8601), in characters. */
  timeLength: 40,
  /** The earliest time an incident can be processed at (epoch ms): 1970-01-01T00:00:00.000Z. */
  earliestTime: 0,
  /**
   * The latest time an incident can be processed at (epoch ms): 9999-12-01T00:00:00.000Z, so
   * that every deadline (at most {@link limits.windowMs} later) still has a four-digit year.
   */
  latestTime: 253_399_622_400_000,
  /**
   * The longest stored incident accepted as JSON text, in characters (160 MiB): more than the
   * largest document the other limits allow (about 135 million characters, with every text
   * at its longest and full of characters JSON must escape), so a document longer than this
   * is refused before it is parsed.
   */
  storedDocumentLength: 160 * 1024 * 1024,
  /** The deepest nesting of objects and arrays in a playbook definition. */
  definitionDepth: 64,
  /** The most values (objects, arrays, strings, numbers...) in a playbook definition. */
  definitionNodes: 200_000,
  /** The deepest nesting of `all`/`any`/`not` in one condition. */
  conditionDepth: 32,
  /** The longest chain of named guards referring to named guards. */
  guardChain: 32,
  /** The most named guards one guard stands for once its references are written out (each evaluation visits them all). */
  guardExpansion: 10_000,
  /**
   * The most transitions a playbook compiles to, each counted with its actions: each open rung's
   * moves (and a fallback per window), with a copy of every move from every rung and of every
   * event it records for a side track, and each side-track state's (compiling 20,000 takes
   * about 0.2 s; it grows with rungs × shared events).
   */
  compiledTransitions: 20_000,
  /** The most characters of a value quoted in a message. */
  quoteLength: 120,
  /** The most follow-ups a rung can send before it moves on (`followUps.max`). */
  followUps: 10,
} as const;

const day = 86_400_000;

/**
 * A whole number with its thousands grouped by commas, as `toLocaleString('en-US')` writes it
 * (`200000` → `200,000`), without loading the locale data, which costs ≈ 15 ms of CPU the first
 * time any locale-aware formatting runs in a process (and these messages are built at import).
 */
export function groupDigits(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** The one message of each limit, used by every check that enforces it. */
export const limitMessages = {
  // Rounded down: a window of the rounded-up 24.9 days would be over the limit.
  window: `a positive duration of at most ${limits.windowMs} ms (about ${Math.floor((limits.windowMs / day) * 10) / 10} days), such as 86400000 or "24h"`,
  timeline: `The timeline holds ${limits.timelineEntries} entries, the most an incident keeps; it takes no more events (not even one that closes it): open a new incident for what follows`,
  time: `a time from ${new Date(limits.earliestTime).toISOString()} to ${new Date(limits.latestTime).toISOString()}`,
  text: `text of at most ${limits.textLength} characters without control characters other than tab and line breaks`,
  storedDocument: `a stored incident of at most ${limits.storedDocumentLength} characters`,
} as const;

/** The one message of each limit of playbook definitions (apart, so that running incidents do not carry them). */
export const definitionLimitMessages = {
  definitionDepth: `a playbook nests objects and arrays at most ${limits.definitionDepth} levels deep (the list of an "all" or "any" counts as one level with its items)`,
  definitionNodes: `a playbook holds at most ${groupDigits(limits.definitionNodes)} values (objects, arrays, strings, numbers...)`,
  conditionDepth: `a condition nests "all", "any" and "not" at most ${limits.conditionDepth} levels deep`,
  guardChain: `a chain of named guards, each referring to the next, is at most ${limits.guardChain} guards long`,
  guardExpansion: `a guard stands for at most ${groupDigits(limits.guardExpansion)} named guards once its references (and theirs) are written out`,
  compiledTransitions: `a playbook compiles to at most ${groupDigits(limits.compiledTransitions)} transitions, each counted with its actions (every open rung gets a copy of each move from every rung and of each event shared with a side track: fewer rungs, or fewer events shared between the ladder and the side tracks)`,
} as const;

/** Whether `time` (epoch ms) is a time an incident can be processed at. */
export function isProcessableTime(time: number): boolean {
  return Number.isFinite(time) && time >= limits.earliestTime && time <= limits.latestTime;
}

// C0 controls other than tab, line feed and carriage return; DEL and C1 controls; lone surrogates.
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const forbiddenInText = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a string is acceptable free text: no control characters but tab and line breaks, no lone surrogates. */
export function isCleanText(text: string): boolean {
  return !forbiddenInText.test(text);
}

/** Whether `text` is clean text on one line (no tab or line break): who recorded an event (`by`). */
export function isOneLineText(text: string): boolean {
  return isCleanText(text) && !/[\r\n\t]/.test(text);
}
