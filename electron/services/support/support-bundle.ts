/**
 * Builds the support bundle: chosen public facts (app, system, journey, error log, credential
 * facts, trust state, upload host), then every string through the redactor, then one last check
 * of the final text. Nothing is copied wholesale from a file but the error log and the journal's
 * step statuses and history, and those are redacted too.
 */
import os from 'node:os';
import path from 'node:path';
import { realpathSync } from 'node:fs';
import type { Environment } from '../context';
import type { Journal, JournalData } from '../journal/journal';
import type { VoChoice } from '../../../shared/contract/vo';
import { InstallRecords } from '../trust/records';
import { appTrustFile } from '../trust/targets/app-store';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type SupportBundle } from './bundle-schema';
import { credentialFacts, fileFacts } from './credential-facts';
import type { ErrorLog } from './error-log';
import { knownSecrets } from './known-secrets';
import { NEVER_INCLUDED, Redactor } from './redact';

export interface BundleSources {
  readonly dataDir: string;
  readonly homeDir: string;
  readonly environment: Environment;
  readonly shell: string;
  readonly version: string;
  readonly now: () => Date;
  readonly journal: Journal;
  readonly errorLog: ErrorLog;
  readonly currentVo: () => Promise<VoChoice | null>;
  readonly env?: NodeJS.ProcessEnv;
  readonly uid?: number;
}

/** Journal sections the bundle reads (chosen fields only); the names of the others are listed. */
const KNOWN_SECTIONS = new Set(['version', 'vo', 'customVos', 'steps', 'history', 'request', 'trust', 'upload', 'register']);

/** Enum-like words of the journal that look like secrets by their field name only. */
const NOT_SECRETS = new Set(['sandbox-default', 'typed', 'none', 'keychain']);

function pick(o: unknown, keys: readonly string[]): Record<string, unknown> | null {
  if (!o || typeof o !== 'object') return null;
  const src = o as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => src[k] !== undefined).map((k) => [k, src[k]]));
}

function requestFacts(j: JournalData): Record<string, unknown> | null {
  const r = (j as Record<string, unknown>).request as Record<string, unknown> | undefined;
  if (!r) return null;
  const out = pick(r, ['state', 'origin', 'importedFrom', 'renewOf', 'vo', 'sandbox', 'subject', 'keyBits', 'keyProtection', 'estUrl', 'startedAt', 'lastCheckedAt', 'error', 'certificate']) ?? {};
  if (typeof r.enrolmentCode === 'string') out.enrolmentCodeKind = r.enrolmentCode; // `none` | `sandbox-default` | `typed`: how, never the code
  const agreement = pick(r.agreement, ['agreedAt', 'policyVersion', 'title']);
  if (agreement) out.agreement = agreement;
  return out;
}

/** Per VO: where the registration stands (no name, surname or e-mail: the DN says who). */
function registerFacts(j: JournalData): Record<string, unknown> | null {
  const r = (j as Record<string, unknown>).register;
  if (!r || typeof r !== 'object') return null;
  const out: Record<string, unknown> = {};
  for (const [vo, section] of Object.entries(r as Record<string, unknown>).slice(0, 20)) {
    const f = pick(section, ['vo', 'kind', 'stage', 'dn', 'caDn', 'requestedGroups', 'submittedAt', 'confirmedAt', 'memberAt', 'rejectedAt', 'handoffDoneAt']);
    if (!f) continue;
    const s = section as { member?: unknown; vomses?: { files?: unknown[]; reason?: unknown } };
    const member = pick(s.member, ['fqans', 'status', 'dnMatches', 'endTime']);
    if (member) f.member = member;
    if (s.vomses) f.vomses = { files: (s.vomses.files ?? []).map((x) => pick(x, ['path', 'status'])), reason: s.vomses.reason };
    out[vo] = f;
  }
  return out;
}

function uploadFacts(j: JournalData): Record<string, unknown> | null {
  const u = (j as Record<string, unknown>).upload as { last?: Record<string, unknown>; history?: unknown[] } | undefined;
  if (!u) return null;
  const last = u.last ? pick(u.last, ['host', 'port', 'sandbox', 'directory', 'directoryModeText', 'finishedAt', 'warnings', 'keyPassphrase']) : null;
  if (last && Array.isArray(u.last?.files)) last.files = (u.last.files as unknown[]).map((f) => pick(f, ['name', 'modeText', 'mode', 'size', 'sha256']));
  const history = Array.isArray(u.history) ? u.history.map((h) => pick(h, ['at', 'host', 'port', 'files'])) : [];
  return { last, history };
}

/** The bundle before redaction; exported for the tests. */
export async function collectBundle(src: BundleSources): Promise<Omit<SupportBundle, 'redactions' | 'neverIncluded'>> {
  const now = src.now();
  const j = await src.journal.read();
  const vo = await src.currentVo().catch(() => null);
  const trustSection = (j as Record<string, unknown>).trust;
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: now.toISOString(),
    app: { version: src.version, environment: src.environment, shell: src.shell },
    system: {
      platform: process.platform,
      arch: process.arch,
      osType: os.type(),
      osRelease: os.release(),
      node: process.versions.node,
      electron: process.versions.electron ?? null,
    },
    journey: {
      vo: j.vo ? { name: j.vo.name, chosenAt: j.vo.chosenAt, entry: vo?.vo.name === j.vo.name ? vo.vo : undefined } : null,
      steps: j.steps,
      history: j.history,
      request: requestFacts(j),
      register: registerFacts(j),
      otherSections: Object.keys(j).filter((k) => !KNOWN_SECTIONS.has(k)).sort(),
    },
    errors: (await src.errorLog.read()).reverse(),
    credentials: { ...(await credentialFacts({ dataDir: src.dataDir, homeDir: src.homeDir, env: src.env ?? process.env, uid: src.uid ?? process.getuid?.(), now })) },
    trust: {
      step: pick(trustSection, ['vo', 'bundle', 'lastInstallId', 'at', 'results', 'summary', 'lastUndo']),
      installs: await new InstallRecords(src.dataDir).list(),
      appTrustStore: await fileFacts(appTrustFile(src.dataDir), now),
    },
    upload: uploadFacts(j),
  };
}

export interface BuiltBundle {
  readonly bundle: SupportBundle;
  readonly text: string;
}

/** The redacted bundle and its exact text. Throws SUPPORT_REDACTION_FAILED rather than return something private. */
export async function buildBundle(src: BundleSources): Promise<BuiltBundle> {
  const raw = await collectBundle(src);
  const homes = [src.homeDir, os.homedir()];
  for (const h of [...homes]) {
    try {
      homes.push(realpathSync(h));
    } catch {
      // a home that does not exist has no other spelling
    }
  }
  const secrets = (await knownSecrets([path.join(src.dataDir, 'sandbox'), src.journal.path])).filter((s) => !NOT_SECRETS.has(s));
  const redactor = new Redactor({ homeDirs: homes, secrets, places: [{ path: src.dataDir, as: '<data folder>' }] });
  const redacted = redactor.value(raw);
  const bundle: SupportBundle = { ...redacted, redactions: redactor.report(), neverIncluded: [...NEVER_INCLUDED] };
  const text = JSON.stringify(bundle, null, 2) + '\n';
  redactor.assertClean(text);
  return { bundle, text };
}
