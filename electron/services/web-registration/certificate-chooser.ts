/**
 * Which client certificate the registration window presents. Chromium (through Electron's
 * `select-client-certificate`) offers every certificate of the browser store the VO's server
 * would accept; we present the user's own — matched by SHA-256 of the certificate, never by name,
 * never "the first one" (Electron's default) — or none at all.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';

/** The fields of Electron's `Certificate` structure the chooser reads (shell/common/gin_converters/net_converter.cc). */
export interface OfferedCertificate {
  /** `sha256/<base64>` of the certificate's DER (Chromium's HashValue::ToString). */
  readonly fingerprint: string;
  /** PEM of the certificate. */
  readonly data?: string;
  readonly subjectName?: string;
  readonly issuerName?: string;
  readonly serialNumber?: string;
  readonly validStart?: number;
  readonly validExpiry?: number;
}

/** A SHA-256 fingerprint as hex (any case, with or without colons), `sha256/<base64>`, or raw base64 → 32 bytes. */
export function fingerprintBytes(fp: string): Buffer | undefined {
  const s = fp.trim();
  const hex = s.replace(/:/g, '');
  if (/^[0-9A-Fa-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  const b64 = s.startsWith('sha256/') ? s.slice('sha256/'.length) : s;
  if (!/^[A-Za-z0-9+/]{43}=$/.test(b64)) return undefined;
  const bytes = Buffer.from(b64, 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

/** The certificate as Electron names it: `sha256/<base64 of SHA-256(DER)>`. */
export function electronFingerprint(der: Uint8Array): string {
  return `sha256/${createHash('sha256').update(der).digest('base64')}`;
}

/** SHA-256 of the PEM the offer carries, when it has one that parses. */
function pemSha256(pem: string | undefined): Buffer | undefined {
  if (!pem) return undefined;
  try {
    return createHash('sha256').update(new X509Certificate(pem).raw).digest();
  } catch {
    return undefined;
  }
}

/**
 * The offered certificate whose SHA-256 equals `wantedSha256`. The offer's fingerprint must match
 * and, when it carries its PEM, that PEM must hash to the same value (an offer whose two facts
 * disagree is not ours). No match → REGISTER_WEB_CERT_NOT_OFFERED, naming what was offered.
 */
export function chooseClientCertificate<C extends OfferedCertificate>(list: readonly C[], wantedSha256: string, url = 'the registration page'): C {
  const wanted = fingerprintBytes(wantedSha256);
  if (!wanted) throw new OnboardError('INVALID_INPUT', { field: 'certificate fingerprint', detail: 'must be a SHA-256 fingerprint' });
  for (const c of list) {
    const fp = typeof c?.fingerprint === 'string' ? fingerprintBytes(c.fingerprint) : undefined;
    if (!fp || !fp.equals(wanted)) continue;
    const fromPem = pemSha256(c.data);
    if (c.data !== undefined && (!fromPem || !fromPem.equals(wanted))) continue;
    return c;
  }
  const offered = list.length === 0 ? 'none' : list.map((c) => c?.subjectName || c?.fingerprint || '?').slice(0, 5).join('; ');
  throw new OnboardError('REGISTER_WEB_CERT_NOT_OFFERED', { url, sha256: colonHex(wanted), offered });
}

/** `AB:CD:…` as the app shows fingerprints elsewhere. */
export function colonHex(bytes: Buffer): string {
  return bytes.toString('hex').toUpperCase().match(/../g)!.join(':');
}
