/**
 * Renewal (EST `simplereenroll`, RFC 7030 §4.2.2), the parts the Request service hands off:
 * the checks a renewal needs before any key is made, and the TLS client certificate it is
 * authenticated with (the CURRENT certificate and key, kept in the CredentialStore).
 */
import type { X509Certificate } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { REQUEST_KEY_SIZES } from '../../../shared/contract/request';
import { buildCsr, certificateNames, certificatePem, generateRsaKey, publicKeyFingerprint } from '../credential';
import type { Sandbox } from '../../sandbox';
import { checkEstUrl, requireSandboxTrusted, sandboxEndpoint } from './connector';
import type { EstAuth } from '../issuer';
import type { KeyProtection } from './key-protection';
import type { RequestSection } from './request-state';

export interface RenewalDeps {
  readonly dataDir: string;
  readonly now: () => Date;
  readonly sandbox: Sandbox | null;
  readonly keys: KeyProtection;
  readonly emitKeygen: (fraction: number | null, label: string) => void;
}

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

/**
 * Everything before the renewal is sent: the current key opened (it authenticates the renewal),
 * the CA found, a NEW key made and kept (encrypted, as the Protect step says), and a CSR with the
 * current certificate's exact subject. Returns the new section (state `submitting`).
 */
export async function prepareRenewal(
  o: RenewalDeps,
  s: RequestSection,
  certificate: X509Certificate,
  input: { keyBits: number; keyPassphrase?: string; estUrl?: string },
): Promise<RequestSection> {
  if (!(REQUEST_KEY_SIZES as readonly number[]).includes(input.keyBits)) throw new OnboardError('KEY_SIZE_UNSUPPORTED', { bits: input.keyBits });
  // The current key authenticates the renewal: open it before anything is made.
  await o.keys.unlock(s.credentialId, input.keyPassphrase);
  const sandboxed = s.sandbox && !!o.sandbox && !input.estUrl;
  let estUrl: string;
  if (sandboxed) {
    await requireSandboxTrusted(o.sandbox!, o.dataDir);
    estUrl = (await sandboxEndpoint(o.sandbox!)).estUrl;
  } else {
    const url = input.estUrl || s.estUrl;
    if (!url) throw new OnboardError('REQUEST_NO_CONNECTOR', { vo: s.vo || 'your VO', detail: 'no EST address is known for the CA that issued this certificate' });
    estUrl = checkEstUrl(url);
  }
  const keys = await o.keys.resolve();
  const passphrase = keys.view.mode === 'typed' ? (input.keyPassphrase ?? o.keys.typedPassphrase(s.credentialId)) : undefined;
  if (keys.view.mode === 'typed' && passphrase === undefined) throw new OnboardError('KEY_PASSPHRASE_REQUIRED', { what: 'your saved key' });
  const bits = input.keyBits;
  o.emitKeygen(null, `Making a new RSA-${bits} key pair on this computer…`);
  const key = await generateRsaKey({ bits, onProgress: (f, label) => o.emitKeygen(f === 1 ? 0.6 : null, label) });
  o.emitKeygen(0.7, 'Signing the renewal request (same name) with the new key');
  const csr = buildCsr({ key, subject: certificateNames(certificate).subject });
  o.emitKeygen(0.8, 'Saving the encrypted key');
  const store = await o.keys.store();
  const record = await store.create({
    key,
    subject: s.certificate!.subject,
    csrPem: csr.pem,
    request: { connector: 'est', vo: s.vo, estUrl, sandbox: sandboxed, renewOf: s.credentialId },
    passphrase,
  });
  if (passphrase !== undefined) o.keys.remember(record.id, passphrase);
  const c = s.certificate!;
  return {
    credentialId: record.id,
    state: 'submitting',
    vo: s.vo,
    sandbox: sandboxed,
    name: s.name,
    email: s.email,
    subject: c.subject,
    keyBits: bits,
    publicKeyFingerprint: publicKeyFingerprint(key),
    keyProtection: keys.view.mode,
    estUrl,
    enrolmentCode: 'none',
    startedAt: o.now().toISOString(),
    agreement: s.agreement,
    origin: 'renewal',
    renewOf: { credentialId: s.credentialId, serial: c.serial, notAfter: c.notAfter },
  };
}
