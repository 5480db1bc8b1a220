import { createPublicKey, randomBytes, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { basicConstraints, keyUsage, OID, parseCertificate, proxyCertInfo, SIGNATURE_ALGORITHMS, type ParsedCertificate } from './cert';
import { buildCertificate, isProxySigner, keySigner, keyUsageValue, PROXY_KEY_USAGE, proxyCertInfoValue, type ProxySigner } from './cert-builder';
import { spkiOf, toCertificate, type CertInput } from './cert-input';
import { seq } from './der';
import { appendCn } from './name';
import { pemEncode } from './pem';
import { DEFAULT_PROXY_BITS, generateProxyKey } from './proxy-key';

export { DEFAULT_PROXY_BITS, generateProxyKey };

export const DEFAULT_PROXY_HOURS = 12;
/** Globus back-dates proxies by five minutes against clock skew; so do we. */
export const BACKDATE_MS = 5 * 60 * 1000;

export interface CreateProxyOptions {
  /** The certificate that signs: usercert.pem, a robot certificate, or a proxy (proxy of a proxy). */
  readonly issuerCert: CertInput;
  /** Its key, or a signer (e.g. a PKCS#11 token) that signs the TBSCertificate. */
  readonly issuerKey: KeyObject | ProxySigner;
  /** Certificates above the issuer, issuer's issuer first (EEC when the issuer is a proxy; CA chain optional). */
  readonly chain?: readonly CertInput[];
  /** Lifetime in hours (default 12); cut to the issuer's own end of validity. */
  readonly hours?: number;
  /** Lifetime in seconds (overrides hours). */
  readonly lifetimeSeconds?: number;
  /** RSA size of the new proxy key (default 2048); ignored when proxyKey is given. */
  readonly bits?: number;
  /** Globus limited proxy policy instead of impersonation (inheritAll). */
  readonly limited?: boolean;
  /** pCPathLenConstraint: how many proxies may be made below this one (default unlimited). */
  readonly pathLength?: number;
  /**
   * A pre-generated private key (e.g. from a pool) instead of a fresh one, or one still being
   * generated (the CLI starts it first): the issuer checks run meanwhile.
   */
  readonly proxyKey?: KeyObject | Promise<KeyObject>;
  /** The last CN (default: the decimal serial, as grid-proxy-init); PUSPs pass `user:<id>`. */
  readonly cnLabel?: string;
  /**
   * VOMS attribute certificates (DER) to carry, as voms-proxy-init does: the non-critical
   * extension 1.3.6.1.4.1.8005.100.100.5 = SEQUENCE OF SEQUENCE OF AttributeCertificate.
   */
  readonly vomsAcs?: readonly Buffer[];
  readonly now?: Date;
}

export type ProxyPolicy = 'impersonation' | 'limited';

export interface ProxyCredential {
  readonly certificate: ParsedCertificate;
  readonly certificatePem: string;
  /** Stays in services: the app gets `subject`, `notAfter`, never this. */
  readonly privateKey: KeyObject;
  readonly privateKeyPem: string;
  /** Issuer first, then what was passed as `chain`. */
  readonly chain: readonly ParsedCertificate[];
  /** Proxy file contents: proxy certificate, its key, then the chain (LF line ends). */
  readonly pem: string;
  readonly subject: string;
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly policy: ProxyPolicy;
  /** True when the lifetime was cut to the issuer's end of validity. */
  readonly shortened: boolean;
}

/** A fresh positive serial: 8 random bytes with the top bit clear (minimal DER, never negative). */
export function randomSerial(): Buffer {
  const b = randomBytes(8);
  b[0] &= 0x7f;
  if (b[0] === 0) b[0] = 1;
  return b;
}

export function proxyKeyPem(key: KeyObject): string {
  const text = key.asymmetricKeyType === 'rsa'
    ? key.export({ type: 'pkcs1', format: 'pem' })
    : key.export({ type: 'pkcs8', format: 'pem' });
  return text.toString().replace(/\r\n/g, '\n');
}

/** Why an issuer cannot sign a proxy (undefined when it can). */
export function cannotSignReason(issuer: ParsedCertificate, limited: boolean): string | undefined {
  if (basicConstraints(issuer)?.ca) return 'it is a CA certificate, not a user or proxy certificate';
  const ku = keyUsage(issuer);
  if (ku && !ku.has('digitalSignature')) return 'its key usage does not include digitalSignature';
  const pci = proxyCertInfo(issuer);
  if (pci) {
    if (!pci.rfc) return 'it is a pre-RFC (GT3) proxy; make the proxy from the user certificate';
    if (pci.pathLength === 0) return 'its path length constraint allows no further proxies';
    if (pci.policyLanguage === OID.pplGlobusLimited && !limited) return 'it is a limited proxy, which can only sign limited proxies (use --limited)';
    if (pci.policyLanguage === OID.pplIndependent) return 'it is an independent proxy';
  }
  return undefined;
}

/**
 * Makes an RFC 3820 proxy: subject = issuer subject (raw DER) + CN=<serial or label>,
 * critical proxyCertInfo (inheritAll, or Globus limited), critical keyUsage as grid-proxy-init
 * sets it, fresh serial, SHA-256, lifetime cut to the issuer's. The signature is checked
 * against the issuer's public key before returning (catches a token signing with the wrong key).
 */
export async function createProxy(opts: CreateProxyOptions): Promise<ProxyCredential> {
  const issuer = toCertificate(opts.issuerCert, 'the issuer certificate');
  const chain = (opts.chain ?? []).map((c) => toCertificate(c, 'the certificate chain'));
  const now = opts.now ?? new Date();
  const limited = opts.limited ?? false;

  if (issuer.notAfter.getTime() <= now.getTime()) {
    throw new OnboardError('PROXY_ISSUER_EXPIRED', { subject: issuer.subjectDn, date: issuer.notAfter.toISOString() });
  }
  if (issuer.notBefore.getTime() > now.getTime()) {
    throw new OnboardError('PROXY_ISSUER_NOT_YET_VALID', { subject: issuer.subjectDn, date: issuer.notBefore.toISOString() });
  }
  const why = cannotSignReason(issuer, limited);
  if (why) throw new OnboardError('PROXY_ISSUER_CANNOT_SIGN', { subject: issuer.subjectDn, detail: why });

  let signer: ProxySigner;
  if (isProxySigner(opts.issuerKey)) signer = opts.issuerKey;
  else {
    const key = opts.issuerKey as KeyObject;
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') {
      throw new OnboardError('PROXY_KEY_UNSUPPORTED', { detail: String(key.asymmetricKeyType) });
    }
    if (!spkiOf(key).equals(issuer.spki)) {
      throw new OnboardError('PROXY_KEY_MISMATCH', { keyFile: 'the issuer key', certFile: issuer.subjectDn });
    }
    signer = keySigner(key);
  }

  const seconds = opts.lifetimeSeconds ?? (opts.hours ?? DEFAULT_PROXY_HOURS) * 3600;
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new OnboardError('INVALID_INPUT', { field: 'hours', detail: 'give a positive number of hours' });
  if (opts.pathLength !== undefined && (!Number.isInteger(opts.pathLength) || opts.pathLength < 0)) {
    throw new OnboardError('INVALID_INPUT', { field: 'path length', detail: 'give a whole number ≥ 0' });
  }
  const wanted = new Date(Math.floor(now.getTime() / 1000) * 1000 + seconds * 1000);
  const shortened = wanted.getTime() > issuer.notAfter.getTime();
  const notAfter = shortened ? issuer.notAfter : wanted;
  const notBefore = new Date(Math.max(Math.floor((now.getTime() - BACKDATE_MS) / 1000) * 1000, issuer.notBefore.getTime()));

  const privateKey = await (opts.proxyKey ?? generateProxyKey(opts.bits ?? DEFAULT_PROXY_BITS));
  const serial = randomSerial();
  const serialDecimal = BigInt('0x' + serial.toString('hex')).toString(10);
  const policy = limited ? OID.pplGlobusLimited : OID.pplInheritAll;
  let der: Buffer;
  try {
    der = await buildCertificate(
      {
        serial,
        issuerDer: issuer.subjectDer,
        subjectDer: appendCn(issuer.subjectDer, opts.cnLabel ?? serialDecimal),
        notBefore,
        notAfter,
        spki: spkiOf(privateKey),
        extensions: [
          ...(opts.vomsAcs?.length ? [{ oid: OID.vomsAc, critical: false, value: seq(seq(...opts.vomsAcs)) }] : []),
          { oid: OID.keyUsage, critical: true, value: keyUsageValue(PROXY_KEY_USAGE) },
          { oid: OID.proxyCertInfo, critical: true, value: proxyCertInfoValue(policy, opts.pathLength) },
        ],
      },
      signer,
    );
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    throw new OnboardError('PROXY_SIGNER_FAILED', { detail: (e as Error).message }, { cause: e });
  }
  const certificate = parseCertificate(der);
  const alg = SIGNATURE_ALGORITHMS[certificate.signatureAlgorithm];
  const issuerPub = createPublicKey({ key: issuer.spki, format: 'der', type: 'spki' });
  if (!alg || !nodeVerify(alg.digest, certificate.tbs, issuerPub, certificate.signature)) {
    throw new OnboardError('PROXY_SIGNER_FAILED', { detail: 'the signature does not match the issuer certificate’s public key' });
  }
  const certificatePem = pemEncode('CERTIFICATE', der);
  const privateKeyPem = proxyKeyPem(privateKey);
  const fullChain = [issuer, ...chain];
  return {
    certificate,
    certificatePem,
    privateKey,
    privateKeyPem,
    chain: fullChain,
    pem: certificatePem + privateKeyPem + fullChain.map((c) => pemEncode('CERTIFICATE', c.der)).join(''),
    subject: certificate.subjectDn,
    serial: serialDecimal,
    notBefore,
    notAfter,
    policy: limited ? 'limited' : 'impersonation',
    shortened,
  };
}
