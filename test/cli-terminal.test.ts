/* eslint-disable no-control-regex -- the tests look for control characters and escape sequences */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inert, jsonText, style, writerFor } from '../src/cli/terminal.js';

/** What a terminal acts on (see cli-hostile.test.ts), the line feed included. */
const active = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Any UTF-16 string, lone surrogates included, with controls, separators and surrogates often. */
const codes = fc.oneof(
  fc.integer({ min: 0, max: 0xa0 }),
  fc.integer({ min: 0x2000, max: 0x2070 }),
  fc.integer({ min: 0xd7f0, max: 0xe010 }),
  fc.nat(0xffff),
);
const anyText = fc.string({ unit: codes.map((code) => String.fromCharCode(code)), maxLength: 200 });

function capture(isTTY: boolean) {
  const written: string[] = [];
  const stream = { isTTY, write: (chunk: string) => written.push(chunk) } as unknown as NodeJS.WriteStream;
  return { writer: writerFor(stream), output: () => written.join('') };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('inert', () => {
  it('escapes controls, separators, bidi controls and lone surrogates, and nothing else', () => {
    expect(inert('a\u001b[2J\u009b31m\n\r\t\u007f\u2028\u2029\u202e\u2066\ud800b')).toBe(
      'a\\u001b[2J\\u009b31m\\u000a\\u000d\\u0009\\u007f\\u2028\\u2029\\u202e\\u2066\\ud800b',
    );
    expect(inert('Équipe 🚒 «réponse» 日本 \\u001b')).toBe('Équipe 🚒 «réponse» 日本 \\u001b');
  });

  it('leaves no active character in any string, and changes nothing twice', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(inert(text)).not.toMatch(active);
        expect(inert(inert(text))).toBe(inert(text));
      }),
    );
  });
});

describe('jsonText', () => {
  it('is JSON of the same value, without any active character', () => {
    fc.assert(
      fc.property(anyText, anyText, (key, value) => {
        const text = jsonText({ [key]: [value] });
        expect(text).not.toMatch(active);
        expect(JSON.parse(text)).toEqual({ [key]: [value] });
      }),
    );
  });
});

describe('the writer', () => {
  it('applies the CLI own styles on a terminal, and escapes everything else', () => {
    vi.stubEnv('NO_COLOR', undefined);
    vi.stubEnv('TERM', 'xterm');
    const { writer, output } = capture(true);
    // Data that looks like a style mark, but without this process's random nonce.
    const forged = '\ue0000123456789abcdef1\ue001';
    writer.line(`${style.bold('Rung:')} ${style.accent('x')} ${forged}\u001b[2J\nnext`);
    writer.write(`${style.dim('?')} `);
    expect(output()).toBe(`\u001b[1mRung:\u001b[22m \u001b[36mx\u001b[39m ${forged}\\u001b[2J\\u000anext\n\u001b[2m?\u001b[22m `);
  });

  it('drops the styles when the stream is not a terminal, NO_COLOR is set or the terminal is dumb', () => {
    for (const [isTTY, env] of [
      [false, {}],
      [true, { NO_COLOR: '1' }],
      [true, { TERM: 'dumb' }],
    ] as const) {
      vi.unstubAllEnvs();
      vi.stubEnv('NO_COLOR', undefined);
      vi.stubEnv('TERM', 'xterm');
      for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
      const { writer, output } = capture(isTTY);
      writer.line(`${style.warn('careful')}: ${style.bold('\u009b31m')}`);
      expect(output()).toBe('careful: \\u009b31m\n');
    }
  });

  it('writes the CLI own multi-line text one escaped line at a time, and JSON on one line', () => {
    const { writer, output } = capture(false);
    writer.lines('first\nsecond \u001b[2J\n');
    writer.json({ note: 'a\u2028b\u009b' });
    expect(output()).toBe('first\nsecond \\u001b[2J\n{"note":"a\\u2028b\\u009b"}\n');
  });
});
