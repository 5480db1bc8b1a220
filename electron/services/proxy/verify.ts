import { createPrivateKey, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import {
  basicConstraints, findExtension, keyUsage, lastCn, OID, proxyCertInfo, SIGNATURE_ALGORITHMS, type ParsedCertificate,
} from './cert';
import { spkiOf, toCertificate, type CertInput } from './cert-input';
import { CN_OID, rdnEncodings } from './name';
import { parseProxyFile } from './proxy-file';
import { checkRobotCertificate, type RobotCheck } from './robot';
import { PUSP_CN_PREFIX } from './pusp';
import { loadTrustDir, signingPolicyMatches, type TrustStore } from './trust-dir';

/** One finding, with a stable code for programs and a sentence for people. */
export interface Reason {
  readonly code: string;
  readonly message: string;
  /** Position in the path (0 = leaf). */
  readonly depth?: number;
}

export type PathRole = 'proxy' | 'eec' | 'ca' | 'anchor';

export interface PathEntry {
  readonly role: PathRole;
  readonly subject: string;
  readonly issuer: string;
  readonly notAfter: Date;
  /** Where the certificate came from. */
  readonly source: 'file' | 'trust-dir';
  readonly proxyPolicy?: string;
}

export interface VerifyResult {
  /** Path valid: signatures, times, CA constraints, RFC 3820 rules, trust anchor. */
  readonly valid: boolean;
  readonly errors: readonly Reason[];
  readonly warnings: readonly Reason[];
  /** Leaf first, ending at the trust anchor (as far as it could be built). */
  readonly path: readonly PathEntry[];
  readonly eecSubject?: string;
  readonly proxyCount: number;
  /** Effective identity under the EGI PUSP rules (valid paths only). */
  readonly identity?: string;
  /** How the identity was decided. */
  readonly identityReasons: readonly Reason[];
  readonly pusp?: { readonly userLabel: string; readonly subject: string };
  readonly robot?: RobotCheck;
  /** Seconds until the first certificate in the path expires (0 when expired). */
  readonly timeleftSeconds: number;
}

export interface VerifyOptions {
  /** Leaf first: certificates, or a proxy file's text. */
  readonly chain: readonly CertInput[] | string;
  /** A trust folder path (X509_CERT_DIR) or a loaded store. */
  readonly trust: string | TrustStore;
  /** The leaf's private key (PEM); with a proxy file text it is taken from the file. */
  readonly privateKeyPem?: string;
  /** Apply `<hash>.signing_policy` namespaces as Globus does (default true). */
  readonly signingPolicy?: boolean;
  readonly now?: Date;
}

const KNOWN_CRITICAL = new Set<string>([
  OID.keyUsage, OID.basicConstraints, OID.proxyCertInfo, OID.extKeyUsage, OID.certificatePolicies, OID.subjectAltName,
  '2.5.29.30', /* nameConstraints: see warning */ '2.5.29.36', '2.5.29.54',
]);
const KNOWN_POLICIES = new Set<string>([OID.pplInheritAll, OID.pplGlobusLimited, OID.pplIndependent]);

const keyCache = new Map<string, KeyObject>();
function publicKey(c: ParsedCertificate): KeyObject {
  let k = keyCache.get(c.fingerprint);
  if (!k) {
    k = createPublicKey({ key: c.spki, format: 'der', type: 'spki' });
    if (keyCache.size > 512) keyCache.clear();
    keyCache.set(c.fingerprint, k);
  }
  return k;
}

function signedBy(tbs: Buffer, algorithm: string, signature: Buffer, parent: ParsedCertificate): boolean {
  const alg = SIGNATURE_ALGORITHMS[algorithm];
  if (!alg) return false;
  try {
    return nodeVerify(alg.digest, tbs, publicKey(parent), signature);
  } catch {
    return false;
  }
}

export function signatureValid(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  return child.signatureAlgorithm === child.tbsSignatureAlgorithm && signedBy(child.tbs, child.signatureAlgorithm, child.signature, parent);
}

function policyName(o: string): string {
  return o === OID.pplInheritAll ? 'impersonation' : o === OID.pplGlobusLimited ? 'limited' : o === OID.pplIndependent ? 'independent' : o;
}

const isSelfIssued = (c: ParsedCertificate) => c.subjectKey === c.issuerKey;

/** Verifies a proxy (or any certificate) chain against a trust folder, then applies the EGI PUSP rules. */
export async function verifyChain(opts: VerifyOptions): Promise<VerifyResult> {
  const trust = typeof opts.trust === 'string' ? await loadTrustDir(opts.trust) : opts.trust;
  let certs: ParsedCertificate[];
  let keyPem = opts.privateKeyPem;
  if (typeof opts.chain === 'string') {
    const parsed = parseProxyFile(opts.chain);
    certs = [...parsed.certificates];
    keyPem ??= parsed.privateKeyPem;
  } else certs = opts.chain.map((c) => toCertificate(c));
  return verifyParsed(certs, trust, { ...opts, privateKeyPem: keyPem });
}

interface Link {
  readonly cert: ParsedCertificate;
  readonly source: 'file' | 'trust-dir';
}

export function verifyParsed(certs: readonly ParsedCertificate[], trust: TrustStore, opts: Pick<VerifyOptions, 'privateKeyPem' | 'signingPolicy' | 'now'> = {}): VerifyResult {
  const now = (opts.now ?? new Date()).getTime();
  const errors: Reason[] = [];
  const warnings: Reason[] = [];
  const err = (code: string, message: string, depth?: number) => errors.push({ code, message, depth });
  if (certs.length === 0) {
    err('EMPTY', 'there is no certificate to verify');
    return { valid: false, errors, warnings, path: [], proxyCount: 0, identityReasons: [], timeleftSeconds: 0 };
  }

  // 1. Build the path: each certificate's issuer must be the next one in the file, or in the trust folder.
  const path: Link[] = [{ cert: certs[0], source: 'file' }];
  const used = new Set<number>([0]);
  for (let guard = 0; guard < 32; guard++) {
    const cur = path[path.length - 1];
    if (isSelfIssued(cur.cert)) {
      if (cur.source !== 'trust-dir' && !trust.fingerprints.has(cur.cert.fingerprint)) {
        err('UNTRUSTED_ROOT', `the self-signed certificate ${cur.cert.subjectDn} is not in the trusted CA folder`, path.length - 1);
      }
      break;
    }
    const idx = certs.indexOf(cur.cert);
    const fileIssuers = certs.map((c, i) => ({ c, i })).filter(({ c, i }) => !used.has(i) && c.subjectKey === cur.cert.issuerKey);
    const next = fileIssuers.find(({ c, i }) => i === idx + 1 && signatureValid(cur.cert, c)) ?? fileIssuers.find(({ c }) => signatureValid(cur.cert, c));
    if (next) {
      if (idx >= 0 && next.i !== idx + 1) err('CHAIN_ORDER', `the certificates are out of order: certificate #${idx + 1} is signed by #${next.i + 1}, not by the one after it`, path.length - 1);
      used.add(next.i);
      path.push({ cert: next.c, source: 'file' });
      continue;
    }
    const anchors = trust.bySubject.get(cur.cert.issuerKey) ?? [];
    const anchor = anchors.find((a) => signatureValid(cur.cert, a));
    if (anchor) {
      path.push({ cert: anchor, source: 'trust-dir' });
      continue;
    }
    if (fileIssuers.length || anchors.length) {
      err('BAD_SIGNATURE', `the signature of ${cur.cert.subjectDn} does not verify with its issuer’s key (${cur.cert.issuerDn})`, path.length - 1);
    } else {
      err('UNKNOWN_ISSUER', `the issuer ${cur.cert.issuerDn} of ${cur.cert.subjectDn} is neither in the file nor in the trusted CA folder`, path.length - 1);
    }
    break;
  }
  certs.forEach((c, i) => {
    if (!used.has(i)) warnings.push({ code: 'UNUSED_CERTIFICATE', message: `certificate #${i + 1} (${c.subjectDn}) is not part of the path`, depth: i });
  });

  // 2. Roles: proxies first, then one end-entity certificate, then CAs.
  const pcis = path.map(({ cert }, d) => {
    try {
      return proxyCertInfo(cert);
    } catch {
      err('BAD_PROXY_CERT_INFO', `the proxyCertInfo extension of ${cert.subjectDn} cannot be read`, d);
      return undefined;
    }
  });
  let eecIndex = pcis.findIndex((p) => p === undefined);
  if (eecIndex < 0) eecIndex = path.length;
  const roles: PathRole[] = path.map((l, d) => (d < eecIndex ? 'proxy' : d === eecIndex ? 'eec' : l.source === 'trust-dir' && isSelfIssued(l.cert) && d === path.length - 1 ? 'anchor' : 'ca'));

  // 3. Per-certificate checks.
  path.forEach(({ cert }, d) => {
    if (now < cert.notBefore.getTime()) err('NOT_YET_VALID', `${cert.subjectDn} is not valid before ${cert.notBefore.toISOString()}`, d);
    if (now > cert.notAfter.getTime()) err('EXPIRED', `${cert.subjectDn} expired on ${cert.notAfter.toISOString()}`, d);
    for (const ext of cert.extensions) {
      if (ext.critical && !KNOWN_CRITICAL.has(ext.oid)) err('UNHANDLED_CRITICAL_EXTENSION', `${cert.subjectDn} has a critical extension ${ext.oid} that is not understood`, d);
    }
    if (findExtension(cert, '2.5.29.30')) warnings.push({ code: 'NAME_CONSTRAINTS_NOT_CHECKED', message: `${cert.subjectDn} has name constraints, which this verifier does not enforce`, depth: d });
  });

  // 4. CA rules for the issuers of the EEC and of CAs.
  let nonSelfIssuedBelow = 0;
  for (let d = eecIndex + 1; d < path.length; d++) {
    const ca = path[d].cert;
    const bc = basicConstraints(ca);
    const isV1Anchor = roles[d] === 'anchor' && ca.version < 3;
    if (!bc?.ca && !isV1Anchor) err('ISSUER_NOT_CA', `${ca.subjectDn} signed ${path[d - 1].cert.subjectDn} but is not a CA (basicConstraints CA:TRUE missing)`, d);
    const ku = keyUsage(ca);
    if (ku && !ku.has('keyCertSign')) err('CA_KEY_USAGE', `${ca.subjectDn} is not allowed to sign certificates (keyUsage lacks keyCertSign)`, d);
    if (bc?.pathLength !== undefined && nonSelfIssuedBelow > bc.pathLength) err('CA_PATH_LENGTH', `${ca.subjectDn} allows ${bc.pathLength} intermediate CAs below it, the path has ${nonSelfIssuedBelow}`, d);
    if (!isSelfIssued(ca)) nonSelfIssuedBelow++;
  }
  if (eecIndex < path.length && basicConstraints(path[eecIndex].cert)?.ca && eecIndex > 0) {
    err('PROXY_ISSUER_IS_CA', `the proxy ${path[eecIndex - 1].cert.subjectDn} is signed by a CA certificate; a proxy must be signed by an end-entity certificate or a proxy`, eecIndex - 1);
  }

  // 5. RFC 3820 rules for the proxies (depth 0 … eecIndex-1).
  let limitedAbove = false;
  for (let d = eecIndex - 1; d >= 0; d--) {
    const { cert } = path[d];
    const pci = pcis[d]!;
    const parent = path[d + 1]?.cert;
    if (!pci.rfc) err('UNSUPPORTED_PROXY_TYPE', `${cert.subjectDn} is a pre-RFC (GT3) proxy; only RFC 3820 proxies are accepted`, d);
    if (!pci.critical) err('PCI_NOT_CRITICAL', `the proxyCertInfo extension of ${cert.subjectDn} is not critical (RFC 3820 §3.8 requires it; Globus servers refuse such proxies)`, d);
    if (!KNOWN_POLICIES.has(pci.policyLanguage)) err('UNKNOWN_PROXY_POLICY', `${cert.subjectDn} has proxy policy language ${pci.policyLanguage}, which is not understood (RFC 3820 §3.8: reject)`, d);
    if (pci.policyLanguage === OID.pplIndependent) warnings.push({ code: 'INDEPENDENT_PROXY', message: `${cert.subjectDn} is an independent proxy: it carries none of its issuer’s rights`, depth: d });
    const isLimited = pci.policyLanguage === OID.pplGlobusLimited;
    if (limitedAbove && !isLimited) err('LIMITED_SIGNS_FULL', `${cert.subjectDn} is a full proxy signed by a limited proxy`, d);
    limitedAbove ||= isLimited;
    if (pci.pathLength !== undefined && d > pci.pathLength) err('PROXY_PATH_LENGTH', `${cert.subjectDn} allows ${pci.pathLength} proxies below it, the path has ${d}`, d);
    const bc = basicConstraints(cert);
    if (bc?.ca) err('PROXY_IS_CA', `${cert.subjectDn} is a proxy with basicConstraints CA:TRUE`, d);
    if (findExtension(cert, OID.subjectAltName) || findExtension(cert, OID.issuerAltName)) err('PROXY_ALT_NAME', `${cert.subjectDn} is a proxy with a subject or issuer alternative name (RFC 3820 §3.5)`, d);
    if (!parent) continue;
    const childRdns = rdnEncodings(cert.subjectDer);
    const parentRdns = rdnEncodings(parent.subjectDer);
    const last = cert.subject[cert.subject.length - 1];
    const extendsIssuer =
      childRdns.length === parentRdns.length + 1 &&
      parentRdns.every((r, i) => r.equals(childRdns[i]) || cert.subject[i].map((a) => a.value).join() === parent.subject[i].map((a) => a.value).join()) &&
      last.length === 1 && last[0].oid === CN_OID;
    if (!extendsIssuer) err('PROXY_SUBJECT', `the proxy subject ${cert.subjectDn} is not its issuer’s subject ${parent.subjectDn} plus one CN (RFC 3820 §3.4)`, d);
    const pku = keyUsage(parent);
    if (pku && !pku.has('digitalSignature')) err('ISSUER_KEY_USAGE', `${parent.subjectDn} signed a proxy but its keyUsage lacks digitalSignature`, d + 1);
    if (cert.notAfter.getTime() > parent.notAfter.getTime()) err('PROXY_OUTLIVES_ISSUER', `the proxy ${cert.subjectDn} is valid until ${cert.notAfter.toISOString()}, after its issuer expires (${parent.notAfter.toISOString()})`, d);
  }

  // 6. Signing policies (Globus): in a folder that has them, every CA that signed a certificate
  // of the path needs one, and the certificate's subject must be in its namespace.
  if (opts.signingPolicy !== false && trust.signingPolicies.size > 0) {
    for (let d = eecIndex; d + 1 < path.length; d++) {
      const signed = path[d].cert;
      const ca = path[d + 1].cert;
      const patterns = trust.signingPolicies.get(ca.subjectKey);
      if (!patterns) err('SIGNING_POLICY_MISSING', `the CA ${ca.subjectDn} has no .signing_policy in the trusted CA folder (Globus refuses what it signed)`, d + 1);
      else if (!patterns.some((p) => signingPolicyMatches(p, signed.subjectOneline))) {
        err('SIGNING_POLICY', `${signed.subjectDn} is outside the namespace the CA ${ca.subjectDn} may sign (its .signing_policy)`, d);
      }
    }
  }

  // 7. Revocation: a CA's CRL in the trust folder (`<hash>.r0`), when there is one, as Globus reads it.
  for (let d = eecIndex; d + 1 < path.length; d++) {
    const cert = path[d].cert;
    const ca = path[d + 1].cert;
    const crls = (trust.crls.get(ca.subjectKey) ?? []).filter((c) => signedBy(c.tbs, c.signatureAlgorithm, c.signature, ca));
    if ((trust.crls.get(ca.subjectKey) ?? []).length > crls.length) warnings.push({ code: 'CRL_BAD_SIGNATURE', message: `a CRL for ${ca.subjectDn} is not signed by it and was ignored`, depth: d + 1 });
    if (crls.length === 0) continue;
    const newest = crls.reduce((a, b) => (b.thisUpdate > a.thisUpdate ? b : a));
    if (newest.nextUpdate && newest.nextUpdate.getTime() < now) err('CRL_EXPIRED', `the CRL of ${ca.subjectDn} expired on ${newest.nextUpdate.toISOString()}; update the trusted CA folder (fetch-crl)`, d + 1);
    if (crls.some((c) => c.revoked.has(cert.serial))) err('REVOKED', `${cert.subjectDn} has been revoked by ${ca.subjectDn}`, d);
  }

  // 8. The file's private key must be the leaf's.
  if (opts.privateKeyPem) {
    try {
      if (!spkiOf(createPrivateKey(opts.privateKeyPem)).equals(path[0].cert.spki)) err('KEY_MISMATCH', 'the private key in the file does not belong to the first certificate', 0);
    } catch {
      err('KEY_UNREADABLE', 'the private key in the file cannot be read', 0);
    }
  }

  const top = path[path.length - 1].cert;
  const lastIsAnchor = isSelfIssued(top) && (path[path.length - 1].source === 'trust-dir' || trust.fingerprints.has(top.fingerprint));
  if (!lastIsAnchor && !errors.some((e) => ['UNKNOWN_ISSUER', 'UNTRUSTED_ROOT', 'BAD_SIGNATURE'].includes(e.code))) {
    err('UNKNOWN_ISSUER', 'the path does not reach a certificate in the trusted CA folder');
  }
  const valid = errors.length === 0;
  const entries: PathEntry[] = path.map(({ cert, source }, d) => ({
    role: roles[d], subject: cert.subjectDn, issuer: cert.issuerDn, notAfter: cert.notAfter, source,
    ...(pcis[d] ? { proxyPolicy: policyName(pcis[d]!.policyLanguage) } : {}),
  }));
  const timeleftSeconds = Math.max(0, Math.floor((Math.min(...path.map((l) => l.cert.notAfter.getTime())) - now) / 1000));
  const base = { valid, errors, warnings, path: entries, proxyCount: Math.min(eecIndex, path.length), timeleftSeconds };
  if (eecIndex >= path.length) {
    return { ...base, identityReasons: [{ code: 'NO_EEC', message: 'the path has no end-entity certificate' }] };
  }
  const eec = path[eecIndex].cert;
  const egi = puspIdentity(path.slice(0, eecIndex).map((l) => l.cert), eec);
  return { ...base, eecSubject: eec.subjectDn, ...(valid ? { identity: egi.identity } : {}), identityReasons: egi.reasons, pusp: valid ? egi.pusp : undefined, robot: egi.robot };
}

/**
 * EGI PUSP rules: a proxy `CN=user:<id>` gives a per-user identity only when the EEC is a
 * robot certificate, there is exactly one such proxy, and it is the first proxy after the
 * EEC. Otherwise the identity is the EEC's subject. `proxies` is leaf first.
 */
export function puspIdentity(proxies: readonly ParsedCertificate[], eec: ParsedCertificate): {
  identity: string; reasons: Reason[]; pusp?: { userLabel: string; subject: string }; robot?: RobotCheck;
} {
  const labelled = proxies.map((p, i) => ({ p, i, cn: lastCn(p) })).filter((x) => x.cn?.startsWith(PUSP_CN_PREFIX));
  if (labelled.length === 0) {
    return { identity: eec.subjectDn, reasons: [{ code: 'NO_PUSP', message: 'no proxy has a CN=user:… name, so the identity is the end-entity certificate’s' }] };
  }
  const robot = checkRobotCertificate(eec);
  const toEec = (code: string, message: string) => ({ identity: eec.subjectDn, reasons: [{ code, message }], robot });
  if (!robot.robot) return toEec('PUSP_EEC_NOT_ROBOT', `a proxy has a CN=user:… name but ${eec.subjectDn} is not a robot certificate (${robot.problems.join('; ')}), so the identity is the end-entity certificate’s`);
  if (labelled.length > 1) return toEec('PUSP_MORE_THAN_ONE', `${labelled.length} proxies have a CN=user:… name; EGI allows exactly one PUSP, so the identity is the robot certificate’s`);
  const only = labelled[0];
  if (only.i !== proxies.length - 1) return toEec('PUSP_NOT_FIRST', `the CN=user:… proxy is not the first proxy after the robot certificate, so the identity is the robot certificate’s`);
  return {
    identity: only.p.subjectDn,
    reasons: [{ code: 'PUSP', message: `EGI per-user sub-proxy: ${robot.evidence.join(' and ')}, and the first proxy is ${only.cn}` }],
    pusp: { userLabel: only.cn!, subject: only.p.subjectDn },
    robot,
  };
}
