import https from 'node:https';
import type { KeyObject } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';

/** Where an RFC 7030 server is, and which CA certificates its TLS certificate must chain to. */
export interface EstEndpoint {
  /**
   * The server: `https://host[:port]` (then `/.well-known/est` is added), or the full EST base
   * `https://host/.well-known/est[/<label>]`.
   */
  readonly url: string;
  /** The installed trust: PEM CA certificates (several per string allowed). Nothing else is trusted. */
  readonly ca: readonly string[];
  /** Per-request time limit (ms); default 30 s. */
  readonly timeoutMs?: number;
}

/** HTTP Basic (the enrolment code) and/or a TLS client certificate. */
export interface EstAuth {
  readonly basic?: { readonly username?: string; readonly password: string };
  readonly clientCert?: { readonly certPem: string; readonly key: string | Buffer | KeyObject };
}

export interface EstResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

const MAX_BODY = 1024 * 1024;

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EADDRNOTAVAIL']);
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
]);
const UNREACHABLE_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing answers on that port',
  ENOTFOUND: 'the host name is unknown',
  EAI_AGAIN: 'the host name could not be looked up',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'no network',
  ECONNRESET: 'the connection was cut',
  ETIMEDOUT: 'no answer in time',
};

/** The EST base URL (`…/.well-known/est[/label]`, no trailing slash) for an endpoint. */
export function estBaseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new OnboardError('ISSUER_INVALID_URL', { url, detail: 'it is not a web address' });
  }
  if (u.protocol !== 'https:') throw new OnboardError('ISSUER_INVALID_URL', { url, detail: 'EST needs an https:// address' });
  if (u.username || u.password) throw new OnboardError('ISSUER_INVALID_URL', { url, detail: 'put the enrolment code in its own field, not in the address' });
  u.search = '';
  u.hash = '';
  const p = u.pathname.replace(/\/+$/, '');
  u.pathname = p.includes('/.well-known/est') ? p : `${p}/.well-known/est`;
  return u;
}

/** Maps a transport failure (socket, TLS) to a typed error a scientist can act on. */
export function mapTransportError(e: unknown, url: string): OnboardError {
  if (e instanceof OnboardError) return e;
  const err = e as NodeJS.ErrnoException & { name?: string };
  const code = err?.code ?? '';
  if (err?.name === 'AbortError' || code === 'ABORT_ERR') return new OnboardError('CANCELLED', undefined, { cause: e });
  if (UNREACHABLE.has(code)) return new OnboardError('ISSUER_UNREACHABLE', { url, detail: UNREACHABLE_TEXT[code] ?? code }, { cause: e });
  if (UNTRUSTED.has(code)) {
    const detail = code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN'
      ? 'it is self-signed or signed by a CA you have not installed'
      : 'it is signed by a CA you have not installed';
    return new OnboardError('ISSUER_CA_NOT_TRUSTED', { url, detail }, { cause: e });
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new OnboardError('ISSUER_TLS_FAILED', { url, detail: code === 'CERT_HAS_EXPIRED' ? 'the server’s certificate has expired' : 'the server’s certificate is not valid yet' }, { cause: e });
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new OnboardError('ISSUER_TLS_FAILED', { url, detail: 'the server’s certificate is for another host name' }, { cause: e });
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /ssl|tls/i.test(err?.message ?? '')) {
    return new OnboardError('ISSUER_TLS_FAILED', { url, detail: (err?.message ?? code).slice(0, 160) }, { cause: e });
  }
  return new OnboardError('ISSUER_UNREACHABLE', { url, detail: (err?.message ?? String(e)).slice(0, 160) }, { cause: e });
}

function keyPem(key: string | Buffer | KeyObject): string | Buffer {
  return typeof key === 'string' || Buffer.isBuffer(key) ? key : (key.export({ type: 'pkcs8', format: 'pem' }) as string);
}

/** One HTTPS exchange with an EST server (no pooling: each request carries its own auth). */
export function estRequest(
  endpoint: EstEndpoint,
  operation: string,
  init: { method: 'GET' | 'POST'; body?: Buffer | string; contentType?: string; auth?: EstAuth; signal?: AbortSignal },
): Promise<EstResponse> {
  const base = estBaseUrl(endpoint.url);
  const target = new URL(`${base.pathname}/${operation}`, base);
  const shown = target.origin + target.pathname;
  if (init.signal?.aborted) return Promise.reject(new OnboardError('CANCELLED'));
  const headers: Record<string, string> = { Accept: '*/*', 'User-Agent': 'osg-onboard-est' };
  if (init.auth?.basic) {
    const user = init.auth.basic.username ?? '';
    headers.Authorization = 'Basic ' + Buffer.from(`${user}:${init.auth.basic.password}`, 'utf8').toString('base64');
  }
  if (init.body !== undefined) {
    headers['Content-Type'] = init.contentType ?? 'application/octet-stream';
    headers['Content-Transfer-Encoding'] = 'base64';
    headers['Content-Length'] = String(Buffer.byteLength(init.body));
  }
  return new Promise<EstResponse>((resolve, reject) => {
    const req = https.request(target, {
      method: init.method,
      headers,
      // An empty list trusts nothing (Node adds its root store only when `ca` is absent).
      ca: [...endpoint.ca],
      cert: init.auth?.clientCert?.certPem,
      key: init.auth?.clientCert ? keyPem(init.auth.clientCert.key) : undefined,
      agent: false,
      signal: init.signal,
      timeout: endpoint.timeoutMs ?? 30_000,
      minVersion: 'TLSv1.2',
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => reject(mapTransportError(e, shown)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          res.destroy();
          reject(new OnboardError('ISSUER_BAD_RESPONSE', { detail: 'the answer is larger than 1 MiB' }));
        } else chunks.push(c);
      });
      res.on('error', (e) => reject(mapTransportError(e, shown)));
      res.on('end', () => {
        const h: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) h[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) });
      });
    });
    req.end(init.body);
  });
}
