import { createPrivateKey, type KeyObject } from 'node:crypto';
import { parseCertificate, type ParsedCertificate } from '../../services/proxy/cert';
import { pemBlocks } from '../../services/pki/der';
import { ensureIssuedCert, type CaMaterial } from '../ca/ca-material';
import { SANDBOX_CA_BASE } from '../ca/dn-rules';
import { OIDS } from '../ca/x509-build';

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

function credential(certPem: string, keyPem: string): VomsHostCredential {
  return { certPem, keyPem, cert: parseCertificate(pemBlocks(certPem, 'CERTIFICATE')[0]), key: createPrivateKey(keyPem) };
}

/**
 * The sandbox VOMS server's own host certificate (hostcert.pem 0644 / hostkey.pem 0600 in `dir`),
 * RSA as VOMS signs ACs with sha256WithRSA, issued by the sandbox CA; made again when missing,
 * near expiry, or from another CA (a reset sandbox).
 */
export async function ensureVomsHostCert(dir: string, ca: CaMaterial, now = new Date()): Promise<VomsHostCredential> {
  const { certPem, keyPem } = await ensureIssuedCert(dir, ca, {
    keyFile: 'hostkey.pem',
    certFile: 'hostcert.pem',
    key: 'rsa',
    subjectDn: SANDBOX_VOMS_HOST_DN,
    lifetimeDays: 365,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: [OIDS.serverAuth, OIDS.clientAuth],
    altNames: { dns: ['localhost', 'voms.sandbox.osg-onboard.org'], ips: ['127.0.0.1'] },
  }, now);
  return credential(certPem, keyPem);
}
