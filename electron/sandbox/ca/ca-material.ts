import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { formatSlashDn, parseSlashDn } from '../../../shared/dn';
import { writeFileAtomic } from '../../services/fs/atomic';
import { derToPem, pemToDer } from '../../services/issuer/der';
import { certificateParts } from '../../services/issuer/certificate-info';
import { encodeName } from '../../services/issuer/x509-name';
import { SANDBOX_CA_BASE, SANDBOX_USER_BASE } from './dn-rules';
import {
  OIDS,
  authorityKeyId,
  basicConstraints,
  buildCertificate,
  extKeyUsage,
  keyIdentifier,
  keyUsage,
  randomSerial,
  subjectAltName,
  subjectKeyId,
} from './x509-build';

const generateKeyPairAsync = promisify(generateKeyPair);

export const CA_FILES = {
  key: 'ca-key.pem',
  cert: 'ca-cert.pem',
  serverKey: 'server-key.pem',
  serverCert: 'server-cert.pem',
} as const;

const DAY = 86_400_000;
const CA_LIFETIME_DAYS = 5 * 365;
const SERVER_LIFETIME_DAYS = 365;
/** Backdating covers clocks a few minutes apart (user's machine vs. the CA). */
export const BACKDATE_MS = 5 * 60_000;

export interface CaMaterial {
  readonly key: KeyObject;
  readonly certPem: string;
  readonly certDer: Buffer;
  readonly subjectDer: Buffer;
  readonly subject: string;
  readonly keyId: Buffer;
  readonly notAfter: Date;
  /** SHA-256 fingerprint, `AA:BB:…`. */
  readonly fingerprint256: string;
}

async function readIfExists(p: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(p, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function materialFrom(key: KeyObject, certPem: string): CaMaterial {
  const certDer = pemToDer(certPem, 'CERTIFICATE');
  const parts = certificateParts(certDer);
  const x = new X509Certificate(certDer);
  if (!x.checkPrivateKey(key)) throw new Error('the CA key does not match the CA certificate');
  return {
    key,
    certPem: derToPem(certDer, 'CERTIFICATE'),
    certDer,
    subjectDer: parts.subjectDer,
    subject: formatSlashDn(parts.subject),
    keyId: keyIdentifier(parts.spkiDer),
    notAfter: parts.notAfter,
    fingerprint256: x.fingerprint256,
  };
}

function selfSignedCa(key: KeyObject, now: Date): string {
  const spkiDer = createPublicKey(key).export({ type: 'spki', format: 'der' });
  // A per-install suffix: a reset sandbox gets a new CA name, so old trust entries never collide.
  const subjectDer = encodeName(parseSlashDn(`${SANDBOX_CA_BASE}/CN=OSG Onboard Sandbox CA ${randomBytes(2).toString('hex').toUpperCase()}`));
  const der = buildCertificate(
    {
      serial: randomSerial(),
      issuerDer: subjectDer,
      subjectDer,
      spkiDer,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + CA_LIFETIME_DAYS * DAY),
      extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyId(spkiDer), authorityKeyId(keyIdentifier(spkiDer))],
    },
    key,
  );
  return derToPem(der, 'CERTIFICATE');
}

/**
 * The sandbox root CA kept in `dir`: made at first start (RSA key 0600, self-signed cert 0644),
 * read back afterwards. The key is written before the certificate, so a crash in between leaves
 * a key from which the certificate is made again.
 */
export async function loadOrCreateCa(dir: string, opts: { now?: Date; keyBits?: number } = {}): Promise<CaMaterial> {
  const now = opts.now ?? new Date();
  const keyPath = path.join(dir, CA_FILES.key);
  const certPath = path.join(dir, CA_FILES.cert);
  try {
    let keyPem = await readIfExists(keyPath);
    let certPem = await readIfExists(certPath);
    if (certPem && !keyPem) throw new Error(`${CA_FILES.cert} is there but its key ${CA_FILES.key} is missing`);
    if (!keyPem) {
      const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: opts.keyBits ?? 2048 });
      keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      await writeFileAtomic(keyPath, keyPem, { mode: 0o600, existing: 'fail' });
    }
    const key = createPrivateKey(keyPem);
    if (!certPem) {
      certPem = selfSignedCa(key, now);
      await writeFileAtomic(certPath, certPem, { mode: 0o644, existing: 'fail' });
    }
    await fsp.chmod(keyPath, 0o600);
    return materialFrom(key, certPem);
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    throw new OnboardError('SANDBOX_CA_STATE_INVALID', { dir, detail: (e as Error).message }, { cause: e });
  }
}

/**
 * The server's TLS certificate, issued by the sandbox CA for 127.0.0.1 / ::1 / localhost; made
 * again when missing, near expiry, or from another CA.
 */
export async function ensureServerCert(dir: string, ca: CaMaterial, now = new Date()): Promise<{ certPem: string; keyPem: string }> {
  return ensureIssuedCert(dir, ca, {
    keyFile: CA_FILES.serverKey,
    certFile: CA_FILES.serverCert,
    key: 'ec',
    subjectDn: `${SANDBOX_USER_BASE}/CN=localhost`,
    lifetimeDays: SERVER_LIFETIME_DAYS,
    keyUsage: ['digitalSignature'],
    extKeyUsage: [OIDS.serverAuth],
    altNames: { dns: ['localhost'], ips: ['127.0.0.1', '::1'] },
  }, now);
}

/** What a sandbox service certificate issued by the sandbox CA looks like, and where it is kept. */
export interface IssuedCertProfile {
  readonly keyFile: string;
  readonly certFile: string;
  /** `ec`: P-256; `rsa`: 2048 bits (e.g. VOMS, which signs ACs with sha256WithRSA). */
  readonly key: 'ec' | 'rsa';
  readonly subjectDn: string;
  readonly lifetimeDays: number;
  readonly keyUsage: Parameters<typeof keyUsage>[0];
  readonly extKeyUsage: readonly string[];
  readonly altNames: Parameters<typeof subjectAltName>[0];
}

/**
 * A certificate the sandbox CA issues to one of the sandbox's own services (key 0600, cert 0644
 * in `dir`); made again when missing, near expiry, or from another CA (a reset sandbox).
 */
export async function ensureIssuedCert(dir: string, ca: CaMaterial, profile: IssuedCertProfile, now = new Date()): Promise<{ certPem: string; keyPem: string }> {
  const keyPath = path.join(dir, profile.keyFile);
  const certPath = path.join(dir, profile.certFile);
  const [keyPem, certPem] = [await readIfExists(keyPath), await readIfExists(certPath)];
  if (keyPem && certPem) {
    try {
      const x = new X509Certificate(certPem);
      const fresh = new Date(x.validTo).getTime() - now.getTime() > 30 * DAY;
      if (fresh && x.verify(createPublicKey(ca.key)) && x.checkPrivateKey(createPrivateKey(keyPem))) return { certPem, keyPem };
    } catch {
      /* unreadable: make a new pair below */
    }
  }
  const { privateKey, publicKey } = profile.key === 'ec'
    ? await generateKeyPairAsync('ec', { namedCurve: 'prime256v1' })
    : await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
  const der = buildCertificate(
    {
      serial: randomSerial(),
      issuerDer: ca.subjectDer,
      subjectDer: encodeName(parseSlashDn(profile.subjectDn)),
      spkiDer,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(Math.min(now.getTime() + profile.lifetimeDays * DAY, ca.notAfter.getTime())),
      extensions: [
        basicConstraints(false),
        keyUsage(profile.keyUsage),
        extKeyUsage(...profile.extKeyUsage),
        subjectKeyId(spkiDer),
        authorityKeyId(ca.keyId),
        subjectAltName(profile.altNames),
      ],
    },
    ca.key,
  );
  const newKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const newCertPem = derToPem(der, 'CERTIFICATE');
  await writeFileAtomic(keyPath, newKeyPem, { mode: 0o600, existing: 'replace' });
  await writeFileAtomic(certPath, newCertPem, { mode: 0o644, existing: 'replace' });
  return { certPem: newCertPem, keyPem: newKeyPem };
}
