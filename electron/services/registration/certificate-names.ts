import { attributeTypeOf, formatSlashDn, type Dn, type DnAttribute } from '../../../shared/dn';
import { TAG, children, content, decodeOidBytes, readTlv, type Tlv } from '../pki/der';

/**
 * Subject and issuer names read straight from a certificate's DER, in the grid slash form
 * VOMS-Admin shows (`/DC=org/DC=example/CN=Jane Doe`). Read from the ASN.1 so order,
 * multi-valued RDNs (`CN=x+UID=y`) and UTF-8 survive (node-forge's parsed `subject` flattens
 * them; Node's X509Certificate.subject is an escaped display string).
 */

/** Leniently, as VOMS-Admin shows names: a badly encoded value is shown as best it can, never refused. */
function decodeString(tag: number, buf: Buffer): string {
  if (tag === TAG.BMP_STRING) {
    let s = '';
    for (let i = 0; i + 1 < buf.length; i += 2) s += String.fromCharCode(buf.readUInt16BE(i));
    return s;
  }
  if (tag === TAG.UNIVERSAL_STRING) {
    let s = '';
    for (let i = 0; i + 3 < buf.length; i += 4) s += String.fromCodePoint(buf.readUInt32BE(i));
    return s;
  }
  // UTF8String; Printable/IA5/T61 are ASCII in practice, and UTF-8 decoding keeps ASCII as is.
  return tag === TAG.UTF8_STRING ? buf.toString('utf8') : buf.toString('latin1');
}

function nameFromDer(name: Tlv): Dn {
  return children(name).map((set) =>
    children(set).map((atv): DnAttribute => {
      const [oidNode, valueNode] = children(atv);
      return { type: attributeTypeOf(decodeOidBytes(content(oidNode))), value: decodeString(valueNode.tag, content(valueNode)) };
    }),
  );
}

function toDer(cert: string | Uint8Array): Uint8Array {
  if (typeof cert === 'string') {
    const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(cert);
    if (!m) throw new Error('no PEM certificate found');
    return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  }
  return cert;
}

export interface CertificateNames {
  readonly subject: string;
  readonly issuer: string;
}

/** Subject and issuer of a certificate (PEM: the first certificate; or DER bytes) in slash form. */
export function certificateNames(cert: string | Uint8Array): CertificateNames {
  // Bytes after the certificate (a PEM's next block decoded along) are not read.
  const [tbs] = children(readTlv(toDer(cert)));
  const fields = children(tbs);
  // tbsCertificate: [0] version (optional, explicit tag), serial, signature, issuer, validity, subject, …
  const offset = (fields[0].tag & 0xc0) === 0x80 ? 1 : 0;
  return {
    issuer: formatSlashDn(nameFromDer(fields[offset + 2])),
    subject: formatSlashDn(nameFromDer(fields[offset + 4])),
  };
}

/** Splits a PEM bundle into its certificates (LF-normalised). */
export function splitPemCertificates(pem: string): string[] {
  return (pem.replace(/\r\n/g, '\n').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((c) => c + '\n');
}
