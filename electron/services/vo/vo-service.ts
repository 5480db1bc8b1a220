import { promises as fsp } from 'node:fs';
import { OnboardError } from '../../../shared/errors';
import { customVoSchema, issuePath, voDirectorySchema, voEntrySchema, type CustomVoInput, type VoDirectory, type VoEntry } from '../../../shared/vo';
import type { VoChoice } from '../../../shared/contract';
import type { Journal } from '../journal/journal';
import bundledDirectory from './vo-directory.json';

/** Validates a VO directory document; a bad one names the first offending field. */
export function parseVoDirectory(raw: unknown, file: string): VoDirectory {
  const parsed = voDirectorySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OnboardError('VO_DIRECTORY_INVALID', { file, field: issuePath(issue.path) || '(top level)', detail: issue.message });
  }
  return parsed.data;
}

export async function loadVoDirectoryFile(file: string): Promise<VoDirectory> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new OnboardError('IO_ERROR', { action: 'read', path: file, detail: (e as Error).message });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new OnboardError('VO_DIRECTORY_INVALID', { file, field: '(file)', detail: `is not JSON: ${(e as Error).message}` });
  }
  return parseVoDirectory(json, file);
}

/** Case-insensitive match on name, display name and description; every word must match. */
export function matchesQuery(vo: VoEntry, query: string | undefined): boolean {
  const words = (query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = `${vo.name} ${vo.displayName} ${vo.description}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** Sandbox VO first in sandbox mode (hidden in production), then custom VOs, then the rest by name. */
export function orderVos(vos: readonly VoEntry[], environment: 'sandbox' | 'production'): VoEntry[] {
  const rank = (v: VoEntry) => (v.sandbox ? 0 : v.custom ? 1 : 2);
  return vos
    .filter((v) => environment === 'sandbox' || !v.sandbox)
    .slice()
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export function customVoToEntry(input: CustomVoInput): VoEntry {
  const parsed = customVoSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OnboardError('VO_CUSTOM_INVALID', { field: issuePath(issue.path), detail: issue.message });
  }
  const v = parsed.data;
  return voEntrySchema.parse({
    name: v.name,
    displayName: v.displayName || v.name,
    description: v.description || 'A VO added by hand.',
    sponsor: v.sponsor,
    registration: { kind: v.registrationKind, url: v.registrationUrl },
    vomsServers: v.vomsHost && v.vomsPort && v.vomsDn ? [{ host: v.vomsHost, port: v.vomsPort, dn: v.vomsDn }] : [],
    submitHosts: v.submitHost ? [{ host: v.submitHost, port: 22 }] : [],
    custom: true,
  });
}

export interface VoServiceOptions {
  readonly environment: 'sandbox' | 'production';
  readonly journal: Journal;
  /** Another directory file (tests, site-specific builds); the bundled one otherwise. */
  readonly directoryFile?: string;
  readonly now: () => Date;
}

export class VoService {
  private directory: VoDirectory | undefined;

  constructor(private readonly opts: VoServiceOptions) {}

  async directoryEntries(): Promise<VoEntry[]> {
    if (!this.directory) {
      this.directory = this.opts.directoryFile
        ? await loadVoDirectoryFile(this.opts.directoryFile)
        : parseVoDirectory(bundledDirectory, 'vo-directory.json (bundled)');
    }
    return this.directory.vos;
  }

  async all(): Promise<VoEntry[]> {
    const j = await this.opts.journal.read();
    const custom = j.customVos;
    const bundled = (await this.directoryEntries()).filter((b) => !custom.some((c) => c.name === b.name));
    return orderVos([...bundled, ...custom], this.opts.environment);
  }

  async list(query?: string): Promise<VoEntry[]> {
    return (await this.all()).filter((v) => matchesQuery(v, query));
  }

  async get(name: string): Promise<VoEntry> {
    const vo = (await this.all()).find((v) => v.name === name);
    if (!vo) throw new OnboardError('VO_NOT_FOUND', { name });
    return vo;
  }

  async choose(name: string): Promise<VoChoice> {
    const vo = await this.get(name);
    const chosenAt = this.opts.now().toISOString();
    await this.opts.journal.update((j) => {
      j.vo = { name, chosenAt };
      this.opts.journal.setStep(j, 'chooseVo', 'done', name);
    });
    return { vo, chosenAt };
  }

  async addCustom(input: CustomVoInput): Promise<VoEntry> {
    const entry = customVoToEntry(input);
    const bundled = await this.directoryEntries();
    if (bundled.some((b) => b.name === entry.name)) {
      throw new OnboardError('VO_CUSTOM_INVALID', { field: 'name', detail: `“${entry.name}” is already in the directory; choose it from the list instead` });
    }
    await this.opts.journal.update((j) => {
      j.customVos = [...j.customVos.filter((c) => c.name !== entry.name), entry];
      this.opts.journal.record(j, 'chooseVo', 'customAdded', entry.name);
    });
    return entry;
  }

  async current(): Promise<VoChoice | null> {
    const j = await this.opts.journal.read();
    if (!j.vo) return null;
    const vo = (await this.all()).find((v) => v.name === j.vo!.name);
    return vo ? { vo, chosenAt: j.vo.chosenAt } : null;
  }
}
