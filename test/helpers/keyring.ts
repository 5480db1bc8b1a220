// A real GNOME Keyring for tests, on its own D-Bus session bus, in temp dirs: HOME,
// XDG_RUNTIME_DIR, XDG_DATA_HOME point into one temp folder, so the user's keyring is never
// touched. The bus has no service directories, so nothing is auto-started behind our back:
// every process is started here and stopped by PID. keytar reads DBUS_SESSION_BUS_ADDRESS when
// it first connects, so tests run their keytar code in a child process with `env`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestBus {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly address: string;
  /** Starts gnome-keyring-daemon (secrets component) on this bus; unlocked when a password is given. */
  startKeyring(options?: { unlockPassword?: string }): Promise<void>;
  /** Stops the keyring daemon (the bus stays). */
  stopKeyring(): Promise<void>;
  /** Stops everything and removes the temp folder. */
  stop(): Promise<void>;
}

function waitExit(child: ChildProcess, ms = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A private session bus (dbus-daemon --nofork) with an empty keyring home. */
export async function startTestBus(): Promise<TestBus> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'osg-keyring-'));
  const home = path.join(root, 'home');
  const run = path.join(root, 'run');
  const data = path.join(root, 'data');
  for (const d of [home, run, data]) mkdirSync(d, { recursive: true, mode: 0o700 });
  const conf = path.join(root, 'bus.conf');
  writeFileSync(
    conf,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir=${run}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>\n`,
  );
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_RUNTIME_DIR: run,
    XDG_DATA_HOME: data,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    LANG: 'C.UTF-8',
  };
  const bus = spawn('dbus-daemon', ['--config-file', conf, '--nofork', '--print-address=1'], { env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const address = await new Promise<string>((resolve, reject) => {
    bus.once('error', reject);
    let out = '';
    const t = setTimeout(() => reject(new Error('dbus-daemon did not start')), 10_000);
    bus.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(t);
        resolve(line.trim());
      }
    });
    bus.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
  }).catch(async (e) => {
    bus.kill('SIGKILL');
    await waitExit(bus);
    rmSync(root, { recursive: true, force: true });
    throw e;
  });
  const env = { ...baseEnv, DBUS_SESSION_BUS_ADDRESS: address };
  let keyring: ChildProcess | undefined;

  const hasSecrets = () => {
    const r = spawnSync(
      'dbus-send',
      ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'],
      { env, encoding: 'utf8' },
    );
    return r.status === 0 && /boolean true/.test(r.stdout);
  };

  const api: TestBus = {
    root,
    env,
    address,
    async startKeyring(options = {}) {
      const args = ['--foreground', '--components=secrets'];
      if (options.unlockPassword !== undefined) args.push('--unlock');
      keyring = spawn('gnome-keyring-daemon', args, { env, stdio: ['pipe', 'ignore', 'ignore'] });
      if (options.unlockPassword !== undefined) keyring.stdin!.end(options.unlockPassword);
      else keyring.stdin!.end();
      try {
        await until(hasSecrets, 'gnome-keyring-daemon on the bus');
      } catch (e) {
        await api.stopKeyring().catch(() => {});
        throw e;
      }
    },
    async stopKeyring() {
      if (!keyring) return;
      const k = keyring;
      keyring = undefined;
      k.kill('SIGTERM');
      await waitExit(k);
      await until(() => !hasSecrets(), 'gnome-keyring-daemon to leave the bus');
    },
    async stop() {
      await api.stopKeyring();
      bus.kill('SIGTERM');
      await waitExit(bus);
      rmSync(root, { recursive: true, force: true });
    },
  };
  return api;
}
