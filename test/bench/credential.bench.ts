// Credential core vs OpenSSL, measured in the same run on this machine.
// Method: ours is timed in-process; OpenSSL as a whole command minus OpenSSL's own start-up
// (`openssl version`, started the same way), so neither side pays for a process start the other
// does not. The three are interleaved run by run so that load from other work on this (shared)
// machine falls on both sides alike; each figure is a median. Same round counts on both sides.
import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult, BenchSuite } from './harness';
import { generateRsaKey, readCertificate, readCertificates, readPkcs12, writePkcs12 } from '../../electron/services/credential';
import { makeOpensslPki, ok, run } from '../integration/credential/tools';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeCommand(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

/** Median of ours (in-process) and of openssl minus its start-up, interleaved. */
async function compare(ours: () => Promise<unknown>, opensslArgs: string[], runs: number, warmup = 1) {
  for (let i = 0; i < warmup; i++) {
    await ours();
    timeCommand(opensslArgs);
  }
  const a: number[] = [];
  const b: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await ours();
    a.push(Number(process.hrtime.bigint() - t0) / 1e6);
    b.push(timeCommand(opensslArgs));
    s.push(timeCommand(['version']));
  }
  const startup = median(s);
  return { ours: median(a), anchor: Math.max(0.01, median(b) - startup), startup };
}

export const suite: BenchSuite = {
  name: 'credential: keygen and PKCS#12 vs OpenSSL (ours in-process; openssl minus its start-up; interleaved)',
  async run(): Promise<BenchResult[]> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-bench-cred-'));
    try {
      const pki = makeOpensslPki(path.join(dir, 'pki'));
      const key = createPrivateKey(pki.userKeyPem);
      const certificate = readCertificate(pki.userPem);
      const chain = readCertificates(pki.intermediatePem + pki.rootPem);
      const results: BenchResult[] = [];

      // RSA-2048 keygen: the prime search varies a lot from run to run, so many runs.
      const kg = await compare(() => generateRsaKey({ bits: 2048 }), ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', path.join(dir, 'g.key')], 41, 2);
      results.push({
        name: 'RSA-2048 key generation', ours: kg.ours, anchor: kg.anchor, unit: 'ms', anchorLabel: 'openssl genpkey', better: 'lower', goal: 1.2,
        note: `openssl start-up ${kg.startup.toFixed(1)} ms subtracted`,
      });

      for (const iterations of [2048, 600_000]) {
        const runs = iterations > 10_000 ? 7 : 25;
        const pw = 'bench pässwörd';
        const oursOut = path.join(dir, `ours-${iterations}.p12`);
        const sslOut = path.join(dir, `ossl-${iterations}.p12`);
        const ex = await compare(
          async () => writeFileSync(oursOut, await writePkcs12({ key, certificate, chain, password: pw, friendlyName: 'bench', iterations })),
          ['pkcs12', '-export', '-inkey', pki.files.userKey, '-in', pki.files.user, '-certfile', pki.files.chain, '-name', 'bench', '-iter', String(iterations), '-passout', `pass:${pw}`, '-out', sslOut],
          runs,
        );
        const info = run('openssl', ['pkcs12', '-info', '-noout', '-in', sslOut, '-passin', `pass:${pw}`]);
        const macRounds = /MAC: \w+, Iteration (\d+)/.exec(info.stdout + info.stderr)?.[1];
        results.push({
          name: `PKCS#12 export, modern, ${iterations.toLocaleString('en-US')} rounds`, ours: ex.ours, anchor: ex.anchor, unit: 'ms',
          anchorLabel: 'openssl pkcs12 -export', better: 'lower', goal: 2,
          note: macRounds === String(iterations) ? 'equal rounds for key, certificates and MAC' : `openssl MAC rounds ${macRounds ?? '?'}`,
        });
        const bytes = readFileSync(oursOut);
        const im = await compare(() => readPkcs12(bytes, pw), ['pkcs12', '-in', oursOut, '-passin', `pass:${pw}`, '-nodes', '-out', '/dev/null'], runs);
        results.push({
          name: `PKCS#12 import (MAC + decrypt + key checks), ${iterations.toLocaleString('en-US')} rounds`, ours: im.ours, anchor: im.anchor, unit: 'ms',
          anchorLabel: 'openssl pkcs12 -nodes', better: 'lower', goal: 2, note: 'the same file on both sides',
        });
      }

      // Files users bring from old tools: RC2-40 certificates (node-forge), 3DES key (native).
      const legacy = path.join(dir, 'legacy.p12');
      ok('openssl', ['pkcs12', '-export', '-legacy', '-inkey', pki.files.userKey, '-in', pki.files.user, '-certfile', pki.files.chain, '-passout', 'pass:benchpw', '-out', legacy]);
      const legacyBytes = readFileSync(legacy);
      const lg = await compare(() => readPkcs12(legacyBytes, 'benchpw'), ['pkcs12', '-legacy', '-in', legacy, '-passin', 'pass:benchpw', '-nodes', '-out', '/dev/null'], 25, 2);
      results.push({
        name: 'PKCS#12 import, openssl -legacy file (RC2-40 + 3DES, SHA-1 MAC), 2,048 rounds', ours: lg.ours, anchor: lg.anchor, unit: 'ms',
        anchorLabel: 'openssl pkcs12 -legacy -nodes', better: 'lower', goal: 2,
      });
      return results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
