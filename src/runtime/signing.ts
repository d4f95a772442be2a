import { incidentError } from '../errors/errors.js';
import { hmacSha256 } from './hmac.js';
import { canonical, inOrder, isObject, notPlain, sortedKeys, startsWith, type StoredIncident } from './storedIncident.js';

/**
 * Tamper evidence for stored incidents: with `signing` set, {@link createIncidentRuntime} signs
 * every document it writes (HMAC-SHA256 over the document's canonical JSON) and refuses any
 * document whose signature does not match, with the code `invalid_signature`.
 *
 * A document whose signature verifies is read without the shape and consistency checks (the
 * runtime checked it when it wrote it), which makes reading it several times cheaper; set
 * `checkSigned` to check it all the same.
 *
 * @example
 * ```ts
 * import { crisisMachine } from 'crisis-playbook';
 * import { createIncidentRuntime, type SigningOptions } from 'crisis-playbook/server';
 *
 * const signing: SigningOptions = { keys: [process.env.INCIDENT_KEY ?? 'a-secret-of-at-least-32-characters!!'] };
 * const runtime = createIncidentRuntime({ playbooks: [crisisMachine], signing });
 *
 * // Check signed documents in full too (slower), for a key shared with less trusted writers.
 * const careful = createIncidentRuntime({ playbooks: [crisisMachine], signing: { ...signing, checkSigned: true } });
 * ```
 *
 * @category Server runtime
 */
export interface SigningOptions {
  /**
   * Secret keys of at least 32 bytes (text is taken as UTF-8). The first signs; every one
   * verifies, so a new key goes first and the old one stays until every document was written
   * again.
   */
  readonly keys: readonly (string | Uint8Array)[];
  /**
   * Accept documents that carry no signature (they are signed when next written): for
   * incidents stored before signing was turned on. Documents with a wrong signature are
   * refused all the same.
   *
   * @defaultValue false
   */
  readonly acceptUnsigned?: boolean;
  /**
   * Check signed documents in full as well: their shape and their consistency with the
   * playbook, as unsigned ones are. By default a document whose signature verifies is taken
   * as written, without those checks: only a holder of one of the keys can have written it, and
   * the runtime checks everything it writes (see "Signing stored incidents" in docs/server.md).
   * Turn this on when a key is shared with code you trust less than this runtime, or with
   * runtimes that have other playbooks under the same ids and versions.
   *
   * @defaultValue false
   */
  readonly checkSigned?: boolean;
}

const prefix = 'hmac-sha256.';
const encoder = new TextEncoder();

/** The text `sign` wrote of each document it signed (its canonical JSON, maybe in pieces), and the signature. */
const written = new WeakMap<object, { readonly text: string | readonly string[]; readonly signature: string }>();

/**
 * `JSON.stringify(document)` for a document `sign` returned, from the text it signed (no second
 * writing): `undefined` for any other document. Right as long as the document is not changed
 * in place, which a signed document never may be (it would no longer verify).
 */
export function signedJson(document: object): string | undefined {
  const known = written.get(document);
  if (known === undefined) return undefined;
  const body = (typeof known.text === 'string' ? known.text : known.text.join('')).slice(0, -1);
  return `${body}${body.length > 1 ? ',' : ''}"signature":${JSON.stringify(known.signature)}}`;
}

/**
 * A document whose objects all have their keys in canonical order, as its signature showed:
 * `JSON.stringify` of any part of it is that part's canonical JSON. `timeline`: the text of its
 * timeline, when it was written apart.
 */
export interface Ordered {
  readonly document: object;
  readonly timeline?: { readonly list: readonly unknown[]; readonly text: string } | undefined;
}

/** What `verify` found: `trusted` as in {@link Signer.verify}; `ordered` when the document is in canonical order. */
export interface Verified {
  readonly trusted: boolean;
  readonly ordered?: Ordered;
}

export interface Signer {
  /**
   * `document` signed, with every object in canonical key order, so that the JSON a host
   * writes of it is its canonical JSON. `before`: the document read before (see `verify`):
   * the parts `document` shares with it are not looked at or written again. `check` gets the
   * length of its JSON (without the signature) before it is signed.
   */
  sign(document: StoredIncident, before?: Ordered, check?: (length: number) => void): StoredIncident;
  /**
   * Throws `invalid_signature` unless the document is signed by one of the keys (or unsigned
   * and accepted). `text`: the JSON it was read from, if any.
   */
  verify(document: Readonly<Record<string, unknown>>, text?: string): Verified;
}

export function createSigner(options: SigningOptions): Signer {
  if (!Array.isArray(options.keys) || options.keys.length === 0) {
    throw new TypeError('signing.keys must list at least one key');
  }
  const keys = options.keys.map((key, index) => {
    const bytes = typeof key === 'string' ? encoder.encode(key) : key instanceof Uint8Array ? key : undefined;
    if (bytes === undefined || bytes.length < 32) {
      throw new TypeError(`signing.keys[${index}] must be a string or Uint8Array of at least 32 bytes`);
    }
    return bytes;
  });
  const signatureOf = (key: Uint8Array, text: string | readonly string[]) => prefix + toBase64Url(hmacSha256(key, text));
  // Every key is tried, so the time taken does not tell which key (if any) matched.
  const matches = (text: string | readonly string[], signature: unknown) => {
    let valid = false;
    for (const key of keys) valid = equal(signatureOf(key, text), signature) || valid;
    return valid;
  };
  return {
    sign(document, before, check) {
      const { signature: _, ...unsigned } = document as StoredIncident & Record<string, unknown>;
      const ordered = inOrder(unsigned, before?.document);
      const sign = (text: string | string[]) => {
        check?.(typeof text === 'string' ? text.length : text.reduce((length, piece) => length + piece.length, 0));
        return signatureOf(keys[0]!, text);
      };
      if (ordered === notPlain) return { ...unsigned, signature: sign(canonical(unsigned)) };
      // In order, the document's JSON is its canonical JSON: written natively, and the timeline
      // from the text of the one before when it only added entries to it.
      const old = before?.timeline;
      const text =
        (old &&
          writeAround(ordered, (list) => {
            const n = old.list.length;
            return startsWith(list, old.list) ? [old.text.slice(0, -1), n > 0 && list.length > n ? ',' : '', JSON.stringify(list.slice(n)).slice(1)] : [JSON.stringify(list)];
          })) ||
        JSON.stringify(ordered);
      const signature = sign(text);
      const signed = { ...(ordered as StoredIncident), signature };
      written.set(signed, { text, signature });
      return signed;
    },
    verify(document, text) {
      const signature = document.signature;
      if (signature === undefined) {
        if (options.acceptUnsigned) return { trusted: false };
        throw incidentError('invalid_signature', 'The incident is not signed, and this runtime only accepts signed incidents', ['signature']);
      }
      let valid = false;
      let ordered: Ordered | undefined;
      try {
        // The signature covers the canonical JSON of the document without its signature. A
        // document this runtime wrote has its keys in that order, so the JSON it was read from
        // (without the signature, its last member) or `JSON.stringify` of it is that text, as a
        // rule: tried first. Anything else (keys reordered by a database, spaces) is written out
        // as canonical JSON. Whichever text matches, it is the canonical JSON of this document.
        const suffix = typeof signature === 'string' && text !== undefined ? `,"signature":${JSON.stringify(signature)}}` : undefined;
        const { signature: _, ...unsigned } = document;
        if (suffix !== undefined && text!.endsWith(suffix) && matches([text!.slice(0, -suffix.length), '}'], signature)) ordered = { document: unsigned };
        else {
          const written = orderedText(unsigned);
          if (written !== undefined && matches(written.text, signature)) ordered = { document: unsigned, timeline: written.timeline };
          else valid = matches(canonical(unsigned), signature);
        }
        valid ||= ordered !== undefined;
      } catch {
        valid = false;
      }
      if (!valid) throw incidentError('invalid_signature', 'The signature does not match the incident: it was changed after it was written, or signed with another key', ['signature']);
      return { trusted: options.checkSigned !== true, ordered };
    },
  };
}


/**
 * `JSON.stringify(document)` when its snapshot lists its keys in canonical order, as this
 * runtime writes it (not a database that sorts them by length): in pieces when its timeline is
 * long (over 200 entries), whose text is kept for the next document to reuse (see `sign`).
 * `undefined` for a document in another order.
 */
function orderedText(document: Record<string, unknown>): { readonly text: string | string[]; readonly timeline?: Ordered['timeline'] } | undefined {
  if (!isObject(document.snapshot) || !sortedKeys(Object.keys(document.snapshot))) return undefined;
  if (((document.snapshot as { context?: { timeline?: unknown[] } }).context?.timeline?.length ?? 0) > 200) {
    let timeline: Ordered['timeline'];
    const pieces = writeAround(document, (list) => {
      timeline = { list, text: JSON.stringify(list) };
      return [timeline.text];
    });
    if (pieces !== undefined) return { text: pieces, timeline };
  }
  return { text: JSON.stringify(document) };
}

const path = ['snapshot', 'context', 'timeline'];

/**
 * `JSON.stringify(document)` in pieces around `document.snapshot.context.timeline`, which
 * `timeline` writes: the same text without copying the timeline's into it. `undefined` when an
 * object on the way is not plain (a `toJSON`, another prototype, a `__proto__` key) or has no
 * such member, or the timeline is not a list.
 */
function writeAround(value: unknown, timeline: (list: readonly unknown[]) => string[], depth = 0): string[] | undefined {
  if (depth === path.length) return Array.isArray(value) && !('toJSON' in value) ? ['', ...timeline(value), ''] : undefined;
  if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype || 'toJSON' in value) return undefined;
  const key = path[depth]!;
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  let inner: string[] | undefined;
  for (const name of Object.keys(value)) {
    if (name === '__proto__') return undefined;
    if (name !== key) (inner ? after : before)[name] = value[name];
    else if (!(inner = writeAround(value[name], timeline, depth + 1))) return undefined;
  }
  if (!inner) return undefined;
  const head = JSON.stringify(before);
  const tail = JSON.stringify(after);
  inner[0] = `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"${key}":${inner[0]}`;
  inner[inner.length - 1] += tail.length > 2 ? `,${tail.slice(1)}` : '}';
  return inner;
}

function equal(expected: string, received: unknown): boolean {
  if (typeof received !== 'string' || received.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ received.charCodeAt(i);
  return difference === 0;
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function toBase64Url(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    for (let shift = 18, end = Math.min(bytes.length - i, 3) * 8; 18 - shift < end; shift -= 6) text += alphabet[(n >> shift) & 63]!;
  }
  return text;
}
