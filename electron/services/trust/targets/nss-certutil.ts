import { readFileSync } from 'node:fs';
import { OnboardError } from '../../../../shared/errors';
import { pemBlocks, sha256Fingerprint } from '../certificate';
import { firstErrorLine, runCommand, whichSync, type RunResult } from '../run';
import type { TargetContext } from './target';

/** The package that provides NSS certutil, and how to install it, for this system. */
export function certutilPackage(ctx: Pick<TargetContext, 'platform' | 'osReleaseFile'>): { package: string; install: string } {
  if (ctx.platform === 'darwin') return { package: 'nss', install: 'brew install nss' };
  if (ctx.platform === 'win32') return { package: 'NSS tools', install: 'install the Mozilla NSS tools and put certutil.exe on PATH' };
  let ids = '';
  try {
    const text = readFileSync(ctx.osReleaseFile, 'utf8');
    ids = [...text.matchAll(/^(ID|ID_LIKE)=(.*)$/gm)].map((m) => m[2].replace(/["']/g, '')).join(' ').toLowerCase();
  } catch {
    ids = '';
  }
  const has = (w: string) => ids.split(/\s+/).includes(w);
  if (has('debian') || has('ubuntu')) return { package: 'libnss3-tools', install: 'sudo apt-get install libnss3-tools' };
  if (has('fedora') || has('rhel') || has('centos')) return { package: 'nss-tools', install: 'sudo dnf install nss-tools' };
  if (has('suse') || has('opensuse')) return { package: 'mozilla-nss-tools', install: 'sudo zypper install mozilla-nss-tools' };
  if (has('arch')) return { package: 'nss', install: 'sudo pacman -S nss' };
  return { package: 'libnss3-tools', install: 'install libnss3-tools (Debian/Ubuntu) or nss-tools (Fedora)' };
}

/** certutil's path, or the typed error that names the package to install. */
export function requireCertutil(ctx: Pick<TargetContext, 'env' | 'platform' | 'osReleaseFile'>): string {
  const found = whichSync('certutil', ctx.env);
  // Windows has its own, unrelated certutil.exe: NSS's is only looked for elsewhere.
  if (found && ctx.platform !== 'win32') return found;
  const pkg = certutilPackage(ctx);
  throw new OnboardError('TRUST_CERTUTIL_MISSING', { package: pkg.package, install: pkg.install });
}

export interface NssEntry {
  readonly nickname: string;
  readonly trust: string;
}

/** One db's certificates: for each SHA-256, the entry (nickname + trust) that holds it. */
export interface NssInventory {
  readonly entries: readonly NssEntry[];
  readonly bySha256: ReadonlyMap<string, NssEntry>;
  /** Nicknames whose certificates could not be exported (twice): what they hold is unknown. */
  readonly unreadable?: ReadonlySet<string>;
}

/** Parses `certutil -L` (nickname column, then `SSL,S/MIME,JAR/XPI` trust). */
export function parseCertutilList(out: string): NssEntry[] {
  const entries: NssEntry[] = [];
  for (const line of out.split('\n')) {
    const m = /^(.*\S)\s+([A-Za-z]*,[A-Za-z]*,[A-Za-z]*)\s*$/.exec(line);
    if (!m || m[1] === 'SSL,S/MIME,JAR/XPI') continue;
    entries.push({ nickname: m[1], trust: m[2] });
  }
  return entries;
}

/** True when `have` already grants every flag of `want` (per field). */
export function trustCovers(have: string, want: string): boolean {
  const h = have.split(',');
  return want.split(',').every((field, i) => [...field].every((flag) => (h[i] ?? '').includes(flag)));
}

/** `have` plus the flags of `want`: the smallest change that grants `want`. */
export function trustUnion(have: string, want: string): string {
  const h = have.split(',');
  return want
    .split(',')
    .map((field, i) => {
      const cur = h[i] ?? '';
      return cur + [...field].filter((f) => !cur.includes(f)).join('');
    })
    .join(',');
}

export class Certutil {
  constructor(
    readonly bin: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  run(args: readonly string[]): Promise<RunResult> {
    return runCommand([this.bin, ...args], { env: this.env, timeoutMs: 60_000 });
  }

  private fail(db: string, r: RunResult): never {
    throw new OnboardError('TRUST_NSS_FAILED', { db, detail: firstErrorLine(r) });
  }

  async list(db: string): Promise<NssEntry[]> {
    const r = await this.run(['-L', '-d', db]);
    if (r.code !== 0) this.fail(db, r);
    return parseCertutilList(r.stdout);
  }

  /** Every certificate in the db, found by exporting each nickname (NSS lists by nickname only). */
  async inventory(db: string): Promise<NssInventory> {
    const entries = await this.list(db);
    const bySha256 = new Map<string, NssEntry>();
    const shared = new Set<string>();
    const unreadable = new Set<string>();
    for (const e of entries) {
      // One retry for a database busy with another program; an entry still unreadable is listed
      // (undo must not take "not found" for "not there").
      let r = await this.run(['-L', '-d', db, '-n', e.nickname, '-a']);
      if (r.code !== 0) r = await this.run(['-L', '-d', db, '-n', e.nickname, '-a']);
      if (r.code !== 0) {
        unreadable.add(e.nickname);
        continue;
      }
      let ders: Uint8Array[] = [];
      try {
        ders = pemBlocks(r.stdout);
      } catch {
        ders = [];
      }
      // A nickname lookup returns every cert with that subject; prefer the entry that holds only that cert.
      for (const der of ders) {
        const fp = sha256Fingerprint(der);
        if (!bySha256.has(fp) || (shared.has(fp) && ders.length === 1)) bySha256.set(fp, e);
        if (ders.length > 1) shared.add(fp);
        else shared.delete(fp);
      }
    }
    return { entries, bySha256, unreadable };
  }

  /** True when changing the db needs its password (Firefox "Primary Password"). */
  async needsPassword(db: string, emptyPasswordFile: string): Promise<boolean> {
    const r = await this.run(['-K', '-d', db, '-f', emptyPasswordFile]);
    return /BAD_PASSWORD|could not authenticate/i.test(r.stderr + r.stdout);
  }

  async passwordWorks(db: string, passwordFile: string): Promise<boolean> {
    return !(await this.needsPassword(db, passwordFile));
  }

  async create(db: string): Promise<void> {
    const r = await this.run(['-N', '--empty-password', '-d', db]);
    if (r.code !== 0) this.fail(db, r);
  }

  async add(db: string, nickname: string, trust: string, file: string, passwordFile?: string): Promise<RunResult> {
    return this.run(['-A', '-d', db, '-n', nickname, '-t', trust, '-i', file, ...(passwordFile ? ['-f', passwordFile] : [])]);
  }

  async modify(db: string, nickname: string, trust: string, passwordFile?: string): Promise<RunResult> {
    return this.run(['-M', '-d', db, '-n', nickname, '-t', trust, ...(passwordFile ? ['-f', passwordFile] : [])]);
  }

  async remove(db: string, nickname: string): Promise<RunResult> {
    return this.run(['-D', '-d', db, '-n', nickname]);
  }
}
