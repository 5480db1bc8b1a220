/**
 * VOMS attribute certificates (RFC 5755 ACs as VOMS servers make them): build, read, verify
 * against the vomsdir `.lsc` rule, and fetch one from a VOMS server's REST `/generate-ac`.
 *
 *   const der = buildVomsAc({ holder: userCert, serverCert, serverKey, vo, host, port, fqans: ['/vo'], notBefore, notAfter });
 *   const ac = parseVomsAc(der);  → vo, uri, fqans, issuer, holder, notBefore/notAfter, certificates
 *   verifyVomsAc(ac, { lsc: await readLsc(vomsDir, ac.vo, ac.host), trust: await loadTrustDir(caDir) }) → { valid, errors }
 *   createProxy({ …, vomsAcs: [der] })  puts it in the proxy (extension 1.3.6.1.4.1.8005.100.100.5)
 */
export { buildVomsAc, vomsExtensionValue, VOMS_OID } from './ac-build';
export type { VomsAcSpec } from './ac-build';
export { parseVomsAc, parseVomsAcSequence } from './ac-read';
export type { VomsAc } from './ac-read';
export { verifyVomsAc, parseLsc, readLsc } from './ac-verify';
export type { VomsAcCheck, VerifyVomsAcOptions } from './ac-verify';
export { parseFqan, parseFqanList, longFqan, shortFqan } from './fqan';
export type { Fqan } from './fqan';
export { fetchVomsAc } from './voms-client';
export type { FetchVomsAcOptions, FetchedVomsAc, VomsServerAddress } from './voms-client';
export { findVomsServer, parseVomsesLine } from './vomses-config';
