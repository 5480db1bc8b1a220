// The Upload step (step 7) through the real UI in browser mode, against the sandbox submit
// host, with a temp HOME: a usercred.p12 made here with openssl (a CA and a user certificate),
// the host-key dialog (fingerprint compared with ssh-keygen's), per-file progress, the final
// listing; the sandbox home checked on disk (modes, openssl opens userkey.pem); a second
// upload keeping .bak-* files; a wrong password; a changed host key; Cancel. Axe light + dark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { keepForReadme, SHOTS as shots, callOnboard, openPage, scanBothThemes, startSession, type E2eSession, approveOnSponsorPage } from '../helpers/journey';
import { startTestBus, type TestBus } from '../helpers/keyring';
import type { UploadDefaults } from '../../shared/contract';

const P12_PW = 'Upload e2e pässword 1';
let s: E2eSession;
let home: string;
let dataDir: string;
let page: Page;
let sandboxPort: number;
let bus: TestBus;

function sh(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A CA, a user certificate it signs, and `openssl pkcs12 -export` of both into `out`. */
function makeP12(dir: string, cn: string, out: string): void {
  mkdirSync(dir, { recursive: true });
  sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/DC=org/DC=example/CN=Upload Test CA',
    '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  sh('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'user.key', '-out', 'user.csr', '-subj', `/DC=org/DC=example/O=OSG Test/CN=${cn}`], dir);
  writeFileSync(path.join(dir, 'ext.cnf'), 'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  sh('openssl', ['x509', '-req', '-in', 'user.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'user.pem', '-days', '20', '-extfile', 'ext.cnf'], dir);
  mkdirSync(path.dirname(out), { recursive: true });
  sh('openssl', ['pkcs12', '-export', '-in', 'user.pem', '-inkey', 'user.key', '-certfile', 'ca.pem', '-name', cn, '-out', out, '-passout', `pass:${P12_PW}`], dir);
}

/** Axe (zero violations) and a screenshot of one state, light then dark, then back to light. */
const checkState = (state: string) => scanBothThemes(page, `upload-${state}`);
const call = <T>(name: string, input: unknown) => callOnboard<T>(page, name, input);

const submitHome = () => path.join(dataDir, 'sandbox', 'submit-host', 'home');
const globus = () => path.join(submitHome(), '.globus');
const mode = (p: string) => statSync(p).mode & 0o7777;
const sandboxFingerprint = () => /(SHA256:[A-Za-z0-9+/]+)/.exec(sh('ssh-keygen', ['-lf', path.join(dataDir, 'sandbox', 'submit-host', 'ssh_host_ed25519_key.pub')]))![1];

beforeAll(async () => {
  // A real GNOME Keyring, for the Back up step's remembered .p12 password (the last test).
  bus = await startTestBus();
  await bus.startKeyring({ unlockPassword: 'upload e2e keyring' });
  s = await startSession('upload', {
    bus,
    before: (dirs) => {
      const work = path.join(dirs.home, 'work');
      makeP12(path.join(work, 'one'), 'Upload Tester', path.join(dirs.home, 'usercred.p12'));
      makeP12(path.join(work, 'two'), 'Upload Tester Renewed', path.join(dirs.home, 'renewed', 'usercred.p12'));
      rmSync(work, { recursive: true, force: true });
    },
  });
  ({ home, dataDir } = s.dirs);
  page = await openPage(s.browser);
  await page.goto(s.app.openUrl);
  await call('voChoose', { name: 'sandbox' });
  sandboxPort = (await call<UploadDefaults>('uploadDefaults', {})).sandbox!.port;
}, 180_000);

afterAll(async () => {
  await s?.stop();
  await bus?.stop();
});

async function openStep(): Promise<void> {
  await page.goto(s.app.openUrl);
  await page.getByTestId('step-upload').click();
  await page.getByRole('heading', { name: 'Upload your certificate to the submit host' }).waitFor();
}

/** The step loaded afresh (a new window would; `goto` of the same URL keeps the page). */
async function reopenStep(): Promise<void> {
  await page.reload();
  await page.getByTestId('step-upload').waitFor();
  if ((await page.getByTestId('screen-upload').count()) === 0) await page.getByTestId('step-upload').click();
  await page.getByRole('heading', { name: 'Upload your certificate to the submit host' }).waitFor();
}

describe('Upload step (browser mode, sandbox submit host)', () => {
  it('starts on the sandbox submit host with its account, and the usercred.p12 found in the home folder', async () => {
    await openStep();
    await page.getByTestId('upload-start').waitFor();
    expect(await page.getByTestId('host-sandbox-127.0.0.1').isChecked()).toBe(true);
    expect(await page.getByTestId('upload-host').inputValue()).toBe('127.0.0.1');
    expect(await page.getByTestId('upload-port').inputValue()).toBe(String(sandboxPort));
    expect(await page.getByTestId('upload-user').inputValue()).toBe('sandbox');
    expect(await page.getByTestId('auth-sandbox-account').isChecked()).toBe(true);
    expect(await page.getByTestId('sandbox-account').textContent()).toContain(path.join(dataDir, 'sandbox', 'submit-host', 'account.json'));
    expect(await page.getByTestId('upload-p12-path').textContent()).toBe(path.join(home, 'usercred.p12'));
    // The SSH agent is offered only when one runs (none here).
    expect(await page.getByTestId('auth-agent').isDisabled()).toBe(true);
    await checkState('form');
  });

  it('a missing field is named before anything is sent (the .p12 password too: nothing is remembered for a file the Back up step did not save)', async () => {
    expect(await page.getByTestId('upload-p12-remembered').count()).toBe(0);
    await page.getByTestId('upload-user').fill('');
    await page.getByTestId('upload-start').click();
    await page.getByText('Your account name on the submit host').waitFor();
    await page.getByText('Type the password of the usercred.p12 (the one you chose in the Back up step)').waitFor();
    expect(await page.getByTestId('upload-running').count()).toBe(0);
    await checkState('missing');
    await page.getByTestId('upload-user').fill('sandbox');
  });

  it('shows the host key for confirmation (the sandbox key, as ssh-keygen -lf prints it); “No” sends nothing', async () => {
    await page.getByTestId('upload-p12-password').fill(P12_PW);
    await page.getByTestId('upload-start').click();
    const dialog = page.getByTestId('hostkey-dialog');
    await dialog.waitFor();
    const fp = sandboxFingerprint();
    expect((await page.getByTestId('hostkey-fingerprint').textContent())?.trim()).toBe(fp);
    expect(await dialog.textContent()).toContain('ED25519 key fingerprint (ssh-ed25519)');
    expect(await page.getByTestId('hostkey-sandbox').textContent()).toContain(`the sandbox’s own key is ${fp} — the same`);
    // Behind the dialog: no connection open, one bar per file, waiting.
    expect(await page.getByTestId('upload-overall').textContent()).toContain('Waiting for you to check the host key of 127.0.0.1 (nothing has been sent)');
    for (const f of ['userkey.pem', 'usercert.pem', 'usercred.p12']) expect(await page.getByTestId(`upload-file-label-${f}`).textContent()).toMatch(new RegExp(`^${f}: waiting`));
    await checkState('hostkey');
    await page.getByTestId('hostkey-reject').click();
    await page.getByTestId('upload-error').waitFor();
    expect(await page.getByTestId('upload-error').getAttribute('data-code')).toBe('TRANSFER_HOST_KEY_REJECTED');
    expect(await page.getByTestId('upload-error').textContent()).toContain('nothing was sent');
    expect(() => statSync(globus())).toThrow();
  });

  it('“Yes” uploads with a bar per file, then lists ~/.globus and shows the remote openssl output', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { seen: string[] };
      w.seen = [];
      window.onboard!.on('progress', (e) => {
        if (e.task.startsWith('upload:')) w.seen.push(`${e.task} ${e.label}`);
      });
    });
    await page.getByTestId('upload-start').click();
    await page.getByTestId('hostkey-accept').click();
    await page.getByTestId('upload-result').waitFor();
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    for (const f of ['userkey.pem', 'usercert.pem', 'usercred.p12']) {
      const mine = seen.filter((s) => s.startsWith(`upload:${f} `));
      expect(mine.some((s) => s.includes('sending'))).toBe(true);
      expect(mine.at(-1)).toBe(`upload:${f} ${f}: in place`);
    }
    const rows = await page.getByTestId('upload-listing').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => `${r[0]} ${r[3]}`)).toEqual(['-rw-r--r-- usercert.pem', '-r-------- usercred.p12', '-r-------- userkey.pem']);
    expect(rows.find((r) => r[3] === 'usercred.p12')![1]).toBe(String(statSync(path.join(home, 'usercred.p12')).size));
    const openssl = (await page.getByTestId('upload-openssl').textContent()) ?? '';
    expect(openssl).toContain('$ openssl x509 -noout -subject -enddate -in ~/.globus/usercert.pem');
    expect(openssl).toContain('CN = Upload Tester');
    expect(openssl).toMatch(/notAfter=/);
    expect(await page.getByTestId('upload-result-hostkey').textContent()).toContain(`${sandboxFingerprint()} (trusted by you now)`);

    // On the sandbox host's disk: the modes the grid tools require, and a key openssl opens.
    expect(mode(globus())).toBe(0o700);
    expect(mode(path.join(globus(), 'usercred.p12'))).toBe(0o400);
    expect(mode(path.join(globus(), 'usercert.pem'))).toBe(0o644);
    expect(mode(path.join(globus(), 'userkey.pem'))).toBe(0o400);
    expect(readFileSync(path.join(globus(), 'usercred.p12')).equals(readFileSync(path.join(home, 'usercred.p12')))).toBe(true);
    sh('openssl', ['pkey', '-in', path.join(globus(), 'userkey.pem'), '-passin', `pass:${P12_PW}`, '-noout']);
    expect(() => sh('openssl', ['pkey', '-in', path.join(globus(), 'userkey.pem'), '-passin', 'pass:wrong', '-noout'])).toThrow();
    expect(sh('openssl', ['x509', '-in', path.join(globus(), 'usercert.pem'), '-noout', '-subject'])).toContain('CN = Upload Tester');
    await checkState('done');
    keepForReadme(path.join(shots, 'upload-done-light.png'), 'upload.png');
    expect(await page.getByTestId('caption-upload').textContent()).toBe('sandbox@127.0.0.1');
  });

  it('a renewed usercred.p12 uploaded again: the old files are kept as .bak-* and said so', async () => {
    await page.getByTestId('upload-again').click();
    await page.getByTestId('upload-other-p12').click();
    await page.getByTestId('upload-p12-input').fill('~/renewed/usercred.p12');
    await page.getByTestId('upload-p12-password').fill(P12_PW);
    await page.getByTestId('upload-start').click();
    await page.getByTestId('upload-result').waitFor(); // the host is known now: no dialog
    const backups = (await page.getByTestId('upload-backups').textContent()) ?? '';
    for (const f of ['userkey.pem', 'usercert.pem', 'usercred.p12']) expect(backups).toMatch(new RegExp(`Your old ${f.replace('.', '\\.')} was kept as ${f.replace('.', '\\.')}\\.bak-\\d{8}T\\d{6}Z`));
    const names = readdirSync(globus()).sort();
    expect(names.filter((n) => n.includes('.bak-'))).toHaveLength(3);
    expect(names.filter((n) => n.includes('osg-upload'))).toEqual([]);
    expect(readFileSync(path.join(globus(), 'usercred.p12')).equals(readFileSync(path.join(home, 'renewed', 'usercred.p12')))).toBe(true);
    expect(await page.getByTestId('upload-openssl').textContent()).toContain('CN = Upload Tester Renewed');
    await checkState('backups');
  });

  it('a wrong SSH password is told as such', async () => {
    await page.getByTestId('upload-again').click();
    await page.getByTestId('auth-password').check();
    await page.getByTestId('upload-password').fill('not-the-sandbox-password');
    await page.getByTestId('upload-p12-password').fill(P12_PW);
    await page.getByTestId('upload-start').click();
    await page.getByTestId('upload-error').waitFor();
    expect(await page.getByTestId('upload-error').getAttribute('data-code')).toBe('TRANSFER_AUTH_FAILED');
    expect(await page.getByTestId('upload-error').textContent()).toContain('did not accept the login for “sandbox”');
    await expect.poll(() => page.getByTestId('caption-upload').textContent(), { timeout: 15_000 }).toBe('login refused');
    await checkState('auth-failed');
  });

  it('a changed host key: the standard warning, nothing sent', async () => {
    const before = readFileSync(path.join(globus(), 'usercred.p12'));
    const other = path.join(home, 'other_key');
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const pub = readFileSync(`${other}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    writeFileSync(path.join(dataDir, 'known_hosts'), `[127.0.0.1]:${sandboxPort} ${pub}\n`);
    await page.getByTestId('auth-sandbox-account').check();
    await page.getByTestId('upload-start').click();
    await page.getByTestId('upload-error').waitFor();
    expect(await page.getByTestId('upload-error').getAttribute('data-code')).toBe('TRANSFER_HOST_KEY_CHANGED');
    const warning = (await page.getByTestId('hostkey-changed-warning').textContent()) ?? '';
    expect(warning).toContain('@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @');
    expect(warning).toContain(sandboxFingerprint());
    expect(warning).toContain(`Offending ED25519 key in ${path.join(dataDir, 'known_hosts')}:1`);
    expect(readFileSync(path.join(globus(), 'usercred.p12')).equals(before)).toBe(true);
    await checkState('hostkey-changed');
  });

  it('a reloaded window finds the running upload and its question; Cancel while the host waits for an answer', async () => {
    rmSync(path.join(dataDir, 'known_hosts'));
    await page.getByTestId('upload-start').click();
    await page.getByTestId('hostkey-dialog').waitFor();
    await page.reload();
    await page.getByTestId('step-upload').waitFor();
    if ((await page.getByTestId('screen-upload').count()) === 0) await page.getByTestId('step-upload').click();
    await page.getByTestId('hostkey-dialog').waitFor();
    expect((await page.getByTestId('hostkey-fingerprint').textContent())?.trim()).toBe(sandboxFingerprint());
    // The Cancel button is behind the modal dialog: cancel the way another window would.
    const { running } = await call<{ running: { uploadId: string } | null }>('uploadStatus', {});
    expect(await call('uploadCancel', { uploadId: running!.uploadId })).toEqual({ cancelled: true });
    await page.getByTestId('upload-cancelled').waitFor();
    expect(await page.getByTestId('hostkey-dialog').count()).toBe(0);
    await checkState('cancelled');
  });

  it('the Back up step’s file with its password remembered in the keychain: none typed; a changed file asks for it, and a typed one wins', async () => {
    const BACKUP_PW = 'Upload e2e backup pw: 7 quiet herons';
    // Request (sandbox CA, keychain-protected key) and Back up with “Remember”, through their procedures.
    await call('trustInstall', { targets: ['app'] });
    const preview = await call<{ policy: { sha256: string } }>('requestPreview', { name: 'Rosalind Franklin', email: 'franklin@example.edu' });
    const started = await call<{ requestId?: string; sponsorUrl?: string }>('requestStart', {
      name: 'Rosalind Franklin', email: 'franklin@example.edu', keyBits: 2048, agree: true, policySha256: preview.policy.sha256,
    });
    await approveOnSponsorPage(s.browser, started.sponsorUrl!, started.requestId!);
    await expect.poll(async () => (await call<{ state: string }>('requestStatus', {})).state, { timeout: 90_000, interval: 500 }).toBe('issued');
    const saved = await call<{ path: string; rememberedIn?: string }>('backupWrite', {
      path: '~/backed-up/usercred.p12', password: BACKUP_PW, confirm: BACKUP_PW, format: 'modern', remember: true, importToBrowser: false,
    });
    expect(saved.rememberedIn).toBe('Secret Service (GNOME Keyring / KWallet)');

    await reopenStep();
    await page.getByTestId('upload-again').click(); // the step opens on the last upload's result
    await page.getByTestId('upload-p12-remembered').waitFor();
    expect(await page.getByTestId('upload-p12-path').textContent()).toBe(saved.path);
    expect(await page.getByTestId('upload-p12-remembered').textContent()).toContain('The password remembered in your keychain, Secret Service (GNOME Keyring / KWallet), will be used');
    expect(await page.getByLabel('Password of the usercred.p12 (optional)').inputValue()).toBe('');
    await checkState('remembered');
    await page.getByTestId('upload-start').click();
    const dialog = page.getByTestId('hostkey-dialog');
    await Promise.race([dialog.waitFor(), page.getByTestId('upload-result').waitFor()]);
    if (await dialog.count()) await page.getByTestId('hostkey-accept').click();
    await page.getByTestId('upload-result').waitFor();
    expect(readFileSync(path.join(globus(), 'usercred.p12')).equals(readFileSync(saved.path))).toBe(true);
    sh('openssl', ['pkey', '-in', path.join(globus(), 'userkey.pem'), '-passin', `pass:${BACKUP_PW}`, '-noout']);

    // Another file under the same name: the remembered password no longer opens it — said, and asked for.
    writeFileSync(saved.path, readFileSync(path.join(home, 'renewed', 'usercred.p12')));
    await reopenStep();
    await page.getByTestId('upload-again').click();
    await page.getByTestId('upload-p12-remembered-stale').waitFor();
    expect(await page.getByTestId('upload-p12-remembered-stale').textContent()).toContain('no longer opens the file');
    expect(await page.getByTestId('upload-p12-remembered').count()).toBe(0);
    await page.getByTestId('upload-start').click();
    await page.getByText('Type the password of the usercred.p12 (the one you chose in the Back up step)').waitFor();
    await checkState('remembered-stale');
    await page.getByTestId('upload-p12-password').fill(P12_PW);
    await page.getByTestId('upload-start').click();
    await page.getByTestId('upload-result').waitFor();
    expect(readFileSync(path.join(globus(), 'usercred.p12')).equals(readFileSync(saved.path))).toBe(true);
    expect(await page.getByTestId('upload-openssl').textContent()).toContain('CN = Upload Tester Renewed');
  });
});
