/**
 * Stores an opened and checked credential (see import-credential.ts) as the Request step's
 * current credential, exactly as an issued request is kept: the key encrypted under the Protect
 * step's choice (keychain, or the passphrase typed now) in the CredentialStore, the certificate
 * and chain with it, and the journal section `request` (the earlier one moves to the history).
 */
import { formatSlashDn } from '../../../shared/dn';
import { OnboardError } from '../../../shared/errors';
import { passwordStrength } from '../../../shared/password-strength';
import type { ServiceContext } from '../context';
import type { Journal } from '../journal/journal';
import type { VoService } from '../vo/vo-service';
import type { Sandbox } from '../../sandbox';
import type { X509Certificate } from 'node:crypto';
import { certificateInfo, certificateNames, certificatePem, describeKey, publicKeyFingerprint } from '../credential';
import { sandboxEndpoint } from './connector';
import { openCredential, type ImportSource, type OpenedCredential } from './import-credential';
import type { KeyProtection } from './key-protection';
import { replaceRequestSection, stepSummary, type RequestSection } from './request-state';

export interface ImportDeps {
  readonly dataDir: string;
  readonly homeDir: string;
  readonly now: () => Date;
  readonly emit: ServiceContext['emit'];
  readonly journal: Journal;
  readonly vo: VoService;
  readonly sandbox: Sandbox | null;
  readonly keys: KeyProtection;
}

export async function importAndStore(o: ImportDeps, input: { source: ImportSource; password: string; keyPassphrase?: string }): Promise<RequestSection> {
  const emit = (fraction: number | null, label: string) => o.emit('progress', { task: 'import', fraction, label });
  emit(null, input.source.kind === 'p12' ? 'Opening the .p12 file…' : 'Opening usercert.pem and userkey.pem…');
  const opened = await openCredential({
    source: input.source,
    password: input.password,
    homeDir: o.homeDir,
    dataDir: o.dataDir,
    now: o.now(),
    onProgress: (f, label) => emit(f === null ? null : Math.min(0.7, f * 0.7), label),
  });
  const vo = (await o.vo.current())?.vo;
  const keys = await o.keys.resolve();
  let passphrase: string | undefined;
  if (keys.view.mode === 'typed') {
    passphrase = input.keyPassphrase ?? '';
    const strength = passwordStrength(passphrase, [formatSlashDn(certificateNames(opened.certificate).subject).replace(/^.*\/CN=/, '')]);
    if (!strength.acceptable) throw new OnboardError('INVALID_INPUT', { field: 'key passphrase', detail: strength.reasons.join('; ') });
  }
  let sandboxed = false;
  let estUrl = '';
  if (o.sandbox) {
    const m = await o.sandbox.material();
    sandboxed = opened.anchor.fingerprint256.toUpperCase() === m.fingerprint256.toUpperCase();
    if (sandboxed) estUrl = (await sandboxEndpoint(o.sandbox)).estUrl;
  }
  emit(0.8, 'Keeping your key, encrypted, in OSG Onboard');
  const store = await o.keys.store();
  const subject = certificateNames(opened.certificate).subject;
  const record = await store.create({ key: opened.key, subject: formatSlashDn(subject), request: { connector: 'import', source: opened.display }, passphrase });
  if (passphrase !== undefined) o.keys.remember(record.id, passphrase);
  await store.attachCertificate(record.id, [opened.certificate, ...opened.chain].map(certificatePem).join(''), passphrase);
  const section = importedSection({
    credentialId: record.id,
    opened,
    vo: vo?.name ?? '',
    sandbox: sandboxed,
    estUrl,
    keyProtection: keys.view.mode,
    at: o.now().toISOString(),
  });
  await o.journal.update((j) => {
    replaceRequestSection(j, section);
    o.journal.record(j, 'request', 'imported', `${section.subject} from ${opened.display}, serial ${section.certificate!.serial}, until ${section.certificate!.notAfter}`);
    o.journal.setStep(j, 'request', 'done', stepSummary(section));
  });
  emit(1, 'Your certificate is imported');
  return section;
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
