import tls, { type TLSSocket, type PeerCertificate, type DetailedPeerCertificate } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { parseCertificate, type ParsedCertificate } from '../../services/proxy/cert';
import { makeTrustStore } from '../../services/proxy/trust-dir';
import { pemBlocks } from '../../services/pki/der';
import { errorAnswer, generateAc, type GenerateAcAnswer } from './generate-ac';
import type { VomsAdminState } from './state';
import type { VomsHostCredential } from './voms-host';

const MAX_REQUEST = 16 * 1024;
const REQUEST_TIMEOUT_MS = 15_000;

export interface SandboxAcServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The peer's chain as it was sent (leaf first), from Node's linked issuer objects. */
function peerChain(socket: TLSSocket): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  let c: PeerCertificate | DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(parseCertificate(Buffer.from(c.raw)));
    c = (c as DetailedPeerCertificate).issuerCertificate;
  }
  return out;
}

function respond(socket: TLSSocket, a: GenerateAcAnswer): void {
  const reason = a.status === 200 ? 'OK' : a.status === 400 ? 'Bad Request' : a.status === 403 ? 'Forbidden' : a.status === 404 ? 'Not Found' : 'Internal Server Error';
  const body = Buffer.from(a.body, 'utf8');
  // HTTP/1.1 exactly: the VOMS C API checks the answer starts with "HTTP/1.1 200".
  socket.end(Buffer.concat([
    Buffer.from(`HTTP/1.1 ${a.status} ${reason}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: ${body.length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n`, 'latin1'),
    body,
  ]));
}

/**
 * The sandbox VOMS server: TLS on 127.0.0.1 with its own host certificate, answering the VOMS
 * REST call `GET /generate-ac` to members. A small HTTP reader on a TLS socket rather than
 * node:https: the VOMS C API (voms-proxy-init) sends its request with bare LF line ends and an
 * HTTP/1.0 request line, and presents proxy certificates, which are verified here with the
 * proxy service's RFC 3820 path validation.
 */
export async function startSandboxAcServer(opts: {
  readonly vo: string;
  readonly state: VomsAdminState;
  readonly trustedCaPems: readonly string[];
  readonly host: VomsHostCredential;
  /** vomses host (the AC's `uri`). */
  readonly uriHost: string;
  readonly port?: number;
  readonly now?: () => Date;
}): Promise<SandboxAcServer> {
  const trust = makeTrustStore(opts.trustedCaPems.flatMap((p) => pemBlocks(p, 'CERTIFICATE')).map((d) => parseCertificate(d)));
  const now = opts.now ?? (() => new Date());
  let port = 0;
  const sockets = new Set<TLSSocket>();

  async function handle(socket: TLSSocket, head: string): Promise<GenerateAcAnswer> {
    const line = head.split(/\r?\n/, 1)[0];
    const m = /^GET (\S+) HTTP\/1\.[01]$/.exec(line);
    if (!m) return errorAnswer(400, 'BadRequest', 'Send GET /generate-ac?fqans=/<vo>&lifetime=<seconds>.');
    const url = new URL(m[1], 'https://127.0.0.1');
    if (url.pathname !== '/generate-ac') return errorAnswer(404, 'BadRequest', `There is nothing at ${url.pathname}; ask /generate-ac.`);
    return generateAc({
      vo: opts.vo, peerChain: peerChain(socket), trust, state: await opts.state.read(), query: url.searchParams,
      host: opts.host, uriHost: opts.uriHost, port, now: now(),
    });
  }

  const server = tls.createServer(
    { cert: opts.host.certPem, key: opts.host.keyPem, ca: [...opts.trustedCaPems], requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      let buf = Buffer.alloc(0);
      socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
      socket.on('error', () => socket.destroy());
      const onData = (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        // GSI clients (the VOMS C API) first send one byte, '0' = no delegation wanted.
        const text = buf.toString('latin1').replace(/^0/, '');
        const end = text.search(/\r?\n\r?\n/);
        if (end < 0) {
          if (buf.length > MAX_REQUEST) {
            socket.off('data', onData);
            respond(socket, errorAnswer(400, 'BadRequest', 'The request is too long.'));
          }
          return;
        }
        socket.off('data', onData);
        handle(socket, text.slice(0, end)).then(
          (a) => respond(socket, a),
          () => respond(socket, errorAnswer(500, 'InternalError', 'The sandbox VOMS server could not answer.')),
        );
      };
      socket.on('data', onData);
    },
  );
  server.on('tlsClientError', () => {
    // A client that gives up during the handshake: nothing to do.
  });
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(opts.port ?? 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !opts.port) throw e;
    await listen(0);
  }
  port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
