import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { commandMedianMs, medianMs, type BenchResult, type BenchSuite } from './harness';
import { BUILTIN_BUNDLES } from '../../electron/services/trust/bundles';
import { certificateSubjectHash } from '../../electron/services/trust/name-hash';
import { TrustService } from '../../electron/services/trust';

// Trust CAs: ours against the shell recipes a user would run (openssl, cp, certutil).

export const suite: BenchSuite = {
  name: 'trust (CA install)',
  async run(): Promise<BenchResult[]> {
    const work = mkdtempSync(path.join(os.tmpdir(), 'osg-trust-bench-'));
    try {
      const osg = BUILTIN_BUNDLES[0];
      const files = osg.certificates.map((c, i) => {
        const f = path.join(work, `ca${i}.pem`);
        writeFileSync(f, c.pem);
        return f;
      });
      const ders = osg.certificates.map((c) => new Uint8Array(new X509Certificate(c.pem).raw));
      const results: BenchResult[] = [];

      // 1. Subject hash of one certificate.
      const oursHash = await medianMs(() => ders.forEach((d) => certificateSubjectHash(d)), 31) / ders.length;
      const anchorHash = commandMedianMs(`openssl x509 -noout -subject_hash -in ${files[0]}`, 15);
      results.push({ name: 'subject hash, per certificate', ours: oursHash, anchor: anchorHash, unit: 'ms', anchorLabel: 'openssl x509 -subject_hash', better: 'lower', goal: 1, note: 'ours in-process; openssl includes its start-up' });

      // One data folder throughout: the step's plan (shown first) has already exported the PEMs.
      // 2. X509_CERT_DIR install of the whole OSG bundle (14 CAs + IGTF files) into an empty folder.
      let n = 0;
      const oursX509 = await medianMs(async () => {
        const home = path.join(work, `h${n++}`);
        await new TrustService({ dataDir: path.join(work, 'data'), homeDir: home, env: { PATH: process.env.PATH }, platform: 'linux' }).install({ bundle: 'osg', targets: ['x509'] });
      }, 9, 1);
      const script = path.join(work, 'x509.sh');
      writeFileSync(script, `d=$(mktemp -d -p ${work}); for f in ${files.join(' ')}; do cp "$f" "$d/$(openssl x509 -noout -subject_hash -in "$f").0"; done\n`);
      const anchorX509 = commandMedianMs(`sh ${script}`, 9);
      results.push({ name: 'X509_CERT_DIR install, OSG bundle', ours: oursX509, anchor: anchorX509, unit: 'ms', anchorLabel: 'openssl+cp loop (.0 only)', better: 'lower', goal: 1.5, note: 'ours also writes .signing_policy/.namespaces, checks pins, keeps a record' });

      // 3. NSS: the bundle's roots (USERTrust, ISRG X1, X2) into a new sql: db.
      const roots = osg.certificates.map((c, i) => [c, files[i]] as const).filter(([c]) => c.role === 'root').map(([, f]) => f);
      const oursNss = await medianMs(async () => {
        const home = path.join(work, `n${n++}`);
        await new TrustService({ dataDir: path.join(work, 'data'), homeDir: home, env: { PATH: process.env.PATH }, platform: 'linux' }).install({ bundle: 'osg', targets: ['nss'] });
      }, 7, 1);
      const nssScript = path.join(work, 'nss.sh');
      writeFileSync(nssScript, `d=$(mktemp -d -p ${work}); certutil -N --empty-password -d sql:$d; i=0; for f in ${roots.join(' ')}; do i=$((i+1)); certutil -A -d sql:$d -n "ca$i" -t CT,C,C -i "$f"; done\n`);
      const anchorNss = commandMedianMs(`sh ${nssScript}`, 7);
      results.push({ name: 'NSS install, 3 roots into a new db', ours: oursNss, anchor: anchorNss, unit: 'ms', anchorLabel: 'certutil -N + certutil -A loop', better: 'lower', goal: 2, note: 'ours also finds the Firefox profiles and keeps an undo record' });
      return results;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
