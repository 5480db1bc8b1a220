import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { formatSlashDn, parseSlashDn } from '../../../shared/dn';
import { SIGNATURE_ALGORITHMS, type ParsedCertificate } from '../proxy/cert';
import type { TrustStore } from '../proxy/trust-dir';
import type { VomsAc } from './ac-read';

/**
 * What voms-proxy-info / the VOMS API check before believing an AC (vomsdir rules):
 * `<vomsdir>/<vo>/<host>.lsc` lists the VOMS server's DN, then its CA's DN (then higher CAs);
 * the AC must carry (ACCerts) a certificate with exactly that subject and issuer, that
 * certificate must be signed by a trusted CA and be valid, and it must have signed the AC.
 */
export interface VomsAcCheck {
  readonly valid: boolean;
  readonly errors: readonly string[];
  /** The server certificate that signed the AC (when found). */
  readonly signer?: ParsedCertificate;
}

/** One `.lsc` file: DN lines (slash form), server first; `------ NEXT CHAIN ------` separates alternatives. */
export function parseLsc(text: string): string[][] {
  const chains: string[][] = [[]];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (/^-+\s*NEXT CHAIN\s*-+$/.test(line)) {
      chains.push([]);
      continue;
    }
    chains[chains.length - 1].push(line);
  }
  return chains.filter((c) => c.length > 0);
}

const norm = (dn: string): string => {
  try {
    return formatSlashDn(parseSlashDn(dn));
  } catch {
    return dn;
  }
};

export interface VerifyVomsAcOptions {
  /** `.lsc` chains for the AC's host (parseLsc), from `<vomsdir>/<vo>/<host>.lsc`. */
  readonly lsc?: readonly (readonly string[])[];
  /** Trusted CAs (X509_CERT_DIR). */
  readonly trust: TrustStore;
  /** The holder the AC must name: the DN the proxy is issued under and that certificate's serial. */
  readonly holder?: { readonly dn: string; readonly serial?: bigint };
  readonly now?: Date;
}

const sigOk = (tbs: Buffer, alg: string, signature: Buffer, signer: ParsedCertificate): boolean => {
  const a = SIGNATURE_ALGORITHMS[alg];
  if (!a) return false;
  try {
    return nodeVerify(a.digest, tbs, createPublicKey({ key: signer.spki, format: 'der', type: 'spki' }), signature);
  } catch {
    return false;
  }
};

export function verifyVomsAc(ac: VomsAc, opts: VerifyVomsAcOptions): VomsAcCheck {
  const now = opts.now ?? new Date();
  const errors: string[] = [];
  if (ac.notBefore.getTime() > now.getTime()) errors.push(`the AC is not valid before ${ac.notBefore.toISOString()}`);
  if (ac.notAfter.getTime() <= now.getTime()) errors.push(`the AC expired on ${ac.notAfter.toISOString()}`);
  if (opts.holder && norm(opts.holder.dn) !== norm(ac.holder.dn)) errors.push(`the AC is for ${ac.holder.dn}, not for ${opts.holder.dn}`);
  if (opts.holder?.serial !== undefined && opts.holder.serial !== ac.holder.serial) errors.push('the AC names another certificate (serial) of its holder');

  const chains = opts.lsc ?? [];
  if (chains.length === 0) {
    errors.push(`no .lsc file for ${ac.host} in the vomsdir of ${ac.vo}`);
    return { valid: false, errors };
  }
  // Candidates: certificates in the AC whose subject/issuer match an .lsc chain.
  const match = (c: ParsedCertificate) => chains.some((chain) => norm(chain[0]) === norm(c.subjectDn) && (chain.length < 2 || norm(chain[1]) === norm(c.issuerDn)));
  const candidates = ac.certificates.filter(match);
  if (norm(ac.issuer) !== norm(chains[0][0]) && !chains.some((ch) => norm(ch[0]) === norm(ac.issuer))) {
    errors.push(`the AC was issued by ${ac.issuer}, which the .lsc file does not name`);
  }
  if (candidates.length === 0) {
    errors.push(ac.certificates.length === 0
      ? 'the AC carries no VOMS server certificate'
      : `the VOMS server certificate in the AC (${ac.certificates[0].subjectDn}, issued by ${ac.certificates[0].issuerDn}) does not match the .lsc file`);
    return { valid: false, errors };
  }
  const signer = candidates.find((c) => sigOk(ac.tbs, ac.signatureAlgorithm, ac.signature, c));
  if (!signer) {
    errors.push('the AC signature does not verify with the VOMS server certificate');
    return { valid: false, errors };
  }
  const cas = opts.trust.bySubject.get(signer.issuerKey) ?? [];
  if (!cas.some((ca) => sigOk(signer.tbs, signer.signatureAlgorithm, signer.signature, ca))) {
    errors.push(`the VOMS server certificate is not signed by a trusted CA (${signer.issuerDn})`);
  }
  if (signer.notAfter.getTime() <= now.getTime() || signer.notBefore.getTime() > now.getTime()) errors.push('the VOMS server certificate is not valid now');
  return { valid: errors.length === 0, errors, signer };
}

/** Reads `<vomsdir>/<vo>/<host>.lsc` (undefined when absent). */
export async function readLsc(vomsDir: string, vo: string, host: string): Promise<string[][] | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(vo) || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) return undefined;
  try {
    return parseLsc(await fsp.readFile(path.join(vomsDir, vo, `${host}.lsc`), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
