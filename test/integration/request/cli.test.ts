// `osg-onboard request | request status | request resume` as a user runs them (separate
// processes from source, a temp data folder and HOME, no keychain so the key passphrase comes on
// stdin): the agreement is required, the request waits, the sponsor approves from the CLI while
// no CA runs, and resume in a new process gets the certificate for the same key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../helpers/web-app';
import { makeWorld, runCli, type World } from './setup';

let world: World;
const PASS = 'granite harbor pepper violet';

const cli = (args: string[], stdin = '') => runCli(world, args, stdin);

beforeAll(() => {
  world = makeWorld('request-cli');
  mkdirSync(world.home, { recursive: true });
});

afterAll(() => world?.dispose());

describe('osg-onboard request', () => {
  it('shows the agreement and refuses without --agree', () => {
    const r = cli(['request', '--vo', 'sandbox', '--name', 'Rosalind Franklin', '--email', 'rosalind@example.edu']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Sandbox CA subscriber agreement');
    expect(r.err).toContain('subscriber agreement was not accepted');
  });

  it('sends the request and returns while the sponsor decides; status reads it; resume after a CLI approval stores the certificate', async () => {
    const app = world.open();
    await world.trustSandbox(app); // the Trust CAs step (app trust) for the sandbox CA
    await app.close();
    const sent = cli(['request', '--vo', 'sandbox', '--name', 'Rosalind Franklin', '--email', 'rosalind@example.edu', '--agree', '--no-wait', '--pwstdin', '--json'], `${PASS}\n`);
    expect(sent.code, sent.err).toBe(0);
    const s = sent.json();
    expect(s).toMatchObject({ state: 'waiting', keyProtection: 'typed', vo: 'sandbox' });
    expect(s.requestId).toMatch(/^[2-9A-Z]{6}$/);

    const status = cli(['request', 'status']);
    expect(status.code).toBe(0);
    expect(status.out).toContain(`state:       waiting (request ${s.requestId})`);

    const approved = cli(['sandbox', 'approve', s.requestId, '--json']);
    expect(approved.code, approved.err).toBe(0);

    const resumed = cli(['request', 'resume', '--pwstdin', '--json'], `${PASS}\n`);
    expect(resumed.code, resumed.err).toBe(0);
    const done = resumed.json();
    expect(done.state).toBe('issued');
    expect(done.certificate.subject).toBe(s.subject);
    expect(done.publicKeyFingerprint).toBe(s.publicKeyFingerprint);
    const dir = path.join(world.dataDir, 'credentials', s.credentialId);
    const pub = (kind: string, file: string) => spawnSync('openssl', [kind, '-in', path.join(dir, file), '-pubkey', '-noout'], { encoding: 'utf8' }).stdout;
    expect(pub('x509', 'cert.pem')).toBe(pub('req', 'csr.pem'));
    const j = JSON.parse(readFileSync(path.join(world.dataDir, 'journal.json'), 'utf8'));
    expect(j.steps.request.status).toBe('done');
  });

  it('status without a request says so', () => {
    const other = makeWorld('request-cli-empty');
    try {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'build', 'bin', 'osg-onboard.mjs'), 'request', 'status'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, OSG_ONBOARD_FROM_SOURCE: '1', OSG_ONBOARD_DATA: other.dataDir, HOME: other.root },
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('There is no certificate request to show');
    } finally {
      other.dispose();
    }
  });
});
