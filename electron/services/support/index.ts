export { ErrorLog, ERROR_LOG_FILE, MAX_ENTRIES, MAX_BYTES, type ErrorLogEntry } from './error-log';
export { Redactor, NEVER_INCLUDED, REDACTED, type RedactionEntry, type RedactionRule } from './redact';
export { buildBundle, collectBundle, type BundleSources } from './support-bundle';
export { BUNDLE_FORMAT, BUNDLE_VERSION, bundleSchema, type SupportBundle } from './bundle-schema';
export { SupportService, type SupportServiceOptions } from './support-service';
export { supportHandlers } from './support-handlers';
export { readBundle, replaySeed, prepareReplay, freshReplayDir, readReplayMarker, isReplayDataDir, REPLAY_FILE, REPLAY_HOME, type PreparedReplay, type ParsedBundle } from './replay';
