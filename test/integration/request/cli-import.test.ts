// `osg-onboard request import | renew` as a user runs them (separate processes from source, a
// temp data folder and HOME, no keychain so passphrases come on stdin): a wrong password fails
// with its message and stores nothing; a .p12 and the ~/.globus pair import; renew goes to the
// real sandbox CA (simplereenroll, authenticated by the imported certificate) and lists the old one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeWorld, runCli, type World } from './setup';
import { globusPair, opensslP12, sandboxUser, type UserMaterial } from './import-fixtures';

let world: World;
let ada: UserMaterial;
const P12_PW = 'Copper kettle 9 horizon';
const KEY_PW = 'maple thunder quiet 64';

const cli = (args: string[], stdin = '') => runCli(world, args, stdin);

beforeAll(async () => {
  world = makeWorld('request-cli-import');
  mkdirSync(world.home, { recursive: true });
  const app = world.open();
  await app.vo.choose('sandbox');
  await world.trustSandbox(app);
  ada = await sandboxUser(app.sandbox, path.join(world.root, 'ada'), 'Ada Lovelace S654321');
  await app.close();
  opensslP12(ada, path.join(world.home, 'usercred.p12'), P12_PW);
  globusPair(ada, path.join(world.home, '.globus'), KEY_PW);
});

afterAll(() => world?.dispose());

describe('osg-onboard request import / renew', () => {
  it('needs exactly one source', () => {
    const r = cli(['request', 'import']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('--p12 FILE or --globus');
  });

  it('a wrong password fails with its message and stores nothing', () => {
    const r = cli(['request', 'import', '--p12', path.join(world.home, 'usercred.p12'), '--pwstdin'], `wrong password\n${KEY_PW}\n`);
    expect(r.code).toBe(1);
    expect(r.err).toContain('The password for usercred.p12 is not right');
    expect(existsSync(path.join(world.dataDir, 'credentials'))).toBe(false);
  });

  it('imports the .p12 (typed key passphrase on stdin), then the ~/.globus pair; the first is listed as previous', () => {
    const a = cli(['request', 'import', '--p12', path.join(world.home, 'usercred.p12'), '--pwstdin', '--json'], `${P12_PW}\n${KEY_PW}\n`);
    expect(a.code, a.err).toBe(0);
    expect(a.json()).toMatchObject({ state: 'issued', origin: 'import', importedFrom: 'usercred.p12', keyProtection: 'typed', subject: ada.subject });
    const b = cli(['request', 'import', '--globus', '--pwstdin'], `${KEY_PW}\n${KEY_PW}\n`);
    expect(b.code, b.err).toBe(0);
    expect(b.out).toContain('from:        ~/.globus');
    expect(b.out).not.toContain('undefined');
    expect(b.out).toMatch(/previous: {4}serial [0-9A-F]+, import, valid until/);
    const j = JSON.parse(readFileSync(path.join(world.dataDir, 'journal.json'), 'utf8'));
    expect(j.steps.request).toMatchObject({ status: 'done', summary: 'imported from ~/.globus' });
  });

  it('renews against the sandbox CA: new serial and key, same subject, the old one listed as kept', () => {
    const before = cli(['request', 'status', '--json']).json();
    const r = cli(['request', 'renew', '--pwstdin', '--json'], `${KEY_PW}\n`);
    expect(r.code, r.err).toBe(0);
    const s = r.json();
    expect(s).toMatchObject({ state: 'issued', origin: 'renewal', subject: ada.subject, renewOf: { credentialId: before.credentialId } });
    expect(s.certificate.serial).not.toBe(before.certificate.serial);
    expect(s.publicKeyFingerprint).not.toBe(before.publicKeyFingerprint);
    expect(s.previous[0]).toMatchObject({ credentialId: before.credentialId, serial: before.certificate.serial });
    const text = cli(['request', 'status']);
    expect(text.out).toContain(`valid until: ${s.certificate.notAfter}`);
  });
});
