/**
 * Public facts of the user's credentials for the support bundle: for every certificate found
 * (in ~/.globus, the app's credential store, OSG Onboard's trust, the proxy file) its subject,
 * issuer, serial, SHA-256 and validity; for every other file only its name, size, permissions
 * and the kinds of PEM blocks it holds. No file content ever goes further than this module:
 * only CERTIFICATE blocks are parsed, and nothing of a key is kept but the words of its label.
 */
import { promises as fsp } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import path from 'node:path';

const MAX_READ = 1024 * 1024;
const MAX_FILES_PER_FOLDER = 50;
const MAX_CREDENTIALS = 20;

export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly sha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly expired: boolean;
  /** An RFC 3820 proxy (or a legacy one): its subject is its issuer plus one CN. */
  readonly proxy: boolean;
}

export interface FileFacts {
  readonly file: string;
  readonly size: number;
  /** Permissions as `0600`. */
  readonly mode: string;
  readonly modified: string;
  /** What the file holds, in words: PEM block labels (`CERTIFICATE`, `ENCRYPTED PRIVATE KEY`), `PKCS#12 or other binary`, `JSON`, `text`. */
  readonly holds: readonly string[];
  readonly certificates: readonly CertificateFacts[];
}

export interface CredentialFacts {
  readonly globus: readonly FileFacts[];
  readonly appStore: readonly FileFacts[];
  readonly backups: readonly FileFacts[];
  readonly proxy: (FileFacts & { readonly source: 'X509_USER_PROXY' | 'default' }) | null;
}

const PEM_LABEL = /-----BEGIN ([A-Z0-9 #]+)-----/g;
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function slashName(multiline: string): string {
  return multiline.split('\n').filter(Boolean).map((rdn) => `/${rdn}`).join('');
}

export function certificateFacts(pem: string, now: Date): CertificateFacts | null {
  try {
    const x = new X509Certificate(pem);
    const subject = slashName(x.subject);
    const issuer = slashName(x.issuer);
    const proxy = subject.startsWith(`${issuer}/CN=`) && !x.ca;
    const notAfter = new Date(x.validTo).toISOString();
    return {
      subject,
      issuer,
      serial: x.serialNumber,
      sha256: x.fingerprint256,
      notBefore: new Date(x.validFrom).toISOString(),
      notAfter,
      expired: new Date(notAfter).getTime() < now.getTime(),
      proxy,
    };
  } catch {
    return null;
  }
}

/** Facts of one file, or null when there is no regular file there. */
export async function fileFacts(file: string, now: Date): Promise<FileFacts | null> {
  const st = await fsp.lstat(file).catch(() => null);
  if (!st || !st.isFile()) return null;
  const holds = new Set<string>();
  const certificates: CertificateFacts[] = [];
  if (st.size <= MAX_READ) {
    const buf = await fsp.readFile(file).catch(() => null);
    if (buf) {
      const text = buf.toString('latin1');
      const labels = [...text.matchAll(PEM_LABEL)].map((m) => m[1]);
      for (const l of labels) holds.add(l);
      for (const m of text.matchAll(CERT_BLOCK)) {
        const f = certificateFacts(m[0], now);
        if (f) certificates.push(f);
      }
      if (!labels.length) {
        const printable = /^[\x09\x0a\x0d\x20-\x7e\u00a0-\u00ff]*$/.test(text.slice(0, 4096));
        if (!printable) holds.add('PKCS#12 or other binary');
        else if (/^\s*[{[]/.test(text)) holds.add('JSON');
        else holds.add('text');
      }
    }
  } else {
    holds.add('too large to look at');
  }
  return {
    file,
    size: st.size,
    mode: `0${(st.mode & 0o777).toString(8)}`,
    modified: st.mtime.toISOString(),
    holds: [...holds],
    certificates,
  };
}

async function folderFacts(dir: string, now: Date, filter: (name: string) => boolean = () => true): Promise<FileFacts[]> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const out: FileFacts[] = [];
  for (const name of names.sort().filter(filter).slice(0, MAX_FILES_PER_FOLDER)) {
    const f = await fileFacts(path.join(dir, name), now);
    if (f) out.push(f);
  }
  return out;
}

/** The proxy file grid tools use: $X509_USER_PROXY, else /tmp/x509up_u<uid>. */
export function proxyPath(env: NodeJS.ProcessEnv, uid: number | undefined): { file: string; source: 'X509_USER_PROXY' | 'default' } | null {
  if (env.X509_USER_PROXY) return { file: env.X509_USER_PROXY, source: 'X509_USER_PROXY' };
  return uid === undefined ? null : { file: path.join('/tmp', `x509up_u${uid}`), source: 'default' };
}

export async function credentialFacts(opts: {
  readonly dataDir: string;
  readonly homeDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly uid: number | undefined;
  readonly now: Date;
}): Promise<CredentialFacts> {
  const { now } = opts;
  const globus = await folderFacts(path.join(opts.homeDir, '.globus'), now);
  const store = path.join(opts.dataDir, 'credentials');
  const ids = (await fsp.readdir(store).catch(() => [] as string[])).sort().slice(-MAX_CREDENTIALS);
  const appStore: FileFacts[] = [];
  // The store's key.pem (encrypted) and meta.json are listed by name and kind; only cert.pem has certificates.
  for (const id of ids) appStore.push(...(await folderFacts(path.join(store, id), now)));
  const backups = (await Promise.all(['usercred.p12', 'usercred.pfx'].map((n) => fileFacts(path.join(opts.homeDir, n), now)))).filter(
    (f): f is FileFacts => f !== null,
  );
  const where = proxyPath(opts.env, opts.uid);
  const proxyFile = where ? await fileFacts(where.file, now) : null;
  return { globus, appStore, backups, proxy: proxyFile && where ? { ...proxyFile, source: where.source } : null };
}
