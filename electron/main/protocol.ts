import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy, withStyleNonce } from '../../shared/csp';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Serves the packaged renderer files for `app://bundle/…` (production never uses a dev
 * server). Paths are confined to the renderer folder; every answer carries the CSP.
 */
export async function serveAppFile(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname).replace(/^\/+/, '');
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, rel);
  if (url.host !== 'bundle' || !file.startsWith(root + path.sep)) return new Response('not found', { status: 404 });
  try {
    const bytes = await fsp.readFile(file);
    let body: ArrayBuffer | string = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    let csp = CONTENT_SECURITY_POLICY;
    if (path.extname(file) === '.html') {
      const nonce = randomBytes(16).toString('base64');
      body = withStyleNonce(bytes.toString('utf8'), nonce);
      csp = contentSecurityPolicy(nonce);
    }
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch {
    return new Response('not found', { status: 404 });
  }
}
