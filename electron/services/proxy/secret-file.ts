import { promises as fsp } from 'node:fs';
import { OnboardError } from '../../../shared/errors';
import { writeFileAtomic } from '../fs/atomic';
import type { SecretStore } from '../keychain/secret-store';

/**
 * A SecretStore kept in one 0600 file (`account=base64` lines), for portal servers with no
 * desktop keychain (`pusp create --secret-file`). The desktop app uses the OS keychain.
 */
export function fileSecretStore(file: string): SecretStore {
  const read = async (): Promise<Map<string, string>> => {
    try {
      const text = await fsp.readFile(file, 'utf8');
      const st = await fsp.stat(file);
      if (st.mode & 0o077) throw new OnboardError('IO_ERROR', { action: 'use', path: file, detail: 'others may read it; run chmod 600 on it' });
      return new Map(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw e;
    }
  };
  const write = async (m: Map<string, string>) => {
    await writeFileAtomic(file, [...m].map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600, existing: 'replace' });
  };
  return {
    backend: `file ${file}`,
    get: async (account) => (await read()).get(account) ?? null,
    set: async (account, secret) => {
      const m = await read();
      m.set(account, secret);
      await write(m);
    },
    delete: async (account) => {
      const m = await read();
      const had = m.delete(account);
      if (had) await write(m);
      return had;
    },
  };
}
