/**
 * "Get help": the support bundle as the user reads it (preview: sections, redactions, the exact
 * text) and saves it (a new 0600 file, never over another), and whether this app is a help-desk
 * replay. The bundle is always built here, from the data folder: the window never hands one in.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import type { SupportPreview, SupportReplayView, SupportSaved, SupportSectionView } from '../../../shared/contract/support';
import { backupStamp, writeFileAtomic } from '../fs/atomic';
import type { SupportBundle } from './bundle-schema';
import { buildBundle, type BundleSources } from './support-bundle';
import { readReplayMarker } from './replay';
import { NEVER_INCLUDED } from './redact';

export interface SupportServiceOptions extends BundleSources {
  /** The desktop app's folder picker; absent in browser mode and the CLI. */
  readonly folderPicker: boolean;
}

const MAX_NAME_TRIES = 50;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

type Facts = { file: string; mode: string; holds: readonly string[]; certificates: readonly { subject: string; notAfter: string; proxy: boolean; expired: boolean }[] };

function factLines(files: readonly Facts[]): string[] {
  return files.map((f) => {
    const certs = f.certificates.map((c) => `${c.proxy ? 'proxy ' : ''}${c.subject}, until ${c.notAfter.slice(0, 10)}${c.expired ? ' (expired)' : ''}`);
    return `${f.file} (${f.mode}; ${f.holds.join(', ') || 'empty'})${certs.length ? `: ${certs.join('; ')}` : ''}`;
  });
}

/** The sections as the preview lists them (from the redacted bundle: what is read is what is sent). */
export function sectionsOf(b: SupportBundle): SupportSectionView[] {
  const steps = Object.entries(b.journey.steps) as [string, { status?: string; summary?: string }][];
  const cred = b.credentials as { globus?: Facts[]; appStore?: Facts[]; backups?: Facts[]; proxy?: Facts | null };
  const credFiles = [...(cred.globus ?? []), ...(cred.appStore ?? []), ...(cred.backups ?? []), ...(cred.proxy ? [cred.proxy] : [])];
  const trust = b.trust as { step?: { bundle?: string; summary?: string } | null; installs?: unknown[] };
  const upload = b.upload as { last?: { host?: string; port?: number } | null; history?: { host?: string }[] } | null;
  const hosts = [...new Set([upload?.last?.host, ...(upload?.history ?? []).map((h) => h.host)].filter((h): h is string => !!h))];
  return [
    { id: 'app', title: 'OSG Onboard', summary: `Version ${b.app.version}, ${b.app.environment}, ${b.app.shell}`, lines: [] },
    {
      id: 'system',
      title: 'This computer',
      summary: `${b.system.osType} ${b.system.osRelease} (${b.system.platform}/${b.system.arch}), Node ${b.system.node}${b.system.electron ? `, Electron ${b.system.electron}` : ''}`,
      lines: [],
    },
    {
      id: 'journey',
      title: 'Your steps',
      summary: `VO ${b.journey.vo?.name ?? '(none chosen)'}; ${plural(steps.length, 'step')} with a status; ${plural(b.journey.history.length, 'history line')}`,
      lines: [
        ...steps.map(([id, s]) => `${id}: ${s.status ?? '?'}${s.summary ? ` — ${s.summary}` : ''}`),
        ...Object.entries(b.journey.register ?? {}).map(([vo, r]) => `registration with ${vo}: ${(r as { stage?: string }).stage ?? '?'}`),
      ],
    },
    {
      id: 'errors',
      title: 'Errors (with their technical details)',
      summary: b.errors.length ? `${plural(b.errors.length, 'error')}, the newest ${b.errors[0].code} at ${b.errors[0].at}` : 'No errors recorded',
      lines: b.errors.slice(0, 10).map((e) => `${e.at} ${e.procedure}: ${e.code} — ${e.message}`),
    },
    {
      id: 'credentials',
      title: 'Your certificates (public facts only)',
      summary: credFiles.length ? `${plural(credFiles.length, 'file')} described; no content copied` : 'No credential files found',
      lines: factLines(credFiles),
    },
    {
      id: 'trust',
      title: 'Trusted CAs',
      summary: trust.step ? `Bundle ${trust.step.bundle ?? '?'}: ${trust.step.summary ?? ''}` : `Not installed by OSG Onboard (${plural(trust.installs?.length ?? 0, 'install')} recorded)`,
      lines: [],
    },
    { id: 'upload', title: 'Submit host', summary: hosts.length ? `Uploaded to ${hosts.join(', ')}` : 'No upload yet', lines: [] },
  ];
}

export class SupportService {
  constructor(private readonly o: SupportServiceOptions) {}

  fileName(): string {
    return `osg-onboard-support-${backupStamp(this.o.now())}.json`;
  }

  async defaultFolder(): Promise<string> {
    const downloads = path.join(this.o.homeDir, 'Downloads');
    const st = await fsp.stat(downloads).catch(() => null);
    return st?.isDirectory() ? downloads : this.o.homeDir;
  }

  async preview(): Promise<SupportPreview> {
    const { bundle, text } = await buildBundle(this.o);
    return {
      fileName: this.fileName(),
      defaultFolder: await this.defaultFolder(),
      folderPicker: this.o.folderPicker,
      sections: sectionsOf(bundle),
      redactions: bundle.redactions,
      neverIncluded: [...NEVER_INCLUDED],
      errorCodes: [...new Set(bundle.errors.map((e) => e.code))],
      text,
      size: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    };
  }

  /** `~/x`, relative (to home) and absolute folders; it must exist. */
  async resolveFolder(raw: string | undefined): Promise<string> {
    if (raw === undefined) return this.defaultFolder();
    let p = raw.trim();
    if (p.includes('\0')) throw new OnboardError('SUPPORT_SAVE_FOLDER_INVALID', { path: raw, detail: 'it contains a NUL character' });
    if (p === '~' || p.startsWith('~/')) p = path.join(this.o.homeDir, p.slice(1));
    if (!path.isAbsolute(p)) p = path.join(this.o.homeDir, p);
    p = path.normalize(p);
    const st = await fsp.stat(p).catch(() => null);
    if (!st) throw new OnboardError('SUPPORT_SAVE_FOLDER_INVALID', { path: p, detail: 'there is no such folder' });
    if (!st.isDirectory()) throw new OnboardError('SUPPORT_SAVE_FOLDER_INVALID', { path: p, detail: 'it is a file, not a folder' });
    return p;
  }

  /** Writes a new bundle file; a name already taken gets `-2`, `-3`… (never overwritten). */
  async save(input: { folder?: string }): Promise<SupportSaved> {
    const folder = await this.resolveFolder(input.folder);
    const { bundle, text } = await buildBundle(this.o);
    const base = this.fileName().replace(/\.json$/, '');
    for (let n = 1; n <= MAX_NAME_TRIES; n++) {
      const file = path.join(folder, `${base}${n === 1 ? '' : `-${n}`}.json`);
      try {
        await writeFileAtomic(file, text, { mode: 0o600, existing: 'fail' });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        throw new OnboardError('SUPPORT_SAVE_FOLDER_INVALID', { path: folder, detail: (e as Error).message });
      }
      return {
        path: file,
        size: Buffer.byteLength(text),
        sha256: createHash('sha256').update(text).digest('hex'),
        savedAt: this.o.now().toISOString(),
        redactions: bundle.redactions,
      };
    }
    throw new OnboardError('SUPPORT_SAVE_FOLDER_INVALID', { path: folder, detail: `${MAX_NAME_TRIES} support bundles of this second are already there` });
  }

  /** Writes a new bundle at exactly `file` (CLI `--out`); FILE_EXISTS when something is there. */
  async saveFile(file: string): Promise<SupportSaved> {
    const target = path.resolve(file);
    const { bundle, text } = await buildBundle(this.o);
    try {
      await writeFileAtomic(target, text, { mode: 0o600, existing: 'fail' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new OnboardError('FILE_EXISTS', { path: target });
      throw new OnboardError('SUPPORT_SAVE_FOLDER_INVALID', { path: path.dirname(target), detail: (e as Error).message });
    }
    return {
      path: target,
      size: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
      savedAt: this.o.now().toISOString(),
      redactions: bundle.redactions,
    };
  }

  replayInfo(): Promise<SupportReplayView | null> {
    return readReplayMarker(this.o.dataDir);
  }
}
