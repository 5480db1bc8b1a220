// `osg-onboard proxy init|info|verify` and `pusp create`: as a real process (from source) and
// in-process through the CLI's main(), with files checked by openssl and grid-proxy-info.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { findCommand, main } from '../../../electron/cli';
import { proxyCommands } from '../../../electron/cli/commands/proxy-commands';
import { createGridCa, type GridCa, type IssuedCert } from '../../helpers/grid-ca';
import { IGTF_ROBOT_POLICY_OID, pemBlocks, pemEncode } from '../../../electron/services/proxy';
import { gridProxyInfo, opensslVerify } from './tools';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
let ca: GridCa;
let user: IssuedCert;
let robot: IssuedCert;
let encryptedKey = '';

async function cli(argv: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (b) => (out += b));
  const stderr = new PassThrough().on('data', (b) => (err += b));
  const code = await main(argv, { stdin: Readable.from([opts.stdin ?? '']), stdout, stderr, env: { ...ca.env(), ...opts.env } });
  return { code, out, err };
}

beforeAll(() => {
  ca = createGridCa();
  user = ca.issue('user', { subject: '/C=US/O=OSG Onboard Test/OU=Fête/CN=Zoë Müller' });
  robot = ca.issue('robot', { subject: '/C=US/O=OSG Onboard Test/CN=Robot: Gateway', extraExtensions: [`certificatePolicies=${IGTF_ROBOT_POLICY_OID}`] });
  encryptedKey = path.join(ca.dir, 'userkey.pem');
  spawnSync('openssl', ['pkcs8', '-topk8', '-in', user.keyFile, '-out', encryptedKey, '-v2', 'aes-256-cbc', '-passout', 'pass:Grid pass phrase ü'], { encoding: 'utf8' });
}, 60_000);

afterAll(() => ca?.cleanup());

describe('osg-onboard proxy', () => {
  it('proxy init (a real process, from source) reads an encrypted userkey.pem with --pwstdin and writes a 0600 proxy openssl accepts', () => {
    const out = path.join(ca.dir, 'x509up_test');
    const r = spawnSync(process.execPath, [path.join(root, 'build/bin/osg-onboard.mjs'), 'proxy', 'init', '--cert', user.certFile, '--key', encryptedKey, '--out', out, '--pwstdin', '--hours', '3', '--json'], {
      input: 'Grid pass phrase ü\n',
      env: { ...ca.env(), OSG_ONBOARD_FROM_SOURCE: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.identity).toBe('/C=US/O=OSG Onboard Test/OU=Fête/CN=Zoë Müller');
    expect(Date.parse(json.notAfter) - Date.now()).toBeGreaterThan(2.9 * 3600_000);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(opensslVerify(ca.trustDir, out, ca.env()).ok).toBe(true);
    expect(gridProxyInfo(out, ca.env()).info.identity).toBe('/C=US/O=OSG Onboard Test/OU=F\\xC3\\xAAte/CN=Zo\\xC3\\xAB M\\xC3\\xBCller');
  });

  it('proxy init writes to $X509_USER_PROXY by default and refuses a wrong pass phrase', async () => {
    const out = path.join(ca.dir, 'from-env');
    const ok = await cli(['proxy', 'init', '--cert', user.certFile, '--key', encryptedKey, '--pwstdin', '--limited'], { stdin: 'Grid pass phrase ü\n', env: { X509_USER_PROXY: out } });
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(`Proxy written to ${out}`);
    const bad = await cli(['proxy', 'init', '--cert', user.certFile, '--key', encryptedKey, '--pwstdin', '--out', path.join(ca.dir, 'never')], { stdin: 'wrong\n' });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('passphrase for the private key');
    // A proxy given as --cert signs a proxy of itself (its key is in the file); the identity stays the user's.
    const pp = path.join(ca.dir, 'proxy-of-proxy');
    const full = await cli(['proxy', 'init', '--cert', out, '--out', pp]);
    expect(full.code).toBe(1);
    expect(full.err).toContain('limited proxy, which can only sign limited proxies');
    const again = await cli(['proxy', 'init', '--cert', out, '--out', pp, '--json', '--limited']);
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out).identity).toBe('/C=US/O=OSG Onboard Test/OU=Fête/CN=Zoë Müller');
    expect(opensslVerify(ca.trustDir, pp, ca.env()).ok).toBe(true);
    const badBits = await cli(['proxy', 'init', '--bits', '1024']);
    expect(badBits.code).toBe(2);
  });

  it('proxy info shows the voms-proxy-info fields; --json gives the same as data', async () => {
    const file = path.join(ca.dir, 'from-env');
    const text = await cli(['proxy', 'info', '--file', file, '--all']);
    expect(text.code).toBe(0);
    expect(text.out).toContain('identity  : /C=US/O=OSG Onboard Test/OU=Fête/CN=Zoë Müller\n');
    expect(text.out).toContain('type      : RFC 3820 compliant limited proxy\n');
    expect(text.out).toContain('key usage : Digital Signature, Key Encipherment, Data Encipherment\n');
    const json = JSON.parse((await cli(['proxy', 'info', '--file', file, '--json'])).out);
    expect(json).toMatchObject({ type: 'RFC compliant proxy', strength: 2048, limited: true });
    const missing = await cli(['proxy', 'info', '--file', path.join(ca.dir, 'nothing-here')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('There is no proxy at');
  });

  it('proxy verify says OK with the identity, and FAILED with the reason for a tampered file', async () => {
    const file = path.join(ca.dir, 'from-env');
    const ok = await cli(['proxy', 'verify', '--file', file, '--ca-dir', ca.trustDir]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('Verification OK');
    const pem = readFileSync(file, 'utf8');
    const [leaf] = pemBlocks(pem);
    const der = Buffer.from(leaf.der);
    der[der.length - 7] ^= 2;
    const bad = path.join(ca.dir, 'tampered');
    writeFileSync(bad, pem.replace(leaf.text, pemEncode('CERTIFICATE', der)), { mode: 0o600 });
    const r = await cli(['proxy', 'verify', '--file', bad, '--ca-dir', ca.trustDir, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).errors.map((e: { code: string }) => e.code)).toContain('BAD_SIGNATURE');
    // Default trust folder comes from $X509_CERT_DIR.
    expect((await cli(['proxy', 'verify', '--file', file])).code).toBe(0);
  });
});

describe('osg-onboard pusp create', () => {
  it('makes a PUSP + session proxy; pseudonyms are stable, keep the id out, and the secret file is 0600', async () => {
    const secret = path.join(ca.dir, 'pusp-secret');
    const runs = [];
    for (const n of [1, 2]) {
      const out = path.join(ca.dir, `pusp-${n}.pem`);
      const r = await cli(['pusp', 'create', '--robot-cert', robot.certFile, '--robot-key', robot.keyFile, '--user', 'alice@example.org', '--pseudonym', '--secret-file', secret, '--session', '--hours', '2', '--out', out, '--json']);
      expect(r.code, r.err + r.out).toBe(0);
      runs.push(JSON.parse(r.out));
      expect(opensslVerify(ca.trustDir, out, ca.env()).ok).toBe(true);
      const v = await cli(['proxy', 'verify', '--file', out, '--json']);
      expect(JSON.parse(v.out).identity).toBe(runs[runs.length - 1].identity);
    }
    expect(runs[0].identity).toBe(runs[1].identity);
    expect(runs[0].identity).toMatch(/^\/C=US\/O=OSG Onboard Test\/CN=Robot: Gateway\/CN=user:[a-z]{28}$/);
    expect(runs[0].identity).not.toContain('alice');
    expect(runs[0].subject).not.toBe(runs[1].subject); // fresh session proxies
    expect(statSync(secret).mode & 0o777).toBe(0o600);
  });

  it('refuses a user certificate as the robot unless --force, and requires --out', async () => {
    const out = path.join(ca.dir, 'not-robot.pem');
    const r = await cli(['pusp', 'create', '--robot-cert', user.certFile, '--robot-key', encryptedKey, '--user', 'bob', '--out', out, '--pwstdin'], { stdin: 'Grid pass phrase ü\n' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('is not a robot certificate');
    const forced = await cli(['pusp', 'create', '--robot-cert', user.certFile, '--robot-key', encryptedKey, '--user', 'bob', '--out', out, '--pwstdin', '--force'], { stdin: 'Grid pass phrase ü\n' });
    expect(forced.code, forced.err).toBe(0);
    expect(forced.err).toContain('Warning: forced');
    const noOut = await cli(['pusp', 'create', '--robot-cert', robot.certFile, '--robot-key', robot.keyFile, '--user', 'bob']);
    expect(noOut.code).toBe(2);
  });
});

describe('the bundled launcher (out/cli, as users run it)', () => {
  it('the proxy entry and the full CLI pick the same command for every proxy command line', () => {
    for (const c of proxyCommands) expect(findCommand([...c.words, '--json'])).toBe(c);
    expect(findCommand(['proxy', 'nonsense'])).toBeUndefined();
  });

  it('runs proxy commands from the one-file proxy entry, everything else from the full CLI', () => {
    // Bundle into a temp tree with the launcher beside it, as build/bin + out/cli ship.
    const tree = path.join(ca.dir, 'bundled');
    mkdirSync(path.join(tree, 'build', 'bin'), { recursive: true });
    copyFileSync(path.join(root, 'build/bin/osg-onboard.mjs'), path.join(tree, 'build/bin/osg-onboard.mjs'));
    const b = spawnSync(process.execPath, [path.join(root, 'build/scripts/bundle-cli.mjs'), '--out-root', tree], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(b.status, b.stderr).toBe(0);
    const launcher = path.join(tree, 'build/bin/osg-onboard.mjs');
    const env = { ...ca.env() };
    delete env.OSG_ONBOARD_FROM_SOURCE;
    const run = (args: string[], input = '') => spawnSync(process.execPath, [launcher, ...args], { input, env, encoding: 'utf8', timeout: 60_000 });

    const out = path.join(ca.dir, 'x509up_bundled');
    const init = () => run(['proxy', 'init', '--cert', user.certFile, '--key', encryptedKey, '--out', out, '--pwstdin', '--json'], 'Grid pass phrase ü\n');
    let r = init();
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(JSON.parse(r.stdout).identity).toBe('/C=US/O=OSG Onboard Test/OU=Fête/CN=Zoë Müller');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(opensslVerify(ca.trustDir, out, ca.env()).ok).toBe(true);
    r = run(['proxy', 'init', '--cert', user.certFile, '--key', encryptedKey, '--out', path.join(ca.dir, 'never-bundled'), '--pwstdin'], 'wrong\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('passphrase for the private key');
    r = run(['proxy', 'init', '--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(proxyUsage('init'));
    r = run(['proxy', 'init', '--help']);
    expect(r.stdout).toContain(proxyUsage('init'));
    // Words the proxy entry does not know fall through to the full CLI.
    r = run(['proxy', 'nonsense']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/proxy nonsense/);

    // With the full CLI made unloadable, proxy commands still run: they never touched it.
    writeFileSync(path.join(tree, 'out/cli/index.mjs'), "throw new Error('the full CLI was loaded');\n");
    r = init();
    expect(r.status, r.stderr).toBe(0);
    r = run(['proxy', 'info', '--file', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).identity).toBe('/C=US/O=OSG Onboard Test/OU=Fête/CN=Zoë Müller');
    r = run(['--version']);
    expect(r.stderr).toContain('the full CLI was loaded');
  }, 180_000);
});

function proxyUsage(sub: string): string {
  return proxyCommands.find((c) => c.words[1] === sub)!.usage;
}
