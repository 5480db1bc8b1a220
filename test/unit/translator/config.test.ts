import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTranslatorConfig, parseTranslatorConfig } from '../../../electron/translator/config';
import { OnboardError } from '../../../shared/errors';

const minimal = () => ({
  tls: { cert: 'tls.pem', key: 'tls.key' },
  allowedClients: ['192.0.2.0/24'],
  audit: { file: 'audit.log' },
  robots: [{ certFile: 'robot.pem', key: { pkcs11: { module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 't', keyLabel: 'k', pinFile: 'pin' } } }],
});

function fieldOf(raw: unknown): string | undefined {
  try {
    parseTranslatorConfig(raw, '/etc/x');
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(OnboardError);
    expect((e as OnboardError).code).toBe('TRANSLATOR_CONFIG_INVALID');
    return String((e as OnboardError).details?.field);
  }
}

describe('translator configuration', () => {
  it('fills the original’s defaults and resolves paths against the configuration folder', () => {
    const c = parseTranslatorConfig(minimal(), '/etc/x');
    expect(c.listen).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(c.lifetimes).toEqual({ proxyHours: 24, cacheMinRemainingHours: 20 });
    expect(c.keys).toMatchObject({ type: 'rsa', allowed: ['rsa'], bits: 2048, poolSize: 64 });
    expect(c.tls.cert).toBe('/etc/x/tls.pem');
    expect(c.audit.file).toBe('/etc/x/audit.log');
    const k = c.robots[0].key;
    expect('pkcs11' in k && k.pkcs11.pinFile).toBe('/etc/x/pin');
    expect('pkcs11' in k && k.pkcs11.module).toBe('/usr/lib/softhsm/libsofthsm2.so');
  });

  it('names the field that is wrong', () => {
    expect(fieldOf({ ...minimal(), allowedClients: ['10.0.0.0/33'] })).toBe('allowedClients.0');
    expect(fieldOf({ ...minimal(), allowedClients: ['host.example.org'] })).toBe('allowedClients.0');
    expect(fieldOf({ ...minimal(), allowedClients: [] })).toBe('allowedClients');
    expect(fieldOf({ ...minimal(), listen: { port: 70000 } })).toBe('listen.port');
    expect(fieldOf({ ...minimal(), keys: { bits: 1024 } })).toBe('keys.bits');
    expect(fieldOf({ ...minimal(), keys: { type: 'ec' } })).toBe('keys.type');
    expect(fieldOf({ ...minimal(), tls: undefined })).toBe('tls');
    expect(fieldOf({ ...minimal(), extra: 1 })).toBe('(top level)');
    const r = minimal();
    expect(fieldOf({ ...r, robots: [{ ...r.robots[0], key: { pkcs11: { module: 'm', pinFile: 'p', keyLabel: 'k' } } }] })).toMatch(/^robots\.0\.key/);
    expect(fieldOf({ ...r, robots: [{ ...r.robots[0], key: { pkcs11: { module: 'm', pinFile: 'p', keyId: 'xyz', slot: 0 } } }] })).toMatch(/^robots\.0\.key/);
    expect(fieldOf({ ...r, robots: [{ certFile: 'c', key: { file: 'k', passphraseFile: 'a', passphraseKeychain: 'b' } }] })).toMatch(/^robots\.0\.key/);
  });

  it('says when the file is missing or not JSON', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-tr-cfg-'));
    expect(() => loadTranslatorConfig(path.join(dir, 'none.json'))).toThrow(/does not exist/);
    writeFileSync(path.join(dir, 'bad.json'), '{ nope');
    expect(() => loadTranslatorConfig(path.join(dir, 'bad.json'))).toThrow(/not valid JSON/);
    writeFileSync(path.join(dir, 'ok.json'), JSON.stringify(minimal()));
    expect(loadTranslatorConfig(path.join(dir, 'ok.json')).tls.key).toBe(path.join(dir, 'tls.key'));
  });
});
