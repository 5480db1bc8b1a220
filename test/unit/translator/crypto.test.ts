import { describe, expect, it } from 'vitest';
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ecdsaRawToDer } from '../../../electron/translator/pkcs11-signer';
import { createKeyPool } from '../../../electron/translator/key-pool';
import { openAuditLog } from '../../../electron/translator/audit-log';
import { robotId } from '../../../electron/translator/robots';
import { parseCertificate } from '../../../electron/services/proxy';

describe('ECDSA raw r||s → DER', () => {
  it('gives signatures Node verifies (leading zeros and high bits included)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 64; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = ecdsaRawToDer(raw);
      expect(verify('sha256', data, publicKey, der)).toBe(true);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
    }
  });
});

describe('key pool (worker_threads)', () => {
  it('hands out distinct fresh RSA keys, refills, and waits when empty', async () => {
    const pool = createKeyPool({ bits: 2048, size: 2, workers: 1 });
    try {
      await pool.filled();
      expect(pool.stats()).toMatchObject({ available: 2, size: 2, workers: 1 });
      const keys = await Promise.all([pool.take(), pool.take(), pool.take()]);
      const spkis = keys.map((k) => createHash('sha256').update(createPublicKey(k).export({ type: 'spki', format: 'der' })).digest('hex'));
      expect(new Set(spkis).size).toBe(3);
      expect(keys.every((k) => k.asymmetricKeyType === 'rsa' && k.asymmetricKeyDetails?.modulusLength === 2048)).toBe(true);
      expect(pool.stats().handedOut).toBe(3);
    } finally {
      await pool.close();
    }
    await expect(pool.take()).rejects.toThrow(/closed/);
  }, 60_000);
});

describe('key pool while the service is busy', () => {
  it('tops up only to the low-water mark while requests are served, then fills on resume()', async () => {
    let busy = true;
    const pool = createKeyPool({ bits: 2048, size: 4, lowWater: 2, workers: 1, busy: () => busy });
    try {
      await pool.filled(2);
      expect(pool.stats()).toMatchObject({ available: 2, generating: 0 });
      await pool.take();
      await pool.filled(2); // below the mark again: one more is made, then it stops
      expect(pool.stats()).toMatchObject({ available: 2, generating: 0 });
      busy = false;
      pool.resume();
      await pool.filled(4);
      expect(pool.stats().available).toBe(4);
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('audit log', () => {
  it('writes one JSON line per record, 0600, rotates by size and keeps `keep` files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-tr-audit-'));
    const file = path.join(dir, 'sub', 'audit.log');
    const log = await openAuditLog({ file, maxBytes: 1024, keep: 2, now: () => new Date('2026-01-01T00:00:00Z') });
    for (let i = 0; i < 40; i++) await log.write({ event: 'refused', client: '192.0.2.1', status: 403, reason: `r${i}` });
    await log.close();
    expect(readdirSync(path.dirname(file)).sort()).toEqual(['audit.log', 'audit.log.1', 'audit.log.2']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const all = ['audit.log.2', 'audit.log.1', 'audit.log'].flatMap((f) => readFileSync(path.join(dir, 'sub', f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l));
    expect(all.at(-1)).toEqual({ time: '2026-01-01T00:00:00.000Z', event: 'refused', client: '192.0.2.1', status: 403, reason: 'r39' });
    expect(all.map((r) => r.reason)).toEqual(Array.from({ length: all.length }, (_, i) => `r${40 - all.length + i}`));
    for (const f of ['audit.log.1', 'audit.log.2']) expect(statSync(path.join(dir, 'sub', f)).size).toBeLessThanOrEqual(1024);
    await expect(log.write({ event: 'refused', client: 'x', status: 1, reason: 'y' })).rejects.toThrow(/closed/);
  });

  it('a burst of concurrent records: each resolves once its own line is in the file, none lost, order kept, rotation bound kept', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-tr-audit-'));
    const file = path.join(dir, 'audit.log');
    const log = await openAuditLog({ file, maxBytes: 4096, keep: 50, now: () => new Date('2026-01-01T00:00:00Z') });
    const read = () => readdirSync(dir).filter((f) => f.startsWith('audit.log')).flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n')).filter(Boolean);
    const writes = Array.from({ length: 300 }, (_, i) =>
      log.write({ event: 'refused', client: '192.0.2.1', status: 429, reason: `b${i}` }).then(() => read().some((l) => l.includes(`"b${i}"`))),
    );
    expect((await Promise.all(writes)).every(Boolean)).toBe(true);
    await log.close();
    const files = readdirSync(dir).filter((f) => f.startsWith('audit.log.')).sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()));
    const lines = [...files, 'audit.log'].flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l).reason);
    expect(lines).toEqual(Array.from({ length: 300 }, (_, i) => `b${i}`));
    for (const f of files) expect(statSync(path.join(dir, f)).size).toBeLessThanOrEqual(4096);
  });
});

describe('robot id', () => {
  it('is the MD5 hex of the slash-form subject', () => {
    // A fixed certificate made by openssl: subject /C=IT/O=INFN/OU=Robot/L=Catania/CN=Robot: EGI Training Service
    const pem = readFileSync(path.join(__dirname, 'robot-fixture.pem'), 'utf8');
    const cert = parseCertificate(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    expect(cert.subjectDn).toBe('/C=IT/O=INFN/OU=Robot/L=Catania/CN=Robot: EGI Training Service');
    expect(robotId(cert)).toBe(createHash('md5').update('/C=IT/O=INFN/OU=Robot/L=Catania/CN=Robot: EGI Training Service').digest('hex'));
  });
});
