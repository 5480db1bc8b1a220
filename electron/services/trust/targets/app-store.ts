import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { OnboardError } from '../../../../shared/errors';
import { ensureDir, writeFileAtomic } from '../../fs/atomic';
import { derToPem, pemBlocks, sha256Fingerprint } from '../certificate';
import type { Change, TargetInfo, TargetOutcome, TargetPlan, TargetResult, TrustedCa, UndoEntry } from '../types';
import { exportPath, type InstallTarget, type TargetContext } from './target';
import { shellLine } from '../run';

/** The app's own trust: a PEM bundle in the data folder that the app's TLS clients use as `ca`. */
export function appTrustFile(dataDir: string): string {
  return path.join(dataDir, 'trust', 'app-ca.pem');
}

interface Entry {
  readonly sha256: string;
  readonly pem: string;
  readonly comment: string;
}

async function readEntries(file: string): Promise<Entry[] | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OnboardError('IO_ERROR', { action: 'read', path: file, detail: (e as Error).message });
  }
  // Keep each block with the comment line written above it.
  const out: Entry[] = [];
  const re = /((?:^#[^\n]*\n)*)(-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----)/gm;
  for (const m of text.matchAll(re)) {
    const [der] = pemBlocks(m[2]);
    out.push({ sha256: sha256Fingerprint(der), pem: derToPem(der), comment: m[1] });
  }
  return out;
}

function render(entries: readonly Entry[]): string {
  return entries.map((e) => e.comment + e.pem).join('');
}

/** PEMs the app trusts in addition to the public roots (empty when nothing is installed). */
export async function readAppTrust(dataDir: string): Promise<string[]> {
  return ((await readEntries(appTrustFile(dataDir))) ?? []).map((e) => e.pem);
}

/**
 * The `ca` option for the app's TLS clients: Node's public roots plus the installed CAs.
 * (Passing only the installed CAs would drop the public roots: `ca` replaces them.)
 */
export async function appTlsCa(dataDir: string): Promise<string[]> {
  return [...rootCertificates, ...(await readAppTrust(dataDir))];
}

export const appStoreTarget: InstallTarget = {
  id: 'app',

  async info(ctx): Promise<TargetInfo> {
    return {
      id: 'app',
      label: 'OSG Onboard itself',
      description: 'Used by every secure connection the app makes (CA, VO server, submit host checks).',
      paths: [appTrustFile(ctx.dataDir)],
      available: true,
      needsRoot: false,
      defaultSelected: true,
    };
  },

  async plan(cas, ctx): Promise<TargetPlan> {
    const file = appTrustFile(ctx.dataDir);
    const have = new Set(((await readEntries(file)) ?? []).map((e) => e.sha256));
    const changes: Change[] = cas.map((ca) =>
      have.has(ca.sha256) ? { action: 'keep', ca: ca.name, sha256: ca.sha256, where: file } : { action: 'add', ca: ca.name, sha256: ca.sha256, where: file },
    );
    const commands = cas.filter((ca) => !have.has(ca.sha256)).map((ca) => `${shellLine(['cat', exportPath(ctx, ca)])} >> ${shellLine([file])}`);
    return { target: 'app', available: true, changes, commands, notes: [] };
  },

  async install(cas, ctx): Promise<TargetOutcome> {
    const file = appTrustFile(ctx.dataDir);
    const existing = await readEntries(file);
    const entries = [...(existing ?? [])];
    const have = new Set(entries.map((e) => e.sha256));
    const changes: Change[] = [];
    const undo: UndoEntry[] = [];
    for (const ca of cas) {
      if (have.has(ca.sha256)) {
        changes.push({ action: 'keep', ca: ca.name, sha256: ca.sha256, where: file });
        continue;
      }
      entries.push({ sha256: ca.sha256, pem: ca.pem, comment: `# ${ca.subject}\n# SHA-256 ${ca.sha256}\n` });
      have.add(ca.sha256);
      changes.push({ action: 'add', ca: ca.name, sha256: ca.sha256, where: file });
      undo.push({ kind: 'app-cert-added', file, sha256: ca.sha256 });
    }
    if (undo.length > 0) {
      try {
        await ensureDir(path.dirname(file), 0o700);
        await writeFileAtomic(file, render(entries), { mode: 0o644, existing: 'replace' });
      } catch (e) {
        throw new OnboardError('IO_ERROR', { action: 'write', path: file, detail: (e as Error).message });
      }
      if (!existing) undo.unshift({ kind: 'file-created', path: file, sha256: '' });
    }
    return { target: 'app', status: undo.length ? 'changed' : 'unchanged', changes, undo, notes: [] };
  },

  async undo(undoEntries, ctx): Promise<TargetResult> {
    const mine = undoEntries.filter((u): u is Extract<UndoEntry, { kind: 'app-cert-added' }> => u.kind === 'app-cert-added');
    const createdFile = undoEntries.some((u) => u.kind === 'file-created');
    const file = mine[0]?.file ?? appTrustFile(ctx.dataDir);
    const entries = await readEntries(file);
    const changes: Change[] = [];
    if (!entries) return { target: 'app', status: 'unchanged', changes, notes: [] };
    const remove = new Set(mine.map((u) => u.sha256));
    const kept = entries.filter((e) => !remove.has(e.sha256));
    for (const e of entries) if (remove.has(e.sha256)) changes.push({ action: 'remove', sha256: e.sha256, where: file });
    if (changes.length === 0) return { target: 'app', status: 'unchanged', changes, notes: [] };
    if (kept.length === 0 && createdFile) await fsp.rm(file, { force: true });
    else await writeFileAtomic(file, render(kept), { mode: 0o644, existing: 'replace' });
    return { target: 'app', status: 'changed', changes, notes: [] };
  },
};

export type { TargetContext };
