/**
 * The user's certificate and key in the browser certificate store Chromium — and so Electron's
 * registration window — reads on Linux: the NSS db `~/.pki/nssdb`. Imported with `pk12util`
 * from a temporary PKCS#12 made from the stored credential under a one-time password (both files
 * 0600 in a private 0700 folder, removed afterwards); checked with `certutil -L` / `-K`; undone
 * with `certutil -F` (key and certificate), and only when the nickname holds our certificate alone.
 * certutil / pk12util are run as the Trust step runs them (trust/run.ts, trust/targets/nss-certutil.ts).
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes, type KeyObject, type X509Certificate } from 'node:crypto';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import { ensureDir, writeFileAtomic } from '../fs/atomic';
import { writePkcs12 } from '../credential/pkcs12-write';
import { firstErrorLine, runCommand, whichSync } from '../trust/run';
import { Certutil, certutilPackage } from '../trust/targets/nss-certutil';
import { nssDbSpec } from '../trust/targets/nss-discovery';
import { colonHex } from './certificate-chooser';

export interface BrowserStoreOptions {
  readonly homeDir: string;
  /** The app's data folder: the private temporary folder is made under it. */
  readonly dataDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly osReleaseFile?: string;
  readonly now?: () => Date;
}

/** What was put into the store (public facts only), kept so it can be undone. */
export interface BrowserStoreImport {
  readonly db: string;
  readonly nickname: string;
  /** SHA-256 of the certificate, `AB:CD:…`. */
  readonly sha256: string;
  readonly subject: string;
  /** The certificate and key were there already: nothing was added, and undo leaves them. */
  readonly alreadyPresent: boolean;
  /** The store did not exist and was made (empty password, as Chromium makes it). */
  readonly createdDb: boolean;
  readonly at: string;
}

export interface ClientCredential {
  readonly key: KeyObject;
  readonly certificate: X509Certificate;
}

/** Where Chromium / Electron look for client certificates on Linux. */
export function chromiumNssDir(homeDir: string): string {
  return path.join(homeDir, '.pki', 'nssdb');
}

/** The nickname the store shows (the certificate's CN, then where it came from). */
export function nicknameFor(certificate: X509Certificate): string {
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1]?.trim() || 'grid certificate';
  return `${cn.replace(/[^\p{L}\p{N} .'@_-]/gu, '').slice(0, 64)} (OSG Onboard)`;
}

function sha256Of(certificate: X509Certificate): string {
  return colonHex(createHash('sha256').update(certificate.raw).digest());
}

interface Tools {
  readonly certutil: Certutil;
  readonly pk12util: string;
  readonly env: NodeJS.ProcessEnv;
}

function tools(o: BrowserStoreOptions): Tools {
  const env = o.env ?? process.env;
  const platform = o.platform ?? process.platform;
  if (platform !== 'linux') {
    throw new OnboardError('REGISTER_WEB_STORE_FAILED', {
      db: 'of this system',
      detail: 'on macOS and Windows the browser store is the system’s own (Keychain, Windows certificate store), which OSG Onboard does not change',
    });
  }
  const pkg = certutilPackage({ platform, osReleaseFile: o.osReleaseFile ?? '/etc/os-release' });
  const certutil = whichSync('certutil', env);
  const pk12util = whichSync('pk12util', env);
  if (!certutil || !pk12util) throw new OnboardError('REGISTER_WEB_NSS_TOOLS_MISSING', { program: !certutil ? 'certutil' : 'pk12util', install: pkg.install });
  return { certutil: new Certutil(certutil, env), pk12util, env };
}

/** A private 0700 folder under the data folder for the temporary files, removed after `fn`. */
async function withPrivateDir<T>(dataDir: string, fn: (write: (name: string, data: string | Buffer) => Promise<string>) => Promise<T>): Promise<T> {
  const base = path.join(dataDir, 'tmp');
  await ensureDir(base, 0o700);
  const dir = await fsp.mkdtemp(path.join(base, 'browser-store-'));
  await fsp.chmod(dir, 0o700);
  try {
    return await fn(async (name, data) => {
      const file = path.join(dir, name);
      await writeFileAtomic(file, data, { mode: 0o600, existing: 'fail' });
      return file;
    });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

function storeFailed(db: string, e: unknown): OnboardError {
  if (isOnboardError(e) && e.code.startsWith('REGISTER_')) return e;
  const detail = isOnboardError(e) ? (e.details?.detail ?? e.message) : e instanceof Error ? e.message : String(e);
  return new OnboardError('REGISTER_WEB_STORE_FAILED', { db, detail: String(detail) });
}

/** The nickname holding a private key in the db (`certutil -K`), by nickname. */
async function keyNicknames(t: Tools, db: string, pwFile: string): Promise<Set<string>> {
  const r = await t.certutil.run(['-K', '-d', db, '-f', pwFile]);
  const names = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^<\s*\d+>\s+\S+\s+[0-9a-f]+\s+(.+?)\s*$/i.exec(line);
    if (m) names.add(m[1].replace(/^NSS Certificate DB:/, ''));
  }
  return names;
}

/** The entry holding this certificate and whether its key is there, or undefined. */
export async function findInBrowserStore(o: BrowserStoreOptions, certificate: X509Certificate): Promise<{ db: string; nickname: string; keyPresent: boolean } | undefined> {
  const t = tools(o);
  const spec = await nssDbSpec(chromiumNssDir(o.homeDir));
  if (!spec) return undefined;
  const inv = await t.certutil.inventory(spec);
  const entry = inv.bySha256.get(sha256Of(certificate));
  if (!entry) return undefined;
  const keys = await withPrivateDir(o.dataDir, async (write) => keyNicknames(t, spec, await write('db-password', '')));
  return { db: spec, nickname: entry.nickname, keyPresent: keys.has(entry.nickname) };
}

/**
 * Puts the certificate and its key into `~/.pki/nssdb` (made when missing) unless both are there
 * already; checks the result with certutil. A store protected by a password is not touched
 * (REGISTER_WEB_STORE_PASSWORD): the user imports by hand there.
 */
export async function importIntoBrowserStore(o: BrowserStoreOptions, cred: ClientCredential): Promise<BrowserStoreImport> {
  const t = tools(o);
  const dir = chromiumNssDir(o.homeDir);
  const at = (o.now ?? (() => new Date()))().toISOString();
  const sha256 = sha256Of(cred.certificate);
  const subject = cred.certificate.subject.split('\n').join(', ');
  let spec = await nssDbSpec(dir);
  const db = spec ?? `sql:${dir}`;
  try {
    return await withPrivateDir(o.dataDir, async (write) => {
      const empty = await write('db-password', '');
      let createdDb = false;
      if (!spec) {
        await ensureDir(path.dirname(dir), 0o700);
        await ensureDir(dir, 0o700);
        await t.certutil.create(db);
        spec = db;
        createdDb = true;
      }
      if (await t.certutil.needsPassword(db, empty)) throw new OnboardError('REGISTER_WEB_STORE_PASSWORD', { db: dir });
      const before = (await t.certutil.inventory(db)).bySha256.get(sha256);
      if (before && (await keyNicknames(t, db, empty)).has(before.nickname)) {
        return { db, nickname: before.nickname, sha256, subject, alreadyPresent: true, createdDb, at };
      }
      const nickname = nicknameFor(cred.certificate);
      const password = randomBytes(24).toString('base64url');
      const p12 = await writePkcs12({ key: cred.key, certificate: cred.certificate, chain: [], password, friendlyName: nickname });
      const p12File = await write('usercred.p12', p12);
      const pwFile = await write('p12-password', password);
      const r = await runCommand([t.pk12util, '-i', p12File, '-d', db, '-w', pwFile, '-k', empty], { env: t.env, timeoutMs: 60_000 });
      if (r.code !== 0) throw new OnboardError('REGISTER_WEB_STORE_FAILED', { db: dir, detail: `pk12util: ${firstErrorLine(r)}` });
      // NSS keeps one nickname per subject: the entry may carry an older certificate's nickname.
      const after = (await t.certutil.inventory(db)).bySha256.get(sha256);
      if (!after) throw new OnboardError('REGISTER_WEB_STORE_FAILED', { db: dir, detail: 'certutil does not list the certificate after the import' });
      if (!(await keyNicknames(t, db, empty)).has(after.nickname)) {
        throw new OnboardError('REGISTER_WEB_STORE_FAILED', { db: dir, detail: 'certutil lists the certificate but not its private key after the import' });
      }
      return { db, nickname: after.nickname, sha256, subject, alreadyPresent: false, createdDb, at };
    });
  } catch (e) {
    throw storeFailed(dir, e);
  }
}

/**
 * Undoes an import: removes the key and certificate (`certutil -F`) when this nickname holds our
 * certificate and nothing else; an import that found them already there is left alone.
 * Returns true when something was removed.
 */
export async function removeFromBrowserStore(o: BrowserStoreOptions, rec: BrowserStoreImport): Promise<boolean> {
  if (rec.alreadyPresent) return false;
  const t = tools(o);
  const dir = chromiumNssDir(o.homeDir);
  try {
    const spec = await nssDbSpec(dir);
    if (!spec) return false;
    return await withPrivateDir(o.dataDir, async (write) => {
      const empty = await write('db-password', '');
      const inv = await t.certutil.inventory(spec);
      const entry = [...inv.bySha256.entries()].find(([fp]) => fp === rec.sha256)?.[1];
      if (!entry) return false;
      const sharing = [...inv.bySha256.entries()].filter(([fp, e]) => e.nickname === entry.nickname && fp !== rec.sha256);
      if (sharing.length > 0) {
        throw new OnboardError('REGISTER_WEB_STORE_FAILED', {
          db: dir,
          detail: `another certificate shares the name “${entry.nickname}”, so removing by name could remove it too; remove yours with the browser’s certificate manager`,
        });
      }
      const r = await t.certutil.run(['-F', '-d', spec, '-n', entry.nickname, '-f', empty]);
      if (r.code !== 0) {
        // A certificate without its key (removed elsewhere): delete the certificate alone.
        const d = await t.certutil.remove(spec, entry.nickname);
        if (d.code !== 0) throw new OnboardError('REGISTER_WEB_STORE_FAILED', { db: dir, detail: `certutil: ${firstErrorLine(r)}` });
      }
      if ((await t.certutil.inventory(spec)).bySha256.has(rec.sha256)) {
        throw new OnboardError('REGISTER_WEB_STORE_FAILED', { db: dir, detail: 'certutil still lists the certificate after removing it' });
      }
      return true;
    });
  } catch (e) {
    throw storeFailed(dir, e);
  }
}
