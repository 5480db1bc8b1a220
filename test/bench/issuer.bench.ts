// Sandbox CA + EST client: signing a user certificate (ours: DER + Node crypto.sign) against
// `openssl x509 -req`, and an EST simpleenroll round trip (ours: Node client, fresh TLS
// connection) against curl posting the same request to the same server (a child process, so
// the anchor's synchronous runs do not stall it).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandMedianMs, medianMs, type BenchResult, type BenchSuite } from './harness';
import { loadOrCreateCa } from '../../electron/sandbox/ca/ca-material';
import { issueUserCertificate } from '../../electron/sandbox/ca/issue';
import { RequestStore } from '../../electron/sandbox/ca/request-store';
import { enroll } from '../../electron/services/issuer';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const suite: BenchSuite = {
  name: 'issuer (sandbox CA signing, EST round trip)',
  run: async (): Promise<BenchResult[]> => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-bench-issuer-'));
    const caDir = path.join(dir, 'ca');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'electron/cli/index.ts'), 'sandbox', 'start', '--dir', caDir, '--port', '0', '--auto-approve', '--json'], {
      cwd: root,
      env: { ...process.env, OSG_ONBOARD_CLI_ENTRY: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const info = await new Promise<{ estUrl: string; enrolmentCode: string }>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
        });
        child.once('exit', (code) => reject(new Error(`sandbox start exited ${code}`)));
      });
      const key = path.join(dir, 'k.pem');
      const csr = path.join(dir, 'r.der');
      execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', '/CN=Bench User', '-outform', 'DER', '-out', csr], { stdio: 'ignore' });
      const csrDer = readFileSync(csr);
      const caPem = readFileSync(path.join(caDir, 'ca-cert.pem'), 'utf8');
      const auth = { basic: { password: info.enrolmentCode } };
      const endpoint = { url: info.estUrl, ca: [caPem] };
      if ((await enroll(endpoint, csrDer, auth)).status !== 'issued') throw new Error('not issued');

      const material = await loadOrCreateCa(caDir);
      const store = new RequestStore(caDir);
      await store.refresh();
      const request = store.list()[0];
      const crlUrl = info.estUrl.replace('/.well-known/est', '/crl');
      const ours = await medianMs(() => issueUserCertificate(material, request, crlUrl, new Date()), 30, 3);
      const anchor = commandMedianMs(`openssl x509 -req -inform DER -in ${csr} -CA ${caDir}/ca-cert.pem -CAkey ${caDir}/ca-key.pem -days 365 -sha256 -out /dev/null`, 15);

      const b64 = path.join(dir, 'r.b64');
      writeFileSync(b64, csrDer.toString('base64'));
      const roundTrip = await medianMs(() => enroll(endpoint, csrDer, auth), 15, 2);
      const curl = commandMedianMs(`curl -sf -o /dev/null --cacert ${caDir}/ca-cert.pem -u x:${info.enrolmentCode} -H 'Content-Type: application/pkcs10' --data-binary @${b64} ${info.estUrl}/simpleenroll`, 15);
      return [
        { name: 'sign a grid user certificate from a CSR', ours, anchor, unit: 'ms', anchorLabel: 'openssl x509 -req (process)', better: 'lower', goal: 1, note: 'anchor includes process start-up' },
        { name: 'EST simpleenroll round trip (new TLS connection, issued request)', ours: roundTrip, anchor: curl, unit: 'ms', anchorLabel: 'curl (process)', better: 'lower', goal: 1.5 },
      ];
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
