/** A real test credential made with the openssl CLI: usercert.pem, encrypted userkey.pem, usercred.p12. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RemoteFileSpec } from '../../../electron/services/transfer';

export interface TestCredential {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly p12: Buffer;
  readonly files: RemoteFileSpec[];
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

export function makeTestCredential(cn: string, passphrase = 'test-pass-1'): TestCredential {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-cred-'));
  try {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'plain.pem', '-out', 'usercert.pem', '-days', '30', '-subj', `/DC=org/DC=example/O=OSG Test/CN=${cn}`], dir);
    openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'plain.pem', '-out', 'userkey.pem', '-passout', `pass:${passphrase}`], dir);
    openssl(['pkcs12', '-export', '-in', 'usercert.pem', '-inkey', 'plain.pem', '-out', 'usercred.p12', '-passout', `pass:${passphrase}`], dir);
    const cert = readFileSync(path.join(dir, 'usercert.pem'));
    const key = readFileSync(path.join(dir, 'userkey.pem'));
    const p12 = readFileSync(path.join(dir, 'usercred.p12'));
    return {
      cert,
      key,
      p12,
      files: [
        { name: 'userkey.pem', data: key, mode: 0o400 },
        { name: 'usercert.pem', data: cert, mode: 0o644 },
        { name: 'usercred.p12', data: p12, mode: 0o400 },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What `openssl x509 -noout -subject -enddate` prints for these bytes, run here. */
export function localOpensslSubjectEnddate(cert: Buffer): string {
  const r = spawnSync('openssl', ['x509', '-noout', '-subject', '-enddate'], { input: cert, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}
