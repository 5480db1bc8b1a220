// Credential core vs OpenSSL, measured in the same run on this machine.
// Method: ours is timed in-process (median of N); OpenSSL is timed as whole commands with
// hyperfine, minus OpenSSL's own start-up (median of `openssl version`), so neither side pays
// for a process start the other does not. Same iteration counts on both sides.
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandMedianMs, medianMs, type BenchResult, type BenchSuite } from './harness';
import { generateRsaKey, readCertificate, readCertificates, readPkcs12, writePkcs12 } from '../../electron/services/credential';
import { makeOpensslPki, ok, run } from '../integration/credential/tools';

export const suite: BenchSuite = {
  name: 'credential: keygen and PKCS#12 vs OpenSSL (ours in-process; openssl minus its start-up)',
  async run(): Promise<BenchResult[]> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-bench-cred-'));
    try {
      const pki = makeOpensslPki(path.join(dir, 'pki'));
      const key = createPrivateKey(pki.userKeyPem);
      const certificate = readCertificate(pki.userPem);
      const chain = readCertificates(pki.intermediatePem + pki.rootPem);
      const startup = commandMedianMs('openssl version', 30);
      const opensslMs = (cmd: string, runs: number) => Math.max(0.01, commandMedianMs(cmd, runs) - startup);
      const results: BenchResult[] = [];

      // RSA-2048 keygen: prime search varies a lot run to run, so more runs.
      const oursKeygen = await medianMs(() => generateRsaKey({ bits: 2048 }), 31, 2);
      const anchorKeygen = opensslMs(`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ${path.join(dir, 'g.key')}`, 31);
      results.push({
        name: 'RSA-2048 key generation', ours: oursKeygen, anchor: anchorKeygen, unit: 'ms', anchorLabel: 'openssl genpkey', better: 'lower', goal: 1.2,
        note: `openssl start-up ${startup.toFixed(1)} ms subtracted`,
      });

      for (const iterations of [2048, 600_000]) {
        const runs = iterations > 10_000 ? 7 : 21;
        const pw = 'bench pässwörd';
        const oursOut = path.join(dir, `ours-${iterations}.p12`);
        const exportOurs = await medianMs(async () => {
          writeFileSync(oursOut, await writePkcs12({ key, certificate, chain, password: pw, friendlyName: 'bench', iterations }));
        }, runs, 1);
        const sslOut = path.join(dir, `ossl-${iterations}.p12`);
        const exportCmd = `openssl pkcs12 -export -inkey ${pki.files.userKey} -in ${pki.files.user} -certfile ${pki.files.chain} -name bench -iter ${iterations} -passout pass:benchpw -out ${sslOut}`;
        const exportAnchor = opensslMs(exportCmd, runs);
        const infoRun = run('openssl', ['pkcs12', '-info', '-noout', '-in', sslOut, '-passin', 'pass:benchpw']);
        const info = infoRun.stdout + infoRun.stderr;
        results.push({
          name: `PKCS#12 export, modern, ${iterations.toLocaleString('en-US')} rounds`, ours: exportOurs, anchor: exportAnchor, unit: 'ms',
          anchorLabel: 'openssl pkcs12 -export', better: 'lower', goal: 2, note: opensslIterNote(iterations, info),
        });
        const bytes = readFileSync(oursOut);
        const importOurs = await medianMs(() => readPkcs12(bytes, pw), runs, 1);
        const importAnchor = opensslMs(`openssl pkcs12 -in ${oursOut} -passin pass:'${pw}' -nodes -out /dev/null`, runs);
        results.push({
          name: `PKCS#12 import (MAC + decrypt + key checks), ${iterations.toLocaleString('en-US')} rounds`, ours: importOurs, anchor: importAnchor, unit: 'ms',
          anchorLabel: 'openssl pkcs12 -nodes', better: 'lower', goal: 2, note: 'same file for both',
        });
      }

      // Legacy files users bring (RC2-40 certificates through node-forge, 3DES key natively).
      const legacy = path.join(dir, 'legacy.p12');
      ok('openssl', ['pkcs12', '-export', '-legacy', '-inkey', pki.files.userKey, '-in', pki.files.user, '-certfile', pki.files.chain, '-passout', 'pass:benchpw', '-out', legacy]);
      const legacyBytes = readFileSync(legacy);
      results.push({
        name: 'PKCS#12 import, openssl -legacy file (RC2-40 + 3DES, SHA-1 MAC), 2,048 rounds',
        ours: await medianMs(() => readPkcs12(legacyBytes, 'benchpw'), 21, 2),
        anchor: opensslMs(`openssl pkcs12 -legacy -in ${legacy} -passin pass:benchpw -nodes -out /dev/null`, 21),
        unit: 'ms', anchorLabel: 'openssl pkcs12 -legacy -nodes', better: 'lower', goal: 2,
      });
      return results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function opensslIterNote(iterations: number, info: string): string {
  const mac = /MAC: \w+, Iteration (\d+)/.exec(info)?.[1];
  return mac === String(iterations) ? 'equal rounds (key, certs, MAC)' : `openssl MAC rounds ${mac ?? '?'}`;
}
