/**
 * `~/.globus` from a .p12 — the seed's `openssl pkcs12` conversion, done right:
 * `usercred.p12` (0400, the file as given), `usercert.pem` (0644, the user's certificate, as
 * `-clcerts -nokeys`), `userkey.pem` (0400, the key as encrypted PKCS#8, as `-nocerts`), in a
 * 0700 folder. Checks come first (key matches certificate, not expired, chain ordered); every
 * write is atomic and an existing file is renamed `<name>.bak-<UTC stamp>`, never overwritten.
 *
 * `buildGlobusFiles` makes the three files' bytes without writing them, so the Upload step sends
 * exactly the same bytes over SFTP.
 */
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import { ensureDir, writeFileAtomic } from '../fs/atomic';
import { certificateInfo, certificatePem, checkChainOrder, checkValidity, type CertificateInfo } from './certificate';
import { encryptPrivateKey, type Progress } from './keys';
import { readPkcs12 } from './pkcs12-read';

export const GLOBUS_DIR_MODE = 0o700;
export const GLOBUS_FILE_MODES = {
  'usercred.p12': 0o400,
  'usercert.pem': 0o644,
  'userkey.pem': 0o400,
} as const;
export type GlobusFileName = keyof typeof GLOBUS_FILE_MODES;
/** Write order: the key first, the p12 last, so the folder is never left with a cert and no key. */
export const GLOBUS_FILE_ORDER: readonly GlobusFileName[] = ['userkey.pem', 'usercert.pem', 'usercred.p12'];

export interface GlobusFiles {
  readonly files: Readonly<Record<GlobusFileName, Buffer>>;
  readonly certificate: CertificateInfo;
  /** Slash-form subject, as grid tools print it. */
  readonly subject: string;
  readonly notAfter: Date;
  readonly chainLength: number;
  readonly warnings: readonly string[];
}

export interface BuildGlobusOptions {
  readonly p12: Uint8Array;
  /** The .p12 password. */
  readonly password: string;
  /** Passphrase for `userkey.pem`; the .p12 password when absent (as most users choose). */
  readonly keyPassphrase?: string;
  readonly now?: () => Date;
  readonly what?: string;
  readonly maxIterations?: number;
  readonly onProgress?: Progress;
}

/** The three files' bytes, after every check. Pure: writes nothing. */
export async function buildGlobusFiles(options: BuildGlobusOptions): Promise<GlobusFiles> {
  const now = (options.now ?? (() => new Date()))();
  const contents = await readPkcs12(options.p12, options.password, {
    what: options.what ?? 'the .p12 file',
    maxIterations: options.maxIterations,
    onProgress: options.onProgress,
  });
  checkValidity(contents.certificate, now);
  checkChainOrder([contents.certificate, ...contents.chain]);
  const passphrase = options.keyPassphrase ?? options.password;
  const files: Record<GlobusFileName, Buffer> = {
    'usercred.p12': Buffer.from(options.p12),
    'usercert.pem': Buffer.from(certificatePem(contents.certificate)),
    'userkey.pem': Buffer.from(encryptPrivateKey(contents.key, passphrase)),
  };
  const info = certificateInfo(contents.certificate);
  return {
    files,
    certificate: info,
    subject: info.subject,
    notAfter: new Date(info.notAfter),
    chainLength: contents.chain.length,
    warnings: contents.warnings,
  };
}

export interface WrittenFile {
  readonly name: GlobusFileName;
  readonly path: string;
  readonly mode: number;
  /** Where the file that was there before now is. */
  readonly backupPath?: string;
}

export interface GlobusInstallResult {
  readonly dir: string;
  readonly subject: string;
  readonly notAfter: string;
  readonly files: readonly WrittenFile[];
  readonly warnings: readonly string[];
}

export interface WriteGlobusOptions {
  readonly now?: () => Date;
  /** Test hook passed to each atomic write (simulates a crash before the rename). */
  readonly beforeRename?: (tempPath: string) => Promise<void> | void;
}

/** Writes prepared files into `dir` (made 0700), each atomically, old files kept as `.bak-*`. */
export async function writeGlobusFiles(dir: string, built: GlobusFiles, options: WriteGlobusOptions = {}): Promise<GlobusInstallResult> {
  try {
    await ensureDir(dir, GLOBUS_DIR_MODE);
  } catch (e) {
    throw new OnboardError('IO_ERROR', { action: 'create the folder', path: dir, detail: (e as Error).message }, { cause: e });
  }
  const written: WrittenFile[] = [];
  for (const name of GLOBUS_FILE_ORDER) {
    const target = path.join(dir, name);
    const mode = GLOBUS_FILE_MODES[name];
    try {
      const r = await writeFileAtomic(target, built.files[name], { mode, existing: 'backup', now: options.now, beforeRename: options.beforeRename });
      written.push({ name, path: target, mode, backupPath: r.backupPath });
    } catch (e) {
      throw new OnboardError('IO_ERROR', { action: 'write', path: target, detail: (e as Error).message }, { cause: e });
    }
  }
  return { dir, subject: built.subject, notAfter: built.notAfter.toISOString(), files: written, warnings: built.warnings };
}

/** `buildGlobusFiles` then `writeGlobusFiles`: nothing is written unless every check passed. */
export async function installGlobus(options: BuildGlobusOptions & WriteGlobusOptions & { readonly dir: string }): Promise<GlobusInstallResult> {
  const built = await buildGlobusFiles(options);
  return writeGlobusFiles(options.dir, built, options);
}
