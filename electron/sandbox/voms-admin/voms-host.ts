import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { parseSlashDn } from '../../../shared/dn';
import { writeFileAtomic } from '../../services/fs/atomic';
import { derToPem } from '../../services/issuer/der';
import { encodeName } from '../../services/issuer/x509-name';
import { parseCertificate, type ParsedCertificate } from '../../services/proxy/cert';
import { pemBlocks } from '../../services/pki/der';
import type { CaMaterial } from '../ca/ca-material';
import { SANDBOX_CA_BASE } from '../ca/dn-rules';
import { OIDS, authorityKeyId, basicConstraints, buildCertificate, extKeyUsage, keyUsage, randomSerial, subjectAltName, subjectKeyId } from '../ca/x509-build';

const generateKeyPairAsync = promisify(generateKeyPair);
const DAY = 86_400_000;

/** The sandbox VOMS server's host certificate subject (what the VO entry's `vomsServers[].dn` and the `.lsc` say). */
export const SANDBOX_VOMS_HOST_DN = `${SANDBOX_CA_BASE}/OU=Services/CN=voms.sandbox.osg-onboard.org`;
/** Where voms clients reach it: vomses host, AC `uri` host and `.lsc` file name. */
export const SANDBOX_VOMS_HOST = '127.0.0.1';

export interface VomsHostCredential {
  readonly certPem: string;
  readonly keyPem: string;
  readonly cert: ParsedCertificate;
  readonly key: KeyObject;
}

async function readIfExists(p: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(p, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function credential(certPem: string, keyPem: string): VomsHostCredential {
  return { certPem, keyPem, cert: parseCertificate(pemBlocks(certPem, 'CERTIFICATE')[0]), key: createPrivateKey(keyPem) };
}

/**
 * The sandbox VOMS server's own host certificate (hostcert.pem 0644 / hostkey.pem 0600 in `dir`),
 * RSA as VOMS signs ACs with sha256WithRSA, issued by the sandbox CA; made again when missing,
 * near expiry, or from another CA (a reset sandbox).
 */
export async function ensureVomsHostCert(dir: string, ca: CaMaterial, now = new Date()): Promise<VomsHostCredential> {
  const keyPath = path.join(dir, 'hostkey.pem');
  const certPath = path.join(dir, 'hostcert.pem');
  const [keyPem, certPem] = [await readIfExists(keyPath), await readIfExists(certPath)];
  if (keyPem && certPem) {
    try {
      const x = new X509Certificate(certPem);
      const fresh = new Date(x.validTo).getTime() - now.getTime() > 30 * DAY;
      if (fresh && x.verify(createPublicKey(ca.key)) && x.checkPrivateKey(createPrivateKey(keyPem))) return credential(certPem, keyPem);
    } catch {
      /* unreadable: make a new pair below */
    }
  }
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
  const der = buildCertificate(
    {
      serial: randomSerial(),
      issuerDer: ca.subjectDer,
      subjectDer: encodeName(parseSlashDn(SANDBOX_VOMS_HOST_DN)),
      spkiDer,
      notBefore: new Date(now.getTime() - 5 * 60_000),
      notAfter: new Date(Math.min(now.getTime() + 365 * DAY, ca.notAfter.getTime())),
      extensions: [
        basicConstraints(false),
        keyUsage(['digitalSignature', 'keyEncipherment']),
        extKeyUsage(OIDS.serverAuth, OIDS.clientAuth),
        subjectKeyId(spkiDer),
        authorityKeyId(ca.keyId),
        subjectAltName({ dns: ['localhost', 'voms.sandbox.osg-onboard.org'], ips: ['127.0.0.1'] }),
      ],
    },
    ca.key,
  );
  const newKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const newCertPem = derToPem(der, 'CERTIFICATE');
  await writeFileAtomic(keyPath, newKeyPem, { mode: 0o600, existing: 'replace' });
  await writeFileAtomic(certPath, newCertPem, { mode: 0o644, existing: 'replace' });
  return credential(newCertPem, newKeyPem);
}
