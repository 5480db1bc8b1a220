/**
 * Imports a .p12 into the browsers' NSS databases (`~/.pki/nssdb` for Chromium/Chrome/Electron
 * on Linux, and Firefox profiles), found by the trust service's discovery, with NSS's own
 * `pk12util -i` — the command a user would type. The password goes through a 0600 file in a
 * private temp folder (never on a command line), removed afterwards. A database with a
 * master password cannot be opened unattended: that database is reported, the others go on.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants as C } from 'node:fs';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OnboardError } from '../../../shared/errors';
import type { BackupBrowserResult } from '../../../shared/contract/backup';
import { discoverNssDbs, type NssDb } from '../trust';

export interface NssTools {
  readonly pk12util: string;
  readonly certutil: string;
}

function which(program: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const p = path.join(dir, program);
    try {
      accessSync(p, C.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** pk12util and certutil, or null with the package to install (NSS's certutil, not Windows'). */
export function findNssTools(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): NssTools | { missing: string } {
  const install = platform === 'darwin' ? 'brew install nss' : 'sudo apt-get install libnss3-tools, or sudo dnf install nss-tools';
  if (platform === 'win32') return { missing: 'install the Mozilla NSS tools' };
  const pk12util = which('pk12util', env);
  const certutil = which('certutil', env);
  return pk12util && certutil ? { pk12util, certutil } : { missing: install };
}

export function nssDbsFor(homeDir: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<{ dbs: NssDb[]; notes: string[] }> {
  return discoverNssDbs({ homeDir, env, platform });
}

interface Run {
  readonly code: number;
  readonly out: string;
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { env, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 127) : 0, out: `${stdout}${stderr}` });
    });
    child.stdin?.end(); // nothing may wait on a prompt
  });
}

/** Nicknames with their trust, as `certutil -L` lists them. */
export async function listNicknames(tools: NssTools, db: string, env: NodeJS.ProcessEnv = process.env): Promise<Map<string, string>> {
  const r = await run(tools.certutil, ['-L', '-d', db], env);
  const out = new Map<string, string>();
  for (const line of r.out.split('\n')) {
    const m = /^(.*\S)\s+([A-Za-z]*,[A-Za-z]*,[A-Za-z]*)\s*$/.exec(line);
    if (m && m[1] !== 'SSL,S/MIME,JAR/XPI') out.set(m[1], m[2]);
  }
  return out;
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.replace(/^pk12util:\s*/, '').trim()).find(Boolean)?.slice(0, 200) ?? 'no explanation';
}

/** Imports `p12File` into each database; each result says what happened there. */
export async function importIntoNss(options: {
  tools: NssTools;
  dbs: readonly NssDb[];
  p12File: string;
  password: string;
  nickname: string;
  env?: NodeJS.ProcessEnv;
}): Promise<BackupBrowserResult[]> {
  const env = options.env ?? process.env;
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'osg-onboard-pk12-'));
  const pwFile = path.join(tmp, 'pw');
  const results: BackupBrowserResult[] = [];
  try {
    await fsp.writeFile(pwFile, options.password + '\n', { mode: 0o600, flag: 'wx' });
    for (const db of options.dbs) {
      const fail = (detail: string): BackupBrowserResult => ({
        label: db.label,
        db: db.db,
        ok: false,
        error: new OnboardError('BACKUP_NSS_IMPORT_FAILED', { label: db.label, db: db.db, detail, command: `pk12util -i '${options.p12File}' -d ${db.db}` }).toWire(),
      });
      if (!db.exists) {
        await fsp.mkdir(db.dir, { recursive: true, mode: 0o700 });
        const made = await run(options.tools.certutil, ['-N', '-d', db.db, '--empty-password'], env);
        if (made.code !== 0) {
          results.push(fail(`the database could not be created (${firstLine(made.out)})`));
          continue;
        }
      }
      const r = await run(options.tools.pk12util, ['-i', options.p12File, '-d', db.db, '-w', pwFile], env);
      if (r.code !== 0) {
        const detail = /SEC_ERROR_BAD_PASSWORD|password/i.test(r.out) && !/decode not verified/i.test(r.out)
          ? 'the browser database has a master (primary) password; OSG Onboard cannot type it for you'
          : firstLine(r.out);
        results.push(fail(detail));
        continue;
      }
      const listed = await listNicknames(options.tools, db.db, env);
      const nickname = [...listed.keys()].find((n) => n === options.nickname) ?? [...listed.entries()].find(([, t]) => t.startsWith('u'))?.[0];
      results.push(nickname ? { label: db.label, db: db.db, ok: true, nickname } : fail('pk12util reported success but the certificate is not listed'));
    }
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  return results;
}
