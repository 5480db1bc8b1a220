import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import { formatSlashDn, parseDn } from '../../../shared/dn';
import type { VoEntry } from '../../../shared/vo';
import type { RegisterFileView } from '../../../shared/contract/register';
import { ensureDir, writeFileAtomic } from '../fs/atomic';

/**
 * The VO's client configuration for `voms-proxy-init`:
 * - `~/.glite/vomses/<vo>`: one line per VOMS server, `"<vo>" "<host>" "<port>" "<server DN>" "<vo>"`
 * - `~/.glite/vomsdir/<vo>/<host>.lsc`: the server's DN, then its CA's DN (slash form), one per line.
 * Written atomically; a different existing file is kept as `<name>.bak-<stamp>`, an identical one
 * is left alone.
 */

export interface VomsesWriteOptions {
  readonly homeDir: string;
  readonly now?: () => Date;
}

/** A file written (or found identical): the Register step's contract type. */
export type WrittenFile = RegisterFileView;

function slash(vo: string, file: string, field: string, dn: string): string {
  let out: string;
  try {
    out = formatSlashDn(parseDn(dn));
  } catch (e) {
    throw new OnboardError('REGISTRATION_VOMSES_INVALID', { vo, file, detail: `${field}: ${(e as Error).message}` });
  }
  if (/["\r\n]/.test(out)) throw new OnboardError('REGISTRATION_VOMSES_INVALID', { vo, file, detail: `${field} contains a quote or a line break` });
  return out;
}

export function vomsesText(vo: VoEntry, file = '.glite/vomses'): string {
  if (!/^[A-Za-z0-9._-]+$/.test(vo.name)) throw new OnboardError('REGISTRATION_VOMSES_INVALID', { vo: vo.name, file, detail: 'the VO name has characters a vomses file cannot hold' });
  return vo.vomsServers
    .map((s) => {
      if (!/^[A-Za-z0-9.:[\]-]+$/.test(s.host)) throw new OnboardError('REGISTRATION_VOMSES_INVALID', { vo: vo.name, file, detail: `host “${s.host}”` });
      return `"${vo.name}" "${s.host}" "${s.port}" "${slash(vo.name, file, 'server DN', s.dn)}" "${vo.name}"\n`;
    })
    .join('');
}

export function lscText(vo: VoEntry, server: VoEntry['vomsServers'][number], file: string): string {
  if (!server.caDn) throw new OnboardError('REGISTRATION_VOMSES_INVALID', { vo: vo.name, file, detail: 'the CA DN of the VOMS server is missing' });
  return `${slash(vo.name, file, 'server DN', server.dn)}\n${slash(vo.name, file, 'CA DN', server.caDn)}\n`;
}

async function writeIfChanged(file: string, text: string, now?: () => Date): Promise<WrittenFile> {
  const old = await fsp.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new OnboardError('IO_ERROR', { action: 'read', path: file, detail: e.message });
  });
  if (old === text) return { path: file, status: 'unchanged' };
  try {
    const r = await writeFileAtomic(file, text, { mode: 0o644, existing: 'backup', now });
    return { path: file, status: 'written', backupPath: r.backupPath };
  } catch (e) {
    throw new OnboardError('IO_ERROR', { action: 'write', path: file, detail: (e as Error).message });
  }
}

/**
 * Writes the VO's vomses file and one .lsc per server that has a CA DN. Nothing is written
 * when the VO lists no VOMS server.
 */
export async function writeVomsesFiles(vo: VoEntry, opts: VomsesWriteOptions): Promise<WrittenFile[]> {
  if (vo.vomsServers.length === 0) return [];
  const glite = path.join(opts.homeDir, '.glite');
  const vomsesFile = path.join(glite, 'vomses', vo.name);
  const text = vomsesText(vo, vomsesFile);
  const lscs = vo.vomsServers
    .filter((s) => s.caDn)
    .map((s) => {
      const file = path.join(glite, 'vomsdir', vo.name, `${s.host}.lsc`);
      return { file, text: lscText(vo, s, file) };
    });
  // Everything is checked before the first write.
  try {
    await ensureDir(path.join(glite, 'vomses'), 0o755);
    if (lscs.length) await ensureDir(path.join(glite, 'vomsdir', vo.name), 0o755);
  } catch (e) {
    throw new OnboardError('IO_ERROR', { action: 'create', path: glite, detail: (e as Error).message });
  }
  const out = [await writeIfChanged(vomsesFile, text, opts.now)];
  for (const l of lscs) out.push(await writeIfChanged(l.file, l.text, opts.now));
  return out;
}
