import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { TargetContext } from './target';

/** An NSS certificate database the NSS target writes to. */
export interface NssDb {
  /** The `-d` argument: `sql:/dir` (cert9.db) or `dbm:/dir` (only cert8.db). */
  readonly db: string;
  readonly dir: string;
  readonly label: string;
  readonly kind: 'chromium' | 'firefox';
  /** False only for `~/.pki/nssdb` before it exists: the install creates it. */
  readonly exists: boolean;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** `sql:` when cert9.db exists, `dbm:` when only the legacy cert8.db does, undefined when neither. */
export async function nssDbSpec(dir: string): Promise<string | undefined> {
  if (await isFile(path.join(dir, 'cert9.db'))) return `sql:${dir}`;
  if (await isFile(path.join(dir, 'cert8.db'))) return `dbm:${dir}`;
  return undefined;
}

/** Firefox profile folders named in a profiles.ini (`Path=`, relative when `IsRelative=1`). */
export function parseProfilesIni(text: string, root: string): { name: string; dir: string }[] {
  const out: { name: string; dir: string }[] = [];
  let section: Record<string, string> | undefined;
  let sectionName = '';
  const flush = () => {
    if (section && /^Profile\d+$/i.test(sectionName) && section.Path) {
      const rel = section.IsRelative !== '0';
      out.push({ name: section.Name || path.basename(section.Path), dir: rel ? path.join(root, section.Path) : section.Path });
    }
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    const m = /^\[(.+)\]$/.exec(line);
    if (m) {
      flush();
      sectionName = m[1];
      section = {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0 && section) section[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  flush();
  return out;
}

/** Folders that hold Firefox's profiles.ini: native, snap, flatpak (Linux); macOS; Windows. */
export function firefoxRoots(ctx: Pick<TargetContext, 'homeDir' | 'env' | 'platform'>): string[] {
  const h = ctx.homeDir;
  if (ctx.platform === 'darwin') return [path.join(h, 'Library', 'Application Support', 'Firefox')];
  if (ctx.platform === 'win32') {
    const appData = ctx.env.APPDATA ?? path.join(h, 'AppData', 'Roaming');
    return [path.join(appData, 'Mozilla', 'Firefox')];
  }
  return [
    path.join(h, '.mozilla', 'firefox'),
    path.join(h, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
    path.join(h, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'),
  ];
}

/** Every NSS db to write: `~/.pki/nssdb` (made when missing, Linux only) and every Firefox profile with a db. */
export async function discoverNssDbs(ctx: Pick<TargetContext, 'homeDir' | 'env' | 'platform'>): Promise<{ dbs: NssDb[]; notes: string[] }> {
  const dbs: NssDb[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  const add = async (dir: string, label: string, kind: NssDb['kind'], createIfMissing: boolean) => {
    let real = dir;
    try {
      real = await fsp.realpath(dir);
    } catch {
      // not there yet
    }
    if (seen.has(real)) return;
    const spec = await nssDbSpec(dir);
    if (spec) {
      seen.add(real);
      dbs.push({ db: spec, dir, label, kind, exists: true });
    } else if (createIfMissing) {
      seen.add(real);
      dbs.push({ db: `sql:${dir}`, dir, label, kind, exists: false });
    } else if (await isDir(dir)) {
      notes.push(`The Firefox profile “${label}” (${dir}) has no certificate database yet; start Firefox once with it, then install again.`);
    }
  };

  if (ctx.platform === 'linux') {
    await add(path.join(ctx.homeDir, '.pki', 'nssdb'), 'Chromium / Chrome / Electron', 'chromium', true);
    const snapChromium = path.join(ctx.homeDir, 'snap', 'chromium', 'current', '.pki', 'nssdb');
    if (await nssDbSpec(snapChromium)) await add(snapChromium, 'Chromium (snap)', 'chromium', false);
  }
  for (const root of firefoxRoots(ctx)) {
    let ini: string | undefined;
    try {
      ini = await fsp.readFile(path.join(root, 'profiles.ini'), 'utf8');
    } catch {
      ini = undefined;
    }
    const listed = ini ? parseProfilesIni(ini, root) : [];
    for (const p of listed) await add(p.dir, `Firefox: ${p.name}`, 'firefox', false);
    // Profiles not named in profiles.ini (copied in, or an old ini) — as mkcert does.
    const profilesDir = ctx.platform === 'linux' ? root : path.join(root, 'Profiles');
    let entries: string[] = [];
    try {
      entries = await fsp.readdir(profilesDir);
    } catch {
      entries = [];
    }
    for (const e of entries.sort()) {
      const dir = path.join(profilesDir, e);
      if (await nssDbSpec(dir)) await add(dir, `Firefox: ${e}`, 'firefox', false);
    }
  }
  return { dbs, notes };
}
