import { randomBytes } from 'node:crypto';
import { oneLine } from '../errors/issues.js';

// What oneLine leaves but a terminal still acts on: bidirectional-text controls reorder what
// is shown, and lone surrogates are not text at all.
const alsoEscaped = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const hex = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Text from outside (a file, an answer, an error message) as one inert line: C0 and C1
 * controls, DEL, line and paragraph separators and bidirectional controls become `\uXXXX`.
 */
export function inert(text: string): string {
  return oneLine(text).replace(alsoEscaped, hex);
}

/**
 * JSON for output. `JSON.stringify` escapes C0 controls and lone surrogates but leaves DEL, C1
 * controls and U+2028/2029 raw; `inert` turns those into `\uXXXX`, which is still valid JSON
 * since they can only occur inside strings.
 */
export function jsonText(value: unknown): string {
  return inert(JSON.stringify(value));
}

// A style is a mark the writer turns into an ANSI code or drops. Marks carry a random nonce
// drawn at start-up, so text from a file can never contain one and so never style itself.
const nonce = randomBytes(8).toString('hex');
const mark = (code: number) => `\ue000${nonce}${code}\ue001`;
const marks = new RegExp(`\ue000${nonce}(\\d+)\ue001`);

const wrap = (open: number, close: number) => (text: string) => `${mark(open)}${text}${mark(close)}`;

/** The CLI's own styles. They are only marks: the writer applies them, on a terminal only. */
export const style = { bold: wrap(1, 22), dim: wrap(2, 22), accent: wrap(36, 39), warn: wrap(33, 39) } as const;

/** Whether a stream gets colour: a terminal, NO_COLOR not set, and not a dumb terminal. */
export function colourOn(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

/**
 * All human output goes through a writer. Everything it is given is escaped with `inert`
 * except the marks of `style`, so no call site can pass an escape sequence or a line break
 * from data to the terminal.
 */
export interface Writer {
  /** Exactly one line. */
  line(text?: string): void;
  /** Text without a line end: a prompt. */
  write(text: string): void;
  /** The CLI's own multi-line text (help, a Mermaid diagram): one `line` per line. */
  lines(text: string): void;
  /** One line of JSON (see `jsonText`). */
  json(value: unknown): void;
}

export function writerFor(stream: NodeJS.WriteStream): Writer {
  const colour = colourOn(stream);
  const render = (text: string) =>
    // split with one capture group alternates text, code, text, code, ..., text.
    text
      .split(marks)
      .map((part, index) => (index % 2 === 0 ? inert(part) : colour ? `\u001b[${part}m` : ''))
      .join('');
  const write = (text: string) => void stream.write(render(text));
  const line = (text = '') => void stream.write(`${render(text)}\n`);
  return {
    line,
    write,
    lines: (text) => text.replace(/\n$/, '').split('\n').forEach((each) => line(each)),
    json: (value) => void stream.write(`${jsonText(value)}\n`),
  };
}
