/**
 * Which credential the Register step uses, and how its key is opened. The Request step records
 * the issued credential in the journal (`request: { credentialId, state: 'issued' }`); without
 * that, the newest credential in the store that has a certificate is used. The key is opened in
 * this process only (KeyProtection, shared with Request and Back up): from the keychain, or with
 * a passphrase the user typed (Protect step “ask each time”), kept in memory for this session.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { isOnboardError } from '../../../shared/errors';
import type { RegisterCertificateView } from '../../../shared/contract/register';
import type { CredentialRecord } from '../credential/store';
import type { KeyProtection } from '../request/key-protection';
import type { Journal } from '../journal/journal';
import type { UserCredential } from '../registration/https-client';
import { certificateEmail } from './certificate-prefill';

const requestSection = z.object({ credentialId: z.string(), state: z.string() }).passthrough();

export interface HeldCredential {
  readonly record: CredentialRecord & { readonly certificate: NonNullable<CredentialRecord['certificate']> };
  readonly certificate: X509Certificate;
  readonly chain: readonly X509Certificate[];
}

export interface RegisterCredentialsOptions {
  readonly journal: Journal;
  /** Where key passphrases are (keychain, or typed once per session — shared with Request and Back up). */
  readonly keys: KeyProtection;
}

export class RegisterCredentials {
  constructor(private readonly o: RegisterCredentialsOptions) {}

  /** The credential to register with, or null when there is no issued certificate yet. */
  async current(): Promise<HeldCredential | null> {
    const store = await this.o.keys.store();
    const j = (await this.o.journal.read()) as Record<string, unknown>;
    const req = requestSection.safeParse(j.request);
    let record: CredentialRecord | undefined;
    if (req.success && req.data.state === 'issued') {
      record = await store.get(req.data.credentialId).catch((e) => {
        if (isOnboardError(e)) return undefined;
        throw e;
      });
    }
    if (!record || record.status !== 'issued' || !record.certificate) {
      record = (await store.list()).find((r) => r.status === 'issued' && r.certificate);
    }
    if (!record?.certificate) return null;
    const { certificate, chain } = await store.certificates(record.id);
    return { record: record as HeldCredential['record'], certificate, chain };
  }

  view(c: HeldCredential): RegisterCertificateView {
    return {
      credentialId: c.record.id,
      subject: c.record.certificate.subject,
      issuer: c.record.certificate.issuer,
      notAfter: c.record.certificate.notAfter,
      fingerprintSha256: c.record.certificate.fingerprintSha256,
      email: certificateEmail(c.certificate),
      passphrase: c.record.passphrase,
    };
  }

  /** Whether opening the key would need a passphrase the user has not typed in this session. */
  needsPassphrase(c: HeldCredential): boolean {
    return c.record.passphrase === 'typed' && this.o.keys.typedPassphrase(c.record.id) === undefined;
  }

  /** Checks a typed passphrase by opening the key; it is kept in memory for this session. */
  async unlockWith(c: HeldCredential, passphrase: string): Promise<void> {
    await this.o.keys.unlock(c.record.id, passphrase);
  }

  /** The private key (KEY_PASSPHRASE_REQUIRED when a typed passphrase is needed and not given). */
  key(c: HeldCredential, typedNow?: string): Promise<KeyObject> {
    return this.o.keys.unlock(c.record.id, typedNow);
  }

  /** What the TLS client presents: the key (stays in this process), the certificate and its chain. */
  async tlsCredential(c: HeldCredential, typedNow?: string): Promise<UserCredential> {
    const key = await this.key(c, typedNow);
    return {
      key,
      certPem: c.certificate.toString(),
      chainPem: c.chain.length ? c.chain.map((x) => x.toString()).join('') : undefined,
    };
  }
}
