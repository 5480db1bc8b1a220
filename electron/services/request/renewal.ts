/**
 * Renewal (EST `simplereenroll`, RFC 7030 §4.2.2) and import, the parts the Request service
 * hands off: the checks a renewal needs before any key is made, the TLS client certificate it
 * is authenticated with (the CURRENT certificate and key, kept in the CredentialStore), and the
 * journal section of an imported credential.
 */
import type { X509Certificate } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { certificateInfo, certificatePem, describeKey, publicKeyFingerprint } from '../credential';
import type { EstAuth } from '../issuer';
import type { KeyProtection } from './key-protection';
import type { OpenedCredential } from './import-credential';
import type { RequestSection } from './request-state';

/** The current certificate when it can authenticate a renewal (issued, stored, not expired). */
export async function renewableCertificate(keys: KeyProtection, s: RequestSection | null, now: Date): Promise<X509Certificate> {
  if (!s || s.state !== 'issued' || !s.certificate) throw new OnboardError('REQUEST_RENEW_NONE');
  const { certificate } = await (await keys.store()).certificates(s.credentialId);
  if (now.getTime() > new Date(certificate.validTo).getTime()) {
    throw new OnboardError('REQUEST_RENEW_EXPIRED', { subject: s.certificate.subject, notAfter: new Date(certificate.validTo).toISOString().slice(0, 10) });
  }
  return certificate;
}

/** TLS client authentication with a stored credential (its key is opened from the keychain or this session's passphrase). */
export async function clientCertAuth(keys: KeyProtection, credentialId: string): Promise<EstAuth> {
  const key = await keys.unlock(credentialId);
  const { certificate, chain } = await (await keys.store()).certificates(credentialId);
  return { clientCert: { certPem: [certificate, ...chain].map(certificatePem).join(''), key } };
}

/** The e-mail address of a certificate (subjectAltName, else the subject's emailAddress). */
function emailOf(cert: X509Certificate, subject: string): string | undefined {
  const san = /(?:^|, )email:([^,\s]+)/.exec(cert.subjectAltName ?? '')?.[1];
  return san ?? /\/emailAddress=([^/]+)/.exec(subject)?.[1];
}

/** The Request step's section for an imported credential (state `issued`). */
export function importedSection(o: {
  readonly credentialId: string;
  readonly opened: OpenedCredential;
  readonly vo: string;
  readonly sandbox: boolean;
  readonly estUrl: string;
  readonly keyProtection: 'keychain' | 'typed';
  readonly at: string;
}): RequestSection {
  const c = certificateInfo(o.opened.certificate);
  const key = describeKey(o.opened.key);
  return {
    credentialId: o.credentialId,
    state: 'issued',
    vo: o.vo,
    sandbox: o.sandbox,
    name: c.subject.replace(/^.*\/CN=/, ''),
    email: emailOf(o.opened.certificate, c.subject),
    subject: c.subject,
    keyBits: key.bits ?? 0,
    publicKeyFingerprint: publicKeyFingerprint(o.opened.key),
    keyProtection: o.keyProtection,
    estUrl: o.estUrl,
    enrolmentCode: 'none',
    startedAt: o.at,
    origin: 'import',
    importedFrom: o.opened.display === '~/.globus' || o.opened.display.endsWith('/.globus') ? o.opened.display : o.opened.fileName,
    warnings: o.opened.warnings.length ? [...o.opened.warnings] : undefined,
    certificate: {
      subject: c.subject,
      issuer: c.issuer,
      serial: c.serialNumber,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      fingerprintSha256: c.fingerprintSha256,
    },
  };
}
