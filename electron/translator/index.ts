/**
 * Credential translator: an eToken-compatible PUSP REST service (issue 9; DESIGN §5).
 *
 *   const config = loadTranslatorConfig('/etc/osg-onboard/translator.json');   // zod-checked
 *   const t = await startTranslator(config, { logger: jsonLogger(), secretStore });
 *   → t.url, t.robots ({ id, subject }), t.keyPool?.stats(); await t.close() (graceful)
 *
 * HTTP API (portals call it unchanged from the eToken server):
 *   GET /eTokenServer/eToken/<robot-id>?voms=<VO>:/<VO>&proxy-renewal=…&disable-voms-proxy=…
 *       &rfc-proxy=…&cn-label=user:<id>[&key-type=rsa|ec]
 *     → 200 text/plain: proxy certificate, proxy private key, robot certificate (PEM)
 *   GET /eTokenServer/eToken?format=json → { robots: [{ id, subject, issuer, notAfter, keySource }] }
 *   GET /health → { status, robots, inFlight, keyPool, memory }
 *   Refusals: 403 address not allowed, 404 unknown robot, 406 bad FQAN, 400 legacy proxy /
 *   bad cn-label, 429 + Retry-After, 501 VOMS attributes asked (no VOMS server here) — each
 *   one audit line.
 */
export { loadTranslatorConfig, parseTranslatorConfig, translatorConfigSchema } from './config';
export type { TranslatorConfig, RobotConfig, Pkcs11KeyConfig } from './config';
export { startTranslator } from './server';
export type { Translator, TranslatorDeps } from './server';
export { robotId, slashSubject, loadRobot, loadRobots } from './robots';
export type { Robot } from './robots';
export { openTokenSigner, ecdsaRawToDer } from './pkcs11-signer';
export type { TokenSigner } from './pkcs11-signer';
export { createKeyPool, generateEcKey } from './key-pool';
export type { KeyPool, KeyPoolStats } from './key-pool';
export { etokenFlag, parseVoms, parseProxyQuery, routeOf, ETOKEN_BASE } from './etoken-request';
export { createAllowList, normalizeAddress } from './allow-list';
export { createRateLimiter } from './rate-limit';
export { openAuditLog } from './audit-log';
export type { AuditRecord } from './audit-log';
export { createProxyCache, cacheKey } from './proxy-cache';
export { jsonLogger, silentLogger } from './log';
export type { Logger } from './log';
