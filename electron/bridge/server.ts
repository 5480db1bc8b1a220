import http from 'node:http';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatcher } from '../services/dispatch';
import type { EventName, EventPayload } from '../../shared/contract';
import { OnboardError } from '../../shared/errors';
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy, withStyleNonce } from '../../shared/csp';

export interface BridgeOptions {
  readonly dispatch: Dispatcher;
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  readonly host?: string;
  readonly port?: number;
  /** Per-launch secret the page must present; random when not given. */
  readonly token?: string;
  readonly log?: (line: string) => void;
}

export interface Bridge {
  readonly url: string;
  /** The URL to open: carries the token in the fragment (never sent to the server in requests). */
  readonly openUrl: string;
  readonly port: number;
  readonly token: string;
  /** Pushes an event to every connected window. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const MAX_BODY = 1024 * 1024;
export const TOKEN_HEADER = 'x-onboard-token';
export const WS_PROTOCOL_PREFIX = 'onboard-token.';

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Browser mode: serves the renderer and the contract over HTTP + WebSocket on loopback.
 * Every API call and the event socket must carry the per-launch token; the Host header must
 * be this loopback address (DNS-rebinding guard) and a cross-origin Origin is refused.
 */
export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  const host = opts.host ?? '127.0.0.1';
  const rendererRoot = path.resolve(opts.rendererDir);
  const sockets = new Set<WebSocket>();
  let port = 0;

  const allowedHosts = () => new Set([`${host}:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://${host}:${port}`, `http://localhost:${port}`]);
  const hostOk = (req: http.IncomingMessage) => allowedHosts().has(req.headers.host ?? '');
  const originOk = (req: http.IncomingMessage) => !req.headers.origin || allowedOrigins().has(req.headers.origin);

  const send = (res: http.ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
    res.end(body);
  };
  const refuse = (res: http.ServerResponse, status: number) =>
    send(res, status, JSON.stringify({ ok: false, error: new OnboardError('UNAUTHORIZED').toWire() }), 'application/json', { 'Cache-Control': 'no-store' });

  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const rel = urlPath === '/' ? 'index.html' : urlPath.replace(/^\/+/, '');
    const file = path.resolve(rendererRoot, rel);
    if (!file.startsWith(rendererRoot + path.sep)) return send(res, 404, 'not found', 'text/plain');
    try {
      const body = await fsp.readFile(file);
      if (path.extname(file) === '.html') {
        // A fresh style nonce per page load (emotion's <style> elements carry it).
        const nonce = randomBytes(16).toString('base64');
        return send(res, 200, withStyleNonce(body.toString('utf8'), nonce), MIME['.html'], {
          'Cache-Control': 'no-store',
          'Content-Security-Policy': contentSecurityPolicy(nonce),
        });
      }
      send(res, 200, body, MIME[path.extname(file)] ?? 'application/octet-stream', { 'Cache-Control': 'no-cache' });
    } catch {
      send(res, 404, 'not found', 'text/plain');
    }
  }

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new OnboardError('INVALID_INPUT', { field: 'request', detail: 'is larger than 1 MB' });
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      if (!hostOk(req)) return refuse(res, 421);
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain', { Allow: 'POST' });
        if (!originOk(req) || !sameToken(req.headers[TOKEN_HEADER] as string | undefined, token)) {
          opts.log?.(`bridge: refused ${url.pathname} (no valid token)`);
          return refuse(res, 401);
        }
        const name = url.pathname.slice('/api/'.length);
        let input: unknown;
        try {
          const text = await readBody(req);
          input = text ? JSON.parse(text) : {};
        } catch (e) {
          const err = e instanceof OnboardError ? e : new OnboardError('INVALID_INPUT', { field: 'request', detail: 'is not JSON' });
          return send(res, 400, JSON.stringify({ ok: false, error: err.toWire() }), 'application/json', { 'Cache-Control': 'no-store' });
        }
        const envelope = await opts.dispatch(name, input);
        return send(res, 200, JSON.stringify(envelope), 'application/json', { 'Cache-Control': 'no-store' });
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET only', 'text/plain', { Allow: 'GET' });
      return serveStatic(req, res);
    })().catch((e) => {
      opts.log?.(`bridge: ${(e as Error).stack ?? e}`);
      if (!res.headersSent) send(res, 500, 'internal error', 'text/plain');
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => {
      for (const p of protocols) if (p.startsWith(WS_PROTOCOL_PREFIX)) return p;
      return false;
    },
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .find((p) => p.startsWith(WS_PROTOCOL_PREFIX));
    if (url.pathname !== '/events' || !hostOk(req) || !originOk(req) || !sameToken(offered?.slice(WS_PROTOCOL_PREFIX.length), token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', () => ws.close(1008, 'events only'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}/`;

  return {
    url,
    openUrl: `${url}#token=${token}`,
    port,
    token,
    emit(event, payload) {
      const msg = JSON.stringify({ event, payload });
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(msg);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
