import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestPki, type TestCa, type TestCert } from '../../helpers/registration-pki';
import type { SandboxMailbox } from '../../../electron/sandbox/mailbox';
import { startSandboxRegistration, type SandboxRegistration, type SandboxVoms } from '../../../electron/sandbox/voms-admin';
import { confirmRegistration, fetchMemberInfo, submitRegistration, type VomsAdminSession } from '../../../electron/services/registration/voms-admin-connector';
import { main } from '../../../electron/cli/index';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'osg-reg-cli-'));
const pki = new TestPki();
let ca: TestCa;
let server: TestCert;
let jane: TestCert;
let bob: TestCert;
let mailbox: SandboxMailbox | undefined;
let voms: SandboxVoms | undefined;

let sandbox: SandboxRegistration | undefined;

async function startAll() {
  sandbox = await startSandboxRegistration({ dataDir, trustedCaPems: [ca.certPem], tls: { certPem: server.certPem, keyPem: server.keyPem } });
  voms = sandbox.voms;
  mailbox = sandbox.mailbox;
}
async function stopAll() {
  await sandbox?.close();
  sandbox = undefined;
  voms = undefined;
  mailbox = undefined;
}

async function cli(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr, env: { ...process.env, OSG_ONBOARD_DATA: dataDir } });
  return { code, out, err };
}

const session = (c: TestCert): VomsAdminSession => ({
  endpoint: { baseUrl: voms!.baseUrl, vo: 'sandbox', trustedCaPems: [ca.certPem] },
  credential: { key: c.keyPem, certPem: c.certPem },
});

async function registerAndConfirm(c: TestCert, name: string, email: string): Promise<string> {
  const { requestId } = await submitRegistration(session(c), { name, surname: 'Tester', emailAddress: email, aupAccepted: true });
  const list = await mailbox!.list();
  const mail = await mailbox!.read(list.find((m) => m.to.includes(email))!.id);
  await confirmRegistration(session(c), mail.links[0]);
  return requestId!;
}

beforeAll(async () => {
  ca = await pki.ca('/DC=org/DC=osg-test/CN=CLI Test CA');
  [server, jane, bob] = await Promise.all([
    pki.issue(ca, '/CN=127.0.0.1', 'server'),
    pki.issue(ca, '/DC=org/DC=osg-test/CN=Jane Tester', 'client'),
    pki.issue(ca, '/DC=org/DC=osg-test/CN=Bob Tester', 'client'),
  ]);
  await startAll();
});
afterAll(async () => {
  await stopAll();
  pki.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('osg-onboard sandbox vo-requests / vo-approve / mailbox', () => {
  let janeId: string;
  let bobId: string;

  it('lists the open requests without their confirmation secrets', async () => {
    janeId = await registerAndConfirm(jane, 'Jane', 'jane@example.org');
    bobId = await registerAndConfirm(bob, 'Bob', 'bob@example.org');
    const r = await cli(['sandbox', 'vo-requests', '--json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.out);
    expect(parsed.requests.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([[janeId, 'CONFIRMED'], [bobId, 'CONFIRMED']]);
    expect(r.out).not.toContain('confirmationId');
    const text = await cli(['sandbox', 'vo-requests']);
    expect(text.out).toContain('/DC=org/DC=osg-test/CN=Jane Tester');
  });

  it('approves from another process while the service runs; the service sees it at once', async () => {
    const { stdout } = await run(process.execPath, [path.join(root, 'build/bin/osg-onboard.mjs'), 'sandbox', 'vo-approve', janeId, '--data', dataDir], {
      env: { ...process.env, OSG_ONBOARD_FROM_SOURCE: '1' },
      cwd: root,
    });
    expect(stdout).toContain(`Request ${janeId} approved`);
    expect(stdout).toContain('The user was sent an e-mail.');
    expect((await fetchMemberInfo(session(jane)))?.certificates[0].subjectString).toBe('/DC=org/DC=osg-test/CN=Jane Tester');
    // Delivered over SMTP to the running mailbox.
    const subjects = (await mailbox!.list()).filter((m) => m.to.includes('jane@example.org')).map((m) => m.subject);
    expect(subjects.some((s) => s.includes('approved'))).toBe(true);
  });

  it('approves with nothing running: the e-mail goes straight into the mailbox folder', async () => {
    await stopAll();
    const r = await cli(['sandbox', 'vo-approve', bobId]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('The user was sent an e-mail.');
    const box = await cli(['sandbox', 'mailbox', '--json']);
    const approved = JSON.parse(box.out).find((m: { to: string[]; subject: string }) => m.to.includes('bob@example.org') && m.subject.includes('approved'));
    expect(approved).toBeDefined();
    const shown = await cli(['sandbox', 'mailbox', '--show', approved.id]);
    expect(shown.out).toContain('you are approved');
    await startAll();
    expect((await fetchMemberInfo(session(bob)))?.name).toBe('Bob');
  });

  it('says clearly when a request cannot be approved', async () => {
    const again = await cli(['sandbox', 'vo-approve', bobId]);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`Request ${bobId} of the sandbox VO is approved; it cannot be approved.`);
    const missing = await cli(['sandbox', 'vo-approve', '999', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.out).error.code).toBe('REGISTRATION_REQUEST_NOT_FOUND');
    const bad = await cli(['sandbox', 'vo-approve', 'abc']);
    expect(bad.code).toBe(2);
    const noneOpen = await cli(['sandbox', 'vo-requests']);
    expect(noneOpen.out).toContain('No open membership requests');
    const all = JSON.parse((await cli(['sandbox', 'vo-requests', '--all', '--json'])).out);
    expect(all.requests.map((x: { status: string }) => x.status)).toEqual(['APPROVED', 'APPROVED']);
  });
});
