import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServices, createDispatcher } from '../../../electron/services';
import { parseVoDirectory, customVoToEntry } from '../../../electron/services/vo/vo-service';
import bundled from '../../../electron/services/vo/vo-directory.json';
import { OnboardError } from '../../../shared/errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-vo-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('VO directory', () => {
  it('the bundled directory is valid, with the sandbox VO first', async () => {
    const s = createServices({ shell: 'cli', dataDir: dir, environment: 'sandbox' });
    const vos = await s.vo.list();
    expect(vos[0].name).toBe('sandbox');
    expect(vos[0].sandbox).toBe(true);
    expect(parseVoDirectory(bundled, 'bundled').vos.length).toBe(vos.length);
  });

  it('lists real VOs, each citing a public source', () => {
    const real = parseVoDirectory(bundled, 'bundled').vos.filter((v) => !v.sandbox);
    expect(real.length).toBeGreaterThanOrEqual(8);
    expect(real.map((v) => v.name)).toEqual(expect.arrayContaining(['osg', 'fermilab', 'cms', 'atlas', 'dteam']));
    for (const vo of real) {
      expect(vo.sources.length, vo.name).toBeGreaterThan(0);
    }
  });

  it('hides the sandbox VO in production', async () => {
    const s = createServices({ shell: 'cli', dataDir: dir, environment: 'production' });
    expect((await s.vo.list()).some((v) => v.sandbox)).toBe(false);
  });

  it('a malformed directory names the field', () => {
    const bad = structuredClone(bundled) as { vos: { vomsServers: { port: unknown }[] }[] };
    bad.vos[0].vomsServers = [{ host: 'voms.example.org', port: 99999, dn: '/CN=x' } as never];
    try {
      parseVoDirectory(bad, 'vo.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OnboardError);
      expect((e as OnboardError).code).toBe('VO_DIRECTORY_INVALID');
      expect((e as OnboardError).message).toContain('vos[0].vomsServers[0].port');
    }
  });

  it('a directory file that is not JSON gets a clear error', async () => {
    const f = path.join(dir, 'vo.json');
    writeFileSync(f, '{ nope');
    const s = createServices({ shell: 'cli', dataDir: dir, voDirectoryFile: f });
    await expect(s.vo.list()).rejects.toMatchObject({ code: 'VO_DIRECTORY_INVALID' });
  });

  it('searches by name and description, all words', async () => {
    const s = createServices({ shell: 'cli', dataDir: dir, environment: 'sandbox' });
    expect((await s.vo.list('SANDBOX practice')).map((v) => v.name)).toEqual(['sandbox']);
    expect(await s.vo.list('no-such-vo-anywhere')).toEqual([]);
  });

  it('choice survives a restart (new services over the same data folder)', async () => {
    const a = createServices({ shell: 'cli', dataDir: dir });
    await a.vo.choose('sandbox');
    const b = createServices({ shell: 'cli', dataDir: dir });
    expect((await b.vo.current())?.vo.name).toBe('sandbox');
  });
});

describe('custom VO', () => {
  const good = {
    name: 'myvo',
    registrationKind: 'voms-admin' as const,
    registrationUrl: 'https://voms.example.org:8443/voms/myvo',
    vomsHost: 'voms.example.org',
    vomsPort: 15001,
    vomsDn: '/DC=org/DC=example/CN=voms.example.org',
  };

  it('is stored, listed and choosable', async () => {
    const s = createServices({ shell: 'cli', dataDir: dir });
    await s.vo.addCustom(good);
    const vos = await s.vo.list();
    expect(vos[1]).toMatchObject({ name: 'myvo', custom: true });
    expect((await s.vo.choose('myvo')).vo.vomsServers[0].port).toBe(15001);
  });

  it.each([
    [{ registrationUrl: 'http://voms.example.org' }, 'registrationUrl'],
    [{ vomsHost: 'https://voms.example.org' }, 'vomsHost'],
    [{ vomsPort: 70000 }, 'vomsPort'],
    [{ vomsDn: 'not a dn' }, 'vomsDn'],
    [{ name: 'My VO!' }, 'name'],
    [{ vomsDn: undefined }, 'vomsDn'],
  ])('refuses %j naming the field', (patch, field) => {
    try {
      customVoToEntry({ ...good, ...patch });
      expect.unreachable();
    } catch (e) {
      expect((e as OnboardError).code).toBe('VO_CUSTOM_INVALID');
      expect((e as OnboardError).details?.field).toBe(field);
    }
  });

  it('through the dispatcher, bad input comes back as a typed error, not a throw', async () => {
    const s = createServices({ shell: 'cli', dataDir: dir });
    const call = createDispatcher(s.handlers);
    const r = await call('voAddCustom', { ...good, vomsPort: 'abc' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toContain('vomsPort');
      expect(r.error.hint.length).toBeGreaterThan(5);
    }
    const unknown = await call('readAnyKeychainEntry', {});
    expect(unknown.ok === false && unknown.error.code).toBe('UNKNOWN_PROCEDURE');
  });
});
