// HMAC-SHA256 (RFC 2104, FIPS 180-4), synchronous and without dependencies: `node:crypto` when
// the runtime offers it (Node >= 20.16 through `process.getBuiltinModule`), otherwise a small
// implementation in plain JavaScript so that the runtime also works in browsers and bundlers.

type Hmac = { update(data: string, encoding: 'utf8'): Hmac; digest(): Uint8Array };
type NodeCrypto = { createHmac(algorithm: string, key: Uint8Array): Hmac };

function nodeCrypto(): NodeCrypto | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  } catch {
    return undefined;
  }
}

const native = nodeCrypto();
const encoder = new TextEncoder();

/** HMAC-SHA256 of `data` (text, UTF-8; or the texts one after the other) under `key`. */
export function hmacSha256(key: Uint8Array, data: string | readonly string[], useNative = true): Uint8Array {
  if (native && useNative) {
    const hmac = native.createHmac('sha256', key);
    // In pieces: no joined copy of a long text.
    if (typeof data === 'string') hmac.update(data, 'utf8');
    else for (const piece of data) hmac.update(piece, 'utf8');
    return new Uint8Array(hmac.digest());
  }
  const bytes = encoder.encode(typeof data === 'string' ? data : data.join(''));
  const block = 64;
  let k = key.length > block ? sha256(key) : key;
  const padded = new Uint8Array(block);
  padded.set(k);
  k = padded;
  const inner = new Uint8Array(block + bytes.length);
  const outer = new Uint8Array(block + 32);
  for (let i = 0; i < block; i++) {
    inner[i] = k[i]! ^ 0x36;
    outer[i] = k[i]! ^ 0x5c;
  }
  inner.set(bytes, block);
  outer.set(sha256(inner), block);
  return sha256(outer);
}

// The round constants and initial hash: the first 32 bits of the fractional parts of the cube
// roots of the first 64 primes and of the square roots of the first 8 (FIPS 180-4, 4.2.2 and
// 5.3.3). Each lies over 0.005 of a unit from a boundary, far beyond any rounding of cbrt.
const K = new Uint32Array(64);
const H = new Uint32Array(8);
for (let n = 2, i = 0; i < 64; n++) {
  let prime = true;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
  if (!prime) continue;
  const bits = (x: number) => ((x - Math.floor(x)) * 2 ** 32) >>> 0;
  if (i < 8) H[i] = bits(Math.sqrt(n));
  K[i++] = bits(Math.cbrt(n));
}

/** SHA-256 of `message`. */
export function sha256(message: Uint8Array): Uint8Array {
  const length = message.length;
  const blocks = Math.ceil((length + 9) / 64);
  const data = new Uint8Array(blocks * 64);
  data.set(message);
  data[length] = 0x80;
  const view = new DataView(data.buffer);
  view.setUint32(data.length - 8, Math.floor((length * 8) / 2 ** 32));
  view.setUint32(data.length - 4, (length * 8) >>> 0);
  const h = H.slice();
  const w = new Uint32Array(64);
  for (let offset = 0; offset < data.length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as unknown as number[];
    for (let i = 0; i < 64; i++) {
      const s1 = ((e! >>> 6) | (e! << 26)) ^ ((e! >>> 11) | (e! << 21)) ^ ((e! >>> 25) | (e! << 7));
      const ch = (e! & f!) ^ (~e! & g!);
      const t1 = (hh! + s1 + ch + K[i]! + w[i]!) | 0;
      const s0 = ((a! >>> 2) | (a! << 30)) ^ ((a! >>> 13) | (a! << 19)) ^ ((a! >>> 22) | (a! << 10));
      const maj = (a! & b!) ^ (a! & c!) ^ (b! & c!);
      const t2 = (s0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d! + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = h[0]! + a!;
    h[1] = h[1]! + b!;
    h[2] = h[2]! + c!;
    h[3] = h[3]! + d!;
    h[4] = h[4]! + e!;
    h[5] = h[5]! + f!;
    h[6] = h[6]! + g!;
    h[7] = h[7]! + hh!;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]!);
  return out;
}
