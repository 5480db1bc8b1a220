import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { Sandbox } from '../../electron/sandbox';
import { ensureDir } from '../../electron/services/fs/atomic';
import { sandboxIdentity } from '../../electron/sandbox/ca';
import { Journal } from '../../electron/services/journal/journal';
import { VoService } from '../../electron/services/vo/vo-service';
import { TrustService } from '../../electron/services/trust/trust-service';
import { CredentialStore } from '../../electron/services/credential/store';
import { buildCsr } from '../../electron/services/credential/csr';
import { enroll } from '../../electron/services/issuer';

/**
 * The steps before Register, done in-process on an app data folder (the Register tests' setup):
 * the sandbox VO chosen, the sandbox CA installed in the app's trust, and user certificates from
 * the sandbox CA (sponsor auto-approval, EST) kept in the CredentialStore with a typed passphrase
 * (Protect “ask each time”). Everything goes through the real services and the real sandbox CA.
 */
export async function chooseSandboxAndTrust(dataDir: string, homeDir: string): Promise<void> {
  const journal = new Journal(dataDir);
  await new VoService({ environment: 'sandbox', journal, now: () => new Date() }).choose('sandbox');
  await installSandboxTrust(dataDir, homeDir);
}

/** The sandbox CA in the app's own trust (the Trust CAs step's `app` target). */
export async function installSandboxTrust(dataDir: string, homeDir: string): Promise<void> {
  const sandbox = new Sandbox({ dataDir });
  try {
    await ensureDir(sandbox.caDir, 0o700);
    const trust = new TrustService({ dataDir, homeDir, env: { PATH: process.env.PATH }, runtimeBundles: async () => [await sandbox.trustBundle()] });
    await trust.install({ bundle: 'sandbox', targets: ['app'] });
  } finally {
    await sandbox.close();
  }
}

export interface SandboxUser {
  readonly credentialId: string;
  readonly subject: string;
  readonly issuer: string;
}

/**
 * A user certificate from the sandbox CA (EST, auto-approved), stored with `passphrase` (typed mode).
 * `at` dates the credential (the store lists the newest first; ids have a one-second stamp).
 */
export async function sandboxUserCredential(dataDir: string, who: { name: string; email: string; passphrase: string; at?: Date }): Promise<SandboxUser> {
  const sandbox = new Sandbox({ dataDir, autoApprove: true });
  try {
    const ca = await sandbox.ca();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const id = sandboxIdentity({ name: who.name, email: who.email });
    // As the Request step sends it: the CA's subject for the person, and the e-mail.
    const csr = buildCsr({ key: privateKey, subject: [...id.subject, [{ type: 'emailAddress', value: id.email! }]] });
    const r = await enroll({ url: ca.estUrl, ca: [ca.caCertPem] }, csr.pem, { basic: { username: 'osg-onboard', password: ca.enrolmentCode } });
    if (r.status !== 'issued') throw new Error(`the sandbox CA did not issue at once: ${JSON.stringify(r)}`);
    const store = new CredentialStore({ dataDir, secrets: null, now: who.at ? () => who.at! : undefined });
    const rec = await store.create({ key: privateKey, subject: id.subjectDn, passphrase: who.passphrase });
    const done = await store.attachCertificate(rec.id, r.certificate.pem + ca.caCertPem, who.passphrase);
    return { credentialId: done.id, subject: done.certificate!.subject, issuer: done.certificate!.issuer };
  } finally {
    await sandbox.close();
  }
}

/** A credential from a CA the sandbox VO does not know (made by openssl elsewhere), stored the same way. */
export async function foreignCredential(dataDir: string, cert: { certPem: string; keyPem: string }, passphrase: string, at?: Date): Promise<SandboxUser> {
  const store = new CredentialStore({ dataDir, secrets: null, now: at ? () => at : undefined });
  const rec = await store.create({ key: createPrivateKey(cert.keyPem), passphrase });
  const done = await store.attachCertificate(rec.id, cert.certPem, passphrase);
  return { credentialId: done.id, subject: done.certificate!.subject, issuer: done.certificate!.issuer };
}
