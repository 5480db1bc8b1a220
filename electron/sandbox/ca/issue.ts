import { parseSlashDn } from '../../../shared/dn';
import { parseCsr } from '../../services/issuer/csr-info';
import { encodeName } from '../../services/issuer/x509-name';
import { BACKDATE_MS, type CaMaterial } from './ca-material';
import {
  OIDS,
  authorityKeyId,
  basicConstraints,
  buildCertificate,
  buildCrl,
  crlDistributionPoint,
  extKeyUsage,
  keyUsage,
  randomSerial,
  subjectAltName,
  subjectKeyId,
} from './x509-build';
import type { SandboxRequest } from './request-store';

const YEAR_MS = 365 * 86_400_000;

export interface IssuedCert {
  readonly der: Buffer;
  readonly serialHex: string;
  readonly notAfter: Date;
}

/**
 * A grid user certificate for an approved request: the CA's subject for the person, the CSR's
 * public key, one year (never past the CA), clientAuth + emailProtection, the e-mail in
 * subjectAltName, and where the CRL is.
 */
export function issueUserCertificate(ca: CaMaterial, request: SandboxRequest, crlUrl: string, now: Date): IssuedCert {
  const csr = parseCsr(request.csrDer);
  const serial = randomSerial();
  const notAfter = new Date(Math.min(now.getTime() + YEAR_MS, ca.notAfter.getTime()));
  const extensions = [
    basicConstraints(false),
    keyUsage(['digitalSignature', 'keyEncipherment']),
    extKeyUsage(OIDS.clientAuth, OIDS.emailProtection),
    subjectKeyId(csr.spkiDer),
    authorityKeyId(ca.keyId),
    crlDistributionPoint(crlUrl),
  ];
  if (request.email) extensions.push(subjectAltName({ emails: [request.email] }));
  const der = buildCertificate(
    {
      serial,
      issuerDer: ca.subjectDer,
      subjectDer: encodeName(parseSlashDn(request.subject)),
      spkiDer: csr.spkiDer,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter,
      extensions,
    },
    ca.key,
  );
  return { der, serialHex: serial.toString('hex').toUpperCase(), notAfter };
}

/** The CA's current CRL (DER); nothing is revoked in the sandbox yet, so it lists no serials. */
export function currentCrl(ca: CaMaterial, now: Date): Buffer {
  return buildCrl(
    {
      issuerDer: ca.subjectDer,
      issuerKeyId: ca.keyId,
      thisUpdate: new Date(now.getTime() - 60_000),
      nextUpdate: new Date(now.getTime() + 7 * 86_400_000),
      crlNumber: Math.floor(now.getTime() / 1000),
      revoked: [],
    },
    ca.key,
  );
}
