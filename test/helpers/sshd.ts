/**
 * A real OpenSSH sshd for integration tests: `/usr/sbin/sshd -D -e -f <own config>` on
 * 127.0.0.1, its own host keys (ssh-keygen), `UsePAM yes`, and a dedicated local account made
 * for the test (useradd, a temp home, a real password set with chpasswd, an authorized key).
 *
 * Needs root (privilege separation, switching to the test account, PAM reading shadow) —
 * CI runs as root; elsewhere `sshdUnavailable()` says why and the tests skip. Everything is
 * cleaned up by PID and by name; accounts left by a crashed run are removed on the next start
 * (only `osgt…` accounts whose temp home is gone).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync, chownSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const SSHD = '/usr/sbin/sshd';
const SFTP_SERVER = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server', '/usr/lib/ssh/sftp-server'].find((p) => existsSync(p));
const USER_PREFIX = 'osgt';

/** Why a real sshd cannot run here, or undefined when it can. */
export function sshdUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'the sshd fixture is Linux-only';
  if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server)`;
  if (spawnSync('ssh-keygen', ['-?']).error) return 'ssh-keygen is missing (apt-get install openssh-client)';
  if (process.getuid?.() !== 0) return 'a real sshd that logs in a test account needs root (CI runs as root)';
  for (const tool of ['useradd', 'userdel', 'chpasswd']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is missing`;
  }
  return undefined;
}

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** `SHA256:…` of a public key file, from `ssh-keygen -lf` itself. */
export function sshKeygenFingerprint(pubFile: string): string {
  const out = run('ssh-keygen', ['-lf', pubFile]);
  const m = /(SHA256:[A-Za-z0-9+/]+)/.exec(out);
  if (!m) throw new Error(`ssh-keygen -lf printed: ${out}`);
  return m[1];
}

export function makeKey(file: string, type: 'ed25519' | 'rsa' | 'ecdsa', passphrase = '', comment = 'osg-test'): { path: string; pub: string } {
  const args = ['-q', '-t', type, '-N', passphrase, '-C', comment, '-f', file];
  if (type === 'rsa') args.splice(1, 0, '-b', '2048');
  run('ssh-keygen', args);
  return { path: file, pub: readFileSync(file + '.pub', 'utf8').trim() };
}

/** Pids of every descendant of `pid` (from /proc). */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) if (pp === p) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes what a crashed or killed test run left: `osgt…` accounts whose temp home is gone, or
 * whose fixture's owning test process is dead (its sshd is stopped by the PID it wrote).
 */
function sweepStaleAccounts(): void {
  const passwd = readFileSync('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const [name, , , , , home] = line.split(':');
    if (!name?.startsWith(USER_PREFIX) || !/^[0-9a-f]{8}$/.test(name.slice(USER_PREFIX.length)) || !home) continue;
    const dir = path.dirname(home);
    if (existsSync(home)) {
      const ownerFile = path.join(dir, 'owner.pid');
      const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8').trim()) || 0 : 0;
      if (!owner || alive(owner)) continue;
      const sshdPid = Number(existsSync(path.join(dir, 'sshd.pid')) ? readFileSync(path.join(dir, 'sshd.pid'), 'utf8').trim() : '0');
      if (sshdPid && alive(sshdPid) && readFileSync(`/proc/${sshdPid}/cmdline`, 'utf8').includes(dir)) {
        for (const p of [...descendants(sshdPid), sshdPid]) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // gone
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
    spawnSync('userdel', [name]);
  }
}

export interface SshdOptions {
  /** Extra sshd_config lines (appended after ours). */
  readonly extraConfig?: string;
  /** A second port where `publickey,keyboard-interactive` (key then a PAM prompt) is required. */
  readonly twoFactorPort?: boolean;
}

export interface Sshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly twoFactorPort?: number;
  readonly user: string;
  readonly password: string;
  readonly uid: number;
  readonly gid: number;
  /** The account's home (where `.globus` goes). */
  readonly home: string;
  /** Fixture folder (config, host keys, client keys). */
  readonly dir: string;
  readonly hostKeys: { readonly ed25519: HostKeyFile; readonly rsa: HostKeyFile };
  /** An authorized key without passphrase, and one with. */
  readonly clientKey: { readonly path: string; readonly pub: string };
  readonly clientKeyWithPassphrase: { readonly path: string; readonly pub: string; readonly passphrase: string };
  readonly pid: number;
  log(): string;
  /** SIGKILLs every process under the listener (the sessions); returns how many. */
  killSessions(): number;
  /** Runs a command as the test account (for setups such as a read-only .globus). */
  asUser(command: string): string;
  stop(): Promise<void>;
}

export interface HostKeyFile {
  readonly path: string;
  readonly pub: string;
  /** From `ssh-keygen -lf`. */
  readonly fingerprint: string;
}

export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  const why = sshdUnavailable();
  if (why) throw new Error(why);
  sweepStaleAccounts();
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 }); // privilege separation dir, normally made by the service unit

  const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-sshd-'));
  chmodSync(dir, 0o755); // the account must traverse to its home
  writeFileSync(path.join(dir, 'owner.pid'), `${process.pid}\n`);
  const user = USER_PREFIX + randomBytes(4).toString('hex');
  const home = path.join(dir, 'home');
  const password = 'pw-' + randomBytes(9).toString('base64url');
  const cleanups: (() => void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  let child: ChildProcess | undefined;
  try {
    run('useradd', ['--no-create-home', '--home-dir', home, '--shell', '/bin/sh', '--user-group', user]);
    cleanups.unshift(() => spawnSync('userdel', [user]));
    run('chpasswd', [], `${user}:${password}\n`);
    const uid = Number(run('id', ['-u', user]).trim());
    const gid = Number(run('id', ['-g', user]).trim());

    const ed = makeKey(path.join(dir, 'ssh_host_ed25519_key'), 'ed25519', '', 'host');
    const rsa = makeKey(path.join(dir, 'ssh_host_rsa_key'), 'rsa', '', 'host');
    const clientKey = makeKey(path.join(dir, 'client_ed25519'), 'ed25519');
    const pass = 'key-pass-' + randomBytes(4).toString('hex');
    const clientKeyWithPassphrase = { ...makeKey(path.join(dir, 'client_rsa_pp'), 'rsa', pass), passphrase: pass };

    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(home, '.ssh', 'authorized_keys'), `${clientKey.pub}\n${clientKeyWithPassphrase.pub}\n`, { mode: 0o600 });
    for (const p of [home, path.join(home, '.ssh'), path.join(home, '.ssh', 'authorized_keys')]) chownSync(p, uid, gid);
    chmodSync(home, 0o700);

    const port = await freePort();
    const twoFactorPort = options.twoFactorPort ? await freePort() : undefined;
    const config = [
      `Port ${port}`,
      ...(twoFactorPort ? [`Port ${twoFactorPort}`] : []),
      'ListenAddress 127.0.0.1',
      `HostKey ${ed.path}`,
      `HostKey ${rsa.path}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'UsePAM yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication yes',
      'PubkeyAuthentication yes',
      'AuthorizedKeysFile .ssh/authorized_keys',
      `AllowUsers ${user}`,
      'PermitRootLogin no',
      'X11Forwarding no',
      'AllowTcpForwarding no',
      'AllowAgentForwarding no',
      'PrintMotd no',
      'LogLevel VERBOSE',
      `Subsystem sftp ${SFTP_SERVER ?? 'internal-sftp'}`,
      options.extraConfig ?? '',
      ...(twoFactorPort ? [`Match LocalPort ${twoFactorPort}`, '  AuthenticationMethods publickey,keyboard-interactive'] : []),
      '',
    ].join('\n');
    const configFile = path.join(dir, 'sshd_config');
    writeFileSync(configFile, config);
    run(SSHD, ['-t', '-f', configFile]);

    let log = '';
    const proc = spawn(SSHD, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr!.on('data', (d: Buffer) => {
      if (log.length < 4_000_000) log += d.toString('utf8');
    });
    await new Promise<void>((resolve, reject) => {
      const onData = () => {
        if (log.includes(`Server listening on 127.0.0.1 port ${port}.`) && (!twoFactorPort || log.includes(`port ${twoFactorPort}.`))) {
          proc.stderr!.off('data', onData);
          proc.off('exit', onExit);
          resolve();
        }
      };
      const onExit = (code: number | null) => reject(new Error(`sshd exited (${code}) before listening:\n${log}`));
      proc.stderr!.on('data', onData);
      proc.once('exit', onExit);
      onData();
    });
    const pid = proc.pid!;

    const stop = async () => {
      for (const p of descendants(pid)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise<void>((r) => proc.once('exit', () => r()));
        proc.kill('SIGTERM');
        await exited;
      }
      for (const c of cleanups) c();
    };

    return {
      host: '127.0.0.1',
      port,
      twoFactorPort,
      user,
      password,
      uid,
      gid,
      home,
      dir,
      hostKeys: {
        ed25519: { ...ed, fingerprint: sshKeygenFingerprint(ed.path + '.pub') },
        rsa: { ...rsa, fingerprint: sshKeygenFingerprint(rsa.path + '.pub') },
      },
      clientKey,
      clientKeyWithPassphrase,
      pid,
      log: () => log,
      killSessions: () => {
        const kids = descendants(pid);
        for (const p of kids) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        return kids.length;
      },
      asUser: (command: string) => run('setpriv', ['--reuid', String(uid), '--regid', String(gid), '--init-groups', 'sh', '-c', command]),
      stop,
    };
  } catch (e) {
    child?.kill('SIGKILL');
    for (const c of cleanups) c();
    throw e;
  }
}

export interface SshAgent {
  readonly socket: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** A private `ssh-agent -D` on its own socket, holding the given keys (`ssh-add`). */
export async function startSshAgent(keys: readonly string[]): Promise<SshAgent> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-agent-'));
  const socket = path.join(dir, 'agent.sock');
  const proc = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // ssh-agent prints its environment once the socket is bound.
    await new Promise<void>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('SSH_AUTH_SOCK')) resolve();
      });
      proc.once('exit', (c) => reject(new Error(`ssh-agent exited (${c})`)));
    });
    for (const k of keys) {
      const r = spawnSync('ssh-add', [k], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ssh-add ${k}: ${r.stderr}`);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { socket, pid: proc.pid!, stop };
}
