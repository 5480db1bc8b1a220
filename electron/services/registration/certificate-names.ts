import forge from 'node-forge';
import { DN_ATTRIBUTE_OIDS, formatSlashDn, type Dn, type DnAttribute } from '../../../shared/dn';

/**
 * Subject and issuer names read straight from a certificate's DER, in the grid slash form
 * VOMS-Admin shows (`/DC=org/DC=example/CN=Jane Doe`). Read from the ASN.1 so order,
 * multi-valued RDNs (`CN=x+UID=y`) and UTF-8 survive (node-forge's parsed `subject` flattens
 * them; Node's X509Certificate.subject is an escaped display string).
 */

const NAME_BY_OID: Record<string, string> = Object.fromEntries(
  Object.entries(DN_ATTRIBUTE_OIDS).map(([name, oid]) => [oid, name === 'EMAILADDRESS' ? 'emailAddress' : name]),
);

const T = forge.asn1.Type;

function decodeString(tag: number, bytes: string): string {
  const buf = Buffer.from(bytes, 'binary');
  if (tag === T.BMPSTRING) {
    let s = '';
    for (let i = 0; i + 1 < buf.length; i += 2) s += String.fromCharCode(buf.readUInt16BE(i));
    return s;
  }
  if (tag === 28 /* UniversalString */) {
    let s = '';
    for (let i = 0; i + 3 < buf.length; i += 4) s += String.fromCodePoint(buf.readUInt32BE(i));
    return s;
  }
  // UTF8String; Printable/IA5/T61 are ASCII in practice, and UTF-8 decoding keeps ASCII as is.
  return tag === T.UTF8 ? buf.toString('utf8') : buf.toString('latin1');
}

function nameFromAsn1(name: forge.asn1.Asn1): Dn {
  const rdns: DnAttribute[][] = [];
  for (const set of name.value as forge.asn1.Asn1[]) {
    const rdn: DnAttribute[] = [];
    for (const atv of set.value as forge.asn1.Asn1[]) {
      const [oidNode, valueNode] = atv.value as forge.asn1.Asn1[];
      const oid = forge.asn1.derToOid(oidNode.value as string);
      rdn.push({ type: NAME_BY_OID[oid] ?? oid, value: decodeString(valueNode.type, valueNode.value as string) });
    }
    rdns.push(rdn);
  }
  return rdns;
}

function toDer(cert: string | Uint8Array): string {
  if (typeof cert === 'string') {
    const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(cert);
    if (!m) throw new Error('no PEM certificate found');
    return Buffer.from(m[1].replace(/\s+/g, ''), 'base64').toString('binary');
  }
  return Buffer.from(cert).toString('binary');
}

export interface CertificateNames {
  readonly subject: string;
  readonly issuer: string;
}

/** Subject and issuer of a certificate (PEM: the first certificate; or DER bytes) in slash form. */
export function certificateNames(cert: string | Uint8Array): CertificateNames {
  const asn1 = forge.asn1.fromDer(toDer(cert), { strict: false, parseAllBytes: false } as never);
  const tbs = (asn1.value as forge.asn1.Asn1[])[0];
  const fields = tbs.value as forge.asn1.Asn1[];
  // tbsCertificate: [0] version (optional, explicit tag), serial, signature, issuer, validity, subject, …
  const offset = fields[0].tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return {
    issuer: formatSlashDn(nameFromAsn1(fields[offset + 2])),
    subject: formatSlashDn(nameFromAsn1(fields[offset + 4])),
  };
}

/** Splits a PEM bundle into its certificates (LF-normalised). */
export function splitPemCertificates(pem: string): string[] {
  return (pem.replace(/\r\n/g, '\n').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((c) => c + '\n');
}
