import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { parseSlashDn } from '../../../shared/dn';
import { encodeName } from '../../../electron/services/issuer/x509-name';
import { authorityKeyId, basicConstraints, buildCertificate, keyIdentifier, keyUsage, randomSerial, subjectKeyId } from '../../../electron/sandbox/ca/x509-build';
import { parseCertificate, type ParsedCertificate } from '../../../electron/services/proxy/cert';

export interface TestIdentity {
  readonly cert: ParsedCertificate;
  readonly key: KeyObject;
}

const DAY = 86_400_000;

/** A throw-away CA, VOMS host and user, made with the sandbox CA's certificate builder (RSA-2048). */
export function makeTestPki(now = new Date()): { ca: TestIdentity; host: TestIdentity; user: TestIdentity; issue(dn: string, ca?: TestIdentity): TestIdentity } {
  const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const spki = (k: KeyObject) => createPublicKey(k).export({ type: 'spki', format: 'der' });
  const caKey = rsa();
  const caName = encodeName(parseSlashDn('/DC=org/DC=Example/CN=VOMS Unit Test CA'));
  const caCert = parseCertificate(buildCertificate({
    serial: randomSerial(), issuerDer: caName, subjectDer: caName, spkiDer: spki(caKey),
    notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY),
    extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyId(spki(caKey))],
  }, caKey));
  const ca = { cert: caCert, key: caKey };
  const issue = (dn: string, by: TestIdentity = ca): TestIdentity => {
    const key = rsa();
    return {
      key,
      cert: parseCertificate(buildCertificate({
        serial: randomSerial(), issuerDer: by.cert.subjectDer, subjectDer: encodeName(parseSlashDn(dn)), spkiDer: spki(key),
        notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 10 * DAY),
        extensions: [basicConstraints(false), keyUsage(['digitalSignature', 'keyEncipherment']), subjectKeyId(spki(key)), authorityKeyId(keyIdentifier(by.cert.spki))],
      }, by.key)),
    };
  };
  return { ca, host: issue('/DC=org/DC=Example/OU=Services/CN=voms.example.org'), user: issue('/DC=org/DC=Example/OU=People/CN=Bob Unit'), issue };
}
