/**
 * The help desk's replay of a user's support bundle: a FRESH sandbox data folder (never the
 * help-desk person's own) and a sandbox home beside it, the journal seeded with the user's VO
 * choice, step statuses and history (only what the schema accepts), and a `replay.json` marker
 * so the window says "Replay of <bundle> — sandbox" and the services stay in the sandbox.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { OnboardError } from '../../../shared/errors';
import { STEP_IDS, type StepId } from '../../../shared/steps';
import { issuePath, voEntrySchema } from '../../../shared/vo';
import type { SupportReplayView } from '../../../shared/contract/support';
import { ensureDir, writeFileAtomic } from '../fs/atomic';
import { Journal } from '../journal/journal';
import { BUNDLE_FORMAT, BUNDLE_VERSION, bundleSchema, historyEntrySchema, stepStatusSchema, type SupportBundle } from './bundle-schema';

export const REPLAY_FILE = 'replay.json';
export const REPLAY_HOME = 'replay-home';
const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

const replayMarkerSchema = z.object({
  version: z.literal(1),
  bundleFile: z.string(),
  bundleSha256: z.string(),
  bundleCreatedAt: z.string(),
  userAppVersion: z.string(),
  userEnvironment: z.enum(['sandbox', 'production']),
  userVo: z.string().nullable(),
  startedAt: z.string(),
  ignored: z.array(z.string()),
});

/** SUPPORT_BUNDLE_INVALID naming the field (`journey.steps`), or the whole file when `field` is empty. */
function invalid(file: string, field: string, detail: string): OnboardError {
  return new OnboardError('SUPPORT_BUNDLE_INVALID', { file, field, detail, problem: field ? `“${field}” ${detail}` : detail });
}

export interface ParsedBundle {
  readonly bundle: SupportBundle;
  readonly sha256: string;
}

/** Reads and checks a bundle; a wrong format, version or shape is refused naming what is wrong. */
export async function readBundle(file: string): Promise<ParsedBundle> {
  const name = path.basename(file);
  let buf: Buffer;
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) throw new Error('it is not a file');
    if (st.size > MAX_BUNDLE_BYTES) throw new Error(`it is ${st.size} bytes; a bundle is never larger than ${MAX_BUNDLE_BYTES}`);
    buf = await fsp.readFile(file);
  } catch (e) {
    throw new OnboardError('SUPPORT_BUNDLE_UNREADABLE', { file: name, detail: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (e as Error).message });
  }
  let json: unknown;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw invalid(name, '', `it is not JSON (${(e as Error).message.split('\n')[0].slice(0, 120)})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw invalid(name, '', 'it is not a JSON object');
  }
  const rec = json as Record<string, unknown>;
  if (rec.format !== BUNDLE_FORMAT) {
    throw invalid(name, 'format', `must be “${BUNDLE_FORMAT}” (found ${JSON.stringify(rec.format ?? null).slice(0, 60)})`);
  }
  if (rec.version !== BUNDLE_VERSION) {
    const appVersion = (rec.app as { version?: unknown } | undefined)?.version;
    throw new OnboardError('SUPPORT_BUNDLE_VERSION', {
      file: name,
      version: JSON.stringify(rec.version ?? null).slice(0, 20),
      supported: BUNDLE_VERSION,
      appVersion: typeof appVersion === 'string' ? appVersion.slice(0, 40) : 'unknown',
    });
  }
  const parsed = bundleSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(name, issuePath(issue.path), issue.message);
  }
  return { bundle: parsed.data, sha256: createHash('sha256').update(buf).digest('hex') };
}

export interface ReplaySeed {
  readonly vo: { name: string; chosenAt: string } | null;
  readonly customVo: z.infer<typeof voEntrySchema> | null;
  readonly steps: Partial<Record<StepId, z.infer<typeof stepStatusSchema>>>;
  readonly history: z.infer<typeof historyEntrySchema>[];
  /** What was left out, in words. */
  readonly ignored: string[];
}

/** The replayable parts of a bundle: known steps with valid statuses, valid history lines, the VO. */
export function replaySeed(bundle: SupportBundle): ReplaySeed {
  const ignored: string[] = [];
  const steps: ReplaySeed['steps'] = {};
  for (const [id, status] of Object.entries(bundle.journey.steps)) {
    if (!(STEP_IDS as readonly string[]).includes(id)) {
      ignored.push(`step “${id.slice(0, 40)}” (not a step of this version)`);
      continue;
    }
    const s = stepStatusSchema.safeParse(status);
    if (s.success) steps[id as StepId] = s.data;
    else ignored.push(`step “${id}” (its status is not valid: ${s.error.issues[0].message})`);
  }
  const history: ReplaySeed['history'] = [];
  let badLines = 0;
  for (const h of bundle.journey.history) {
    const e = historyEntrySchema.safeParse(h);
    if (e.success) history.push(e.data);
    else badLines++;
  }
  if (badLines) ignored.push(`${badLines} history line(s) that are not valid`);
  let customVo: ReplaySeed['customVo'] = null;
  const entry = bundle.journey.vo?.entry;
  if (entry !== undefined) {
    const v = voEntrySchema.safeParse(entry);
    if (v.success && v.data.custom && v.data.name === bundle.journey.vo?.name) customVo = v.data;
    else if (!v.success) ignored.push(`the VO’s directory entry (not valid: “${issuePath(v.error.issues[0].path)}” ${v.error.issues[0].message})`);
  }
  const vo = bundle.journey.vo ? { name: bundle.journey.vo.name, chosenAt: bundle.journey.vo.chosenAt } : null;
  return { vo, customVo, steps, history, ignored };
}

/** Replay folders go in the temp folder unless `--data` says where. */
export async function freshReplayDir(given: string | undefined, ownDataDir: string): Promise<string> {
  if (!given) return fsp.mkdtemp(path.join(os.tmpdir(), 'osg-onboard-replay-'));
  const dir = path.resolve(given);
  if (dir === path.resolve(ownDataDir)) {
    throw new OnboardError('SUPPORT_REPLAY_FOLDER_NOT_FRESH', { path: dir, detail: 'it is your own OSG Onboard data folder' });
  }
  const entries = await fsp.readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new OnboardError('SUPPORT_REPLAY_FOLDER_NOT_FRESH', { path: dir, detail: e.code === 'ENOTDIR' ? 'it is a file, not a folder' : e.message });
  });
  if (entries && entries.length) throw new OnboardError('SUPPORT_REPLAY_FOLDER_NOT_FRESH', { path: dir, detail: `it is not empty (${entries.length} entries)` });
  await ensureDir(dir, 0o700);
  return dir;
}

export interface PreparedReplay {
  readonly dataDir: string;
  /** The sandbox HOME the replay runs with (never the help-desk person's own ~/.globus). */
  readonly homeDir: string;
  readonly marker: SupportReplayView;
}

/** Makes the replay's data folder from a bundle already read: journal seeded, marker written. */
export async function prepareReplay(opts: {
  readonly bundleFile: string;
  readonly parsed: ParsedBundle;
  readonly dataDir: string;
  readonly now?: () => Date;
}): Promise<PreparedReplay> {
  const now = opts.now ?? (() => new Date());
  const { bundle } = opts.parsed;
  const seed = replaySeed(bundle);
  const homeDir = path.join(opts.dataDir, REPLAY_HOME);
  await ensureDir(homeDir, 0o700);
  const marker: SupportReplayView = {
    bundleFile: path.basename(opts.bundleFile),
    bundleSha256: opts.parsed.sha256,
    bundleCreatedAt: bundle.createdAt,
    userAppVersion: bundle.app.version,
    userEnvironment: bundle.app.environment,
    userVo: seed.vo?.name ?? null,
    startedAt: now().toISOString(),
    ignored: seed.ignored,
  };
  // The marker first: from here on the folder is a replay, whatever else happens.
  await writeFileAtomic(path.join(opts.dataDir, REPLAY_FILE), JSON.stringify({ version: 1, ...marker }, null, 2) + '\n', { mode: 0o600, existing: 'fail' });
  const journal = new Journal(opts.dataDir, now);
  await journal.update((j) => {
    if (seed.vo) j.vo = seed.vo;
    j.customVos = seed.customVo ? [seed.customVo] : [];
    j.steps = seed.steps;
    j.history = seed.history;
    journal.record(j, 'support', 'replay', `replay of ${marker.bundleFile} (sha256 ${marker.bundleSha256.slice(0, 16)}…)`);
  });
  return { dataDir: opts.dataDir, homeDir, marker };
}

/** The marker of a replay data folder, or null (absent or unreadable: not a replay). */
export async function readReplayMarker(dataDir: string): Promise<SupportReplayView | null> {
  const text = await fsp.readFile(path.join(dataDir, REPLAY_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const { version: _v, ...view } = replayMarkerSchema.parse(JSON.parse(text));
    return view;
  } catch {
    return null;
  }
}

/** A replay folder runs in the sandbox, always (checked once at start-up). */
export function isReplayDataDir(dataDir: string): boolean {
  return existsSync(path.join(dataDir, REPLAY_FILE));
}
