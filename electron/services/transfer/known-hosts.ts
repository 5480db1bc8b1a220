/**
 * known_hosts, read the way OpenSSH reads it: plain patterns (`host`, `[host]:port`, `*`/`?`
 * wildcards, `!` negation, comma lists), hashed names (`|1|salt|hash`, HMAC-SHA1), markers
 * (`@revoked`; `@cert-authority` lines are host CAs, which we do not use). The user's files are
 * only read; hosts the user accepts go into the app's own file (hashed, like Debian's default).
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { OnboardError } from '../../../shared/errors';
import { writeFileAtomic } from '../fs/atomic';
import { keyBlobType, knownHostsName, type PresentedHostKey } from './host-key';

export interface KnownHostEntry {
  readonly file: string;
  /** 1-based line number, as OpenSSH reports it. */
  readonly line: number;
  readonly marker?: 'revoked' | 'cert-authority';
  readonly hosts: string;
  /** Key type from the blob (the text field can lie). */
  readonly keyType: string;
  readonly blob: Buffer;
}

/** Parses one known_hosts file's text; lines that are not valid are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '').trim();
    if (!raw || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      if (fields[0] === '@revoked') marker = 'revoked';
      else if (fields[0] === '@cert-authority') marker = 'cert-authority';
      else continue;
      fields.shift();
    }
    if (fields.length < 3) continue;
    const [hosts, , b64] = fields;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) continue;
    const blob = Buffer.from(b64, 'base64');
    let keyType: string;
    try {
      keyType = keyBlobType(blob);
    } catch {
      continue;
    }
    out.push({ file, line: i + 1, marker, hosts, keyType, blob });
  }
  return out;
}

function wildcardMatch(pattern: string, name: string): boolean {
  // OpenSSH match_pattern: `*` any run, `?` one character; case-insensitive for host names.
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
  return re.test(name);
}

function hashedMatch(field: string, name: string): boolean {
  const parts = field.split('|');
  // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2], 'base64');
  const want = Buffer.from(parts[3], 'base64');
  if (salt.length !== 20 || want.length !== 20) return false;
  const got = createHmac('sha1', salt).update(name).digest();
  return timingSafeEqual(got, want);
}

/** Does the host field of an entry name `name` (already in `[host]:port` form when needed)? */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|')) return hashedMatch(hosts, name);
  let positive = false;
  for (const p of hosts.split(',')) {
    if (!p) continue;
    if (p.startsWith('!')) {
      if (wildcardMatch(p.slice(1), name)) return false;
    } else if (wildcardMatch(p, name)) {
      positive = true;
    }
  }
  return positive;
}

/** A hashed known_hosts line for `name` (what `ssh-keygen -H` writes). */
export function hashedHostField(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

export interface KnownHostsConfig {
  /** Read-only files (the user's `~/.ssh/known_hosts`, `/etc/ssh/ssh_known_hosts`). Missing files are fine. */
  readonly userFiles: readonly string[];
  /** The app's own file: read, and where accepted keys are added. */
  readonly appFile: string;
}

export async function readKnownHostsFile(file: string): Promise<KnownHostEntry[]> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return [];
    throw e;
  }
  return parseKnownHosts(text, file);
}

/** Every host-key entry (no CA lines) that names `host`:`port`, from all files in order. */
export async function entriesForHost(config: KnownHostsConfig, host: string, port: number): Promise<KnownHostEntry[]> {
  const name = knownHostsName(host, port);
  const files = [...config.userFiles, config.appFile];
  const all: KnownHostEntry[] = [];
  for (const f of files) all.push(...(await readKnownHostsFile(f)));
  return all.filter((e) => e.marker !== 'cert-authority' && hostFieldMatches(e.hosts, name));
}

export type HostKeyVerdict =
  | { readonly kind: 'known'; readonly entry: KnownHostEntry }
  | { readonly kind: 'unknown'; readonly otherTypes: readonly string[] }
  | { readonly kind: 'changed'; readonly entry: KnownHostEntry }
  | { readonly kind: 'revoked'; readonly entry: KnownHostEntry };

/** OpenSSH's decision: revoked beats all; the same key is known; the same type with another key has changed. */
export function judgeHostKey(entries: readonly KnownHostEntry[], key: Pick<PresentedHostKey, 'keyType' | 'blob'>): HostKeyVerdict {
  const revoked = entries.find((e) => e.marker === 'revoked' && e.blob.equals(key.blob));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const plain = entries.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.blob.equals(key.blob));
  if (same) return { kind: 'known', entry: same };
  const changed = plain.find((e) => e.keyType === key.keyType);
  if (changed) return { kind: 'changed', entry: changed };
  return { kind: 'unknown', otherTypes: [...new Set(plain.map((e) => e.keyType))] };
}

/** Adds an accepted host key to the app's known-hosts file (atomic rewrite, 0600). */
export async function rememberHostKey(appFile: string, key: PresentedHostKey): Promise<void> {
  const line = `${hashedHostField(knownHostsName(key.host, key.port))} ${key.keyType} ${key.blob.toString('base64')}\n`;
  try {
    // mkdir only: the folder may be the app's data folder, whose mode is not ours to change.
    await fsp.mkdir(path.dirname(appFile), { recursive: true, mode: 0o700 });
    let old = '';
    try {
      old = await fsp.readFile(appFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (old && !old.endsWith('\n')) old += '\n';
    await writeFileAtomic(appFile, old + line, { mode: 0o600, existing: 'replace' });
  } catch (e) {
    throw new OnboardError('IO_ERROR', { action: 'save the host key to', path: appFile, detail: (e as Error).message }, { cause: e });
  }
}
