/**
 * Proxies and per-user sub-proxies (PUSP): make, verify, inspect. Plain Node, no 'electron';
 * the app (Next steps, Tools), the CLI and the credential translator call these in-process.
 *
 * Make a proxy (what grid-proxy-init does):
 *   const cred = await loadUserCredential({ certFile, keyFile, passphrase: async () => pw });
 *   const proxy = await createProxy({ issuerCert: cred.certificate, issuerKey: cred.key,
 *     chain: cred.chain, hours: 12, bits: 2048, limited: false });
 *   await writeProxyFile(defaultProxyPath(), proxy.pem);           // 0600, atomic
 *   → proxy.subject, proxy.notAfter, proxy.shortened (lifetime cut to the certificate's)
 *   `issuerKey` may be a KeyObject or a `ProxySigner` ({ keyType, sign(tbsDer) => Promise<Buffer> })
 *   for keys on a PKCS#11 token; `proxyKey` takes a pre-generated key (a pool); `cnLabel`
 *   sets the last CN (default: the decimal serial).
 *
 * Make a PUSP (robot DN + CN=user:<id>, optionally a per-session proxy under it):
 *   const secret = await pseudonymSecret(secretStore);                // only for pseudonyms
 *   const r = await createPusp({ robotCert, robotKey, userId: 'alice', pseudonymSecret: secret,
 *     session: true, hours: 12 });
 *   → r.identity (the per-user DN), r.pem (file contents), r.robot (what the robot check saw)
 *   Throws PUSP_NOT_ROBOT unless `force`; see checkRobotCertificate for what is checked.
 *
 * Verify (full path validation from an X509_CERT_DIR folder, RFC 3820 rules, then EGI PUSP):
 *   const v = await verifyChain({ chain: fileText, trust: '/etc/grid-security/certificates' });
 *   → v.valid, v.errors / v.warnings ({ code, message, depth }), v.identity (EGI effective
 *     identity), v.identityReasons, v.pusp, v.path
 *
 * The app's facade (public data only; keys and passphrases stay in services):
 *   const svc = new ProxyService({ homeDir, env, uid, secretStore });
 *   await svc.makeProxy({ passphrase, hours })  → { file, subject, identity, notAfter, shortened, info }
 *   await svc.inspectFile(path) · svc.inspectText(droppedText) · await svc.verifyFile(path, caDir)
 *   await svc.makePusp({ robotCertFile, robotKeyFile, userId, pseudonym, session, out })
 *
 * Inspect (voms-proxy-info --all, as data; verifies nothing):
 *   const info = inspectProxy(fileText, { path });  formatProxyInfo(info)
 *   → subject, issuer, identity, vomsIdentity, type, proxyType, strength, timeleft, keyUsage, vo[]
 */
export { createProxy, generateProxyKey, randomSerial, cannotSignReason, DEFAULT_PROXY_BITS, DEFAULT_PROXY_HOURS } from './make-proxy';
export type { CreateProxyOptions, ProxyCredential, ProxyPolicy } from './make-proxy';
export { keySigner, isProxySigner, buildCertificate, proxyCertInfoValue, keyUsageValue, PROXY_KEY_USAGE } from './cert-builder';
export type { ProxySigner, TbsSpec, ExtensionSpec } from './cert-builder';
export { loadUserCredential, readPrivateKey, keyNeedsPassphrase, toCertificate, certificatesFromPem, spkiOf } from './cert-input';
export type { CertInput, UserCredential, LoadCredentialOptions } from './cert-input';
export { parseCertificate, keyUsage, basicConstraints, proxyCertInfo, certificatePolicies, OID } from './cert';
export type { ParsedCertificate } from './cert';
export { createPusp, puspLabel, pseudonymFor, pseudonymSecret, PSEUDONYM_SECRET_ACCOUNT, PUSP_CN_PREFIX } from './pusp';
export type { CreatePuspOptions, PuspResult } from './pusp';
export { checkRobotCertificate, IGTF_ROBOT_POLICY_OID, ROBOT_CN } from './robot';
export type { RobotCheck } from './robot';
export { verifyChain, verifyParsed, puspIdentity } from './verify';
export type { VerifyOptions, VerifyResult, Reason, PathEntry } from './verify';
export { loadTrustDir, makeTrustStore, parseSigningPolicy } from './trust-dir';
export type { TrustStore } from './trust-dir';
export { inspectProxy, formatProxyInfo, formatTimeleft } from './inspect';
export type { ProxyInfo, VomsInfo } from './inspect';
export { parseVomsExtension } from './voms-ac';
export type { VomsAttributeCertificate } from './voms-ac';
export { defaultProxyPath, defaultTrustDir, defaultUserCredentialPaths, parseProxyFile, readProxyFile, writeProxyFile } from './proxy-file';
export { pemEncode, pemBlocks } from './pem';
export { ProxyService } from './proxy-service';
export type { ProxyServiceOptions, MadeProxy, MadePusp } from './proxy-service';
export { fileSecretStore } from './secret-file';
