// Next steps (step 8) and the Tools area through the real UI in browser mode, with a temp HOME
// (a test CA from openssl in ~/.globus/certificates, usercert.pem / userkey.pem with a known
// passphrase) and X509_USER_PROXY in a temp folder. Results are checked with the real tools:
// openssl verify -allow_proxy_certs, grid-proxy-init, grid-proxy-info.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { keepForReadme, SHOTS as shots, callOnboard, scanBothThemes as scanThemes, startSession, type E2eSession, approveOnSponsorPage } from '../helpers/journey';
import { createGridCa, type GridCa, type IssuedCert } from '../helpers/grid-ca';

const PASSPHRASE = 'Grid pass phrase 7';
let root: string;
let home: string;
let proxyFile: string;
let trustDir: string;
let ca: GridCa;
let user: IssuedCert;
let robot: IssuedCert;
let s: E2eSession;
let context: BrowserContext;
let page: Page;
const sentToInspect: string[] = [];

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: ca.env(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `grid-proxy-info -all` as key → value. */
function gridProxyInfo(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of run('grid-proxy-info', ['-all', '-file', file]).split('\n')) {
    const m = /^(\w+)\s*:\s(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

/** Scans (axe, zero violations) and photographs the page in light then dark, then goes back to light. */
const scanBothThemes = (name: string): Promise<void> => scanThemes(page, name);

async function text(testId: string, within = page.locator('body')): Promise<string> {
  return ((await within.getByTestId(testId).first().textContent()) ?? '').trim();
}

beforeAll(async () => {
  s = await startSession('next', {
    before: (dirs) => {
      ({ root, home } = dirs);
      mkdirSync(path.dirname(proxyFile), { recursive: true });
      // The CA as the Trust step installs it: ~/.globus/certificates in X509_CERT_DIR form.
      ca = createGridCa();
      trustDir = path.join(home, '.globus', 'certificates');
      mkdirSync(trustDir, { recursive: true, mode: 0o700 });
      for (const f of readdirSync(ca.trustDir)) copyFileSync(path.join(ca.trustDir, f), path.join(trustDir, f));
      user = ca.issue('user', { subject: '/C=US/O=OSG Onboard Test/CN=Ada Tester' });
      robot = ca.issue('robot', { subject: '/C=US/O=OSG Onboard Test/OU=Robot/CN=Robot: Science Gateway' });
    },
    extra: (dirs) => ({ X509_USER_PROXY: (proxyFile = path.join(dirs.root, 'proxies', 'x509up_e2e')) }),
  });
  context = await s.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.app.url.replace(/\/$/, '') });
  page = await context.newPage();
  page.on('request', (r) => {
    if (r.url().includes('/api/toolsInspect')) sentToInspect.push(r.postData() ?? '');
  });
  await page.goto(s.app.openUrl);
  await page.getByTestId('screen-chooseVo').waitFor();
  expect(await page.evaluate(() => window.onboard!.voChoose({ name: 'sandbox' }))).toMatchObject({ ok: true });
});

afterAll(async () => {
  await context?.close();
  await s?.stop();
  ca?.cleanup();
});

describe('Next steps (step 8)', () => {
  it('with no certificate yet, it says which step to do first, and the button goes there', async () => {
    await page.getByTestId('step-nextSteps').click();
    const missing = page.getByTestId('missing-credential');
    await missing.waitFor();
    expect(await missing.textContent()).toMatch(/no certificate yet/);
    await page.getByTestId('what-next').waitFor();
    await scanBothThemes('next-steps-no-credential');
    await page.getByTestId('go-to-missing').click();
    await page.getByTestId('screen-request').waitFor();
  });

  it('makes a proxy from ~/.globus through the UI: 0600 at X509_USER_PROXY, openssl verifies it, grid-proxy-info agrees', async () => {
    const globus = path.join(home, '.globus');
    writeFileSync(path.join(globus, 'usercert.pem'), user.certPem, { mode: 0o644 });
    const encrypted = createPrivateKey(user.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE });
    writeFileSync(path.join(globus, 'userkey.pem'), encrypted, { mode: 0o400 });

    await page.reload();
    await page.getByTestId('step-nextSteps').click();
    await page.getByTestId('source-globus').waitFor();
    expect(await page.getByTestId('source-globus').isChecked()).toBe(true);
    expect(await text('proxy-path')).toBe(proxyFile);
    await scanBothThemes('next-steps-form');
    // A wrong passphrase is refused in words, nothing written.
    await page.getByTestId('proxy-passphrase').fill('not it');
    await page.getByTestId('make-proxy').click();
    await page.locator('[data-error-code="PROXY_KEY_PASSPHRASE"]').waitFor();
    expect(existsSync(proxyFile)).toBe(false);

    await page.getByTestId('proxy-hours').fill('6');
    await page.getByTestId('proxy-passphrase').fill(PASSPHRASE);
    await page.getByTestId('make-proxy').click();
    const card = page.getByTestId('proxy-card');
    await card.waitFor();

    // The file: where X509_USER_PROXY says, readable by the user only.
    expect(statSync(proxyFile).mode & 0o777).toBe(0o600);
    expect(run('openssl', ['verify', '-allow_proxy_certs', '-CApath', trustDir, '-untrusted', proxyFile, proxyFile]).trim()).toBe(`${proxyFile}: OK`);
    run('grid-proxy-init', ['-verify', '-debug', '-cert', proxyFile, '-key', proxyFile, '-out', path.join(root, 'proxy-of-proxy'), '-hours', '1']);
    const real = gridProxyInfo(proxyFile);
    expect(real.identity).toBe('/C=US/O=OSG Onboard Test/CN=Ada Tester');
    // What the UI shows equals what the grid tool prints.
    expect(await text('info-identity', card)).toBe(real.identity);
    expect(await text('info-subject', card)).toBe(real.subject);
    expect(await text('info-issuer', card)).toBe(real.issuer);
    expect(await text('info-type', card)).toBe(real.type);
    expect(await text('info-strength', card)).toBe(real.strength);
    expect(await text('info-path', card)).toBe(real.path);
    expect(await text('info-keyusage', card)).toBe('Digital Signature, Key Encipherment, Data Encipherment');
    expect(await card.textContent()).toContain('(mode 0600)');
    // Time left counts down, live.
    const chip = card.getByTestId('info-timeleft');
    const first = Number(await chip.getAttribute('data-seconds'));
    expect(first).toBeGreaterThan(6 * 3600 - 120);
    expect(first).toBeLessThanOrEqual(6 * 3600);
    await expect.poll(async () => Number(await chip.getAttribute('data-seconds')), { timeout: 10_000 }).toBeLessThan(first);
    // The verifier: valid, identity, the chain picture.
    const verification = page.getByTestId('proxy-verification');
    expect(await verification.getAttribute('data-valid')).toBe('true');
    expect(await text('verify-identity', verification)).toBe(real.identity);
    expect(await verification.getByTestId('verify-path').locator('li').count()).toBe(3);
    // The stepper marks the step done.
    await expect.poll(() => text('caption-nextSteps'), { timeout: 15_000 }).toBe('proxy for 6 h');
    await scanBothThemes('next-steps');
    keepForReadme(path.join(shots, 'next-steps-light.png'), 'next-steps.png');

    // "Show as text": what voms-proxy-info --all prints, in monospace.
    await card.getByTestId('show-as-text').check();
    const asText = await text('info-text', card);
    expect(asText).toContain(`identity  : ${real.identity}`);
    expect(asText).toContain(`type      : ${real.type}`);
    expect(asText).toContain('key usage : Digital Signature, Key Encipherment, Data Encipherment');
    await scanBothThemes('next-steps-as-text');
    await card.getByTestId('show-as-text').uncheck();

    // What next: copyable commands that name this proxy file.
    const verifyCmd = await text('commands-text-verify');
    expect(verifyCmd).toBe(`openssl verify -allow_proxy_certs -CApath ${trustDir} -untrusted ${proxyFile} ${proxyFile}`);
    expect(await text('commands-text-check')).toContain(`export X509_USER_PROXY=${proxyFile}`);
    expect(await text('commands-text-test-job')).toContain('condor_submit test.sub');
    await page.getByTestId('copy-verify').click();
    await expect.poll(() => page.getByTestId('copy-verify').getAttribute('data-state')).toBe('copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(verifyCmd);
  });

  it('a proxy already there is shown after a reload; a limited 3072-bit proxy replaces it', async () => {
    await page.reload();
    await page.getByTestId('step-nextSteps').click();
    const card = page.getByTestId('proxy-card');
    await card.waitFor();
    expect(await text('info-identity', card)).toBe('/C=US/O=OSG Onboard Test/CN=Ada Tester');
    await page.getByTestId('proxy-limited').check();
    await page.getByRole('combobox', { name: 'Key size' }).click();
    await page.getByRole('option', { name: '3072 bits' }).click();
    await page.getByTestId('proxy-passphrase').fill(PASSPHRASE);
    await page.getByTestId('make-proxy').click();
    await expect.poll(() => text('info-strength', card), { timeout: 30_000 }).toBe('3072 bits');
    const real = gridProxyInfo(proxyFile);
    expect(real.type).toBe('RFC 3820 compliant limited proxy');
    expect(await text('info-type', card)).toBe(real.type);
    expect(run('openssl', ['verify', '-allow_proxy_certs', '-CApath', trustDir, '-untrusted', proxyFile, proxyFile]).trim()).toBe(`${proxyFile}: OK`);
    expect(statSync(proxyFile).mode & 0o777).toBe(0o600);
  });
});

describe('Tools', () => {
  it('inspects a proxy made by grid-proxy-init, dropped as a file: its key is stripped in the window, fields equal grid-proxy-info', async () => {
    const gpi = path.join(root, 'x509up_gpi');
    run('grid-proxy-init', ['-cert', user.certFile, '-key', user.keyFile, '-out', gpi, '-hours', '3']);
    const real = gridProxyInfo(gpi);
    await page.getByTestId('area-tools').click();
    await page.getByTestId('tools-page').waitFor();
    await scanBothThemes('tools');
    await page.getByTestId('inspect-file-input').setInputFiles(gpi);
    const card = page.getByTestId('inspect-card');
    await card.waitFor();
    expect(await text('inspect-note')).toMatch(/a private key: removed here, in this window, before anything was sent/);
    expect(sentToInspect.length).toBeGreaterThan(0);
    for (const body of sentToInspect) {
      expect(body).not.toMatch(/PRIVATE KEY/);
      expect(body).toContain('BEGIN CERTIFICATE');
    }
    expect(readFileSync(gpi, 'utf8')).toMatch(/PRIVATE KEY/); // the file itself is untouched
    for (const [field, id] of [['subject', 'info-subject'], ['issuer', 'info-issuer'], ['identity', 'info-identity'], ['type', 'info-type'], ['strength', 'info-strength']] as const) {
      expect(await text(id, card)).toBe(real[field]);
    }
    const v = page.getByTestId('inspect-verification');
    expect(await v.getAttribute('data-valid')).toBe('true');
    expect(await text('verify-identity', v)).toBe(real.identity);
    await scanBothThemes('tools-inspect');
  });

  it('a certificate from an unknown CA is shown, and the verifier says why it is not valid', async () => {
    const stranger = createGridCa({ rootSubject: '/C=US/O=Elsewhere/CN=Elsewhere Root CA', rootPatterns: ['/C=US/O=Elsewhere/*'] });
    try {
      const c = stranger.issue('someone', { subject: '/C=US/O=Elsewhere/CN=Some One' });
      await page.getByTestId('inspect-file-input').setInputFiles(c.certFile);
      await expect.poll(() => text('info-subject', page.getByTestId('inspect-card')), { timeout: 15_000 }).toBe('/C=US/O=Elsewhere/CN=Some One');
      const v = page.getByTestId('inspect-verification');
      expect(await v.getAttribute('data-valid')).toBe('false');
      expect((await v.getByTestId('verify-errors').textContent()) ?? '').not.toBe('');
      expect(await page.getByTestId('inspect-note').count()).toBe(0);
      await scanBothThemes('tools-inspect-invalid');
    } finally {
      stranger.cleanup();
    }
  });

  it('makes a PUSP from a robot certificate: identity = robot DN + CN=user:<id>, verified by openssl', async () => {
    const out = path.join(root, 'pusp-alice');
    const panel = page.getByTestId('tools-pusp');
    await panel.getByTestId('pusp-cert').fill(robot.certFile);
    await panel.getByTestId('pusp-key').fill(robot.keyFile);
    await panel.getByTestId('pusp-user').fill('alice');
    await panel.getByTestId('pusp-out').fill(out);
    await panel.getByTestId('pusp-make').click();
    await panel.getByTestId('pusp-result').waitFor();
    const identity = '/C=US/O=OSG Onboard Test/OU=Robot/CN=Robot: Science Gateway/CN=user:alice';
    expect(await text('pusp-identity', panel)).toBe(identity);
    expect(await text('pusp-robot', panel)).toBe(robot.subject);
    expect(await text('pusp-robot-check', panel)).toMatch(/follows the IGTF “Robot:” naming convention/);
    expect(await panel.getByTestId('pusp-verification').getAttribute('data-valid')).toBe('true');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(run('openssl', ['verify', '-allow_proxy_certs', '-CApath', trustDir, '-untrusted', out, out]).trim()).toBe(`${out}: OK`);
    const real = gridProxyInfo(out);
    expect(real.subject).toBe(identity);
    expect(real.identity).toBe(robot.subject); // grid tools strip every proxy CN: the relying service maps PUSPs
    await scanBothThemes('tools-pusp');
    keepForReadme(path.join(shots, 'tools-pusp-light.png'), 'tools.png');
  });

  it('refuses a certificate that is not a robot certificate, with the reason; with force it warns and makes it', async () => {
    const panel = page.getByTestId('tools-pusp');
    await panel.getByTestId('pusp-cert').fill(user.certFile);
    await panel.getByTestId('pusp-key').fill(user.keyFile);
    await panel.getByTestId('pusp-out').fill(path.join(root, 'pusp-forced'));
    await panel.getByTestId('pusp-make').click();
    const refusal = panel.locator('[data-error-code="PUSP_NOT_ROBOT"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/\/C=US\/O=OSG Onboard Test\/CN=Ada Tester is not a robot certificate/);
    expect(await refusal.textContent()).toMatch(/Robot/);
    expect(existsSync(path.join(root, 'pusp-forced'))).toBe(false);
    await scanBothThemes('tools-pusp-refused');
    await panel.getByTestId('pusp-force').check();
    await panel.getByTestId('pusp-force-warning').waitFor();
    await panel.getByTestId('pusp-make').click();
    await expect.poll(() => text('pusp-identity', panel), { timeout: 30_000 }).toBe('/C=US/O=OSG Onboard Test/CN=Ada Tester/CN=user:alice');
    expect(await text('pusp-robot-check', panel)).toMatch(/Robot/);
    await scanBothThemes('tools-pusp-forced');
  });
});

describe('Next steps from the certificate the Request step stored (sandbox CA, passphrase typed)', () => {
  const KEY_PASSPHRASE = 'Quartz-lantern 58 river';
  let subject: string;

  const call = <T>(nameOf: string, input: unknown): Promise<T> => callOnboard<T>(page, nameOf, input);

  it('Protect (ask), Trust, Request through their procedures; the sponsor approves on the sandbox page', async () => {
    await call('protectChoose', { mode: 'ask' });
    await call('trustInstall', { targets: ['app', 'x509'] });
    const preview = await call<{ policy: { sha256: string } }>('requestPreview', { name: 'Grace Hopper', email: 'grace@example.edu' });
    const started = await call<{ requestId?: string; sponsorUrl?: string; state: string }>('requestStart', {
      name: 'Grace Hopper', email: 'grace@example.edu', keyBits: 2048, agree: true, policySha256: preview.policy.sha256, keyPassphrase: KEY_PASSPHRASE,
    });
    expect(started.state).toBe('waiting');
    await approveOnSponsorPage(s.browser, started.sponsorUrl!, started.requestId!);
    await expect.poll(async () => (await call<{ state: string }>('requestStatus', {})).state, { timeout: 90_000, interval: 500 }).toBe('issued');
    subject = (await call<{ certificate: { subject: string } }>('requestStatus', {})).certificate.subject;
  });

  it('the stored certificate is offered first; its passphrase, typed in this session, is not asked again', async () => {
    await page.reload();
    await page.getByTestId('area-journey').click();
    await page.getByTestId('step-nextSteps').click();
    await page.getByTestId('source-app').waitFor();
    expect(await page.getByTestId('source-app').isChecked()).toBe(true);
    expect(await page.getByTestId('proxy-passphrase').count()).toBe(0);
    await page.getByTestId('make-proxy').click();
    const card = page.getByTestId('proxy-card');
    await expect.poll(() => text('info-identity', card), { timeout: 30_000 }).toBe(subject);
    expect(await page.getByTestId('proxy-verification').getAttribute('data-valid')).toBe('true');
    expect(run('openssl', ['verify', '-allow_proxy_certs', '-CApath', trustDir, '-untrusted', proxyFile, proxyFile]).trim()).toBe(`${proxyFile}: OK`);
    expect(gridProxyInfo(proxyFile).identity).toBe(subject);
    expect(statSync(proxyFile).mode & 0o777).toBe(0o600);
  });

  it('after a restart the passphrase is asked for (the field appears only then), and a wrong one is refused', async () => {
    await s.restart();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.app.url.replace(/\/$/, '') });
    await page.goto(s.app.openUrl);
    await page.getByTestId('step-nextSteps').click();
    await page.getByTestId('source-app').waitFor();
    expect(await page.getByTestId('source-app').isChecked()).toBe(true);
    const before = readFileSync(proxyFile, 'utf8');
    await page.getByTestId('proxy-passphrase').fill('wrong passphrase');
    await page.getByTestId('make-proxy').click();
    await page.locator('[data-error-code="KEY_PASSPHRASE_WRONG"]').waitFor();
    expect(readFileSync(proxyFile, 'utf8')).toBe(before);
    await scanBothThemes('next-steps-app-passphrase');
    await page.getByTestId('proxy-passphrase').fill(KEY_PASSPHRASE);
    await page.getByTestId('make-proxy').click();
    await expect.poll(() => readFileSync(proxyFile, 'utf8') !== before, { timeout: 30_000 }).toBe(true);
    await expect.poll(() => text('info-identity', page.getByTestId('proxy-card')), { timeout: 30_000 }).toBe(subject);
    expect(run('openssl', ['verify', '-allow_proxy_certs', '-CApath', trustDir, '-untrusted', proxyFile, proxyFile]).trim()).toBe(`${proxyFile}: OK`);
  });
});
