import https from 'node:https';
import { KeyObject, X509Certificate, createPrivateKey } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';

/**
 * HTTPS requests for the registration connectors, optionally presenting the user's certificate
 * (TLS client authentication). The key stays in this process: it is handed to Node's TLS and
 * nowhere else. Transport failures become typed errors a scientist can act on.
 */

export interface UserCredential {
  /** The user's private key (PEM or a KeyObject). */
  readonly key: string | KeyObject;
  /** The user's certificate (PEM). */
  readonly certPem: string;
  /** Intermediate CA certificates to send along (PEM), if any. */
  readonly chainPem?: string;
}

export interface HttpsRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly credential?: UserCredential;
  /** CA certificates trusted for the server; the system's when absent. */
  readonly trustedCaPems?: readonly string[];
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface HttpsResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

const MAX_RESPONSE = 2 * 1024 * 1024;

const SERVER_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
]);

/** Checks the key matches the certificate and returns what Node's TLS takes. */
export function tlsCredential(c: UserCredential): { key: string; cert: string } {
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(c.certPem);
    key = typeof c.key === 'string' ? createPrivateKey(c.key) : c.key;
  } catch (e) {
    throw new OnboardError('REGISTRATION_CREDENTIAL_INVALID', { detail: (e as Error).message });
  }
  if (key.type !== 'private' || !cert.checkPrivateKey(key)) {
    throw new OnboardError('REGISTRATION_CREDENTIAL_INVALID', { detail: 'the private key does not belong to the certificate' });
  }
  const certChain = c.certPem.trim() + '\n' + (c.chainPem ? c.chainPem.trim() + '\n' : '');
  return { key: key.export({ type: 'pkcs8', format: 'pem' }) as string, cert: certChain };
}

function mapError(e: NodeJS.ErrnoException, url: URL, presentedCertificate: boolean): OnboardError {
  const code = e.code ?? '';
  const text = `${code} ${e.message ?? ''}`;
  const host = url.host;
  if (code === 'ABORT_ERR' || e.name === 'AbortError') return new OnboardError('CANCELLED');
  if (SERVER_TRUST_CODES.has(code)) return new OnboardError('REGISTRATION_SERVER_UNTRUSTED', { host, detail: code }, { cause: e });
  // A server that refuses at TLS level sends an alert (OpenSSL names it in the code or the message).
  if (/CERTIFICATE_REQUIRED|certificate required/i.test(text) || (!presentedCertificate && /HANDSHAKE_FAILURE|alert handshake failure/i.test(text))) {
    return new OnboardError('REGISTRATION_NO_CLIENT_CERT', { host }, { cause: e });
  }
  if (/UNKNOWN_CA|unknown ca|BAD_CERTIFICATE|bad certificate|CERTIFICATE_UNKNOWN|certificate unknown|DECRYPT_ERROR|HANDSHAKE_FAILURE|handshake failure/i.test(text)) {
    return new OnboardError('REGISTRATION_CERT_UNTRUSTED', { host, detail: code || 'TLS alert' }, { cause: e });
  }
  // Some servers just hang up on a certificate they refuse; say so rather than guess.
  const hangUp = code === 'ECONNRESET' || /socket hang up|disconnected before secure TLS/i.test(text);
  const detail = hangUp && presentedCertificate ? `${e.message} (the server closed the connection after your certificate was sent: it may not accept the authority that issued it)` : e.message || code;
  return new OnboardError('REGISTRATION_UNREACHABLE', { url: url.origin, detail }, { cause: e });
}

export async function httpsRequest(r: HttpsRequest): Promise<HttpsResponse> {
  const url = new URL(r.url);
  if (url.protocol !== 'https:') throw new OnboardError('REGISTRATION_UNREACHABLE', { url: r.url, detail: 'only https:// addresses are used for registration' });
  if (r.signal?.aborted) throw new OnboardError('CANCELLED');
  const cred = r.credential ? tlsCredential(r.credential) : undefined;
  return new Promise<HttpsResponse>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: r.method ?? 'GET',
        headers: { 'User-Agent': 'osg-onboard', ...(r.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(r.body)) } : {}), ...r.headers },
        ...(r.trustedCaPems ? { ca: [...r.trustedCaPems] } : {}),
        ...(cred ?? {}),
        agent: false,
        signal: r.signal,
        timeout: r.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE) {
            req.destroy(new Error('the answer is too large'));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(mapError(e, url, cred !== undefined)));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('the server did not answer in time'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => reject(mapError(e, url, cred !== undefined)));
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}
