// A real sandbox (CA material, VOMS-Admin, VOMS server with its host certificate) in a temp data
// folder, a member and a non-member certificate issued by the sandbox CA, and the files grid
// tools need (trust dir with signing policy, vomses, vomsdir .lsc) — as the Trust CAs and
// Register steps would write them.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Sandbox } from '../../../electron/sandbox';
import { VomsAdminState, type SandboxVoms } from '../../../electron/sandbox/voms-admin';
import { authorityKeyId, basicConstraints, buildCertificate, keyUsage, randomSerial, subjectKeyId } from '../../../electron/sandbox/ca/x509-build';
import { encodeName } from '../../../electron/services/issuer/x509-name';
import { derToPem } from '../../../electron/services/pki/der';
import { parseSlashDn } from '../../../shared/dn';

export interface UserFiles {
  readonly dn: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface SandboxFixture {
  readonly dir: string;
  readonly sandbox: Sandbox;
  readonly voms: SandboxVoms;
  readonly caPem: string;
  readonly caDn: string;
  readonly trustDir: string;
  readonly member: UserFiles;
  readonly stranger: UserFiles;
  /** HOME with `.glite/vomses/sandbox` and `.glite/vomsdir/sandbox/<host>.lsc` (lscText overrides the .lsc). */
  home(name: string, lscText?: string): string;
  cleanup(): Promise<void>;
}

export async function startSandboxFixture(): Promise<SandboxFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-voms-'));
  const sandbox = new Sandbox({ dataDir: dir });
  const ca = await sandbox.material();
  const voms = await sandbox.voms();
  const issue = (name: string, cn: string): UserFiles => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const dn = `/DC=org/DC=osg-onboard/DC=sandbox/O=OSG Onboard Sandbox/CN=${cn}`;
    const der = buildCertificate({
      serial: randomSerial(), issuerDer: ca.subjectDer, subjectDer: encodeName(parseSlashDn(dn)), spkiDer: spki,
      notBefore: new Date(Date.now() - 3600_000), notAfter: new Date(Date.now() + 30 * 86_400_000),
      extensions: [basicConstraints(false), keyUsage(['digitalSignature', 'keyEncipherment']), subjectKeyId(spki), authorityKeyId(ca.keyId)],
    }, ca.key);
    const certPem = derToPem(der, 'CERTIFICATE');
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const certFile = path.join(dir, `${name}-cert.pem`);
    const keyFile = path.join(dir, `${name}-key.pem`);
    writeFileSync(certFile, certPem);
    writeFileSync(keyFile, keyPem, { mode: 0o400 });
    return { dn, certFile, keyFile, certPem, keyPem };
  };
  const member = issue('member', 'Grace Hopper S100001');
  const stranger = issue('stranger', 'Eve Outsider S100002');
  const state = new VomsAdminState(path.join(dir, 'sandbox', 'voms-admin'), 'sandbox');
  await state.update((s) => {
    s.members.push({
      id: s.nextMemberId++, name: 'Grace', surname: 'Hopper', institution: 'Navy', address: '', phoneNumber: '', emailAddress: 'grace@example.org',
      creationTime: new Date().toISOString(), endTime: new Date(Date.now() + 365 * 86_400_000).toISOString(), suspended: false,
      certificates: [{ subjectString: member.dn, issuerString: ca.subject, suspended: false }], fqans: ['/sandbox', '/sandbox/analysis'],
    });
  });
  const trustDir = path.join(dir, 'certificates');
  mkdirSync(trustDir);
  const hash = execFileSync('openssl', ['x509', '-hash', '-noout'], { input: ca.certPem, encoding: 'utf8' }).trim();
  writeFileSync(path.join(trustDir, `${hash}.0`), ca.certPem);
  writeFileSync(path.join(trustDir, `${hash}.signing_policy`), (await sandbox.trustBundle()).certificates[0].signingPolicy);
  const server = voms.vomsServer!;
  return {
    dir, sandbox, voms, caPem: ca.certPem, caDn: ca.subject, trustDir, member, stranger,
    home(name, lscText) {
      const home = path.join(dir, `home-${name}`);
      mkdirSync(path.join(home, '.glite', 'vomses'), { recursive: true });
      mkdirSync(path.join(home, '.glite', 'vomsdir', 'sandbox'), { recursive: true });
      writeFileSync(path.join(home, '.glite', 'vomses', 'sandbox'), `"sandbox" "${server.host}" "${server.port}" "${server.dn}" "sandbox"\n`);
      writeFileSync(path.join(home, '.glite', 'vomsdir', 'sandbox', `${server.host}.lsc`), lscText ?? `${server.dn}\n${server.caDn}\n`);
      return home;
    },
    async cleanup() {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
