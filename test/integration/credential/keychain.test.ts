// keytar against a real gnome-keyring-daemon on a private D-Bus session (test/helpers/keyring.ts).
// keytar's code runs in child processes that get the bus address in their environment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestBus, type TestBus } from '../../helpers/keyring';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVICE = 'osg-onboard-test';
let bus: TestBus;
let scratch: string;

interface OpResult {
  ok?: unknown;
  error?: string;
  message?: string;
  hint?: string;
}

/** Runs keychain operations in a child process with `env`; returns one result per op. */
function inChild(env: NodeJS.ProcessEnv, body: string): OpResult[] {
  const file = path.join(scratch, `child-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(
    file,
    `import { KeytarSecretStore, openSecretStore } from ${JSON.stringify(path.join(repo, 'electron/services/keychain/index.ts'))};
import * as credential from ${JSON.stringify(path.join(repo, 'electron/services/credential/index.ts'))};
const out: unknown[] = [];
const store = new KeytarSecretStore({ service: ${JSON.stringify(SERVICE)}, timeoutMs: 10000 });
async function op(fn: () => Promise<unknown>) {
  try { out.push({ ok: (await fn()) ?? null }); }
  catch (e: any) { out.push({ error: e?.code ?? 'NOT_TYPED', message: e?.message, hint: e?.hint }); }
}
void credential; void openSecretStore;
${body}
console.log(JSON.stringify(out));
`,
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: repo, env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as OpResult[];
}

function secretTool(args: string[], input?: string) {
  return spawnSync('secret-tool', args, { env: bus.env, input, encoding: 'utf8', timeout: 20_000 });
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'osg-keychain-test-'));
  bus = await startTestBus();
  await bus.startKeyring({ unlockPassword: 'keyring-login-pw' });
});
afterAll(async () => {
  await bus?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('keytar store against GNOME Keyring', () => {
  it('stores, reads and deletes a secret that secret-tool also sees', () => {
    const r = inChild(bus.env, `
      await op(() => store.set('credential:abc', 'pässwörd 😀 long-random'));
      await op(() => store.get('credential:abc'));
      await op(() => store.get('credential:none'));`);
    expect(r).toEqual([{ ok: null }, { ok: 'pässwörd 😀 long-random' }, { ok: null }]);
    // The real libsecret client finds it under service/account attributes.
    const look = secretTool(['lookup', 'service', SERVICE, 'account', 'credential:abc']);
    expect(look.stdout).toBe('pässwörd 😀 long-random');
    // And a secret stored by secret-tool (under keytar's schema name) reads back through keytar.
    const stored = secretTool(['store', '--label=x', 'xdg:schema', 'org.freedesktop.Secret.Generic', 'service', SERVICE, 'account', 'from-secret-tool'], 'typed elsewhere');
    expect(stored.status).toBe(0);
    const d = inChild(bus.env, `
      await op(() => store.get('from-secret-tool'));
      await op(() => store.delete('credential:abc'));
      await op(() => store.delete('credential:abc'));
      await op(() => store.get('credential:abc'));`);
    expect(d).toEqual([{ ok: 'typed elsewhere' }, { ok: true }, { ok: false }, { ok: null }]);
    expect(secretTool(['lookup', 'service', SERVICE, 'account', 'credential:abc']).stdout).toBe('');
  });

  it('keeps a pending key’s passphrase across app restarts and keyring restarts', async () => {
    const dataDir = path.join(scratch, 'data');
    const made = inChild(bus.env, `
      const key = await credential.generateRsaKey();
      const s = new credential.CredentialStore({ dataDir: ${JSON.stringify(dataDir)}, secrets: store });
      await op(async () => { const r = await s.create({ key }); return [r.id, r.publicKeyFingerprint, r.passphrase]; });`);
    const [id, fingerprint, kind] = made[0].ok as string[];
    expect(kind).toBe('keychain');
    await bus.stopKeyring();
    await bus.startKeyring({ unlockPassword: 'keyring-login-pw' });
    const opened = inChild(bus.env, `
      const s = new credential.CredentialStore({ dataDir: ${JSON.stringify(dataDir)}, secrets: store });
      await op(async () => credential.publicKeyFingerprint(await s.unlockKey(${JSON.stringify(id)})));`);
    expect(opened).toEqual([{ ok: fingerprint }]);
  });

  it('gives KEYCHAIN_UNAVAILABLE for a locked keyring, and openSecretStore falls back to typing', async () => {
    await bus.stopKeyring();
    await bus.startKeyring(); // not unlocked: the login keyring exists but is locked
    try {
      const r = inChild(bus.env, `
        await op(() => store.set('credential:locked', 'x'));
        await op(async () => { const o = await openSecretStore({ service: ${JSON.stringify(SERVICE)}, timeoutMs: 10000 }); return [o.store.backend, o.fallback?.code]; });`);
      expect(r[0].error).toBe('KEYCHAIN_UNAVAILABLE');
      expect(r[0].message).toMatch(/locked/);
      expect(r[0].hint).toMatch(/type the passphrase each time/);
      expect(r[1].ok).toEqual([expect.stringMatching(/session/), 'KEYCHAIN_UNAVAILABLE']);
    } finally {
      await bus.stopKeyring();
      await bus.startKeyring({ unlockPassword: 'keyring-login-pw' });
    }
  });

  it('gives KEYCHAIN_UNAVAILABLE when no keyring service runs, or there is no session bus at all', async () => {
    const bare = await startTestBus(); // a bus with nothing on it
    try {
      const noService = inChild(bare.env, `await op(() => store.get('x'));`);
      expect(noService[0].error).toBe('KEYCHAIN_UNAVAILABLE');
      expect(noService[0].message).toMatch(/no keyring service/);
    } finally {
      await bare.stop();
    }
    const noBus = inChild({ ...bus.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(scratch, 'no-such-socket')}` }, `await op(() => store.set('x', 'y'));`);
    expect(noBus[0].error).toBe('KEYCHAIN_UNAVAILABLE');
    expect(noBus[0].message).toMatch(/no desktop session bus/);
  });
});
