import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { medianMs, type BenchResult, type BenchSuite } from './harness';
import { startSandboxFixture } from '../integration/voms/sandbox-fixture';
import { certificatesFromPem, createProxy, generateProxyKey } from '../../electron/services/proxy';
import { fetchVomsAc } from '../../electron/services/voms';

/**
 * A VOMS proxy against the sandbox VOMS server: ours in-process (AC over client-cert TLS, verified
 * by the .lsc rule, then a 2048-bit proxy carrying it) against the real `voms-proxy-init -voms
 * sandbox` doing the same (its process start, temporary proxy and AC verification included).
 * voms-proxy-init is timed with an asynchronous spawn: the server runs in this process.
 */
const exec = promisify(execFile);

export const suite: BenchSuite = {
  name: 'voms (a first VOMS proxy from the sandbox VOMS server)',
  async run(): Promise<BenchResult[]> {
    const f = await startSandboxFixture();
    try {
      const home = f.home('bench');
      const env = { PATH: process.env.PATH, HOME: home, X509_CERT_DIR: f.trustDir, X509_VOMS_DIR: path.join(home, '.glite', 'vomsdir'), X509_USER_CERT: f.member.certFile, X509_USER_KEY: f.member.keyFile };
      const cert = certificatesFromPem(f.member.certPem)[0];
      const key = createPrivateKey(f.member.keyPem);
      const ours = await medianMs(async () => {
        const pending = generateProxyKey(2048);
        const { der } = await fetchVomsAc({ vo: 'sandbox', server: f.voms.vomsServer!, certPem: f.member.certPem, key, trustedCaPems: [f.caPem] });
        await createProxy({ issuerCert: cert, issuerKey: key, vomsAcs: [der], proxyKey: pending });
      }, 10);
      const out = path.join(f.dir, 'x509up_bench');
      const anchor = await medianMs(() => exec('voms-proxy-init', ['-voms', 'sandbox', '-rfc', '-q', '-out', out], { env }), 10);
      const acOnly = await medianMs(() => fetchVomsAc({ vo: 'sandbox', server: f.voms.vomsServer!, certPem: f.member.certPem, key, trustedCaPems: [f.caPem] }), 15);
      return [
        { name: 'VOMS proxy (AC fetched + verified, 2048-bit proxy)', ours, anchor, unit: 'ms', anchorLabel: 'voms-proxy-init -voms sandbox', better: 'lower', goal: 1.2, note: `AC round trip alone (TLS + sign + verify): ${acOnly.toFixed(1)} ms` },
      ];
    } finally {
      await f.cleanup();
    }
  },
};
