// Request and Back up steps: the key pair + certificate request the Request step makes (native
// RSA-2048 keygen, SHA-256 CSR) against `openssl req -newkey rsa:2048`, and the Back up step's
// write + re-open proof (PKCS#12 modern profile written atomically, then read back from disk
// with the password, MAC and key checked) against `openssl pkcs12 -export` followed by
// `openssl pkcs12 -info` (the check a user would run).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandMedianMs, medianMs, type BenchResult, type BenchSuite } from './harness';
import { buildCsr, generateRsaKey, readCertificate, readPkcs12, readPrivateKeyPem, writePkcs12 } from '../../electron/services/credential';
import { writeFileAtomic } from '../../electron/services/fs/atomic';

export const suite: BenchSuite = {
  name: 'request-backup (key + CSR, usercred.p12 write + re-open)',
  run: async (): Promise<BenchResult[]> => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-bench-request-'));
    try {
      const subject = [[{ type: 'DC', value: 'org' }], [{ type: 'DC', value: 'osg-onboard' }], [{ type: 'CN', value: 'Bench User S123456' }]];
      const keyCsr = await medianMs(async () => buildCsr({ key: await generateRsaKey({ bits: 2048 }), subject }), 15, 2);
      const opensslReq = commandMedianMs(`openssl req -new -newkey rsa:2048 -nodes -keyout ${dir}/k.pem -subj /DC=org/DC=osg-onboard/CN=Bench -out ${dir}/r.pem`, 15);

      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', '/CN=Bench User', '-days', '2'], { stdio: 'ignore' });
      const pass = 'Seven tidy otters paddle home';
      const key = readPrivateKeyPem(readFileSync(path.join(dir, 'key.pem')), undefined, 'bench key', { allowUnencrypted: true });
      const certificate = readCertificate(readFileSync(path.join(dir, 'cert.pem')));
      const target = path.join(dir, 'usercred.p12');
      const ours = await medianMs(async () => {
        const p12 = await writePkcs12({ key, certificate, password: pass, friendlyName: 'Bench User' });
        await writeFileAtomic(target, p12, { mode: 0o600, existing: 'replace' });
        await readPkcs12(await fsp.readFile(target), pass);
      }, 15, 2);
      writeFileSync(path.join(dir, 'pw'), pass + '\n', { mode: 0o600 });
      const anchor = commandMedianMs(
        `sh -c 'openssl pkcs12 -export -inkey ${dir}/key.pem -in ${dir}/cert.pem -name Bench -passout file:${dir}/pw -out ${dir}/o.p12 && openssl pkcs12 -info -noout -in ${dir}/o.p12 -passin file:${dir}/pw 2>/dev/null'`,
        15,
      );
      return [
        { name: 'Request: RSA-2048 key pair + signed CSR', ours: keyCsr, anchor: opensslReq, unit: 'ms', anchorLabel: 'openssl req -newkey rsa:2048 (process)', better: 'lower', goal: 1.5, note: 'keygen time varies run to run (prime search); anchor includes process start-up' },
        { name: 'Back up: write usercred.p12 (AES-256, 2048 rounds) and re-open it from disk', ours, anchor, unit: 'ms', anchorLabel: 'openssl pkcs12 -export + -info (2 processes)', better: 'lower', goal: 1.2 },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
