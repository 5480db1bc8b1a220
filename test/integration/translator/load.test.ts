// `osg-onboard translator serve` as its own process (robot key on a SoftHSM2 token) under a
// bounded load: 16 concurrent loopback clients, at most LOAD_MAX requests or LOAD_SECONDS.
// Checks correctness under load (no errors, no duplicate serials or keys, bounded memory),
// then SIGTERM while requests are in flight: they finish, the process exits 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseConfig, createFixture, get, pemBlocksOf, writeConfig, type Answer, type Fixture } from './fixture';

const CLIENTS = 16;
const LOAD_MAX = 400;
const LOAD_SECONDS = 30;
const ROOT = path.resolve(__dirname, '../../..');

let fx: Fixture;
let dir: string;
let server: ChildProcess | undefined;
let stderr = '';
let url = '';
let exitCode: number | null | undefined;

beforeAll(async () => {
  fx = createFixture();
  dir = mkdtempSync(path.join(os.tmpdir(), 'osg-translator-load-'));
  const cfg = baseConfig(fx, dir, { keys: { poolSize: 32, workers: 2 }, shutdownGraceSeconds: 30 });
  const file = writeConfig(path.join(dir, 'translator.json'), cfg);
  server = spawn(process.execPath, [path.join(ROOT, 'build/bin/osg-onboard.mjs'), 'translator', 'serve', '--config', file], {
    env: fx.hsm.env({ OSG_ONBOARD_FROM_SOURCE: '1' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  server.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  server.on('exit', (code) => (exitCode = code));
  const end = Date.now() + 60_000;
  while (!url) {
    if (Date.now() > end || exitCode !== undefined) throw new Error(`the translator did not start:\n${stderr}`);
    url = stderr.match(/"msg":"translator listening","url":"([^"]+)"/)?.[1] ?? '';
    await new Promise((r) => setTimeout(r, 50));
  }
}, 120_000);

afterAll(() => {
  if (server?.pid && exitCode === undefined) process.kill(server.pid, 'SIGKILL');
  fx?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function health(): Promise<{ inFlight: number; memory: { rss: number; heapUsed: number }; keyPool: { available: number } }> {
  return JSON.parse((await get(`${url}/health`, { ca: fx.caPem })).body);
}

describe('translator serve under load (16 concurrent clients, bounded)', () => {
  it('no errors, no duplicate serials or keys, memory growth bounded', async () => {
    const fill = Date.now() + 60_000;
    while ((await health()).keyPool.available < 32 && Date.now() < fill) await new Promise((r) => setTimeout(r, 200));
    const id = fx.robotIdOracle;
    const answers: Answer[] = [];
    const errors: string[] = [];
    let issued = 0;
    const ask = (agent: https.Agent, n: number) => get(`${url}/eTokenServer/eToken/${id}?proxy-renewal=false&disable-voms-proxy=true&rfc-proxy=true&cn-label=user:load-${n}`, { ca: fx.caPem, agent });
    // Warm-up, then the memory baseline.
    const warm = new https.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 8; i++) answers.push(await ask(warm, i));
    warm.destroy();
    const before = (await health()).memory;
    const deadline = Date.now() + LOAD_SECONDS * 1000;
    let next = 8;
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (next < LOAD_MAX && Date.now() < deadline) {
          const n = next++;
          try {
            const r = await ask(agent, n);
            answers.push(r);
            if (r.status !== 200) errors.push(`${r.status} ${r.body}`);
            else issued++;
          } catch (e) {
            errors.push((e as Error).message);
          }
        }
      } finally {
        agent.destroy();
      }
    }));
    const after = (await health()).memory;
    expect(errors).toEqual([]);
    expect(issued).toBeGreaterThanOrEqual(CLIENTS);
    const serials = new Set<string>();
    const keys = new Set<string>();
    for (const a of answers) {
      const [cert, key] = pemBlocksOf(a.body);
      serials.add(new X509Certificate(cert.text).serialNumber);
      keys.add(createHash('sha256').update(createPublicKey(createPrivateKey(key.text)).export({ type: 'spki', format: 'der' })).digest('hex'));
    }
    expect(serials.size).toBe(answers.length);
    expect(keys.size).toBe(answers.length);
    const audit = readFileSync(path.join(dir, 'audit', 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const auditedSerials = audit.filter((l) => l.event === 'issued').map((l) => BigInt(l.serial).toString(16).padStart(16, '0').toUpperCase());
    expect(new Set(auditedSerials).size).toBe(answers.length);
    for (const s of serials) expect(auditedSerials).toContain(s.padStart(16, '0'));
    // Memory: a few hundred proxies must not grow the service by more than a small bound.
    const mb = (n: number) => n / 1024 / 1024;
    console.log(`load: ${answers.length} PUSPs; rss ${mb(before.rss).toFixed(0)} → ${mb(after.rss).toFixed(0)} MB, heap ${mb(before.heapUsed).toFixed(0)} → ${mb(after.heapUsed).toFixed(0)} MB`);
    expect(mb(after.heapUsed - before.heapUsed)).toBeLessThan(48);
    expect(mb(after.rss - before.rss)).toBeLessThan(128);
  }, 180_000);

  it('SIGTERM: in-flight requests finish, the token session closes, the process exits 0', async () => {
    const id = fx.robotIdOracle;
    // Drain the pool so requests wait for key generation and stay in flight.
    const pending = Array.from({ length: 24 }, (_, i) =>
      get(`${url}/eTokenServer/eToken/${id}?disable-voms-proxy=true&rfc-proxy=true&cn-label=user:term-${i}`, { ca: fx.caPem }).then(
        (r) => r.status,
        () => 'refused',
      ));
    const end = Date.now() + 30_000;
    let h = await health();
    while (h.inFlight < 4 && Date.now() < end) h = await health();
    expect(h.inFlight).toBeGreaterThanOrEqual(4);
    process.kill(server!.pid!, 'SIGTERM');
    const results = await Promise.all(pending);
    const ok = results.filter((r) => r === 200).length;
    expect(ok).toBeGreaterThanOrEqual(h.inFlight);
    expect(results.every((r) => r === 200 || r === 503 || r === 'refused')).toBe(true);
    const exitEnd = Date.now() + 30_000;
    while (exitCode === undefined && Date.now() < exitEnd) await new Promise((r) => setTimeout(r, 50));
    expect(exitCode).toBe(0);
    expect(stderr).toMatch(/"msg":"translator stopped"/);
    const issued = readFileSync(path.join(dir, 'audit', 'audit.log'), 'utf8').split('\n').filter((l) => l.includes('"cnLabel":"user:term-')).length;
    expect(issued).toBe(ok);
  }, 120_000);
});
