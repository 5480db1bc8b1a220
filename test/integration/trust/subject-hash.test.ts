import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TAG, concatBytes, encodeTlv } from '../../../electron/services/trust/der';
import { certificateSubjectHash, x509NameHash } from '../../../electron/services/trust/name-hash';
import { derToPem } from '../../../electron/services/trust/certificate';
import { BUILTIN_BUNDLES } from '../../../electron/services/trust/bundles';
import { rmrf, sh, tempDir } from './helpers';

// Our OpenSSL subject hash against `openssl x509 -noout -subject_hash` itself.

function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes: number[] = [a * 40 + b];
  for (const arc of rest) {
    const enc: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) enc.unshift((v & 0x7f) | 0x80);
    bytes.push(...enc);
  }
  return encodeTlv(TAG.OID, Uint8Array.from(bytes));
}

const OIDS = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3', DC: '0.9.2342.19200300.100.1.25', UID: '0.9.2342.19200300.100.1.1', E: '1.2.840.113549.1.9.1', SERIAL: '2.5.4.5' };
type Attr = [keyof typeof OIDS, number, Uint8Array | string];

const utf8 = (s: string) => new TextEncoder().encode(s);
const latin1 = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
const bmp = (s: string) => Uint8Array.from([...s].flatMap((c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff]));
const ucs4 = (s: string) => Uint8Array.from([...s].flatMap((c) => { const cp = c.codePointAt(0)!; return [cp >>> 24, (cp >> 16) & 0xff, (cp >> 8) & 0xff, cp & 0xff]; }));

/** A Name with the exact encodings given (RDN order and SET element order kept as written). */
function name(rdns: Attr[][]): Uint8Array {
  return encodeTlv(TAG.SEQUENCE, concatBytes(rdns.map((rdn) =>
    encodeTlv(TAG.SET, concatBytes(rdn.map(([t, tag, v]) =>
      encodeTlv(TAG.SEQUENCE, concatBytes([oid(OIDS[t]), encodeTlv(tag, typeof v === 'string' ? utf8(v) : v)]))))))));
}

let key: { privateKey: KeyObject; publicKey: KeyObject };
let dir: string;
let serial = 1;

/** A certificate (issuer = subject = `subject`) signed with a fixed EC key; openssl only has to parse it. */
function certWith(subject: Uint8Array): Uint8Array {
  const sigAlg = encodeTlv(TAG.SEQUENCE, oid('1.2.840.10045.4.3.2'));
  const time = (s: string) => encodeTlv(TAG.UTC_TIME, utf8(s));
  const tbs = encodeTlv(TAG.SEQUENCE, concatBytes([
    encodeTlv(0xa0, encodeTlv(TAG.INTEGER, Uint8Array.of(2))),
    encodeTlv(TAG.INTEGER, Uint8Array.of(serial++)),
    sigAlg,
    subject,
    encodeTlv(TAG.SEQUENCE, concatBytes([time('250101000000Z'), time('350101000000Z')])),
    subject,
    new Uint8Array(key.publicKey.export({ type: 'spki', format: 'der' })),
  ]));
  const sig = sign('sha256', tbs, key.privateKey);
  return encodeTlv(TAG.SEQUENCE, concatBytes([tbs, sigAlg, encodeTlv(TAG.BIT_STRING, concatBytes([Uint8Array.of(0), sig]))]));
}

function opensslHash(pem: string): string {
  const file = path.join(dir, `c${serial}-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(file, pem);
  return sh('openssl', ['x509', '-noout', '-subject_hash', '-in', file]).trim();
}

beforeAll(() => {
  key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  dir = tempDir('hash');
});
afterAll(() => rmrf(dir));

const P = TAG.PRINTABLE_STRING;
const U = TAG.UTF8_STRING;
const cases: [string, Attr[][]][] = [
  ['plain PrintableString', [[['C', P, 'US']], [['O', P, 'Test Org']], [['CN', P, 'Simple CA']]]],
  ['mixed case and extra spaces', [[['O', U, '  Mixed   CASE   Org  ']], [['CN', U, 'Jane    DOE']]]],
  ['tabs, newlines, vertical tab and form feed collapse', [[['CN', U, '\tA\t\tB\nC\u000b\u000cD \r']]]],
  ['non-ASCII UTF-8 (upper-case non-ASCII is not folded)', [[['C', P, 'DE']], [['O', U, 'Universität ÉCOLE Łódź']], [['CN', U, 'Jürgen MÜLLER 山田']]]],
  ['BMPString', [[['O', TAG.BMP_STRING, bmp('Zoë ŁÓDŹ Org')]], [['CN', TAG.BMP_STRING, bmp('  Ünïcode  BMP ')]]]],
  ['T61String with Latin-1 bytes', [[['CN', TAG.T61_STRING, latin1('Caf\u00e9 CR\u00c8ME')]]]],
  ['UniversalString with an astral character', [[['CN', TAG.UNIVERSAL_STRING, ucs4('Smile 😀 NOW')]]]],
  // (OpenSSL refuses VisibleString in a Name outright, so it is not tested here.)
  ['IA5String e-mail', [[['O', P, 'Org']], [['E', TAG.IA5_STRING, 'Jane.Doe@Example.ORG']]]],
  ['grid DC components', [[['DC', TAG.IA5_STRING, 'org']], [['DC', TAG.IA5_STRING, 'CILogon']], [['C', P, 'US']], [['O', P, 'Univ']], [['CN', P, 'Jane Doe A123']]]],
  ['multi-valued RDN written unsorted (CN+UID)', [[['O', P, 'Robots']], [['UID', U, 'Robot1'], ['CN', U, 'Robot  ONE']]]],
  ['multi-valued RDN of one type (CN=b+CN=a)', [[['CN', U, 'b'], ['CN', U, 'A']]]],
  ['NumericString is kept verbatim (not canonicalised)', [[['SERIAL', TAG.NUMERIC_STRING, ' 12  34 ']], [['CN', P, 'X']]]],
  ['a value that is only spaces', [[['OU', U, '   ']], [['CN', P, 'Y']]]],
  ['empty name', []],
];

describe('X509 subject hash equals openssl x509 -subject_hash', () => {
  for (const [label, rdns] of cases) {
    it(label, () => {
      const der = certWith(name(rdns));
      expect(certificateSubjectHash(der)).toBe(opensslHash(derToPem(der)));
    });
  }

  it('differs for names that differ only in non-ASCII case (the test can fail)', () => {
    const a = x509NameHash(name([[['CN', U, 'Ü']]]));
    const b = x509NameHash(name([[['CN', U, 'ü']]]));
    expect(a).not.toBe(b);
    expect(x509NameHash(name([[['CN', U, 'ABC']]]))).toBe(x509NameHash(name([[['CN', P, '  abc ']]])));
  });

  it('matches for certificates made by openssl req (-utf8, -multivalue-rdn)', () => {
    const keyFile = path.join(dir, 'k.pem');
    sh('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile]);
    const subjects = ['/DC=org/DC=osg-onboard/O=OSG  Onboard/CN=Ünïcode Person+UID=jdoe', '/C=US/O=Mixed Case/OU=  spaced  out /CN=Jane Doe 12345'];
    for (const [i, subj] of subjects.entries()) {
      const out = path.join(dir, `req${i}.pem`);
      sh('openssl', ['req', '-x509', '-new', '-key', keyFile, '-out', out, '-days', '1', '-utf8', '-multivalue-rdn', '-subj', subj]);
      const pem = readFileSync(out, 'utf8');
      expect(certificateSubjectHash(new X509Certificate(pem).raw)).toBe(opensslHash(pem));
    }
  });

  it('matches for every bundled CA (IGTF and Let’s Encrypt)', () => {
    const all = BUILTIN_BUNDLES.flatMap((b) => b.certificates);
    expect(all.length).toBeGreaterThan(10);
    for (const c of all) expect(certificateSubjectHash(new X509Certificate(c.pem).raw)).toBe(opensslHash(c.pem));
  });

  it('matches for the system CA store (/etc/ssl/certs)', () => {
    const files = readdirSync('/etc/ssl/certs').filter((f) => f.endsWith('.pem')).slice(0, 200);
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const pem = readFileSync(path.join('/etc/ssl/certs', f), 'utf8');
      expect(certificateSubjectHash(new X509Certificate(pem).raw), f).toBe(opensslHash(pem));
    }
  });
});
