/**
 * H^n(x) for the PKCS#12 key derivation (RFC 7292 B.2 hashes its own output n times: NSS uses
 * 600,000 rounds). Each round hashes one digest — a single padded block — so the cost of a
 * `crypto.hash` call (~0.7 µs) dwarfs the hashing itself; these straight-line SHA-256 and SHA-1
 * compressions of exactly that one block run 2–3× faster and give the same bytes (tested
 * against node:crypto on random inputs). Not a general-purpose hash: digest-length input only.
 */

const K256 = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const W = new Int32Array(80);

/** Replaces the 32-byte `digest` with SHA-256 applied `rounds` times. */
export function sha256Iterate(digest: Buffer, rounds: number): Buffer {
  let h0 = digest.readInt32BE(0), h1 = digest.readInt32BE(4), h2 = digest.readInt32BE(8), h3 = digest.readInt32BE(12);
  let h4 = digest.readInt32BE(16), h5 = digest.readInt32BE(20), h6 = digest.readInt32BE(24), h7 = digest.readInt32BE(28);
  for (let r = 0; r < rounds; r++) {
    // One block: the 32-byte message, 0x80, zeros, bit length 256.
    W[0] = h0; W[1] = h1; W[2] = h2; W[3] = h3; W[4] = h4; W[5] = h5; W[6] = h6; W[7] = h7;
    W[8] = 0x80000000 | 0; W[9] = 0; W[10] = 0; W[11] = 0; W[12] = 0; W[13] = 0; W[14] = 0; W[15] = 256;
    for (let i = 16; i < 64; i++) {
      const w15 = W[i - 15], w2 = W[i - 2];
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = 0x6a09e667 | 0, b = 0xbb67ae85 | 0, c = 0x3c6ef372 | 0, d = 0xa54ff53a | 0;
    let e = 0x510e527f | 0, f = 0x9b05688c | 0, g = 0x1f83d9ab | 0, h = 0x5be0cd19 | 0;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K256[i] + W[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h0 = (0x6a09e667 + a) | 0; h1 = (0xbb67ae85 + b) | 0; h2 = (0x3c6ef372 + c) | 0; h3 = (0xa54ff53a + d) | 0;
    h4 = (0x510e527f + e) | 0; h5 = (0x9b05688c + f) | 0; h6 = (0x1f83d9ab + g) | 0; h7 = (0x5be0cd19 + h) | 0;
  }
  const out = Buffer.alloc(32);
  out.writeInt32BE(h0, 0); out.writeInt32BE(h1, 4); out.writeInt32BE(h2, 8); out.writeInt32BE(h3, 12);
  out.writeInt32BE(h4, 16); out.writeInt32BE(h5, 20); out.writeInt32BE(h6, 24); out.writeInt32BE(h7, 28);
  return out;
}

/** Replaces the 20-byte `digest` with SHA-1 applied `rounds` times. */
export function sha1Iterate(digest: Buffer, rounds: number): Buffer {
  let h0 = digest.readInt32BE(0), h1 = digest.readInt32BE(4), h2 = digest.readInt32BE(8), h3 = digest.readInt32BE(12), h4 = digest.readInt32BE(16);
  for (let r = 0; r < rounds; r++) {
    W[0] = h0; W[1] = h1; W[2] = h2; W[3] = h3; W[4] = h4;
    W[5] = 0x80000000 | 0; W[6] = 0; W[7] = 0; W[8] = 0; W[9] = 0; W[10] = 0; W[11] = 0; W[12] = 0; W[13] = 0; W[14] = 0; W[15] = 160;
    for (let i = 16; i < 80; i++) {
      const x = W[i - 3] ^ W[i - 8] ^ W[i - 14] ^ W[i - 16];
      W[i] = (x << 1) | (x >>> 31);
    }
    let a = 0x67452301 | 0, b = 0xefcdab89 | 0, c = 0x98badcfe | 0, d = 0x10325476 | 0, e = 0xc3d2e1f0 | 0;
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc | 0; }
      else { f = b ^ c ^ d; k = 0xca62c1d6 | 0; }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    h0 = (0x67452301 + a) | 0; h1 = (0xefcdab89 + b) | 0; h2 = (0x98badcfe + c) | 0; h3 = (0x10325476 + d) | 0; h4 = (0xc3d2e1f0 + e) | 0;
  }
  const out = Buffer.alloc(20);
  out.writeInt32BE(h0, 0); out.writeInt32BE(h1, 4); out.writeInt32BE(h2, 8); out.writeInt32BE(h3, 12); out.writeInt32BE(h4, 16);
  return out;
}
