import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startBridge, TOKEN_HEADER, WS_PROTOCOL_PREFIX, type Bridge } from '../../../electron/bridge/server';
import { createDispatcher, createServices } from '../../../electron/services';

let bridge: Bridge;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-bridge-'));
  const renderer = path.join(dir, 'renderer');
  mkdirSync(renderer);
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside');
  const services = createServices({ shell: 'browser', dataDir: path.join(dir, 'data') });
  bridge = await startBridge({ dispatch: createDispatcher(services.handlers), rendererDir: renderer });
});
afterAll(() => bridge.close());

/** Raw HTTP so Host and Origin can be set as an attacker would. */
function request(p: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: bridge.port, path: p, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('browser-mode bridge', () => {
  it('listens on loopback and prints a URL carrying the token in the fragment', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(bridge.openUrl).toBe(`${bridge.url}#token=${bridge.token}`);
    expect(bridge.token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('refuses an API call without the token', async () => {
    const r = await request('/api/voList', { method: 'POST', body: '{}' });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body).error.code).toBe('UNAUTHORIZED');
  });

  it('refuses a wrong token', async () => {
    const r = await request('/api/voList', { method: 'POST', body: '{}', headers: { [TOKEN_HEADER]: 'f'.repeat(48) } });
    expect(r.status).toBe(401);
  });

  it('answers with the token', async () => {
    const r = await request('/api/voList', { method: 'POST', body: '{}', headers: { [TOKEN_HEADER]: bridge.token } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).value[0].name).toBe('sandbox');
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('refuses a foreign Host (DNS rebinding) and a cross-origin page, even with the token', async () => {
    const rebinding = await request('/api/voList', { method: 'POST', body: '{}', headers: { [TOKEN_HEADER]: bridge.token, Host: `evil.example:${bridge.port}` } });
    expect(rebinding.status).toBe(421);
    const cors = await request('/api/voList', { method: 'POST', body: '{}', headers: { [TOKEN_HEADER]: bridge.token, Origin: 'https://evil.example' } });
    expect(cors.status).toBe(401);
  });

  it('returns typed errors for bad JSON and unknown procedures', async () => {
    const bad = await request('/api/voList', { method: 'POST', body: '{nope', headers: { [TOKEN_HEADER]: bridge.token } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('INVALID_INPUT');
    const unknown = await request('/api/readKey', { method: 'POST', body: '{}', headers: { [TOKEN_HEADER]: bridge.token } });
    expect(JSON.parse(unknown.body).error.code).toBe('UNKNOWN_PROCEDURE');
  });

  it('serves the renderer with the CSP and never a file outside it', async () => {
    const page = await request('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    const again = await request('/');
    expect(again.headers['content-security-policy']).not.toBe(page.headers['content-security-policy']); // fresh nonce
    expect((await request('/../secret.txt')).status).toBe(404);
    expect((await request('/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('the event socket needs the token too, and then receives events', async () => {
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/events`, [`${WS_PROTOCOL_PREFIX}nope`]);
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('refused'));
    });
    expect(refused).toBe('refused');
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/events`, [`${WS_PROTOCOL_PREFIX}${bridge.token}`]);
    await new Promise((r) => ws.on('open', r));
    const got = new Promise<string>((r) => ws.on('message', (m) => r(String(m))));
    bridge.emit('progress', { task: 'keygen', fraction: 0.5, label: 'Making your key' });
    expect(JSON.parse(await got)).toEqual({ event: 'progress', payload: { task: 'keygen', fraction: 0.5, label: 'Making your key' } });
    ws.close();
  });
});
