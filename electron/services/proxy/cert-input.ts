import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { OnboardError } from '../../../shared/errors';
import { CertificateParseError, parseCertificate, proxyCertInfo, type ParsedCertificate } from './cert';
import { isCertificateLabel, isEncryptedKeyBlock, isPrivateKeyLabel, pemBlocks } from './pem';

/** A certificate as callers have it: PEM text, DER bytes, or already parsed. */
export type CertInput = string | Buffer | ParsedCertificate;

export function toCertificate(input: CertInput, file = 'the certificate'): ParsedCertificate {
  if (typeof input === 'object' && !Buffer.isBuffer(input)) return input;
  try {
    if (typeof input === 'string' || (Buffer.isBuffer(input) && input.subarray(0, 11).toString('latin1') === '-----BEGIN ')) {
      const block = pemBlocks(input.toString()).find((b) => isCertificateLabel(b.label));
      if (!block) throw new CertificateParseError('no “BEGIN CERTIFICATE” block');
      return parseCertificate(block.der);
    }
    return parseCertificate(input);
  } catch (e) {
    throw new OnboardError('PROXY_CERT_UNREADABLE', { file, detail: (e as Error).message });
  }
}

/** Every certificate in a PEM text, in file order. */
export function certificatesFromPem(text: string, file = 'the file'): ParsedCertificate[] {
  return pemBlocks(text)
    .filter((b) => isCertificateLabel(b.label))
    .map((b, i) => {
      try {
        return parseCertificate(b.der);
      } catch (e) {
        throw new OnboardError('PROXY_CERT_UNREADABLE', { file, detail: `certificate #${i + 1}: ${(e as Error).message}` });
      }
    });
}

export function spkiOf(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

/** True when the PEM private key needs a passphrase. */
export function keyNeedsPassphrase(pemText: string): boolean {
  const block = pemBlocks(pemText).find((b) => isPrivateKeyLabel(b.label));
  return block ? isEncryptedKeyBlock(block) : false;
}

/**
 * Reads a private key (PKCS#1, PKCS#8, SEC1; encrypted PKCS#8 or legacy `Proc-Type`
 * encryption) with Node's native OpenSSL. A wrong passphrase is a typed error.
 */
export function readPrivateKey(pemText: string | Buffer, passphrase: string | undefined, file = 'the key file'): KeyObject {
  const text = pemText.toString();
  const block = pemBlocks(text).find((b) => isPrivateKeyLabel(b.label));
  if (!block) throw new OnboardError('PROXY_KEY_UNREADABLE', { file, detail: 'no “PRIVATE KEY” block' });
  const encrypted = isEncryptedKeyBlock(block);
  try {
    return createPrivateKey(encrypted ? { key: block.text, format: 'pem', passphrase: passphrase ?? '' } : { key: block.text, format: 'pem' });
  } catch (e) {
    if (encrypted) throw new OnboardError('PROXY_KEY_PASSPHRASE', { file });
    throw new OnboardError('PROXY_KEY_UNREADABLE', { file, detail: (e as Error).message });
  }
}

export interface UserCredential {
  readonly certificate: ParsedCertificate;
  /** Certificates after the first in the cert file (CA chain some CAs ship). */
  readonly chain: readonly ParsedCertificate[];
  readonly key: KeyObject;
}

export interface LoadCredentialOptions {
  readonly certFile: string;
  readonly keyFile: string;
  /** Asked only when the key is encrypted. */
  readonly passphrase?: () => Promise<string>;
}

async function readText(file: string, kind: 'cert' | 'key'): Promise<string> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    const detail = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (e as Error).message;
    throw new OnboardError(kind === 'cert' ? 'PROXY_CERT_UNREADABLE' : 'PROXY_KEY_UNREADABLE', { file, detail });
  }
}

/** Loads usercert.pem + userkey.pem (or a proxy file given as both) and checks they match. */
export async function loadUserCredential(opts: LoadCredentialOptions): Promise<UserCredential> {
  const certText = await readText(opts.certFile, 'cert');
  const keyText = opts.keyFile === opts.certFile ? certText : await readText(opts.keyFile, 'key');
  const certs = certificatesFromPem(certText, opts.certFile);
  if (certs.length === 0) throw new OnboardError('PROXY_CERT_UNREADABLE', { file: opts.certFile, detail: 'no “BEGIN CERTIFICATE” block' });
  const passphrase = keyNeedsPassphrase(keyText) ? await (opts.passphrase ?? (async () => ''))() : undefined;
  const key = readPrivateKey(keyText, passphrase, opts.keyFile);
  if (!spkiOf(key).equals(certs[0].spki)) {
    throw new OnboardError('PROXY_KEY_MISMATCH', { keyFile: opts.keyFile, certFile: opts.certFile });
  }
  return { certificate: certs[0], chain: certs.slice(1), key };
}

/** The end-entity certificate of a chain (leaf first): the first one that is not a proxy. */
export function endEntityOf(certs: readonly ParsedCertificate[]): ParsedCertificate {
  return certs.find((c) => {
    try {
      return proxyCertInfo(c) === undefined;
    } catch {
      return false;
    }
  }) ?? certs[certs.length - 1];
}
