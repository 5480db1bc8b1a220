/**
 * Trust CAs (issue 4): pinned CA bundles installed into the app's own trust, X509_CERT_DIR,
 * NSS databases (Chromium, Firefox), the macOS / Windows user stores, and (offered as a
 * command) the system-wide store. Every target is idempotent and undoable.
 */
export { TrustService, TARGETS, type TrustServiceOptions, type PlanInput, type InstallInput, type PlanReport } from './trust-service';
export { BUILTIN_BUNDLES, BundleRegistry, verifyBundle, permissiveSigningPolicy } from './bundles';
export { appTrustFile, readAppTrust, appTlsCa } from './targets/app-store';
export { x509CertDir } from './targets/x509-dir';
export { discoverNssDbs, parseProfilesIni, type NssDb } from './targets/nss-discovery';
export { NSS_TRUST } from './targets/nss';
export { macosCommands, windowsCommands, systemCommands, macLoginKeychain, SYSTEM_STORES } from './targets/os-commands';
export { certificateSubjectHash, x509NameHash, canonicalNameEncoding } from './name-hash';
export { parseCa, publicInfo, normalizeFingerprint, type CaCertificateInfo } from './certificate';
export type { InstallSummary } from './records';
export * from './types';
