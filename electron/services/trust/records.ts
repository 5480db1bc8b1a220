import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { backupStamp, ensureDir, writeFileAtomic } from '../fs/atomic';
import type { TrustInstallView } from '../../../shared/contract/trust';
import type { TargetId, TargetResult, UndoEntry } from './types';

/** What an install did, kept in `<dataDir>/trust/installs/<id>.json` so it can be undone later. */
export interface InstallRecord {
  readonly version: 1;
  readonly id: string;
  readonly bundle: string;
  readonly at: string;
  readonly targets: readonly TargetId[];
  readonly results: readonly TargetResult[];
  readonly undo: Partial<Record<TargetId, readonly UndoEntry[]>>;
  readonly undone?: { readonly at: string; readonly results: readonly TargetResult[] };
}

/** An install as the step lists it (the contract's type). */
export type InstallSummary = TrustInstallView;

const ID_RE = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

export function newInstallId(now: Date): string {
  return `${backupStamp(now)}-${randomBytes(4).toString('hex')}`;
}

export class InstallRecords {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'trust', 'installs');
  }

  private file(id: string): string {
    if (!ID_RE.test(id)) throw new OnboardError('TRUST_INSTALL_NOT_FOUND', { id });
    return path.join(this.dir, `${id}.json`);
  }

  async save(record: InstallRecord): Promise<void> {
    await ensureDir(this.dir, 0o700);
    await writeFileAtomic(this.file(record.id), JSON.stringify(record, null, 2) + '\n', { mode: 0o600, existing: 'replace' });
  }

  async load(id: string): Promise<InstallRecord> {
    let text: string;
    try {
      text = await fsp.readFile(this.file(id), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new OnboardError('TRUST_INSTALL_NOT_FOUND', { id });
      throw new OnboardError('IO_ERROR', { action: 'read', path: this.file(id), detail: (e as Error).message });
    }
    try {
      const r = JSON.parse(text) as InstallRecord;
      if (r.version !== 1 || r.id !== id) throw new Error('not an install record');
      return r;
    } catch (e) {
      throw new OnboardError('IO_ERROR', { action: 'read', path: this.file(id), detail: (e as Error).message });
    }
  }

  /** Every install, newest first. */
  async list(): Promise<InstallSummary[]> {
    let names: string[] = [];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return [];
    }
    const out: InstallSummary[] = [];
    for (const n of names.filter((x) => x.endsWith('.json')).sort().reverse()) {
      const id = n.slice(0, -5);
      if (!ID_RE.test(id)) continue;
      try {
        const r = await this.load(id);
        out.push({
          id,
          bundle: r.bundle,
          at: r.at,
          targets: r.targets,
          undoable: Object.values(r.undo).some((u) => (u?.length ?? 0) > 0),
          undoneAt: r.undone?.at,
        });
      } catch {
        // an unreadable record is skipped in the list; `undo <id>` reports it
      }
    }
    // Newest first by the time recorded (milliseconds): ids carry whole seconds and a random
    // suffix, so two installs in the same second sorted by id came out in random order — and
    // "Undo the last install" then took back the one before.
    return out.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  }
}
