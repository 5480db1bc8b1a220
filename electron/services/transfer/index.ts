/**
 * Transfer service (Upload step): the credential files onto a submit host over SSH/SFTP,
 * with host-key trust on first use. Plain Node; the UI passes callbacks for the host-key
 * dialog, keyboard-interactive prompts and progress, and an AbortSignal for Cancel.
 */
import os from 'node:os';
import path from 'node:path';
import { uploadToSubmitHost, type UploadOptions } from './upload';
import type { KnownHostsConfig } from './known-hosts';
import type { UploadResult } from './types';

export type * from './types';
export type { KnownHostsConfig, KnownHostEntry, HostKeyVerdict } from './known-hosts';
export type { UploadOptions } from './upload';
export type { VerifyMode } from './file-transfer';
export { uploadToSubmitHost, modeText, OPENSSL_CHECK } from './upload';
export { connectSubmitHost, parsePrivateKey, type ConnectOptions, type SshSession } from './connect';
export { parseKnownHosts, hostFieldMatches, hashedHostField, entriesForHost, judgeHostKey, rememberHostKey, readKnownHostsFile } from './known-hosts';
export { sha256Fingerprint, keyBlobType, keyTypeLabel, knownHostsName, changedHostKeyWarning, describeHostKey } from './host-key';

export interface TransferServiceDeps {
  /** The app's data folder: its `known_hosts` holds the host keys the user accepted. */
  readonly dataDir: string;
  /** The user's home: `~/.ssh/known_hosts` is read (never written). */
  readonly homeDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
  /** Also read the system-wide `/etc/ssh/ssh_known_hosts` (default true). */
  readonly systemKnownHosts?: boolean;
}

/** The known-hosts files the app reads, and the one it writes. */
export function defaultKnownHosts(deps: TransferServiceDeps): KnownHostsConfig {
  const home = deps.homeDir ?? os.homedir();
  const userFiles = [path.join(home, '.ssh', 'known_hosts'), path.join(home, '.ssh', 'known_hosts2')];
  if (deps.systemKnownHosts !== false) userFiles.push('/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2');
  return { userFiles, appFile: path.join(deps.dataDir, 'known_hosts') };
}

export interface TransferService {
  readonly knownHosts: KnownHostsConfig;
  upload(options: Omit<UploadOptions, 'knownHosts' | 'env' | 'now'> & Partial<Pick<UploadOptions, 'knownHosts'>>): Promise<UploadResult>;
}

export function createTransferService(deps: TransferServiceDeps): TransferService {
  const knownHosts = defaultKnownHosts(deps);
  return {
    knownHosts,
    upload: (options) => uploadToSubmitHost({ knownHosts, env: deps.env, now: deps.now, ...options }),
  };
}
