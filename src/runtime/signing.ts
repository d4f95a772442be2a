import { incidentError } from '../errors/errors.js';
import { hmacSha256 } from './hmac.js';
import { canonical, type StoredIncident } from './storedIncident.js';

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

/** Canonical texts of parts of a document, shared by a `verify` and the `sign` that follows it (see `canonical`). */
export type CanonicalTexts = WeakMap<object, string>;

export interface Signer {
  sign(document: StoredIncident, texts?: CanonicalTexts): StoredIncident;
  /**
   * Throws `invalid_signature` unless the document is signed by one of the keys (or unsigned
   * and accepted). Whether it can be taken as written without checking it: signed, and
   * `checkSigned` is off.
   */
  verify(document: Readonly<Record<string, unknown>>, texts?: CanonicalTexts): boolean;
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
  const signatureOf = (key: Uint8Array, document: Readonly<Record<string, unknown>>, texts?: CanonicalTexts) => {
    const { signature: _, ...unsigned } = document;
    return prefix + toBase64Url(hmacSha256(key, canonical(unsigned, texts)));
  };
  return {
    sign: (document, texts) => ({ ...document, signature: signatureOf(keys[0]!, document as unknown as Record<string, unknown>, texts) }),
    verify(document, texts) {
      const signature = document.signature;
      if (signature === undefined) {
        if (options.acceptUnsigned) return false;
        throw incidentError('invalid_signature', 'The incident is not signed, and this runtime only accepts signed incidents', ['signature']);
      }
      let valid = false;
      try {
        // Every key is tried, so the time taken does not tell which key (if any) matched.
        for (const key of keys) valid = equal(signatureOf(key, document, texts), signature) || valid;
      } catch {
        valid = false;
      }
      if (!valid) throw incidentError('invalid_signature', 'The signature does not match the incident: it was changed after it was written, or signed with another key', ['signature']);
      return options.checkSigned !== true;
    },
  };
}

function equal(expected: string, received: unknown): boolean {
  if (typeof received !== 'string' || received.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ received.charCodeAt(i);
  return difference === 0;
}

function toBase64Url(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    text += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]!;
    if (i + 1 < bytes.length) text += alphabet[(n >> 6) & 63]!;
    if (i + 2 < bytes.length) text += alphabet[n & 63]!;
  }
  return text;
}
