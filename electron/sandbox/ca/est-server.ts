import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { formatSlashDn } from '../../../shared/dn';
import { certificateParts } from '../../services/issuer/certificate-info';
import { csrToDer } from '../../services/issuer/csr-info';
import { REQUEST_ID_HEADER } from '../../services/issuer/est-client';
import { base64Lines, encodeCertsOnly } from '../../services/issuer/pkcs7';
import type { CaCore, CurrentCertificate, EnrollOutcome } from './ca-core';
import type { CaMaterial } from './ca-material';
import { currentCrl } from './issue';
import { handleSponsor, sameSecret, type SponsorContext } from './sponsor-page';

/**
 * The sandbox CA's HTTPS server: EST (RFC 7030) under `/.well-known/est[/<label>]/`, the CRL at
 * `/crl`, the sponsor page at `/sponsor`. TLS client certificates are requested, not required;
 * they are checked against the sandbox CA.
 */

export interface EstServerOptions {
  readonly ca: CaMaterial;
  readonly core: CaCore;
  readonly tls: { certPem: string; keyPem: string };
  readonly enrolmentCode: string;
  readonly retryAfterSeconds: number;
  readonly sponsor: Omit<SponsorContext, 'core'>;
  readonly now: () => Date;
}

const MAX_CSR_BYTES = 64 * 1024;
const EST_PATH = /^\/\.well-known\/est(?:\/([A-Za-z0-9_-]+))?\/(cacerts|simpleenroll|simplereenroll|csrattrs|serverkeygen|fullcmc)$/;
const REALM = 'Basic realm="OSG Onboard Sandbox CA", charset="UTF-8"';
const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(body.endsWith('\n') ? body : body + '\n');
}

function pkcs7(res: ServerResponse, certsDer: Buffer[], headers: Record<string, string> = {}): void {
  res.writeHead(200, {
    'Content-Type': 'application/pkcs7-mime; smime-type=certs-only',
    'Content-Transfer-Encoding': 'base64',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(base64Lines(encodeCertsOnly(certsDer)));
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The client's certificate when TLS verified it against the sandbox CA and it is for clientAuth. */
function clientCertificate(req: IncomingMessage): CurrentCertificate | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  const peer = socket.getPeerCertificate();
  if (!peer?.raw) return undefined;
  const x = new X509Certificate(peer.raw);
  if (!(x.keyUsage ?? []).includes(OID_CLIENT_AUTH)) return undefined;
  const parts = certificateParts(peer.raw);
  const email = /(?:^|, )email:([^,\s]+)/.exec(x.subjectAltName ?? '')?.[1];
  return { serial: parts.serialHex, subject: formatSlashDn(parts.subject), email };
}

function basicPassword(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

function answerEnrolment(res: ServerResponse, outcome: EnrollOutcome, retryAfter: number): void {
  if (outcome.kind === 'invalid') return text(res, 400, `The certificate request was refused: ${outcome.message}.`);
  const idHeader = { [REQUEST_ID_HEADER]: outcome.request.id };
  if (outcome.kind === 'issued') return pkcs7(res, [outcome.certDer], idHeader);
  if (outcome.kind === 'rejected') return text(res, 403, outcome.request.reason ?? 'no reason was given', idHeader);
  text(res, 202, `Request ${outcome.request.id} is waiting for your sponsor's approval. Send the same request again after ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`, {
    ...idHeader,
    'Retry-After': String(retryAfter),
  });
}

async function handleEst(req: IncomingMessage, res: ServerResponse, op: string, o: EstServerOptions): Promise<void> {
  if (op === 'cacerts') {
    if (req.method !== 'GET') return text(res, 405, 'Use GET.', { Allow: 'GET' });
    return pkcs7(res, [o.ca.certDer]);
  }
  if (op !== 'simpleenroll' && op !== 'simplereenroll') return text(res, 404, `The sandbox CA does not offer /${op}.`);
  if (req.method !== 'POST') return text(res, 405, 'Use POST.', { Allow: 'POST' });
  const current = clientCertificate(req);
  const password = basicPassword(req);
  const codeOk = password !== undefined && sameSecret(password, o.enrolmentCode);
  if (op === 'simplereenroll' && !current) {
    return text(res, 401, 'Renewal needs your current certificate from this CA (TLS client authentication).');
  }
  if (op === 'simpleenroll' && !current && !codeOk) {
    return text(res, 401, password === undefined ? 'An enrolment code is needed.' : 'The enrolment code is wrong.', { 'WWW-Authenticate': REALM });
  }
  if (!/^application\/pkcs10\b/i.test(req.headers['content-type'] ?? '')) {
    return text(res, 415, 'Send the request as Content-Type: application/pkcs10 (base64 DER).');
  }
  const body = await readBody(req, MAX_CSR_BYTES);
  if (!body) return text(res, 413, 'The certificate request is too large.');
  let csrDer: Buffer;
  try {
    csrDer = csrToDer(body);
  } catch (e) {
    return text(res, 400, `The certificate request was refused: ${(e as Error).message}.`);
  }
  const outcome = op === 'simplereenroll'
    ? await o.core.reenroll(csrDer, current!)
    : await o.core.simpleEnroll(csrDer, current ? `certificate ${current.subject}` : 'enrolment code');
  answerEnrolment(res, outcome, o.retryAfterSeconds);
}

export function createEstServer(o: EstServerOptions): https.Server {
  const sponsor: SponsorContext = { ...o.sponsor, core: o.core };
  return https.createServer(
    {
      key: o.tls.keyPem,
      cert: o.tls.certPem,
      ca: [o.ca.certPem],
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'https://127.0.0.1');
        const est = EST_PATH.exec(url.pathname);
        if (est) return handleEst(req, res, est[2], o);
        if (url.pathname === '/crl') {
          if (req.method !== 'GET') return text(res, 405, 'Use GET.', { Allow: 'GET' });
          res.writeHead(200, { 'Content-Type': 'application/pkix-crl', 'Cache-Control': 'max-age=60' });
          return void res.end(currentCrl(o.ca, o.now()));
        }
        if (url.pathname === '/ca.pem' && req.method === 'GET') {
          res.writeHead(200, { 'Content-Type': 'application/x-pem-file' });
          return void res.end(o.ca.certPem);
        }
        if (await handleSponsor(req, res, url, sponsor)) return;
        text(res, 404, 'Not found. The sandbox CA serves EST at /.well-known/est/ and its CRL at /crl.');
      })().catch((e: unknown) => {
        if (!res.headersSent) text(res, 500, `The sandbox CA failed: ${(e as Error)?.message ?? String(e)}`);
        else res.destroy();
      });
    },
  );
}
