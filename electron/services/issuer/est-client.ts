import { setTimeout as sleep } from 'node:timers/promises';
import { OnboardError } from '../../../shared/errors';
import { describeCertificate, type CertificateInfo } from './certificate-info';
import { csrToDer, parseCsr } from './csr-info';
import { DerError } from './der';
import { estBaseUrl, estRequest, type EstAuth, type EstEndpoint, type EstResponse } from './est-transport';
import { briefBody, formatElapsed, parseRetryAfter } from './http-text';
import { base64Lines, decodeCertsOnly, estBodyToDer } from './pkcs7';

export type { EstAuth, EstEndpoint } from './est-transport';

/** The header our sandbox CA (and any server that wants its id shown) names the request with. */
export const REQUEST_ID_HEADER = 'x-est-request-id';
/** When a 202 forgets its Retry-After (RFC 7030 says it MUST send one). */
const DEFAULT_RETRY_AFTER_S = 30;

export type ProgressCallback = (fraction: number | null, text: string) => void;

export interface IssuedCertificate {
  readonly status: 'issued';
  readonly certificate: CertificateInfo;
  /** Other certificates in the answer (some servers add the chain). */
  readonly others: readonly CertificateInfo[];
  readonly requestId: string | undefined;
}

export interface PendingRequest {
  readonly status: 'pending';
  readonly retryAfterSeconds: number;
  readonly requestId: string | undefined;
  /** What the server said, made brief and safe. */
  readonly message: string;
}

export type EnrollResult = IssuedCertificate | PendingRequest;

function readCertificates(res: EstResponse): CertificateInfo[] {
  try {
    return decodeCertsOnly(estBodyToDer(res.body)).map((der) => describeCertificate(der));
  } catch (e) {
    const detail = e instanceof DerError ? e.message : `unreadable certificates (${(e as Error).message})`;
    throw new OnboardError('ISSUER_BAD_RESPONSE', { detail });
  }
}

/** Maps a non-success HTTP status to the typed error the user reads. */
export function errorForStatus(res: EstResponse, url: string, auth: EstAuth | undefined, operation = 'simpleenroll'): OnboardError {
  const detail = briefBody(res.body, res.headers['content-type']) || 'no explanation given';
  const requestId = res.headers[REQUEST_ID_HEADER];
  switch (res.status) {
    case 401:
      if (operation === 'simplereenroll') return new OnboardError('ISSUER_NOT_AUTHENTICATED', { url, detail });
      if (auth?.basic) return new OnboardError('ISSUER_BAD_ENROLMENT_CODE', { url, status: 401 });
      if (auth?.clientCert) return new OnboardError('ISSUER_NOT_AUTHENTICATED', { url, detail });
      return new OnboardError('ISSUER_ENROLMENT_CODE_REQUIRED', { url });
    case 403:
      return new OnboardError('ISSUER_REQUEST_REJECTED', { url, requestId, requestRef: requestId ? ` ${requestId}` : '', reason: detail });
    case 400:
    case 413:
    case 415:
      return new OnboardError('ISSUER_REQUEST_INVALID', { url, status: res.status, detail });
    case 404:
    case 405:
    case 501:
      return new OnboardError('ISSUER_NO_EST_SERVICE', { url, status: res.status });
    default:
      return new OnboardError('ISSUER_HTTP_ERROR', { url, status: res.status, detail });
  }
}

/** `GET /cacerts`: the CA certificates the server distributes (RFC 7030 §4.1). */
export async function getCaCerts(endpoint: EstEndpoint, opts: { signal?: AbortSignal } = {}): Promise<CertificateInfo[]> {
  const url = estBaseUrl(endpoint.url).href + '/cacerts';
  const res = await estRequest(endpoint, 'cacerts', { method: 'GET', signal: opts.signal });
  if (res.status !== 200) throw errorForStatus(res, url, undefined);
  const certs = readCertificates(res);
  if (certs.length === 0) throw new OnboardError('ISSUER_BAD_RESPONSE', { detail: 'the CA certificate list is empty' });
  return certs;
}

export interface EnrollOptions {
  readonly signal?: AbortSignal;
  /** `simplereenroll` (authenticated by the current certificate) instead of `simpleenroll`. */
  readonly reenroll?: boolean;
  readonly now?: () => Date;
}

/**
 * One `simpleenroll` POST. RFC 7030 §4.2.3: while the CA waits for approval it answers 202 with
 * Retry-After, and the client re-sends the same request; the issued certificate must carry the
 * request's public key (checked here).
 */
export async function enroll(endpoint: EstEndpoint, csr: Uint8Array | string, auth: EstAuth, opts: EnrollOptions = {}): Promise<EnrollResult> {
  const csrDer = csrToDer(csr);
  let keyFingerprint: string;
  try {
    keyFingerprint = parseCsr(csrDer).keyFingerprint;
  } catch (e) {
    throw new OnboardError('INVALID_INPUT', { field: 'certificate request', detail: (e as Error).message });
  }
  const operation = opts.reenroll ? 'simplereenroll' : 'simpleenroll';
  const url = estBaseUrl(endpoint.url).href + '/' + operation;
  const res = await estRequest(endpoint, operation, {
    method: 'POST',
    body: base64Lines(csrDer),
    contentType: 'application/pkcs10',
    auth,
    signal: opts.signal,
  });
  const requestId = res.headers[REQUEST_ID_HEADER] || undefined;
  if (res.status === 202) {
    return {
      status: 'pending',
      retryAfterSeconds: parseRetryAfter(res.headers['retry-after'], (opts.now ?? (() => new Date()))()) ?? DEFAULT_RETRY_AFTER_S,
      requestId,
      message: briefBody(res.body, res.headers['content-type']),
    };
  }
  if (res.status !== 200) throw errorForStatus(res, url, auth, operation);
  const certs = readCertificates(res);
  const mine = certs.find((c) => c.keyFingerprint === keyFingerprint);
  if (!mine) {
    throw new OnboardError('ISSUER_CERT_KEY_MISMATCH', { subject: certs[0]?.subject ?? 'no certificate at all' });
  }
  return { status: 'issued', certificate: mine, others: certs.filter((c) => c !== mine), requestId };
}

export interface PollOptions extends EnrollOptions {
  readonly onProgress?: ProgressCallback;
  /** When the wait began (a resumed request keeps its first start); default now. */
  readonly startedAt?: Date;
  /** Shortest and longest wait between polls whatever Retry-After says (s); defaults 1 and 600. */
  readonly minDelaySeconds?: number;
  readonly maxDelaySeconds?: number;
  /** Stop waiting (ISSUER_STILL_WAITING) after this long; default: until approved, rejected or aborted. */
  readonly maxWaitMs?: number;
  /** How many "CA unreachable" answers in a row to ride out (e.g. the CA restarting); default 0. */
  readonly unreachableRetries?: number;
}

/** The progress line shown while a sponsor decides. */
export function waitingText(requestId: string | undefined, elapsedMs: number): string {
  const elapsed = formatElapsed(elapsedMs);
  return requestId ? `Waiting for your sponsor… (request ${requestId}, ${elapsed})` : `Waiting for your sponsor… (${elapsed})`;
}

/** Enrols and re-sends the same request as Retry-After says until the certificate is issued. */
export async function pollUntilIssued(endpoint: EstEndpoint, csr: Uint8Array | string, auth: EstAuth, opts: PollOptions = {}): Promise<IssuedCertificate> {
  const now = opts.now ?? (() => new Date());
  const started = (opts.startedAt ?? now()).getTime();
  const minDelay = opts.minDelaySeconds ?? 1;
  const maxDelay = opts.maxDelaySeconds ?? 600;
  let unreachable = 0;
  let requestId: string | undefined;
  for (;;) {
    let result: EnrollResult;
    try {
      result = await enroll(endpoint, csr, auth, opts);
      unreachable = 0;
    } catch (e) {
      if (e instanceof OnboardError && e.code === 'ISSUER_UNREACHABLE' && unreachable < (opts.unreachableRetries ?? 0)) {
        unreachable++;
        opts.onProgress?.(null, `The CA cannot be reached; trying again (${unreachable}/${opts.unreachableRetries})…`);
        result = { status: 'pending', retryAfterSeconds: minDelay * 2 ** unreachable, requestId, message: '' };
      } else throw e;
    }
    if (result.status === 'issued') return result;
    requestId = result.requestId ?? requestId;
    const elapsed = now().getTime() - started;
    if (opts.maxWaitMs !== undefined && elapsed >= opts.maxWaitMs) {
      throw new OnboardError('ISSUER_STILL_WAITING', { requestId, requestRef: requestId ? ` ${requestId}` : '', elapsed: formatElapsed(elapsed) });
    }
    if (unreachable === 0) opts.onProgress?.(null, waitingText(requestId, elapsed));
    let delayS = Math.min(maxDelay, Math.max(minDelay, result.retryAfterSeconds));
    if (opts.maxWaitMs !== undefined) delayS = Math.min(delayS, Math.max(0, (opts.maxWaitMs - elapsed) / 1000));
    try {
      await sleep(delayS * 1000, undefined, { signal: opts.signal });
    } catch {
      throw new OnboardError('CANCELLED');
    }
  }
}
