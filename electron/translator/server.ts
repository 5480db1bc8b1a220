// The credential translator: an eToken-compatible HTTPS service making per-user sub-proxies
// (robot DN + CN=user:<id>) with robot keys on a PKCS#11 token or in encrypted key files.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { OnboardError, isOnboardError } from '../../shared/errors';
import { createProxy } from '../services/proxy/make-proxy';
import { pemEncode } from '../services/proxy/pem';
import type { SecretStore } from '../services/keychain/secret-store';
import { createAllowList, normalizeAddress } from './allow-list';
import { openAuditLog, type AuditLog, type RefusedRecord } from './audit-log';
import type { TranslatorConfig } from './config';
import { isRefusal, parseProxyQuery, routeOf, type Refusal } from './etoken-request';
import { createKeyPool, generateEcKey, type KeyPool } from './key-pool';
import { jsonLogger, type Logger } from './log';
import { cacheKey, createProxyCache } from './proxy-cache';
import { createRateLimiter } from './rate-limit';
import { loadRobots, type Robot } from './robots';

export interface TranslatorDeps {
  readonly logger?: Logger;
  /** Keychain for robot key passphrases (`passphraseKeychain`). */
  readonly secretStore?: SecretStore;
  readonly now?: () => Date;
}

export interface Translator {
  /** `https://host:port` as bound (port 0 in the configuration picks a free one). */
  readonly url: string;
  readonly port: number;
  readonly robots: readonly { id: string; subject: string }[];
  readonly keyPool?: KeyPool;
  /** Stop accepting, let in-flight requests finish (up to the grace time), close token sessions. */
  close(): Promise<void>;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new OnboardError('TRANSLATOR_FILE_UNREADABLE', { what, file, detail: (e as Error).message });
  }
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export async function startTranslator(config: TranslatorConfig, deps: TranslatorDeps = {}): Promise<Translator> {
  const logger = deps.logger ?? jsonLogger();
  const now = deps.now ?? (() => new Date());
  const tlsOptions: https.ServerOptions = {
    cert: readPem(config.tls.cert, 'TLS certificate'),
    key: readPem(config.tls.key, 'TLS key'),
    minVersion: 'TLSv1.2',
    ...(config.tls.clientCa ? { ca: readPem(config.tls.clientCa, 'client CA'), requestCert: true, rejectUnauthorized: true } : {}),
  };
  const allow = createAllowList(config.allowedClients);
  const limiter = createRateLimiter(config.rate);
  // Addresses not on the allow-list cannot flood the audit log: past a small budget their
  // refusals are counted and the count goes into their next audit line.
  const deniedBudget = createRateLimiter({ perSecond: 1, burst: 20, maxClients: 10_000 });
  const suppressed = new Map<string, number>();
  const cache = createProxyCache({ maxEntries: config.cache.maxEntries, minRemainingMs: config.lifetimes.cacheMinRemainingHours * 3600_000 });
  const audit: AuditLog = await openAuditLog({ ...config.audit, now });
  let robots: Map<string, Robot>;
  try {
    robots = await loadRobots(config.robots, { secretStore: deps.secretStore });
  } catch (e) {
    await audit.close();
    throw e;
  }
  let inFlight = 0;
  let closing = false;
  const pool = config.keys.allowed.includes('rsa')
    ? createKeyPool({
        bits: config.keys.bits, size: config.keys.poolSize, refillPerSecond: config.keys.refillPerSecond, workers: config.keys.workers, nice: config.keys.workerNice,
        busy: () => inFlight > 0,
        onEvent: (event, fields) => logger.log('warn', event, fields),
      })
    : undefined;

  const drained: (() => void)[] = [];

  const refuse = async (res: ServerResponse, r: Refusal, rec: Omit<RefusedRecord, 'event' | 'status' | 'reason'>) => {
    await audit.write({ event: 'refused', status: r.status, reason: r.reason, ...rec });
    send(res, r.status, r.text + '\n', undefined, r.headers);
  };

  const takeKey = (type: 'rsa' | 'ec'): Promise<KeyObject> => (type === 'ec' ? generateEcKey() : pool!.take());

  const issue = async (res: ServerResponse, client: string, robotId: string, query: URLSearchParams) => {
    const robot = robots.get(robotId);
    if (!robot) {
      return refuse(res, { status: 404, reason: 'unknown-robot', text: `No robot certificate with id ${robotId.slice(0, 64)} is served here (GET ${'/eTokenServer/eToken?format=json'} lists them).` }, { client, robotId: robotId.slice(0, 64) });
    }
    const req = parseProxyQuery(robotId, query);
    if (isRefusal(req)) return refuse(res, req, { client, robotId, cnLabel: query.get('cn-label')?.slice(0, 80) });
    if (!req.disableVoms && req.voms.length > 0) {
      return refuse(res, {
        status: 501, reason: 'voms-not-configured',
        text: `VOMS attributes (${req.voms.map((v) => v.fqan).join(' ')}) were asked for, but this translator has no VOMS server to get them from. No proxy was made: a proxy without the attributes would fail later at the grid site. Ask with disable-voms-proxy=true for a proxy without VOMS attributes.`,
      }, { client, robotId, cnLabel: req.cnLabel });
    }
    const keyType = req.keyType ?? config.keys.type;
    if (!config.keys.allowed.includes(keyType)) {
      return refuse(res, { status: 400, reason: 'key-type-not-allowed', text: `key-type=${keyType} is not offered by this translator (allowed: ${config.keys.allowed.join(', ')}).` }, { client, robotId, cnLabel: req.cnLabel });
    }
    const vomsList = req.disableVoms ? [] : req.voms.map((v) => `${v.vo}:${v.fqan}`);
    const ck = cacheKey({ robotId, cnLabel: req.cnLabel, voms: vomsList, keyType });
    if (req.proxyRenewal) {
      const hit = cache.get(ck, now());
      if (hit) {
        await audit.write({ event: 'issued', client, robotId, cnLabel: req.cnLabel, serial: hit.serial, notAfter: hit.notAfter.toISOString(), keyType, cached: true });
        return send(res, 200, hit.body);
      }
    }
    const proxyKey = await takeKey(keyType);
    // The portal gave up while waiting for a key: make nothing (the key is dropped, never reused).
    if (res.destroyed || res.socket?.destroyed) return;
    const proxy = await createProxy({
      issuerCert: robot.certificate,
      issuerKey: robot.signer,
      hours: config.lifetimes.proxyHours,
      proxyKey,
      cnLabel: req.cnLabel,
      now: now(),
    });
    const body = proxy.certificatePem + proxy.privateKeyPem + [robot.certificate, ...robot.chain].map((c) => pemEncode('CERTIFICATE', c.der)).join('');
    if (req.proxyRenewal) cache.set(ck, { body, serial: proxy.serial, notAfter: proxy.notAfter });
    await audit.write({ event: 'issued', client, robotId, cnLabel: req.cnLabel, serial: proxy.serial, notAfter: proxy.notAfter.toISOString(), keyType, cached: false });
    send(res, 200, body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const client = normalizeAddress(req.socket.remoteAddress ?? '');
    const url = new URL(req.url ?? '/', 'https://translator.invalid');
    const path = url.pathname.slice(0, 200);
    if (closing) return send(res, 503, 'The translator is shutting down; try again in a moment.\n', undefined, { Connection: 'close', 'Retry-After': '5' });
    if (!allow.allows(client)) {
      if (!deniedBudget.take(client).allowed) {
        if (suppressed.size < 10_000 || suppressed.has(client)) suppressed.set(client, (suppressed.get(client) ?? 0) + 1);
        return send(res, 403, 'Your address is not on this translator’s list of allowed clients.\n', undefined, { Connection: 'close' });
      }
      const n = suppressed.get(client);
      suppressed.delete(client);
      return refuse(res, { status: 403, reason: 'client-not-allowed', text: `Your address ${client} is not on this translator’s list of allowed clients. Ask its operator to add your portal’s address.` }, { client, path, ...(n ? { suppressed: n } : {}) });
    }
    if (req.method !== 'GET') return refuse(res, { status: 405, reason: 'method', text: 'Only GET is served.', headers: { Allow: 'GET' } }, { client, path });
    const route = routeOf(url.pathname, url.searchParams);
    if (route.kind === 'health') {
      const m = process.memoryUsage();
      return send(res, 200, JSON.stringify({
        status: 'ok', robots: robots.size, inFlight: inFlight - 1, cacheEntries: cache.size, keyPool: pool?.stats(),
        memory: { rss: m.rss, heapUsed: m.heapUsed }, tlsClientAuth: Boolean(config.tls.clientCa),
      }) + '\n', 'application/json');
    }
    const rate = limiter.take(client);
    if (!rate.allowed) {
      return refuse(res, {
        status: 429, reason: 'rate-limited', headers: { 'Retry-After': String(rate.retryAfterSeconds) },
        text: `Too many requests from ${client}: at most ${config.rate.perSecond} per second (bursts of ${config.rate.burst}). Retry after ${rate.retryAfterSeconds} s.`,
      }, { client, path });
    }
    if (route.kind === 'list') {
      const list = [...robots.values()].map((r) => ({
        id: r.id, subject: r.subject, issuer: r.certificate.issuerDn, notAfter: r.certificate.notAfter.toISOString(), keySource: r.keySource,
      }));
      if (route.format === 'json') return send(res, 200, JSON.stringify({ robots: list }, null, 2) + '\n', 'application/json');
      return send(res, 200, list.map((r) => `${r.id}  ${r.subject}`).join('\n') + '\n');
    }
    if (route.kind === 'proxy') return issue(res, client, route.robotId, url.searchParams);
    return refuse(res, { status: 404, reason: 'no-such-path', text: 'Not found. The service answers GET /eTokenServer/eToken/<robot-id>?cn-label=user:<id>&… and /eTokenServer/eToken?format=json.' }, { client, path });
  };

  const server = https.createServer(tlsOptions, (req, res) => {
    inFlight++;
    handle(req, res)
      .catch((e) => {
        const text = isOnboardError(e) ? `${e.message} ${e.hint}` : 'The translator failed to make the proxy; see its log.';
        logger.log('error', 'request failed', { code: isOnboardError(e) ? e.code : 'INTERNAL', error: (e as Error).message, path: (req.url ?? '').split('?')[0] });
        if (!res.headersSent) send(res, isOnboardError(e) && e.code === 'TRANSLATOR_TOKEN_SIGN_FAILED' ? 503 : 500, text + '\n');
        else res.destroy();
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0) pool?.resume();
        if (closing && inFlight === 0) drained.splice(0).forEach((f) => f());
      });
  });
  server.on('tlsClientError', (e, socket: TLSSocket) => logger.log('debug', 'TLS handshake failed', { client: socket.remoteAddress, error: e.message }));

  const cleanup = async () => {
    await pool?.close();
    await Promise.all([...robots.values()].map((r) => r.close()));
    await audit.close();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.listen.port, config.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await cleanup();
    throw new OnboardError('TRANSLATOR_LISTEN_FAILED', { address: `${config.listen.host}:${config.listen.port}`, detail: (e as Error).message });
  }
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  logger.log('info', 'translator listening', { url: `https://${host}:${addr.port}`, robots: [...robots.values()].map((r) => ({ id: r.id, subject: r.subject, key: r.keyLocation })) });

  let closed: Promise<void> | undefined;
  return {
    url: `https://${host}:${addr.port}`,
    port: addr.port,
    robots: [...robots.values()].map((r) => ({ id: r.id, subject: r.subject })),
    keyPool: pool,
    close() {
      closed ??= (async () => {
        closing = true;
        logger.log('info', 'translator shutting down', { inFlight });
        const stopped = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          await Promise.race([
            new Promise<void>((r) => drained.push(r)),
            new Promise<void>((r) => setTimeout(r, config.shutdownGraceSeconds * 1000).unref()),
          ]);
        }
        server.closeAllConnections();
        await stopped;
        await cleanup();
        logger.log('info', 'translator stopped');
      })();
      return closed;
    },
  };
}
