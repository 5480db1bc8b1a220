// One app's worth of services for the Request and Back up tests: a temp data folder and home,
// the real journal, VO service, sandbox (its CA is a real EST server on 127.0.0.1) and trust
// service. "Restart" makes new service objects over the same folders, as a new app process would.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../../helpers/web-app';
import { Journal } from '../../../electron/services/journal/journal';
import { VoService } from '../../../electron/services/vo/vo-service';
import { KeyProtection } from '../../../electron/services/request/key-protection';
import { RequestService } from '../../../electron/services/request/request-service';
import { BackupService } from '../../../electron/services/backup/backup-service';
import { TrustService } from '../../../electron/services/trust';
import { SessionSecretStore } from '../../../electron/services/keychain/session-store';
import type { SecretStore } from '../../../electron/services/keychain/secret-store';
import { Sandbox } from '../../../electron/sandbox';
import { OnboardError } from '../../../shared/errors';

export interface Progress {
  task: string;
  fraction: number | null;
  label: string;
}

/** A keychain that is not there (as on a machine with no Secret Service). */
export class NoKeychain implements SecretStore {
  readonly backend = 'Secret Service (test: none)';
  private fail(): never {
    throw new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: this.backend, detail: 'no D-Bus session' });
  }
  async get(): Promise<string | null> {
    return this.fail();
  }
  async set(): Promise<void> {
    this.fail();
  }
  async delete(): Promise<boolean> {
    return this.fail();
  }
}

export interface App {
  readonly journal: Journal;
  readonly vo: VoService;
  readonly sandbox: Sandbox;
  readonly keys: KeyProtection;
  readonly request: RequestService;
  readonly backup: BackupService;
  readonly events: Progress[];
  close(): Promise<void>;
}

export interface World {
  readonly root: string;
  readonly dataDir: string;
  readonly home: string;
  /** The keychain shared by every "process" of this world (a real in-memory SecretStore). */
  readonly keychain: SecretStore;
  open(opts?: { keychain?: SecretStore; now?: () => Date }): App;
  trustSandbox(app: App): Promise<void>;
  dispose(): void;
}

export function makeWorld(prefix: string): World {
  const root = mkdtempSync(path.join(os.tmpdir(), `osg-${prefix}-`));
  const dataDir = path.join(root, 'data');
  const home = path.join(root, 'home');
  const keychain = new SessionSecretStore();
  return {
    root,
    dataDir,
    home,
    keychain,
    open(opts = {}) {
      const now = opts.now ?? (() => new Date());
      const events: Progress[] = [];
      const journal = new Journal(dataDir, now);
      const vo = new VoService({ environment: 'sandbox', journal, now });
      const sandbox = new Sandbox({ dataDir, now });
      const store = opts.keychain ?? keychain;
      const keys = new KeyProtection({ dataDir, journal, now, keychain: () => store });
      const emit = (_e: string, p: unknown) => events.push(p as Progress);
      const request = new RequestService({
        context: { dataDir, now, emit: emit as never, homeDir: home },
        journal,
        vo,
        sandbox,
        keys,
        poll: { minDelaySeconds: 0.05, maxDelaySeconds: 0.2, unreachableRetries: 1 },
      });
      const backup = new BackupService({
        homeDir: home,
        journal,
        keys,
        now,
        emit: (task, fraction, label) => events.push({ task, fraction, label }),
        env: process.env,
      });
      return {
        journal,
        vo,
        sandbox,
        keys,
        request,
        backup,
        events,
        close: async () => {
          await request.dispose();
          await sandbox.close();
        },
      };
    },
    async trustSandbox(app) {
      const trust = new TrustService({ dataDir, homeDir: home, runtimeBundles: async () => [await app.sandbox.trustBundle()] });
      const report = await trust.install({ bundle: 'sandbox', targets: ['app'] });
      if (report.results.some((r) => r.status === 'failed')) throw new Error(JSON.stringify(report.results));
    },
    dispose() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Polls `check` every 50 ms until it returns a value (bounded by `ms`). */
export async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `osg-onboard …` from source, as a real process on the world's data folder and HOME (no keychain, no session bus). */
export function runCli(world: World, args: string[], stdin = '') {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'build', 'bin', 'osg-onboard.mjs'), ...args], {
    cwd: ROOT,
    input: stdin,
    encoding: 'utf8',
    timeout: 90_000,
    env: {
      ...process.env,
      OSG_ONBOARD_FROM_SOURCE: '1',
      OSG_ONBOARD_DATA: world.dataDir,
      HOME: world.home,
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(world.root, 'no-bus')}`,
      X509_CERT_DIR: '',
    },
  });
  return { code: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
}
