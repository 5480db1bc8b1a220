// Test certificates made in-process (a tiny X.509 v3 writer over our DER helpers and Node's
// crypto.sign), so unit tests need no external program. Integration tests use openssl instead.
import { X509Certificate, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { parseDn, type Dn } from '../../../shared/dn';
import { der, parseAsn1, rawBytes, tlv } from '../../../electron/services/credential/asn1';
import { encodeName } from '../../../electron/services/credential/name';
import { OID } from '../../../electron/services/credential/oids';

export interface Issued {
  readonly cert: X509Certificate;
  readonly key: KeyObject;
  readonly pem: string;
}

function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(s.slice(2), 'latin1')) : tlv(0x18, Buffer.from(s, 'latin1'));
}

const keyPool: KeyObject[] = [];
/** RSA-2048 keys, made once per test file and reused (keygen is the slow part). */
export function testKey(i: number): KeyObject {
  while (keyPool.length <= i) keyPool.push(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  return keyPool[i];
}

export function makeCert(options: {
  subject: Dn | string;
  key: KeyObject;
  issuer?: Issued;
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
}): Issued {
  const subject = typeof options.subject === 'string' ? parseDn(options.subject) : options.subject;
  const subjectDer = encodeName(subject);
  const issuerDer = options.issuer ? Buffer.from(rawSubject(options.issuer.cert)) : subjectDer;
  const signer = options.issuer?.key ?? options.key;
  const notBefore = options.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = options.notAfter ?? new Date(Date.now() + 365 * 86400_000);
  const serial = randomBytes(8);
  serial[0] &= 0x7f;
  const exts = options.ca
    ? [der.sequence(der.oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), der.octetString(der.sequence(tlv(0x01, Buffer.from([0xff])))))]
    : [];
  const sigAlg = der.sequence(der.oid(OID.sha256WithRsa), der.null());
  const tbs = der.sequence(
    der.contextConstructed(0, der.integer(2)),
    der.integer(serial),
    sigAlg,
    issuerDer,
    der.sequence(time(notBefore), time(notAfter)),
    subjectDer,
    createPublicKey(options.key).export({ type: 'spki', format: 'der' }) as Buffer,
    ...(exts.length ? [der.contextConstructed(3, der.sequence(...exts))] : []),
  );
  const certDer = der.sequence(tbs, sigAlg, der.bitString(sign('sha256', tbs, signer)));
  const cert = new X509Certificate(certDer);
  return { cert, key: options.key, pem: cert.toString() };
}

/** The subject Name DER of a certificate (to use as an issuer name verbatim). */
function rawSubject(cert: X509Certificate): Buffer {
  // Walk: Certificate → tbs → [version] serial sigAlg issuer validity subject.
  const tbs = parseAsn1(cert.raw).children[0];
  const off = tbs.children[0].cls === 2 ? 1 : 0;
  return rawBytes(tbs.children[off + 4]);
}

/** A CA, an intermediate and a user certificate: the shape grid CAs issue. */
export function makeChain(subject = '/DC=org/DC=example/C=US/O=Example Univ/CN=Jane Doe A12345', userKey = testKey(0)): {
  root: Issued;
  intermediate: Issued;
  user: Issued;
} {
  const root = makeCert({ subject: '/DC=org/DC=example/CN=Example Root CA', key: testKey(1), ca: true });
  const intermediate = makeCert({ subject: '/DC=org/DC=example/CN=Example Grid CA 1', key: testKey(2), issuer: root, ca: true });
  const user = makeCert({ subject, key: userKey, issuer: intermediate });
  return { root, intermediate, user };
}
